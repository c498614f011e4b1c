"""Bookkeeping retention (bokføringsloven § 13): how long a customer's documents must be kept. Pure Python.

Primary documentation is kept five years after the end of the fiscal year it belongs to. A fiscal year is given
as the day and month it ends on each year (Odoo's ``fiscalyear_last_day`` and ``fiscalyear_last_month``); one
that ends on 28 or 29 February ends on the last day of February, the 29th in leap years.
"""

import calendar
from datetime import date, timedelta

RETENTION_YEARS = 5


def _year_end(year, last_month, last_day):
    """The last day of the fiscal year that ends in calendar year ``year``."""
    month_days = calendar.monthrange(year, last_month)[1]
    if last_month == 2 and last_day >= 28:
        return date(year, 2, month_days)
    return date(year, last_month, min(last_day, month_days))


def fiscal_year_end(day, last_month=12, last_day=31):
    """The last day of the fiscal year that holds ``day``."""
    end = _year_end(day.year, last_month, last_day)
    return end if day <= end else _year_end(day.year + 1, last_month, last_day)


def retention_end(document_date, last_month=12, last_day=31, years=RETENTION_YEARS):
    """The last day a document of ``document_date`` must be kept: the end of its fiscal year, ``years`` later.

    Counted in fiscal years rather than as ``date + 5 years``, so that a fiscal year ending in February ends on
    the 29th in a leap year.
    """
    return _year_end(fiscal_year_end(document_date, last_month, last_day).year + years, last_month, last_day)


def retention_running(retention_until, today):
    """Whether documents kept until ``retention_until`` (inclusive) must still be kept on ``today``."""
    return bool(retention_until) and retention_until >= today


def first_day_after(day):
    """The day after ``day``: when a retention that runs until ``day`` (inclusive) has ended."""
    return day + timedelta(days=1)
