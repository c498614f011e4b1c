#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Key figures and sales analysis for a 12-month period: the module's SQL against the same figures through the ORM.

Run by ``bench/bench_kpi.sh`` on the receivables generator's data (kk_bench_kpi):

    .venv/bin/python bench/bench_kpi.py -c .odoo/odoo.cfg -d kk_bench_kpi [--to 2026-11-30] [--repeat 3]

Measured, each ``--repeat`` times (best and median printed), with the ORM cache emptied before each run:

* **KPIs**: ``kundekartotek.kpi._kk_compute`` for the 12 months ending ``--to`` (every figure, the previous
  period, the months, every customer) — what the dashboard, PDF, workbook and RPC get;
* **sales analysis**: the pivot's query (revenue, quantity and margin per customer for the period), the
  seasonality graph's (month × year over all years) and the first page of customers ranked (Pareto);
* the **anchor**: the same reads done with the ORM (``search_read``/``_read_group`` and Python loops), once;
  its figures must equal ours (exit status 1 when they differ or a goal is missed).

``--explain FILE`` runs every query of ours that took more than 20 ms once more under ``EXPLAIN (ANALYZE,
BUFFERS)``, prints its time and writes the plans to FILE. ``--without-indexes`` drops the covering indexes of
``kundekartotek.sales.analysis.init`` inside the run's transaction (rolled back at the end, the indexes come back):
what the same code costs without them. ``--skip-orm`` leaves the anchor out (for quick turns; the recorded runs
include it).

