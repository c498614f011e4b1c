#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The payment-risk model on a synthetic history where the truth is known; no Odoo, no database.

Each customer has a hidden propensity to pay late (normal, mean 0, sd 1), a typical invoice size and a start date.
Invoices arrive about every 30 days; each is paid late (more than N days after due) with the probability

    logit p = -1.6 + 1.2 * propensity + 0.35 * (ln amount - 9) - 0.25 * min(relationship years, 5)
              + 0.6 * [the customer has an overdue invoice on the invoice date]

(the *stated factors*). A late invoice is paid N + 1 + Geometric(mean 20) days after due, an on-time one between 10
days early and N days after due. The model (``lib/risk.py``, the one Odoo trains) is fitted on the invoices whose
outcome is known at the cut date (features as of each invoice date), and judged on the invoices dated from the cut
date on (outcomes known at the end): AUC, Brier score and a reliability table in 10 bins, against

* *share (raw)*: the share of the customer's earlier invoices paid late, the training base rate without history;
* *share (fitted)*: a logistic regression on that share alone (plus the no-history flag), fitted the same way;
* *truth*: the probabilities the invoices were drawn with, the ceiling no model can pass.

    python3 bench/bench_risk.py [--customers 2000] [--years 3] [--late-days 10] [--seed 11]
"""

import argparse
import importlib.util
import math
import os
import random
import sys
import time
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("kk_risk", os.path.join(HERE, "..", "lib", "risk.py"))
risk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(risk)

END = date(2026, 11, 30)


def generate(customers, years, late_days, seed):
    """Invoices (``risk.Invoice``) and the true late probability of each, keyed by the invoice object."""
    rnd = random.Random(seed)
    start = END - timedelta(days=int(365.25 * years))
    invoices, truth = [], {}
    for partner in range(1, customers + 1):
        propensity = rnd.gauss(0, 1)
        size_mu = rnd.gauss(9, 1)
        first = start + timedelta(days=rnd.randrange(0, int(365.25 * years * 0.8)))
        terms = rnd.choice((14, 30))
        history = []
        day = first
        while day < END:
            amount = round(math.exp(rnd.gauss(size_mu, 0.5)), 2)
            due = day + timedelta(days=terms)
            overdue = any(inv.due < day and inv.settled >= day for inv in history)
            age = (day - first).days / 365.25
            z = -1.6 + 1.2 * propensity + 0.35 * (math.log(amount) - 9) - 0.25 * min(age, 5) + 0.6 * overdue
            p = 1 / (1 + math.exp(-z))
            if rnd.random() < p:
                delay = late_days + 1 + int(rnd.expovariate(1 / 20))
            else:
                delay = rnd.randint(-10, late_days)
            invoice = risk.Invoice(partner, day, due, amount, settled=due + timedelta(days=delay))
            history.append(invoice)
            invoices.append(invoice)
            truth[id(invoice)] = p
            day += timedelta(days=max(1, int(rnd.expovariate(1 / 30))))
    return invoices, truth


def evaluate(name, labels, scores):
    return {
        "name": name,
        "auc": risk.auc(labels, scores),
        "brier": risk.brier(labels, scores),
        "table": risk.reliability(labels, scores, bins=10),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--late-days", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()

    started = time.perf_counter()
    invoices, truth = generate(args.customers, args.years, args.late_days, args.seed)
    cut = END - timedelta(days=240)
    # Outcomes seen at the cut date: what the model is trained on, as Odoo would train it on that day.
    train = [row for row in risk.training_rows(invoices, args.late_days, cut) if row[2].invoice_date < cut]
    # Held out: invoices dated from the cut on, outcomes as known at the end (open ones that are not late yet drop).
    test = [row for row in risk.training_rows(invoices, args.late_days, END) if row[2].invoice_date >= cut]
    generated = time.perf_counter() - started

    train_x = [row[0] for row in train]
    train_y = [row[1] for row in train]
    started = time.perf_counter()
    model = risk.fit(train_x, train_y, l2=args.l2)
    fitted = time.perf_counter() - started
    share_keys = ("late_share", "no_history")
    share_index = [risk.FEATURE_KEYS.index(key) for key in share_keys]
    share_model = risk.fit([[x[i] for i in share_index] for x in train_x], train_y, l2=args.l2, keys=share_keys)
    base_rate = sum(train_y) / len(train_y)

    test_y = [row[1] for row in test]
    results = [
        evaluate("model (lib/risk.py)", test_y, [risk.predict(model, row[0]) for row in test]),
        evaluate(
            "share (raw)",
            test_y,
            [base_rate if row[0][2] else row[0][1] for row in test],
        ),
        evaluate(
            "share (fitted)",
            test_y,
            [risk.predict(share_model, [row[0][i] for i in share_index]) for row in test],
        ),
        evaluate("truth (ceiling)", test_y, [truth[id(row[2])] for row in test]),
    ]

    print(f"customers {args.customers}, years {args.years}, N = {args.late_days} days, seed {args.seed}, l2 {args.l2}")
    print(
        f"invoices {len(invoices)}; training {len(train)} (late {sum(train_y)}, {base_rate:.3f}), "
        f"held out {len(test)} (late {sum(test_y)}, {sum(test_y) / len(test_y):.3f}), cut {cut}"
    )
    print(f"generate + features {generated:.1f} s, fit {fitted:.1f} s")
    print("coefficients (per standard deviation):")
    print(f"  intercept {model['intercept']:+.3f}")
    for key, coef in zip(model["features"], model["coefficients"], strict=True):
        print(f"  {key:<14} {coef:+.3f}")
    print()
    print(f"{'predictor':<22} {'AUC':>6} {'Brier':>7}")
    for result in results:
        print(f"{result['name']:<22} {result['auc']:6.3f} {result['brier']:7.4f}")
    for result in results:
        print()
        print(f"reliability, {result['name']}: bin, invoices, mean predicted, share late")
        for b, count, predicted, observed in result["table"]:
            if count:
                print(f"  [{b / 10:.1f}, {(b + 1) / 10:.1f}) {count:6d} {predicted:7.3f} {observed:7.3f}")
            else:
                print(f"  [{b / 10:.1f}, {(b + 1) / 10:.1f}) {0:6d}       —       —")
    return 0


if __name__ == "__main__":
    sys.exit(main())
