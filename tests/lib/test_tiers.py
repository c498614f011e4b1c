"""Plain pytest for lib/tiers.py: the edges of the ABC ranking and of the payment-class proposal."""

from decimal import Decimal
from fractions import Fraction

import pytest

from odoo.addons.kundekartotek.lib import tiers


def _tiers(revenues, **kwargs):
    return {key: value[0] for key, value in tiers.rank_tiers(revenues, **kwargs).items()}


def test_the_customer_that_crosses_80_percent_is_a_the_next_is_b():
    # 50 + 30 = 80: the second customer's cumulative share is exactly 80 %, its share before 50 %.
    result = tiers.rank_tiers({1: 50, 2: 30, 3: 15, 4: 5})
    assert {k: v[0] for k, v in result.items()} == {1: "a", 2: "a", 3: "b", 4: "c"}
    assert result[2][2] == Fraction(8, 10)
    assert result[3][1] == Fraction(8, 10)


@pytest.mark.parametrize(
    ("revenues", "third"),
    [
        # share before the third customer: 79.99 % → A, 80 % → B, 80.01 % → B
        ({1: Decimal("50"), 2: Decimal("29.99"), 3: Decimal("15"), 4: Decimal("5.01")}, "a"),
        ({1: Decimal("50"), 2: Decimal("30.00"), 3: Decimal("15"), 4: Decimal("5.00")}, "b"),
        ({1: Decimal("50"), 2: Decimal("30.01"), 3: Decimal("15"), 4: Decimal("4.99")}, "b"),
    ],
)
def test_a_edge_at_80_percent(revenues, third):
    assert _tiers(revenues)[3] == third


@pytest.mark.parametrize(
    ("second", "third_tier"),
    [
        # share before the third customer: 94.99 % → B, 95 % → C, 95.01 % → C
        (Decimal("14.99"), "b"),
        (Decimal("15.00"), "c"),
        (Decimal("15.01"), "c"),
    ],
)
def test_b_edge_at_95_percent(second, third_tier):
    revenues = {1: Decimal("80"), 2: second, 3: Decimal("100") - Decimal("80") - second}
    assert _tiers(revenues) == {1: "a", 2: "b", 3: third_tier}


def test_floats_are_compared_exactly():
    # 0.7 + 0.1 is 0.7999999999999999 in binary floating point; as decimals it is 0.8, so the third is B.
    assert 0.7 + 0.1 < 0.8
    result = _tiers({1: 0.7, 2: 0.1, 3: 0.1, 4: 0.05, 5: 0.05})
    assert result == {1: "a", 2: "a", 3: "b", 4: "b", 5: "c"}


def test_thresholds_are_configurable():
    revenues = {1: 60, 2: 25, 3: 10, 4: 5}
    assert _tiers(revenues, a_share=60, b_share=30) == {1: "a", 2: "b", 3: "b", 4: "c"}
    assert _tiers(revenues, a_share=60.01, b_share=30) == {1: "a", 2: "a", 3: "b", 4: "c"}


def test_no_revenue_and_credit_balance_are_c_and_ties_rank_by_id():
    result = _tiers({5: 100, 3: 100, 7: 0, 8: -50})
    # 3 ranks before 5 (same revenue, lower id): share before 5 is 50 % → A; 7 and 8 make no share.
    assert result == {3: "a", 5: "a", 7: "c", 8: "c"}
    assert _tiers({1: 0, 2: -10}) == {1: "c", 2: "c"}


def test_the_largest_customer_is_always_a():
    assert _tiers({1: 99, 2: 1}) == {1: "a", 2: "c"}


@pytest.mark.parametrize(
    ("count", "late", "expected"),
    [
        (2, 2, ("credit", None)),  # below the minimum number of invoices: says nothing
        (3, 2, ("risk", "late")),  # at the minimum
        (4, 2, ("credit", None)),  # exactly 50 % late: not more than the limit
        (10, 5, ("credit", None)),
        (10, 6, ("risk", "late")),  # 60 %
        (1000, 501, ("risk", "late")),  # 50.1 %
        (1000, 499, ("credit", None)),
    ],
)
def test_late_share_edges(count, late, expected):
    assert tiers.propose_payment_class("credit", False, count, late) == expected


def test_the_register_decides_first_and_a_risk_customer_recovers():
    assert tiers.propose_payment_class("cash", True, 0, 0) == ("risk", "register")
    assert tiers.propose_payment_class("risk", False, 4, 2) == ("credit", "recovered")
    assert tiers.propose_payment_class("risk", False, 2, 0) == ("risk", None)
    assert tiers.propose_payment_class("cash", False, 10, 0) == ("cash", None)
    assert tiers.propose_payment_class("cash", False, 10, 9) == ("risk", "late")
    assert tiers.propose_payment_class("credit", False, 5, 3, min_invoices=6) == ("credit", None)
    assert tiers.propose_payment_class("credit", False, 5, 3, max_late_share=60) == ("credit", None)
    assert tiers.propose_payment_class("credit", False, 5, 3, max_late_share=59.99) == ("risk", "late")