Goal: each of ours <= 2 s.
"""

import argparse
import datetime
import statistics
import sys
import time
from collections import defaultdict

from generate_receivables import odoo_env

GOAL_SECONDS = 2.0
# The covering indexes the key figures and the sales analysis read (kundekartotek.sales.analysis.init).
INDEXES = ("account_move_kk_sales_idx", "account_move_line_kk_sales_idx")
EXPLAIN_FROM_MS = 20.0
COMPARED = (
    "revenue",
    "active_customers",
    "paid_invoices",
    "days_to_pay",
    "days_to_pay_weighted",
    "average_receivable",
    "turnover",
    "clv",
)


def timed(env, function, repeat):
    """``(result, [seconds...])`` of ``repeat`` runs, each with an empty ORM cache."""
    times = []
    for _index in range(repeat):
        env.invalidate_all()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, times


class Recorder:
    """The SELECTs run on ``env.cr`` while active, with their time as run (to explain the slow ones afterwards)."""

    def __init__(self, env):
        self.cursor_class = type(env.cr)
        self.statements = []

    def __enter__(self):
        original = self.original = self.cursor_class.execute
        statements = self.statements

        def execute(cursor, query, params=None, log_exceptions=True):
            start = time.perf_counter()
            try:
                return original(cursor, query, params, log_exceptions)
            finally:
                statements.append((query, params, time.perf_counter() - start))

        self.cursor_class.execute = execute
        return self

    def __exit__(self, *exc):
        self.cursor_class.execute = self.original


def explain(env, label, function, output):
    """Run ``function`` once recording its queries, then EXPLAIN ANALYZE each slow SELECT; print the times."""
    from odoo.tools import SQL  # noqa: PLC0415 (Odoo is importable only inside odoo_env)

    env.invalidate_all()
    with Recorder(env) as recorder:
        function()
    for query, params, seconds in recorder.statements:
        if isinstance(query, SQL):
            query, params = query.code, query.params
        if seconds * 1000 < EXPLAIN_FROM_MS or not query.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        env.cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
        plan = [row[0] for row in env.cr.fetchall()]
        total = next(line for line in plan if line.startswith("Execution Time"))
        first = " ".join(query.split())[:90]
        print(f"  {label}: {seconds * 1000:.0f} ms as run; EXPLAIN ANALYZE {total.split(': ')[1]} — {first}…")
        output.write(f"-- {label}: {seconds * 1000:.1f} ms as run\n{env.cr.mogrify(query, params).decode()}\n")
        output.write("\n".join(plan) + "\n\n")


def ours_kpis(env, date_from, date_to):
    return env["kundekartotek.kpi"]._kk_compute(date_from, date_to, env.company.ids)


def ours_sales_pivot(env, date_from, date_to):
    """The pivot of the period: revenue, quantity and margin per customer."""
    groups = env["kundekartotek.sales.analysis"]._read_group(
        [("invoice_date", ">=", date_from), ("invoice_date", "<=", date_to)],
        ["partner_id"],
        ["revenue:sum", "quantity:sum", "margin:sum"],
    )
    return {partner.id: revenue for partner, revenue, _quantity, _margin in groups}


def ours_seasonality(env):
    """The seasonality graph: revenue per month of the year and year, over all years."""
    return env["kundekartotek.sales.analysis"]._read_group([], ["invoice_month", "invoice_year"], ["revenue:sum"])


def ours_ranking(env, year):
    """The first page of customers ranked by revenue in a year, with their Pareto share."""
    return env["kundekartotek.sales.customer"].search_read(
        [("invoice_year", "=", str(year))], ["partner_id", "revenue", "cumulative_share"], limit=80
    )


def orm_kpis(env, date_from, date_to):
    """The figures' reads with the ORM, the arithmetic the module's (``_kk_period``): a fair anchor."""
    from odoo.addons.kundekartotek.lib import kpi

    Kpi = env["kundekartotek.kpi"]
    company = env.company.ids
    previous_from, previous_to = kpi.previous_period(date_from, date_to)
    moves = env["account.move"].search_read(
        [
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", "<=", date_to),
            ("company_id", "in", company),
        ],
        ["commercial_partner_id", "invoice_date"],
    )
    untaxed = dict(
        env["account.move.line"]._read_group(
            [("move_id", "in", [move["id"] for move in moves]), ("display_type", "=", "product")],
            ["move_id"],
            ["balance:sum"],
        )
    )
    untaxed = {move.id: balance for move, balance in untaxed.items()}
    rows = defaultdict(lambda: {"current": 0.0, "previous": 0.0, "all": [], "before": []})
    for move in moves:
        row = rows[move["commercial_partner_id"][0]]
        revenue, day = -untaxed.get(move["id"], 0.0), move["invoice_date"]
        row["current"] += revenue if date_from <= day <= date_to else 0.0
        row["previous"] += revenue if previous_from <= day <= previous_to else 0.0
        row["all"].append((day, revenue))
        if day <= previous_to:
            row["before"].append((day, revenue))
    revenue_rows = {}
    for partner, row in rows.items():
        history = {}
        for which, key in (("current", "all"), ("previous", "before")):
            days = [day for day, _revenue in row[key]]
            first = min(day for day, _revenue in row["all"])
            history[which] = (sum(revenue for _day, revenue in row[key]), first, max(days) if days else None)
        revenue_rows[partner] = {"current": row["current"], "previous": row["previous"], "history": history}

    partials = env["account.partial.reconcile"].search([("max_date", ">=", previous_from), ("max_date", "<=", date_to)])
    invoices = partials.debit_move_id.filtered(lambda line: line.account_type == "asset_receivable").move_id
    paid = defaultdict(list)
    for invoice in invoices.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted"):
        if invoice.payment_state not in ("paid", "in_payment"):
            continue
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        settled = max(receivable.matched_credit_ids.mapped("max_date"))
        if date_from <= settled <= date_to:
            days = (settled - invoice.invoice_date).days
            paid[invoice.commercial_partner_id.id].append((days, invoice.amount_total_signed))
    by_partner = {partner: kpi.Settlements.of(pairs) for partner, pairs in paid.items()}
    settlements = {"current": {"total": kpi.Settlements.total(by_partner.values()), "by_partner": by_partner}}

    def balance_at(point):
        [(total,)] = env["account.move.line"]._read_group(
            [
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("company_id", "in", company),
                ("date", "<=", point),
            ],
            [],
            ["balance:sum"],
        )
        return total or 0.0

    current = Kpi._kk_period(
        revenue_rows,
        settlements,
        [balance_at(point) for point in kpi.balance_dates(date_from, date_to)],
        date_from,
        date_to,
        "current",
    )
    return current["figures"]


def orm_sales(env, date_from, date_to):
    """Revenue per customer of the period from the invoice lines, read with ``search_read``."""
    lines = env["account.move.line"].search_read(
        [
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("display_type", "=", "product"),
            ("invoice_date", ">=", date_from),
            ("invoice_date", "<=", date_to),
            ("company_id", "in", env.company.ids),
        ],
        ["move_id", "balance", "quantity", "product_id"],
    )
    partner_of = {
        move["id"]: move["commercial_partner_id"][0]
        for move in env["account.move"].search_read(
            [("id", "in", list({line["move_id"][0] for line in lines}))], ["commercial_partner_id"]
        )
    }
    per_customer = defaultdict(float)
    for line in lines:
        per_customer[partner_of[line["move_id"][0]]] -= line["balance"]
    return dict(per_customer)


def describe(times):
    return f"best {min(times):.3f} s, median {statistics.median(times):.3f} s ({', '.join(f'{t:.3f}' for t in times)})"


def same(left, right):
    if left is None or right is None:
        return left is right
    return abs(left - right) <= 1e-6 * max(1.0, abs(left))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--to", default="2026-11-30", help="last day of the 12-month period")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-orm", action="store_true", help="measure ours only")
    parser.add_argument("--explain", metavar="FILE", help="EXPLAIN ANALYZE our slow queries; plans to FILE")
    parser.add_argument("--without-indexes", action="store_true", help="drop the covering indexes for the run")
    args = parser.parse_args()
    date_to = datetime.date.fromisoformat(args.to)
    date_from = (date_to.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    failures = []
    with odoo_env(args.config, args.database) as env:
        env.cr.execute("SELECT count(*) FROM res_partner WHERE customer_rank > 0")
        customers = env.cr.fetchone()[0]
        env.cr.execute(
            """SELECT count(*) FROM account_move_line line JOIN account_account account ON account.id = line.account_id
                WHERE account.account_type = 'asset_receivable'"""
        )
        receivable_lines = env.cr.fetchone()[0]
        print(f"Data: {customers} customers, {receivable_lines} receivable lines; period {date_from} … {date_to}")
        if args.without_indexes:
            env.cr.execute(f"DROP INDEX {', '.join(INDEXES)}")  # rolled back at the end of the run
            print(f"Without the indexes {', '.join(INDEXES)} (dropped inside this run's transaction)")

        result, kpi_times = timed(env, lambda: ours_kpis(env, date_from, date_to), args.repeat)
        print(f"KPIs (SQL + lib.kpi), {len(result['customers'])} customers in the answer: {describe(kpi_times)}")
        per_customer, sales_times = timed(env, lambda: ours_sales_pivot(env, date_from, date_to), args.repeat)
        print(f"Sales analysis, pivot per customer ({len(per_customer)} customers): {describe(sales_times)}")
        seasons, season_times = timed(env, lambda: ours_seasonality(env), args.repeat)
        print(f"Sales analysis, seasonality ({len(seasons)} month×year cells, all years): {describe(season_times)}")
        ranked, rank_times = timed(env, lambda: ours_ranking(env, date_to.year), args.repeat)
        print(f"Customers ranked with Pareto share ({len(ranked)} rows shown): {describe(rank_times)}")
        measured = (
            ("KPIs", kpi_times),
            ("sales pivot", sales_times),
            ("seasonality", season_times),
            ("ranking", rank_times),
        )
        for name, times in measured:
            if min(times) > GOAL_SECONDS:
                failures.append(f"{name}: best {min(times):.3f} s > {GOAL_SECONDS} s")

        if not args.skip_orm:
            figures, orm_times = timed(env, lambda: orm_kpis(env, date_from, date_to), 1)
            print(f"KPIs through the ORM: {orm_times[0]:.3f} s = {orm_times[0] / min(kpi_times):.1f} × ours")
            for key in COMPARED:
                if not same(figures[key], result["figures"][key]):
                    failures.append(f"KPI {key}: ORM {figures[key]} ≠ SQL {result['figures'][key]}")
            orm_per_customer, orm_sales_times = timed(env, lambda: orm_sales(env, date_from, date_to), 1)
            print(
                f"Sales per customer through the ORM: {orm_sales_times[0]:.3f} s = "
                f"{orm_sales_times[0] / min(sales_times):.1f} × our pivot"
            )
            differing = [
                partner
                for partner in set(orm_per_customer) | set(per_customer)
                if not same(orm_per_customer.get(partner, 0.0), per_customer.get(partner, 0.0))
            ]
            if differing:
                failures.append(f"sales per customer differ for {len(differing)} customers")
        print("Figures:", {key: result["figures"][key] for key in COMPARED})
        if args.explain:
            with open(args.explain, "w", encoding="utf-8") as output:
                explain(env, "KPIs", lambda: ours_kpis(env, date_from, date_to), output)
                explain(env, "pivot", lambda: ours_sales_pivot(env, date_from, date_to), output)
                explain(env, "seasonality", lambda: ours_seasonality(env), output)
                explain(env, "ranking", lambda: ours_ranking(env, date_to.year), output)
            print(f"Plans written to {args.explain}")
        env.cr.rollback()
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
