"""Plain pytest for lib/postal.py on a small register file made by the project (Windows-1252, TABs, CRLF)."""

import pathlib

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
    assert by_code["0001"].po_boxes_only and not by_code["0001"].street_addresses
    assert by_code["0024"].service_only
    assert by_code["9008"].street_addresses and not by_code["9008"].po_boxes_only


def test_a_code_in_other_digits_is_rejected():
    codes, rejected = postal.parse_register("²³45\tOSLO\t0301\tOSLO\tG\r\n٠١٥٠\tOSLO\t0301\tOSLO\tG\r\n")
    assert (codes, rejected) == ([], [1, 2])
