"""Plain pytest for lib/identifiers.py: no database, no Odoo environment."""

import pytest

from odoo.addons.kundekartotek.lib import identifiers


@pytest.mark.parametrize(
    ("typed", "compact"),
    [
        ("988077917", "988077917"),
        ("988 077 917", "988077917"),
        ("988-077-917", "988077917"),
        ("NO 988 077 917 MVA", "988077917"),
        ("no988077917mva", "988077917"),
        (" 988.077.917 ", "988077917"),
        ("", ""),
        (None, ""),
    ],
)
def test_compact_accepts_the_forms_people_paste(typed, compact):
    assert identifiers.compact_orgnr(typed) == compact


def test_validate_returns_the_compact_number():
    assert identifiers.validate_orgnr("NO 988 077 917 MVA") == "988077917"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("988077918", identifiers.REASON_CHECKSUM),  # last digit off by one
        ("988077971", identifiers.REASON_CHECKSUM),  # two digits swapped
        ("98807791", identifiers.REASON_LENGTH),
        ("9880779170", identifiers.REASON_LENGTH),
        ("98807791A", identifiers.REASON_CHARACTERS),
        ("ABCDEFGHI", identifiers.REASON_CHARACTERS),
        ("988_077_917", identifiers.REASON_CHARACTERS),
        ("²³8077917", identifiers.REASON_CHARACTERS),  # "²³8077917".isdigit() is True
        ("٩٨٨٠٧٧٩١٧", identifiers.REASON_CHARACTERS),  # 988077917 in Arabic-Indic digits
        ("９８８０７７９１７", identifiers.REASON_CHARACTERS),  # full-width digits
    ],
)
def test_validate_says_why_a_number_is_wrong(number, reason):
    with pytest.raises(identifiers.InvalidIdentifier) as caught:
        identifiers.validate_orgnr(number)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("15108695077", identifiers.REASON_CHECKSUM),
        ("1510869508", identifiers.REASON_LENGTH),  # one digit short
        ("151086950880", identifiers.REASON_LENGTH),  # one digit too many, the first eleven valid
        ("1510869508X", identifiers.REASON_CHARACTERS),
        ("¹⁵10869507⁷", identifiers.REASON_CHARACTERS),
        ("١٥١٠٨٦٩٥٠٧٧", identifiers.REASON_CHARACTERS),
        ("32138695092", identifiers.REASON_DATE),  # 32 December, both check digits right
    ],
)
def test_fodselsnummer_says_why_it_is_wrong(number, reason):
    with pytest.raises(identifiers.InvalidIdentifier) as caught:
        identifiers.validate_fodselsnummer(number)
    assert caught.value.reason == reason


def test_fodselsnummer_valid_and_masked():
    assert identifiers.validate_fodselsnummer("151086 95088") == "15108695088"
    assert identifiers.mask_fodselsnummer("15108695088") == "151086 *****"


def test_mva_number_round_trip():
    assert identifiers.mva_number("988 077 917") == "NO988077917MVA"
    assert identifiers.orgnr_from_mva("NO 988 077 917 MVA") == "988077917"
    assert identifiers.orgnr_from_mva("SE556036079301") is None
    assert identifiers.orgnr_from_mva(False) is None


@pytest.mark.parametrize(
    ("text", "digits"),
    [("0123456789", True), ("7", True), ("", False), ("²", False), ("٣٤٥", False), ("12 3", False), ("1a", False)],
)
def test_is_ascii_digits(text, digits):
    assert identifiers.is_ascii_digits(text) is digits
