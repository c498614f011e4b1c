"""Plain pytest for lib/retention.py: no database, no Odoo environment."""

from datetime import date

import pytest

from odoo.addons.kundekartotek.lib import retention


@pytest.mark.parametrize(
    ("day", "last_month", "last_day", "end"),
    [
        (date(2026, 12, 31), 12, 31, date(2026, 12, 31)),  # the last day belongs to its own year
        (date(2027, 1, 1), 12, 31, date(2027, 12, 31)),  # the day after starts the next one
        (date(2026, 3, 31), 3, 31, date(2026, 3, 31)),  # a fiscal year ending in March
        (date(2026, 4, 1), 3, 31, date(2027, 3, 31)),
        (date(2027, 3, 1), 2, 28, date(2028, 2, 29)),  # ending in February: the 29th in a leap year
        (date(2028, 2, 29), 2, 28, date(2028, 2, 29)),
        (date(2028, 3, 1), 2, 29, date(2029, 2, 28)),  # ... and the 28th in other years
        (date(2026, 6, 30), 6, 31, date(2026, 6, 30)),  # a day that June lacks is its last day
    ],
)
def test_fiscal_year_end(day, last_month, last_day, end):
    assert retention.fiscal_year_end(day, last_month, last_day) == end


@pytest.mark.parametrize(
    ("document", "last_month", "last_day", "until"),
    [
        (date(2026, 12, 31), 12, 31, date(2031, 12, 31)),
        (date(2027, 1, 1), 12, 31, date(2032, 12, 31)),
        (date(2026, 3, 31), 3, 31, date(2031, 3, 31)),
        (date(2026, 4, 1), 3, 31, date(2032, 3, 31)),
        (date(2027, 2, 28), 2, 28, date(2032, 2, 29)),  # five years on, February has a 29th
    ],
)
def test_retention_ends_five_fiscal_years_after_the_document_s_year(document, last_month, last_day, until):
    assert retention.retention_end(document, last_month, last_day) == until


@pytest.mark.parametrize(
    ("today", "running"),
    [(date(2031, 12, 30), True), (date(2031, 12, 31), True), (date(2032, 1, 1), False)],
)
def test_retention_runs_to_and_including_its_last_day(today, running):
    assert retention.retention_running(date(2031, 12, 31), today) is running
    assert retention.retention_running(False, today) is False


@pytest.mark.parametrize(
    ("day", "after"),
    [
        (date(2025, 12, 31), date(2026, 1, 1)),
        (date(2028, 2, 28), date(2028, 2, 29)),
        (date(2026, 6, 30), date(2026, 7, 1)),
    ],
)
def test_first_day_after(day, after):
    assert retention.first_day_after(day) == after
    assert not retention.retention_running(day, after)
    assert retention.retention_running(day, retention.first_day_after(day) - (after - day))
