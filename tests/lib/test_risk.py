"""Plain pytest for lib/risk.py: the model learns a known relation, features never look ahead, the measures."""

import math
import random
from datetime import date, timedelta

import pytest

from odoo.addons.kundekartotek.lib import risk

D = date(2026, 1, 10)


def _synthetic(n, seed):
    """Rows whose late probability is a known logistic function of two of the six features."""
    rnd = random.Random(seed)
    rows, labels = [], []
    for _ in range(n):
        values = [rnd.gauss(10, 5), rnd.random(), float(rnd.random() < 0.2), rnd.gauss(8, 2), rnd.random() * 5, 7.0]
        values[5] = rnd.gauss(9, 1)
        z = -1.0 + 2.0 * (values[1] - 0.5) / 0.2887 - 0.8 * (values[4] - 2.5) / 1.443
        rows.append(values)
        labels.append(1 if rnd.random() < 1 / (1 + math.exp(-z)) else 0)
    return rows, labels


def test_learns_a_known_relation_and_is_deterministic():
    rows, labels = _synthetic(6000, 7)
    model = risk.fit(rows, labels, l2=1.0)
    coefs = dict(zip(model["features"], model["coefficients"], strict=True))
    # The truth per standardised feature: +2.0 for late_share, −0.8 for age, 0 for the others.
    assert coefs["late_share"] == pytest.approx(2.0, abs=0.15)
    assert coefs["age_years"] == pytest.approx(-0.8, abs=0.15)
    for key in ("days_late_avg", "no_history", "overdue_log", "size_log"):
        assert abs(coefs[key]) < 0.12, key
    assert model["intercept"] == pytest.approx(-1.0, abs=0.15)
    assert risk.fit(rows, labels, l2=1.0) == model
    held_rows, held_labels = _synthetic(2000, 8)
    scores = [risk.predict(model, row) for row in held_rows]
    assert risk.auc(held_labels, scores) > 0.8
    # The factors of a customer with a high late share and a young relationship name those two first.
    factors = risk.top_factors(model, [10, 0.99, 0, 8, 0.0, 9])
    assert [key for key, _value in factors[:2]] == ["late_share", "age_years"]
    assert all(value > 0 for _key, value in factors[:2])


def test_refuses_to_fit_without_both_outcomes_or_enough_rows():
    with pytest.raises(ValueError):
        risk.fit([[0.0] * 6] * 50, [0] * 50)
    with pytest.raises(ValueError):
        risk.fit([[0.0] * 6] * 19, [0, 1] * 9 + [0])


def test_features_count_only_what_was_known_on_the_invoice_date():
    history = [
        risk.Invoice(1, D - timedelta(days=100), D - timedelta(days=70), 1000, settled=D - timedelta(days=40)),
        risk.Invoice(1, D - timedelta(days=60), D - timedelta(days=30), 500, settled=D),  # paid on the day: not yet
        risk.Invoice(1, D - timedelta(days=20), D + timedelta(days=10), 200),  # open, not due
        risk.Invoice(1, D, D + timedelta(days=30), 999, settled=D),  # the same day: not earlier
    ]
    values = risk.features_as_of(history, D, 300, late_days=10)
    assert values[0] == 30  # one settled invoice, 30 days late
    assert values[1] == 1.0  # 30 > 10: late
    assert values[2] == 0.0
    assert values[3] == pytest.approx(math.log1p(500))  # overdue: due 30 days ago, unpaid as of the morning
    assert values[4] == pytest.approx(100 / 365.25)
    assert values[5] == pytest.approx(math.log1p(300))
    assert risk.features_as_of(history, D - timedelta(days=100), 300, 10)[2] == 1.0


@pytest.mark.parametrize(("days_after_due", "expected"), [(9, 0), (10, 0), (11, 1)])
def test_late_means_more_than_n_days_after_due(days_after_due, expected):
    invoice = risk.Invoice(1, D, D + timedelta(days=30), 100, settled=D + timedelta(days=30 + days_after_due))
    assert risk.label(invoice, 10, D + timedelta(days=365)) == expected


@pytest.mark.parametrize(("days_after_due", "expected"), [(10, None), (11, 1)])
def test_an_open_invoice_is_late_once_n_days_have_passed(days_after_due, expected):
    invoice = risk.Invoice(1, D, D + timedelta(days=30), 100)
    assert risk.label(invoice, 10, D + timedelta(days=30 + days_after_due)) == expected


def test_training_rows_skip_unknown_outcomes_and_see_only_earlier_invoices():
    today = D + timedelta(days=60)
    invoices = [
        risk.Invoice(1, D, D + timedelta(days=14), 100, settled=D + timedelta(days=40)),
        risk.Invoice(1, D + timedelta(days=45), D + timedelta(days=59), 100),  # open, due yesterday: unknown
        risk.Invoice(1, D + timedelta(days=41), D + timedelta(days=50), 100, settled=D + timedelta(days=52)),
    ]
    rows = risk.training_rows(invoices, late_days=5, today=today)
    assert [(row[1], row[2].invoice_date) for row in rows] == [(1, D), (0, D + timedelta(days=41))]
    assert rows[0][0][2] == 1.0  # the first invoice has no history
    assert rows[1][0][1] == 1.0  # the second sees the first, settled the day before, 26 days late


def test_auc_brier_and_reliability_by_hand():
    assert risk.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    assert risk.auc([0, 1], [0.5, 0.5]) == 0.5
    assert risk.brier([0, 1], [0.2, 0.6]) == pytest.approx((0.04 + 0.16) / 2)
    table = risk.reliability([0, 1, 1], [0.05, 0.95, 1.0], bins=10)
    assert table[0] == (0, 1, 0.05, 0.0)
    assert table[9] == (9, 2, pytest.approx(0.975), 1.0)
    assert table[5] == (5, 0, None, None)


@pytest.mark.parametrize(
    ("monthly", "probability", "expected"),
    [
        (0, 0.1, 0.0),  # nothing sold: no suggestion
        (10000, 0.0, 20000.0),
        (10000, 0.5, 10000.0),
        (10000, 0.55, 9000.0),  # 9 000 exactly: rounded down to itself
        (10000, 0.5505, 8000.0),  # 8 990: rounded down
        (100, 0.9, 1000.0),  # at least one step
    ],
)
def test_suggested_credit_limit(monthly, probability, expected):
    assert risk.suggest_credit_limit(monthly, probability) == expected


@pytest.mark.parametrize(
    ("current", "flagged", "probability", "expected"),
    [
        ("credit", False, 0.49, "credit"),
        ("credit", False, 0.5, "credit"),  # at the threshold: not above it
        ("credit", False, 0.51, "risk"),
        ("risk", False, 0.5, "credit"),
        ("cash", False, 0.2, "cash"),
        ("cash", True, 0.0, "risk"),
        (False, False, 0.1, "credit"),
    ],
)
def test_suggested_payment_class(current, flagged, probability, expected):
    assert risk.suggest_payment_class(current, flagged, probability, 0.5) == expected
