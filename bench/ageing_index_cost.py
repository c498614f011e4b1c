#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the ageing's indexes cost on posting invoices and registering payments, as a ratio to the same without them.

kundekartotek adds two indexes for its ageing report (``init()`` of ``kundekartotek.ageing.report`` and of
``account.partial.reconcile``): ``account_move_line_kk_ageing_open_idx`` (a covering partial index on open items,
written when an entry is posted) and ``account_partial_reconcile_kk_ageing_idx`` (written when items are
reconciled). This posts ``--invoices`` customer invoices through the ORM and registers a payment on ``--payments``
of them, batch by batch (500 invoices): each batch once with the indexes and once after ``DROP INDEX``, back to
back, in alternating order, each inside a savepoint that is rolled back (``DROP INDEX`` too), everything flushed
inside the timing. The sums over the batches are compared. The database is left as it was apart from the draft
invoices: they are created once, untimed, and committed as drafts (reference ``KK-INDEX-COST``, on the last day of
the data) so that a rerun reuses them; ``--cleanup`` deletes them. ``--repeat`` passes; the best sum is kept.

    .venv/bin/python bench/ageing_index_cost.py -c .odoo/odoo-bench-ageing.cfg -d kk_bench \\
        [--invoices 10000] [--payments 2000] [--repeat 2] [--cleanup]

The two related date columns on ``account_partial_reconcile`` cannot be dropped for a run: they are filled in the
reconciliation's own INSERT from dates the ORM holds already, so their cost is inside both sides.

``--indexes kpi`` measures the covering indexes of the key figures and the sales analysis instead
(``init()`` of ``kundekartotek.sales.analysis``: ``account_move_kk_sales_idx`` on posted customer invoices and
``account_move_line_kk_sales_idx`` on the lines of posted entries with an invoice date), the same way.
"""

import argparse
import random
import sys
import time

from generate_receivables import odoo_env

INDEX_SETS = {
    "ageing": ("account_move_line_kk_ageing_open_idx", "account_partial_reconcile_kk_ageing_idx"),
    "kpi": ("account_move_kk_sales_idx", "account_move_line_kk_sales_idx"),
}
INDEXES = INDEX_SETS["ageing"]  # the set measured; --indexes chooses
REF = "KK-INDEX-COST"
DATE = "2026-11-27"
BATCH = 500


def drafts(env, count):
    """The benchmark's draft invoices, created (and committed) when fewer than ``count`` exist."""
    from odoo import Command  # noqa: PLC0415 (Odoo is importable only inside odoo_env)

    Move = env["account.move"]
    moves = Move.search([("ref", "=", REF), ("state", "=", "draft")], order="id")
    if len(moves) >= count:
        return moves[:count]
    rng = random.Random(10)
    env.cr.execute("SELECT id FROM res_partner WHERE customer_rank > 0 AND is_company ORDER BY id LIMIT 2000")
    partners = [row[0] for row in env.cr.fetchall()]
    tax = env.company.account_sale_tax_id
    start = time.perf_counter()
    for offset in range(len(moves), count, BATCH):
        vals = [
            {
                "move_type": "out_invoice",
                "partner_id": rng.choice(partners),
                "invoice_date": DATE,
                "ref": REF,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Tjeneste", "quantity": 1, "price_unit": rng.randint(100, 20000), "tax_ids": tax.ids}
                    )
                ],
            }
            for _index in range(min(BATCH, count - offset))
        ]
        Move.create(vals)
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
    print(f"created {count - len(moves)} draft invoices in {time.perf_counter() - start:.0f} s (committed, reused)")
    return Move.search([("ref", "=", REF), ("state", "=", "draft")], order="id")[:count]


def side(env, batch, paid, with_indexes):
    """Post ``batch`` and pay ``paid`` of it inside a savepoint, with or without the indexes; seconds of each.

    Everything is flushed inside the timing; the savepoint is rolled back afterwards (``DROP INDEX`` too).
    """
    from odoo.tools import SQL  # noqa: PLC0415 (Odoo is importable only inside odoo_env)

    env.cr.execute("SAVEPOINT kk_index_cost")
    if not with_indexes:
        env.cr.execute(SQL("DROP INDEX %s", SQL(", ").join(SQL.identifier(name) for name in INDEXES)))
    start = time.perf_counter()
    batch.action_post()
    env.flush_all()
    posting = time.perf_counter() - start
    start = time.perf_counter()
    if paid:
        env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {"payment_date": DATE, "group_payment": False}
        )._create_payments()
        env.flush_all()
    paying = time.perf_counter() - start
    env.cr.execute("ROLLBACK TO SAVEPOINT kk_index_cost")
    env.invalidate_all()
    return posting, paying


def run(env, moves, payments):
    """Both sides on every batch of 500 invoices, one right after the other, in alternating order.

    On a shared machine the load changes from minute to minute: measuring each batch with and without the indexes
    back to back (rather than all 10 000 invoices one way, then the other) lets both sides see the same machine.
    """
    totals = {False: [0.0, 0.0], True: [0.0, 0.0]}
    share = payments / len(moves)
    for number, offset in enumerate(range(0, len(moves), BATCH)):
        batch = moves.browse(moves.ids[offset : offset + BATCH])
        paid = batch[: round(len(batch) * share)]
        for with_indexes in (False, True) if number % 2 == 0 else (True, False):
            posting, paying = side(env, batch, paid, with_indexes)
            totals[with_indexes][0] += posting
            totals[with_indexes][1] += paying
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="passes over all batches; the best sum of each is kept")
    parser.add_argument("--cleanup", action="store_true", help="delete the benchmark's draft invoices and stop")
    parser.add_argument("--indexes", choices=sorted(INDEX_SETS), default="ageing", help="which module indexes")
    args = parser.parse_args()
    global INDEXES  # noqa: PLW0603 (side() reads the set chosen here)
    INDEXES = INDEX_SETS[args.indexes]
    with odoo_env(args.config, args.database) as env:
        if args.cleanup:
            moves = env["account.move"].search([("ref", "=", REF), ("state", "=", "draft")])
            moves.unlink()
            env.cr.commit()
            print(f"deleted {len(moves)} draft invoices")
            return
        env.cr.execute("SELECT indexname FROM pg_indexes WHERE indexname IN %s", [INDEXES])
        if len(env.cr.fetchall()) != len(INDEXES):
            sys.exit(f"the indexes {', '.join(INDEXES)} must exist (upgrade kundekartotek)")
        moves = drafts(env, args.invoices)
        payments = min(args.payments, len(moves))
        side(env, moves[: min(100, len(moves))], moves[:20], True)  # warm-up
        results = []
        for round_ in range(args.repeat):
            totals = run(env, moves, payments)
            results.append(totals)
            print(f"round {round_ + 1}: posting {totals[False][0]:.1f} s without, {totals[True][0]:.1f} s with the "
                  f"indexes; payments {totals[False][1]:.1f} s without, {totals[True][1]:.1f} s with")  # fmt: skip
        env.cr.rollback()
    without = [min(totals[False][i] for totals in results) for i in (0, 1)]
    with_ = [min(totals[True][i] for totals in results) for i in (0, 1)]
    print(f"posting {len(moves)} invoices: {without[0]:.1f} s without, {with_[0]:.1f} s with the indexes, "
          f"ratio {with_[0] / without[0]:.3f}")  # fmt: skip
    if payments:
        print(f"registering {payments} payments: {without[1]:.1f} s without, {with_[1]:.1f} s with the indexes, "
              f"ratio {with_[1] / without[1]:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
