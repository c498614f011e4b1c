"""Plain pytest for lib/values.py: no database, no Odoo environment."""

import pytest

from odoo.addons.kundekartotek.lib import values


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, True), (7, True), (-1, True), (True, False), (False, False), (None, False), (1.0, False), ("1", False)],
)
def test_is_int(value, expected):
    assert values.is_int(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, True), (2.5, True), (-1, True), (float("inf"), True), (True, False), (None, False), ("1", False)],
)
def test_is_number(value, expected):
    assert values.is_number(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", True),
        ("Fjordvik AS", True),
        (None, True),
        (False, True),
        (True, False),
        (0, False),
        (4711, False),
        (["a"], False),
        ({"name": "a"}, False),
        (b"bytes", False),
    ],
)
def test_is_text_or_empty(value, expected):
    assert values.is_text_or_empty(value) is expected
