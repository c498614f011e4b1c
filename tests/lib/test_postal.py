"""Plain pytest for lib/postal.py on a small register file made by the project (Windows-1252, TABs, CRLF)."""

import pathlib

import pytest
import requests

from odoo.addons.kundekartotek.lib import postal

SAMPLE = pathlib.Path(__file__).parent / "data" / "postnummerregister-sample.txt"


def test_register_file_is_decoded_and_parsed():
    codes, rejected = postal.parse_register(SAMPLE.read_bytes())
    by_code = {code.code: code for code in codes}
    assert set(by_code) == {"0001", "0150", "5013", "9008", "0024", "7011"}
    assert by_code["9008"].city == "TROMSØ"  # Windows-1252 Ø
    assert by_code["0150"].municipality_number == "0301"
    assert rejected == [6, 7]


def test_categories_tell_what_a_code_may_be_used_for():
    codes, _rejected = postal.parse_register(SAMPLE.read_bytes())
    by_code = {code.code: code for code in codes}
    assert by_code["0001"].category == postal.CATEGORY_PO_BOXES
    assert by_code["0024"].category == postal.CATEGORY_SERVICE
    assert by_code["9008"].category == "B"  # both street addresses and PO boxes


OSLO = postal.PostalCode("0150", "OSLO", "0301", "OSLO", "G")
PO_BOXES = postal.PostalCode("0001", "OSLO", "0301", "OSLO", "P")
SERVICE = postal.PostalCode("0024", "OSLO", "0301", "OSLO", "S")


def test_check_address_names_what_does_not_fit():
    assert postal.check_address(None, "Oslo", "Karl Johans gate 1") == (postal.REASON_UNKNOWN, None)
    assert postal.check_address(SERVICE, "Oslo", "") == (postal.REASON_SERVICE, None)
    assert postal.check_address(PO_BOXES, "Oslo", "Karl Johans gate 1") == (postal.REASON_PO_BOX_ONLY, None)
    assert postal.check_address(OSLO, "Bergen", "Karl Johans gate 1") == (postal.REASON_CITY, "OSLO")


def test_check_address_accepts_what_fits():
    assert postal.check_address(OSLO, " oslo ", "Karl Johans gate 1") == (None, None)  # case and spaces forgiven
    assert postal.check_address(PO_BOXES, "OSLO", "Postboks 12 Sentrum") == (None, None)
    assert postal.check_address(PO_BOXES, "OSLO", "") == (None, None)  # no street: nothing to refuse
    assert postal.check_address(OSLO, "", "Karl Johans gate 1") == (None, None)  # no town typed yet


def test_po_box_lines():
    for line in ("Postboks 123", "PB 12", "pb. 4", "P.O. Box 5", " po box 9"):
        assert postal.is_po_box(line), line
    for line in ("Pbveien 3", "Postbokshaugen 1", "", None):
        assert not postal.is_po_box(line), line


class _Answer:
    def __init__(self, status, content=b""):
        self.status_code, self.content = status, content

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"HTTP {self.status_code}")


def test_download_returns_the_file_or_says_the_register_is_unavailable():
    assert postal.download_register("https://register", lambda url, timeout: _Answer(200, b"data")) == b"data"
    failures = [
        lambda url, timeout: _Answer(503),
        lambda url, timeout: (_ for _ in ()).throw(requests.Timeout("slow")),
        lambda url, timeout: (_ for _ in ()).throw(requests.ConnectionError("refused")),
    ]
    for get in failures:
        with pytest.raises(postal.RegisterUnavailable):
            postal.download_register("https://register", get)


def test_download_always_has_a_timeout():
    seen = {}

    def get(url, timeout):
        seen["timeout"] = timeout
        return _Answer(200)

    postal.download_register("https://register", get)
    assert 0 < seen["timeout"] <= 60


def test_a_code_in_other_digits_is_rejected():
    codes, rejected = postal.parse_register("²³45\tOSLO\t0301\tOSLO\tG\r\n٠١٥٠\tOSLO\t0301\tOSLO\tG\r\n")
    assert (codes, rejected) == ([], [1, 2])
