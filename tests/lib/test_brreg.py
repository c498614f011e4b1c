"""Plain pytest for lib/brreg.py, on recorded-shape JSON; the HTTP layer is a fake session, never the network."""

from datetime import date

import pytest
import requests

from odoo.addons.kundekartotek.lib import brreg
from odoo.addons.kundekartotek.tests.brreg_fakes import FakeResponse, FakeSession, client, recorded


def test_unit_is_parsed_into_typed_values():
    api = client(recorded("brreg_unit.json"))
    unit = api.get_unit("988077917")
    assert unit.orgnr == "988077917"
    assert unit.name == "NORDLYS ELEKTRO AS"
    assert (unit.form_code, unit.form_name) == ("AS", "Aksjeselskap")
    assert unit.business_address.street == "Kirkegata 14"
    assert unit.business_address.street2 == ""
    assert (unit.business_address.zip, unit.business_address.city) == ("0153", "OSLO")
    assert unit.postal_address.lines == ("c/o Regnskap AS", "Postboks 1752 Vika")
    assert unit.vat_registered is True
    assert unit.nace_code == "43.210"
    assert unit.employees == 50
    assert unit.is_active and not unit.is_public
    call = api.session.calls[0]
    assert call["url"].endswith("/enheter/988077917")
    assert call["timeout"] == 10
    assert "enhet.v2+json" in call["headers"]["Accept"]


def test_nulls_wrong_types_and_bankruptcy_do_not_crash():
    unit = client(recorded("brreg_unit_bankrupt_nulls.json")).get_unit("926018159")
    assert unit.business_address.lines == ()
    assert unit.business_address.zip == ""
    assert unit.postal_address is None
    assert unit.employees is None  # "mange" is not a number
    assert unit.bankrupt and unit.under_liquidation and not unit.is_active


def test_deleted_unit_answers_200_with_a_deletion_date():
    unit = client(recorded("brreg_unit_deleted.json")).get_unit("883016610")
    assert unit.deleted_on == date(2025, 3, 14)
    assert unit.business_address is None
    assert not unit.is_active


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (FakeResponse(404, {"status": 404}), brreg.ERROR_NOT_FOUND),
        (recorded("brreg_removed_410.json", status=410), brreg.ERROR_REMOVED),
        (FakeResponse(400, {"feilmelding": "Ugyldig organisasjonsnummer"}), brreg.ERROR_BAD_REQUEST),
        (FakeResponse(200, text="<html>maintenance</html>"), brreg.ERROR_GARBAGE),
        (FakeResponse(200, ["a", "list"]), brreg.ERROR_GARBAGE),
        (FakeResponse(200, {"navn": "no number"}), brreg.ERROR_GARBAGE),
        (FakeResponse(302, {}), brreg.ERROR_GARBAGE),
    ],
)
def test_each_failure_has_its_kind(response, kind):
    with pytest.raises(brreg.BrregError) as caught:
        client(response).get_unit("988077917")
    assert caught.value.kind == kind


def test_connection_errors_and_5xx_are_retried_with_backoff():
    waits = []
    session = FakeSession(
        requests.ConnectionError("reset"), FakeResponse(503, {}, text="busy"), recorded("brreg_unit.json")
    )
    api = brreg.BrregClient(session=session, sleep=waits.append, retries=2, backoff=0.5)
    assert api.get_unit("988077917").name == "NORDLYS ELEKTRO AS"
    assert waits == [0.5, 1.0]


def test_timeouts_end_as_unavailable_after_the_retries():
    api = client(requests.Timeout("slow"), requests.Timeout("slow"), requests.Timeout("slow"))
    with pytest.raises(brreg.BrregError) as caught:
        api.get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE
    assert len(api.session.calls) == 3


def test_subunit_uses_its_location_address_and_parent():
    unit = client(recorded("brreg_subunit.json")).get_subunit("974760673")
    assert unit.is_subunit and unit.parent_orgnr == "988077917"
    assert unit.business_address.city == "BERGEN"


def test_search_skips_garbage_items_and_handles_empty_answers():
    units = client(recorded("brreg_search.json")).search("nord")
    assert [u.orgnr for u in units] == ["988077917", "819935181"]
    assert units[1].is_public
    assert client(recorded("brreg_search_empty.json")).search("zzzz") == []


def test_change_feed_continues_after_the_last_seen_id():
    api = client(recorded("brreg_updates.json"))
    updates = api.updates(since_id=1000)
    assert [(u.update_id, u.orgnr, u.change) for u in updates] == [
        (1001, "988077917", "Endring"),
        (1002, "883016610", "Sletting"),
        (1003, "926018159", "Ny"),
    ]
    assert api.session.calls[0]["params"]["oppdateringsid"] == 1001
