# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Payment-risk prediction: will a customer's next invoice be paid more than N days after its due date?

Pure Python, no Odoo, no numpy (not an Odoo requirement): a logistic regression on a handful of standardised
features, fitted by Newton's method (IRLS) with an L2 penalty, so that every coefficient can be read and every
prediction explained as a sum of contributions. The same code serves Odoo (training on the company's own history,
scoring customers) and ``bench/bench_risk.py`` (synthetic history where the truth is known).

Features of an invoice are computed *as of its invoice date*, from the customer's earlier invoices only: a
settlement counts when it was dated before the invoice date, so nothing learned leaks from the future.
"""

import math
from bisect import bisect_left

# (key, what it means); the order is the order of the coefficients.
FEATURES = (
    ("days_late_avg", "average days late of earlier invoices"),
    ("late_share", "share of earlier invoices paid late"),
    ("no_history", "no earlier invoice settled"),
    ("overdue_log", "overdue balance (log)"),
    ("age_years", "relationship age (years)"),
    ("size_log", "invoice size (log)"),
)
FEATURE_KEYS = tuple(key for key, _label in FEATURES)
MIN_ROWS = 20


class Invoice:
    """One customer invoice: ``settled`` is the date it was fully paid, or None while it is open."""

    __slots__ = ("amount", "due", "invoice_date", "partner", "settled")

    def __init__(self, partner, invoice_date, due, amount, settled=None):
        self.partner = partner
        self.invoice_date = invoice_date
        self.due = due
        self.amount = float(amount)
        self.settled = settled

    def days_late(self, as_of=None):
        """Days after the due date it was settled (or, open, as of ``as_of``); None when unknown."""
        end = self.settled or as_of
        return None if end is None else (end - self.due).days


def features_as_of(history, as_of, amount, late_days):
    """Feature values of an invoice of ``amount`` dated ``as_of``, from the customer's ``history``.

    ``history`` is the customer's invoices (any order); only those dated before ``as_of`` count, a settlement only
    when dated before ``as_of``, and an invoice still open then counts as overdue when its due date was before it.
    """
    settled_late = []
    overdue = 0.0
    first = None
    for invoice in history:
        if invoice.invoice_date >= as_of:
            continue
        first = invoice.invoice_date if first is None or invoice.invoice_date < first else first
        if invoice.settled is not None and invoice.settled < as_of:
            settled_late.append(max((invoice.settled - invoice.due).days, 0))
        elif invoice.due < as_of:
            overdue += invoice.amount
    count = len(settled_late)
    return [
        sum(settled_late) / count if count else 0.0,
        sum(1 for days in settled_late if days > late_days) / count if count else 0.0,
        0.0 if count else 1.0,
        math.log1p(max(overdue, 0.0)),
        (as_of - first).days / 365.25 if first else 0.0,
        math.log1p(max(amount, 0.0)),
    ]


def label(invoice, late_days, today):
    """1 when paid (or still open) more than ``late_days`` after due, 0 when paid in time, None when unknown yet."""
    if invoice.settled is not None and invoice.settled <= today:
        return 1 if (invoice.settled - invoice.due).days > late_days else 0
    if (today - invoice.due).days > late_days:
        return 1
    return None


def training_rows(invoices, late_days, today):
    """(features, label, invoice) of every invoice whose outcome is known on ``today``."""
    by_partner = {}
    for invoice in invoices:
        by_partner.setdefault(invoice.partner, []).append(invoice)
    rows = []
    for history in by_partner.values():
        history.sort(key=lambda inv: inv.invoice_date)
        dates = [inv.invoice_date for inv in history]
        for invoice in history:
            outcome = label(invoice, late_days, today)
            if outcome is None:
                continue
            # Only invoices dated before this one can count: hand over that prefix, not the whole history.
            earlier = history[: bisect_left(dates, invoice.invoice_date)]
            rows.append((features_as_of(earlier, invoice.invoice_date, invoice.amount, late_days), outcome, invoice))
    return rows


# Linear algebra for a handful of features ------------------------------------------------------------------------
def _solve(matrix, vector):
    """Solve ``matrix · x = vector`` by Gaussian elimination with partial pivoting (small, symmetric positive)."""
    size = len(vector)
    rows = [list(matrix[i]) + [vector[i]] for i in range(size)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            raise ValueError("singular system")
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            if factor:
                for c in range(col, size + 1):
                    rows[r][c] -= factor * rows[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        total = rows[r][size] - sum(rows[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = total / rows[r][r]
    return solution


def _sigmoid(value):
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def fit(rows, labels, l2=1.0, keys=FEATURE_KEYS, max_iterations=50, tolerance=1e-9):
    """A logistic regression on standardised features, by Newton's method (IRLS) with an L2 penalty ``l2``.

    The intercept is not penalised. Deterministic: no random start, no sampling. Returns the model as a plain
    dict (JSON-serialisable): feature keys, means, scales, coefficients (per standardised feature), intercept,
    and the size of the training set.
    """
    n = len(rows)
    width = len(keys)
    if n < MIN_ROWS or len(set(labels)) < 2:
        raise ValueError("not enough history")
    means = [sum(row[j] for row in rows) / n for j in range(width)]
    scales = []
    for j in range(width):
        variance = sum((row[j] - means[j]) ** 2 for row in rows) / n
        scales.append(math.sqrt(variance) if variance > 1e-12 else 1.0)
    design = [[1.0] + [(row[j] - means[j]) / scales[j] for j in range(width)] for row in rows]
    base = sum(labels) / n
    weights = [math.log(base / (1 - base))] + [0.0] * width
    size = width + 1
    for _iteration in range(max_iterations):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for x, y in zip(design, labels, strict=True):
            p = _sigmoid(sum(w * v for w, v in zip(weights, x, strict=True)))
            residual = p - y
            curvature = p * (1 - p)
            for a in range(size):
                gradient[a] += residual * x[a]
                xa = curvature * x[a]
                row = hessian[a]
                for b in range(a, size):
                    row[b] += xa * x[b]
        for a in range(size):
            for b in range(a):
                hessian[a][b] = hessian[b][a]
        for a in range(1, size):
            gradient[a] += l2 * weights[a]
            hessian[a][a] += l2
        step = _solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
        if max(abs(s) for s in step) < tolerance:
            break
    return {
        "features": list(keys),
        "means": means,
        "scales": scales,
        "intercept": weights[0],
        "coefficients": weights[1:],
        "l2": l2,
        "rows": n,
        "positives": int(sum(labels)),
    }


def contributions(model, values):
    """Each feature's push on the log-odds, against a customer at the training average (0 for the average)."""
    return [
        coef * (value - mean) / scale
        for coef, value, mean, scale in zip(model["coefficients"], values, model["means"], model["scales"], strict=True)
    ]


