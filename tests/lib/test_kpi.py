"""Plain pytest for lib/kpi.py."""

from datetime import date

import pytest

from odoo.addons.kundekartotek.lib import kpi


def test_ratio_refuses_nothing_to_divide_by():
    assert kpi.ratio(10, 4) == 2.5
    assert kpi.ratio(10, 0) is None
    assert kpi.ratio(None, 4) is None
    assert kpi.ratio(10, None) is None


@pytest.mark.parametrize(
    ("date_from", "date_to", "previous"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 1, 29), date(2026, 2, 28))),  # 31 days back
        (date(2026, 3, 5), date(2026, 3, 5), (date(2026, 3, 4), date(2026, 3, 4))),
    ],
)
def test_previous_period_has_the_same_length(date_from, date_to, previous):
    assert kpi.previous_period(date_from, date_to) == previous
    assert kpi.period_days(*previous) == kpi.period_days(date_from, date_to)


def test_previous_period_refuses_a_reversed_period():
    with pytest.raises(ValueError):
        kpi.previous_period(date(2026, 2, 1), date(2026, 1, 31))


def test_balance_dates_are_the_start_and_the_month_ends_inside():
    assert kpi.balance_dates(date(2026, 1, 1), date(2026, 3, 31)) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    # A month-end one day after the period is out; the start is the opening of the first day.
    assert kpi.balance_dates(date(2026, 1, 15), date(2026, 2, 27)) == [date(2026, 1, 14), date(2026, 1, 31)]
    assert kpi.balance_dates(date(2026, 1, 31), date(2026, 1, 31)) == [date(2026, 1, 30), date(2026, 1, 31)]
    assert kpi.balance_dates(date(2026, 2, 1), date(2026, 2, 27)) == [date(2026, 1, 31)]
    assert kpi.balance_dates(date(2025, 12, 1), date(2026, 1, 31))[-2:] == [date(2025, 12, 31), date(2026, 1, 31)]


def test_months_touched():
    assert kpi.months(date(2025, 11, 15), date(2026, 1, 1)) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]


def test_days_to_pay_plain_and_weighted():
    sums = kpi.Settlements.of([(10, 100.0), (40, 300.0)])
    mean, weighted = kpi.days_to_pay(sums)
    assert mean == 25
    assert weighted == (10 * 100 + 40 * 300) / 400
    assert kpi.days_to_pay(kpi.Settlements()) == (None, None)
    assert kpi.days_to_pay(kpi.Settlements.total([sums, kpi.Settlements.of([(5, 100.0)])])) == (
        55 / 3,
        (10 * 100 + 40 * 300 + 5 * 100) / 500,
    )


def test_turnover_and_dso():
    value = kpi.turnover(1200.0, [100.0, 200.0, 300.0])  # average 200
    assert value == 6
    assert kpi.dso(365, value) == pytest.approx(365 / 6)
    assert kpi.turnover(1200.0, [0.0, 0.0]) is None
    assert kpi.dso(365, None) is None


@pytest.mark.parametrize(
    ("first", "last", "years"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), 1.0),
        (date(2024, 1, 1), date(2026, 1, 1), 731 / 365.25),
        (date(2025, 1, 1), date(2026, 1, 1), 1.0),  # 365 days: just under a year, so one year
        (date(2024, 1, 1), date(2025, 1, 1), 366 / 365.25),  # 366 days: just over
    ],
)
def test_relationship_years_at_least_one(first, last, years):
    assert kpi.relationship_years(first, last) == pytest.approx(years)


def test_lifetime_value_overall_and_per_customer():
    histories = {
        "a": kpi.Lifetime(3000.0, date(2023, 1, 1), date(2026, 1, 1)),  # 1096 days
        "b": kpi.Lifetime(500.0, date(2026, 1, 1), date(2026, 6, 1)),  # one year
    }
    years_a = 1096 / 365.25
    yearly = (3000 / years_a + 500) / 2
    average_years = (years_a + 1) / 2
    overall, average_yearly, years, per_customer = kpi.lifetime_value(histories)
    assert average_yearly == pytest.approx(yearly)
    assert years == pytest.approx(average_years)
    assert overall == pytest.approx(yearly * average_years)
    assert per_customer["a"] == 0  # longer than the average: nothing expected any more
    assert per_customer["b"] == pytest.approx(500 * (average_years - 1))
    assert kpi.lifetime_value({}) == (None, None, None, {})


def test_customer_flows():
    flows = kpi.customer_flows({1, 2, 3}, {3, 4})
    assert flows == {"new": {1, 2}, "lost": {4}, "retained": {3}}


def test_change():
    assert kpi.change(125.0, 100.0) == 0.25
    assert kpi.change(-50.0, -100.0) == 0.5
    assert kpi.change(10.0, 0.0) is None
    assert kpi.change(None, 1.0) is None
