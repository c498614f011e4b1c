"""Key figures (nøkkeltall): the arithmetic behind every KPI, once, without Odoo.

The Odoo service (``kundekartotek.kpi``) reads sums from PostgreSQL and hands them to these functions; the
dashboard, the PDF, the workbook and the XML-RPC method all show what they return. Definitions: docs/kpi.md.
A figure that cannot be computed (nothing to divide by) is ``None``, never 0: "no paid invoices" is not "paid at
once".
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

# A relationship's length in years: days / this (a year of the Gregorian calendar on average).
DAYS_PER_YEAR = 365.25
# Relationships shorter than this count as this long (the definition's "at least one year").
MIN_RELATIONSHIP_YEARS = 1.0


def ratio(numerator, denominator):
    """``numerator / denominator``, or ``None`` when the denominator is 0 or either side is unknown."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def previous_period(date_from, date_to):
    """The period of equal length (in days) that ends the day before ``date_from``."""
    if date_to < date_from:
        raise ValueError("date_to before date_from")
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def period_days(date_from, date_to):
    """Days in the period, both ends included."""
    return (date_to - date_from).days + 1


def balance_dates(date_from, date_to):
    """The dates whose receivable balance the turnover averages: the start, then every month-end in the period.

    The start is the balance at the opening of ``date_from`` (everything dated before it), written as the day before;
    a month-end is the balance at the close of that day.
    """
    points = [date_from - timedelta(days=1)]
    year, month = date_from.year, date_from.month
    while True:
        month_end = date(year, month, calendar.monthrange(year, month)[1])
        if month_end > date_to:
            break
        if month_end >= date_from:
            points.append(month_end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


def months(date_from, date_to):
    """The first day of every month the period touches, in order (the revenue chart's bars)."""
    result = []
    year, month = date_from.year, date_from.month
    while date(year, month, 1) <= date_to:
        result.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


@dataclass(frozen=True)
class Settlements:
    """Sums over invoices paid: how many, their days to pay, days × amount, and amount (company currency)."""

    count: int = 0
    days: float = 0.0
    weighted_days: float = 0.0
    amount: float = 0.0

    @classmethod
    def of(cls, settlements):
        """The sums of ``(days, amount)`` pairs, one per invoice."""
        settlements = list(settlements)
        return cls(
            len(settlements),
            sum(days for days, _amount in settlements),
            sum(days * amount for days, amount in settlements),
            sum(amount for _days, amount in settlements),
        )

    @classmethod
    def total(cls, parts):
        parts = list(parts)
        return cls(
            *(sum(getattr(part, name) for part in parts) for name in ("count", "days", "weighted_days", "amount"))
        )


def days_to_pay(settlements):
    """Mean days to pay, plain and weighted by amount, from the ``Settlements`` sums of the invoices paid.

    Returns ``(mean, weighted_mean)``; each is ``None`` without invoices (or without amount, for the weighted one).
    """
    return ratio(settlements.days, settlements.count), ratio(settlements.weighted_days, settlements.amount)


def turnover(revenue, balances):
    """Receivables turnover: revenue / the average of the receivable balances given (start and month-ends)."""
    balances = list(balances)
    return ratio(revenue, ratio(sum(balances), len(balances)))


def dso(days, turnover_value):
    """Days sales outstanding: days in the period / turnover."""
    return ratio(days, turnover_value)


def relationship_years(first, last):
    """A customer's relationship length in years, first to last invoice, at least one year."""
    return max((last - first).days / DAYS_PER_YEAR, MIN_RELATIONSHIP_YEARS)


@dataclass(frozen=True, slots=True)
class Lifetime:
    """One customer's history up to the period's end: all revenue, first and last invoice date.

    ``years`` and ``yearly_revenue`` are worked out once, when made: the key figures make one per customer and
    period (40 000 at 20 000 customers) and read both several times; a cached property cost more than the sums.
    """

    revenue: float
    first: date
    last: date
    years: float = field(init=False)
    yearly_revenue: float = field(init=False)

    def __post_init__(self):
        years = relationship_years(self.first, self.last)
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "yearly_revenue", self.revenue / years)


def lifetime_value(histories):
    """Customer lifetime value over ``{key: Lifetime}``.

    Returns ``(overall, average_yearly_revenue, average_years, per_customer)``: overall = average yearly revenue
    per customer × average relationship length; per customer = its own yearly revenue × expected remaining years
    (the average length less its own so far, never below 0). ``None`` and ``{}`` without customers.
    """
    if not histories:
        return None, None, None, {}
    count = len(histories)
    average_yearly = sum(history.yearly_revenue for history in histories.values()) / count
    average_years = sum(history.years for history in histories.values()) / count
    per_customer = {
        key: history.yearly_revenue * max(average_years - history.years, 0.0) for key, history in histories.items()
    }
    return average_yearly * average_years, average_yearly, average_years, per_customer


def customer_flows(current, previous):
    """New, lost and retained customers from the sets of active customers of this period and the previous one."""
    current, previous = set(current), set(previous)
    return {"new": current - previous, "lost": previous - current, "retained": current & previous}


def change(current, previous):
    """The relative change from the previous period (0.25 = +25 %), ``None`` when there is nothing to compare."""
    if current is None or previous is None:
        return None
    return ratio(current - previous, abs(previous))