def predict(model, values):
    """Probability that an invoice with these feature values is paid late."""
    return _sigmoid(model["intercept"] + sum(contributions(model, values)))


def top_factors(model, values, count=3):
    """The ``count`` features that push hardest (either way): [(key, contribution)], largest first."""
    pairs = zip(model["features"], contributions(model, values), strict=True)
    ranked = sorted(pairs, key=lambda pair: (-abs(pair[1]), pair[0]))
    return [(key, value) for key, value in ranked[:count] if abs(value) > 1e-9]


def suggest_credit_limit(monthly_sales, probability, months=2, step=1000):
    """A transparent credit limit: ``months`` of the customer's average monthly sales, times the chance that it
    pays in time (1 − ``probability``), rounded down to ``step``, at least one ``step``.

    0 (no suggestion) when the customer bought nothing: there is nothing to base a limit on.
    """
    if monthly_sales <= 0:
        return 0.0
    # Rounded to a micro-unit first, so that binary floating point never takes 9 000 down to 8 000.
    raw = round(monthly_sales * months * (1.0 - probability), 6)
    return float(max(math.floor(raw / step) * step, step))


def suggest_payment_class(current, flagged, probability, threshold):
    """Risk when the register flags the customer or ``probability`` is above ``threshold`` (a fraction of 1);
    a risk customer at or below it: credit; otherwise the class it has (cash stays cash)."""
    if flagged or probability > threshold:
        return "risk"
    if current == "risk":
        return "credit"
    return current or "credit"


# Measures --------------------------------------------------------------------------------------------------------
def auc(labels, scores):
    """Area under the ROC curve: the chance that a late invoice scores above an on-time one (ties count half)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = sum(rank for rank, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def brier(labels, scores):
    """Mean squared difference between the predicted probability and what happened (0 is perfect)."""
    return sum((p - y) ** 2 for p, y in zip(scores, labels, strict=True)) / len(labels)


def reliability(labels, scores, bins=10):
    """Per probability bin [i/bins, (i+1)/bins): (bin, count, mean predicted, share that was late)."""
    table = []
    for b in range(bins):
        members = [(p, y) for p, y in zip(scores, labels, strict=True) if min(int(p * bins), bins - 1) == b]
        if members:
            table.append(
                (
                    b,
                    len(members),
                    sum(p for p, _y in members) / len(members),
                    sum(y for _p, y in members) / len(members),
                )
            )
        else:
            table.append((b, 0, None, None))
    return table
