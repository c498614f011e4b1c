"""Plain pytest for lib/brreg.py, on recorded-shape JSON; the HTTP layer is a fake session, never the network."""

from datetime import date, datetime, timezone
from email.utils import format_datetime

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


# Every way requests can fail is "register unavailable" ---------------------------------------------------------------
def _all_request_errors():
    """Every exception class requests defines (and so may raise), built with a message."""
    found, todo = [], [requests.RequestException]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    errors = []
    for cls in sorted(set(found), key=lambda c: c.__name__):
        try:
            errors.append(cls("boom"))
        except TypeError:
            errors.append(cls("boom", "", 0))  # the JSON decoding errors take (msg, doc, pos)
    return errors


@pytest.mark.parametrize("error", _all_request_errors(), ids=lambda error: type(error).__name__)
def test_every_requests_error_ends_as_unavailable(error):
    api = client(*[error] * 3)
    with pytest.raises(brreg.BrregError) as caught:
        api.get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE
    assert 1 <= len(api.session.calls) <= 3


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.TooManyRedirects("Exceeded 30 redirects."),
        requests.exceptions.InvalidURL("Invalid URL"),
        requests.exceptions.ContentDecodingError("gzip"),
        requests.exceptions.RetryError("max retries"),
        requests.exceptions.InvalidHeader("bad header"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_that_asking_again_does_not_cure_are_not_retried(error):
    waits = []
    session = FakeSession(error, recorded("brreg_unit.json"))
    api = brreg.BrregClient(session=session, sleep=waits.append)
    with pytest.raises(brreg.BrregError) as caught:
        api.get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE
    assert (len(session.calls), waits) == (1, [])


@pytest.mark.parametrize(
    "error",
    [
        requests.ConnectionError("reset"),
        requests.exceptions.ConnectTimeout("connect"),
        requests.exceptions.ReadTimeout("read"),
        requests.exceptions.ChunkedEncodingError("cut off"),
        requests.exceptions.SSLError("handshake"),
        requests.exceptions.ProxyError("proxy"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_passing_network_errors_are_retried(error):
    waits = []
    api = brreg.BrregClient(session=FakeSession(error, recorded("brreg_unit.json")), sleep=waits.append)
    assert api.get_unit("988077917").name == "NORDLYS ELEKTRO AS"
    assert waits == [0.5]


@pytest.mark.parametrize(
    "text",
    ["<html>maintenance</html>", '{"organisasjonsnummer": "98807', ""],
    ids=["html page", "cut off", "empty"],
)
def test_a_body_that_is_not_json_is_unavailable_not_garbage(text):
    with pytest.raises(brreg.BrregError) as caught:
        client(FakeResponse(200, text=text)).get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE


# 429 Too Many Requests and Retry-After ------------------------------------------------------------------------------
NOW = datetime(2026, 3, 2, 12, 0, 0, tzinfo=timezone.utc).timestamp()


def _busy(retry_after=None, status=429):
    return FakeResponse(status, {"status": status}, headers={"Retry-After": retry_after} if retry_after else {})


def _api(*answers, max_wait=5):
    waits = []
    api = brreg.BrregClient(session=FakeSession(*answers), sleep=waits.append, max_wait=max_wait, clock=lambda: NOW)
    return api, waits


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        (format_datetime(datetime(2026, 3, 2, 12, 0, 3, tzinfo=timezone.utc), usegmt=True), 3.0),
        ("Mon, 02 Mar 2026 11:00:00 GMT", 0.0),  # in the past: now
        ("Mon, 02 Mar 2026 12:00:00", None),  # no time zone: not an HTTP date
        ("-5", None),
        ("1.5", None),
        ("²3", None),  # str.isdigit() says yes
        ("٣", None),  # Arabic-Indic three
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(value, seconds):
    assert brreg.parse_retry_after(value, now=NOW) == seconds


def test_429_waits_as_long_as_the_register_asks_then_tries_again():
    api, waits = _api(_busy("2"), recorded("brreg_unit.json"))
    assert api.get_unit("988077917").name == "NORDLYS ELEKTRO AS"
    assert waits == [2.0]


def test_429_with_an_http_date_waits_until_then():
    api, waits = _api(_busy("Mon, 02 Mar 2026 12:00:04 GMT"), recorded("brreg_unit.json"))
    api.get_unit("988077917")
    assert waits == [4.0]


@pytest.mark.parametrize(("retry_after", "waited"), [("4", True), ("5", True), ("6", False)])
def test_a_pause_longer_than_the_cap_is_not_waited_for(retry_after, waited):
    """The cap is 5 s: 4 and 5 are waited for, 6 gives up at once (a person may be waiting for the wizard)."""
    api, waits = _api(_busy(retry_after), recorded("brreg_unit.json"))
    if waited:
        assert api.get_unit("988077917").orgnr == "988077917"
        assert waits == [float(retry_after)]
        return
    with pytest.raises(brreg.BrregError) as caught:
        api.get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE
    assert caught.value.retry_after == 6.0
    assert (waits, len(api.session.calls)) == ([], 1)


def test_the_cap_holds_for_all_pauses_of_one_request_together():
    api, waits = _api(_busy("3"), _busy("3"), recorded("brreg_unit.json"))
    with pytest.raises(brreg.BrregError) as caught:
        api.get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE
    assert (waits, len(api.session.calls)) == ([3.0], 2)


def test_backoff_pauses_are_capped_too():
    api, waits = _api(requests.Timeout("x"), requests.Timeout("x"), recorded("brreg_unit.json"), max_wait=1)
    api.get_unit("988077917")
    assert waits == [0.5, 0.5]


@pytest.mark.parametrize("retry_after", [None, "soon"])
def test_429_without_a_usable_retry_after_backs_off_then_gives_up(retry_after):
    api, waits = _api(_busy(retry_after), _busy(retry_after), _busy(retry_after))
    with pytest.raises(brreg.BrregError) as caught:
        api.get_unit("988077917")
    assert caught.value.kind == brreg.ERROR_UNAVAILABLE
    assert (waits, len(api.session.calls)) == ([0.5, 1.0], 3)


def test_503_with_retry_after_is_honoured_as_well():
    api, waits = _api(_busy("1", status=503), recorded("brreg_unit.json"))
    api.get_unit("988077917")
    assert waits == [1.0]
