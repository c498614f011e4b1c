# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Periods and cut-off dates of the review routines (pure Python)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def months_ago(today, months):
    """The cut-off date ``months`` calendar months before ``today`` (31 March - 1 month = 28/29 February)."""
    return today - relativedelta(months=months)


def is_due(last, today, months):
    """Whether ``months`` months or more have passed since ``last`` (a date; ``None`` = never, always due).

    The edge counts as due: confirmed on 2 December 2025 is due on 2 December 2026 with 12 months.
    """
    return last is None or last <= months_ago(today, months)


def month_period(day):
    """(label, first day, day after the last day) of the calendar month holding ``day``: ``2026-11``."""
    first = day.replace(day=1)
    return first.strftime("%Y-%m"), first, first + relativedelta(months=1)


def previous_month(today):
    """The month a monthly review on ``today`` looks at: the one before."""
    return month_period(today.replace(day=1) - timedelta(days=1))


def quarter_period(day):
    """(label, first day, day after the last day) of the quarter holding ``day``: ``2026-Q4``."""
    quarter = (day.month - 1) // 3
    first = date(day.year, quarter * 3 + 1, 1)
    return f"{day.year}-Q{quarter + 1}", first, first + relativedelta(months=3)


def year_period(day):
    """(label, first day, day after the last day) of the calendar year holding ``day``."""
    first = date(day.year, 1, 1)
    return str(day.year), first, date(day.year + 1, 1, 1)
