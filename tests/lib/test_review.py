"""Plain pytest for lib/review.py: the review routines' periods and cut-off dates."""

from datetime import date

import pytest

from odoo.addons.kundekartotek.lib import review

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (date(2025, 12, 1), True),  # a day more than 12 months ago
        (date(2025, 12, 2), True),  # exactly 12 months: due
        (date(2025, 12, 3), False),  # a day less
        (None, True),  # never confirmed
    ],
)
def test_is_due_at_the_edge(last, due):
    assert review.is_due(last, TODAY, 12) is due


def test_months_ago_keeps_to_the_calendar():
    assert review.months_ago(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert review.months_ago(TODAY, 0) == TODAY


@pytest.mark.parametrize(
    ("day", "label", "first", "end"),
    [
        (date(2026, 11, 1), "2026-11", date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 11, 30), "2026-11", date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 12, 31), "2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
def test_month_period(day, label, first, end):
    assert review.month_period(day) == (label, first, end)


def test_previous_month_crosses_the_year():
    assert review.previous_month(date(2027, 1, 1)) == ("2026-12", date(2026, 12, 1), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("day", "label"),
    [(date(2026, 3, 31), "2026-Q1"), (date(2026, 4, 1), "2026-Q2"), (date(2026, 12, 31), "2026-Q4")],
)
def test_quarter_period(day, label):
    assert review.quarter_period(day)[0] == label


def test_year_period():
    assert review.year_period(TODAY) == ("2026", date(2026, 1, 1), date(2027, 1, 1))
