"""Plain pytest for lib/numbering.py: no database, no Odoo environment."""

import pytest

from odoo.addons.kundekartotek.lib import numbering


@pytest.mark.parametrize(
    ("pattern", "seq", "values", "number"),
    [
        ("{seq}", 10001, {}, "10001"),
        ("{seq:5}", 7, {}, "00007"),
        ("{seq:2}", 1234, {}, "1234"),
        ("{seq:1}", 3, {}, "3"),  # the narrowest padding allowed
        ("{seq:12}", 42, {}, "000000000042"),  # the widest padding allowed; 13 is refused below
        ("{type}{seq:4}", 1, {"type_letter": "B"}, "B0001"),
        ("{region}-{seq:4}", 1, {"region": "03"}, "03-0001"),
        ("K{yy}/{type}{region}.{seq:3}", 12, {"type_letter": "P", "region": "46", "year": 2026}, "K26/P46.012"),
        ("{year}-{SEQ:3}", 5, {"year": 2026}, "2026-005"),
    ],
)
def test_render(pattern, seq, values, number):
    assert numbering.render(numbering.parse_pattern(pattern), seq, **values) == number


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("", numbering.REASON_EMPTY),
        ("  ", numbering.REASON_EMPTY),
        (None, numbering.REASON_EMPTY),
        ("KUNDE", numbering.REASON_NO_SEQUENCE),
        ("{seq}-{seq}", numbering.REASON_SEVERAL_SEQUENCES),
        ("{kunde}{seq}", numbering.REASON_UNKNOWN_TOKEN),
        ("{}{seq}", numbering.REASON_UNKNOWN_TOKEN),
        ("{seq:0}", numbering.REASON_WIDTH),
        ("{seq:13}", numbering.REASON_WIDTH),
        ("{type:2}{seq}", numbering.REASON_WIDTH),
        ("A B{seq}", numbering.REASON_CHARACTERS),
        ("{seq}}", numbering.REASON_CHARACTERS),
        ("{{seq}", numbering.REASON_CHARACTERS),
        ("{seq:٤}", numbering.REASON_UNKNOWN_TOKEN),  # an Arabic-Indic four is no width
    ],
)
def test_unusable_patterns(pattern, reason):
    with pytest.raises(numbering.InvalidPattern) as caught:
        numbering.parse_pattern(pattern)
    assert caught.value.reason == reason


def test_key_splits_the_series_by_type_region_and_year():
    parts = numbering.parse_pattern("{yy}{type}{region}{seq}")
    assert numbering.key_tokens(parts) == ("type", "region", "year")
    assert numbering.sequence_key(parts, "B", "03", 2026) == "type=B;region=03;year=2026"
    assert numbering.sequence_key(numbering.parse_pattern("{seq:5}"), "B", "03", 2026) == ""
    assert numbering.sequence_key(numbering.parse_pattern("{type}{seq}"), "P", "03", 2026) == "type=P"


@pytest.mark.parametrize(
    ("customer_type", "letter"),
    [("business", "B"), ("private", "P"), ("public", "O"), (False, "B"), (None, "B")],
)
def test_type_letter(customer_type, letter):
    assert numbering.type_letter(customer_type) == letter


@pytest.mark.parametrize(
    ("postcode", "region"),
    [
        ("0150", "03"),  # Oslo sentrum
        ("1169", "03"),  # Oslo
        ("1337", "32"),  # Sandvika, Akershus
        ("1706", "31"),  # Sarpsborg, Østfold
        ("2000", "32"),  # Lillestrøm, Akershus
        ("2317", "34"),  # Hamar, Innlandet
        ("3015", "33"),  # Drammen, Buskerud
        ("3110", "39"),  # Tønsberg, Vestfold
        ("3717", "40"),  # Skien, Telemark
        ("4006", "11"),  # Stavanger, Rogaland
        ("4610", "42"),  # Kristiansand, Agder
        ("5003", "46"),  # Bergen, Vestland
        ("5527", "11"),  # Haugesund, Rogaland
        ("6002", "15"),  # Ålesund, Møre og Romsdal
        ("6800", "46"),  # Førde, Vestland
        ("7010", "50"),  # Trondheim, Trøndelag
        ("8006", "18"),  # Bodø, Nordland
        ("9008", "55"),  # Tromsø, Troms
        ("9600", "56"),  # Hammerfest, Finnmark
        (" 0150 ", "03"),
        ("015", None),
        ("11122", None),
        ("AB12", None),
        ("²³45", None),  # isdigit() says yes; int("²³") fails
        ("٠١٥٠", None),  # 0150 in Arabic-Indic digits
        ("", None),
        (None, None),
    ],
)
def test_region_from_postcode(postcode, region):
    assert numbering.region_from_postcode(postcode) == region
