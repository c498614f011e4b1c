# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Value tiers (ABC) from revenue, and the payment class that payment behaviour and the register propose.

Pure Python, no Odoo: the rules are read and tested here alone; ``res.partner`` feeds them figures from SQL.

Tiers: customers are ranked by revenue, largest first (ties: lowest id first, so a run is repeatable). A customer's
*share before* is the revenue of the customers ranked above it divided by the total. It is tier A while that share
is below the A share (80 % by default): the customer that takes the cumulative share past 80 % is still needed to
make up the top 80 %, the one after it is not. Then B while the share before is below A + B (95 %), else C.
Customers with no positive revenue make no share of it and are C. Shares are compared as exact fractions: a customer
whose share before is exactly 80 % is B, whatever the floating point of the figures.
"""

from fractions import Fraction

TIER_A, TIER_B, TIER_C = "a", "b", "c"
CASH, CREDIT, RISK = "cash", "credit", "risk"


def _exact(value):
    """``value`` (int, float, Decimal or str) as an exact fraction; floats by their shortest decimal text."""
    if isinstance(value, float):
        value = repr(value)
    return Fraction(value)


def rank_tiers(revenues, a_share=80, b_share=15):
    """Tier per customer: ``revenues`` maps a customer id to its revenue; shares are percentages.

    Returns ``{id: (tier, share_before, share_after)}``, the shares as fractions of 1 (exact), so that the caller can
    say why.
    """
    a_edge = _exact(a_share) / 100
    b_edge = a_edge + _exact(b_share) / 100
    exact = {key: _exact(value) for key, value in revenues.items()}
    total = sum(value for value in exact.values() if value > 0)
    result = {}
    before = Fraction(0)
    for key in sorted(exact, key=lambda k: (-exact[k], k)):
        value = exact[key]
        if value <= 0 or total <= 0:
            result[key] = (TIER_C, Fraction(1), Fraction(1))
            continue
        share_before = before / total
        before += value
        share_after = before / total
        if share_before < a_edge:
            tier = TIER_A
        elif share_before < b_edge:
            tier = TIER_B
        else:
            tier = TIER_C
        result[key] = (tier, share_before, share_after)
    return result


def propose_payment_class(current, register_risk, count, late_count, min_invoices=3, max_late_share=50):
    """The payment class the rules propose, and the reason code (None when the rules keep ``current``).

    * ``register``: the register says bankrupt, being wound up, forced dissolution or deleted → risk;
    * ``late``: at least ``min_invoices`` invoices paid in the period and more than ``max_late_share`` % of them
      paid late → risk;
    * ``recovered``: a risk customer, not flagged by the register, with at least ``min_invoices`` invoices paid and
      at most ``max_late_share`` % late → credit;
    * otherwise the class stays (cash is an agreement with the customer, never proposed from behaviour; too few
      invoices say nothing).
    """
    if register_risk:
        return RISK, "register"
    if count < min_invoices or count <= 0:
        return current, None
    late_share = Fraction(late_count, count)
    too_late = late_share > _exact(max_late_share) / 100
    if too_late:
        return RISK, "late"
    if current == RISK:
        return CREDIT, "recovered"
    return current, None
