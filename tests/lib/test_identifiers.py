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
    ],
)
def test_validate_says_why_a_number_is_wrong(number, reason):
    with pytest.raises(identifiers.InvalidIdentifier) as caught:
        identifiers.validate_orgnr(number)
    assert caught.value.reason == reason


def test_format_groups_valid_numbers_and_leaves_others_alone():
    assert identifiers.format_orgnr("988077917") == "988 077 917"
    assert identifiers.format_orgnr("NO988077917MVA") == "988 077 917"
    assert identifiers.format_orgnr("12345") == "12345"
