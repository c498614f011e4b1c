#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Ageing of all customers as of dates: kundekartotek's against OCA's Aged Partner Balance, same data, same date.

Each measurement runs in a fresh Odoo process (this script calling itself with ``--one``), so that caches and the
memory of one report do not favour or burden the other. Per date and report: wall time of the whole report (what
the PDF or workbook gets, without wkhtmltopdf), growth of the process's peak resident memory while producing it
(the peak is reset just before, through /proc/self/clear_refs), and, for ours, the time of its one grouped query
in PostgreSQL (EXPLAIN ANALYZE and the plain query, best of three). Then the totals per bucket are compared and the
ratios printed. The reports alternate within each round, so neither always runs on a warmer machine.

    .venv/bin/python bench/ageing_measure.py -c .odoo/odoo-bench-ageing.cfg -d kk_bench \
        [--as-of 2026-10-31 --as-of 2025-10-31 --as-of 2024-10-31] [--repeat 2] [--plan]

Goals (exit status 1 when one is missed or the totals disagree): our query <= 0.15 s in PostgreSQL at a recent
date (at most two months before the last entry of the data) and <= 0.4 s further back, the PDF values at least 10
times as fast as OCA's at every date, at most 200 MB of memory growth for the PDF values and for the workbook alike.
"""

import argparse
import datetime
import json
import subprocess
import sys
import time

from generate_receivables import odoo_env

DATES = ("2026-10-31", "2025-10-31", "2024-10-31")  # the last month-end of the data, one and two years back
GOAL_DB_SECONDS_RECENT = 0.15  # a date at most RECENT_DAYS before the last entry of the data
GOAL_DB_SECONDS_BACK = 0.4  # dates further back
RECENT_DAYS = 62
GOAL_RATIO = 10.0
GOAL_MEMORY_MB = 200
KEYS = ("not_due", "b1", "b2", "b3", "b4", "residual")
# OCA's columns in our buckets (edges 30, 60, 90): "current" is not due, its 91–120 and older make our over 90.
OCA_KEYS = {
    "not_due": ("current",),
    "b1": ("30_days",),
    "b2": ("60_days",),
    "b3": ("90_days",),
    "b4": ("120_days", "older"),
    "residual": ("residual",),
}


def memory_kb(name):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{name} not in /proc/self/status")


def reset_peak():
    """Make VmHWM start again from the current resident size (Linux ≥ 4.0)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def receivable_accounts(env):
    return env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", env.company.id)]
    )


def ours_context(env, as_of):
    return {"kk_as_of": as_of, "kk_age_by": "due", "kk_edges": "30,60,90", "kk_company_ids": env.company.ids}


def ours_values(env, as_of):
    """What the PDF gets: the wizard's context, the report's ``_get_report_values``."""
    wizard = env["kundekartotek.ageing.wizard"].create({"as_of": as_of})
    data = {"kk_options": wizard._report_context()}
    values = env["report.kundekartotek.report_ageing"]._get_report_values([], data=data)
    return {key: values["total"][key] for key in KEYS}, len(values["rows"])


def ours_xlsx(env, as_of):
    """The workbook a user downloads: summary per customer and every open item."""
    wizard = env["kundekartotek.ageing.wizard"].create({"as_of": as_of})
    context = wizard._report_context()
    content = env["kundekartotek.ageing.xlsx"]._build(context)
    _rows, total = env["kundekartotek.ageing.report"].with_context(**context)._kk_report_rows()
    return {key: total[key] for key in KEYS}, len(content)


def oca_values(env, as_of):
    """OCA's Aged Partner Balance through its wizard: receivable accounts, all partners, posted entries."""
    wizard = env["aged.partner.balance.report.wizard"].create(
        {
            "date_at": as_of,
            "company_id": env.company.id,
            "receivable_accounts_only": True,
            "account_ids": [(6, 0, receivable_accounts(env).ids)],
            "target_move": "posted",
        }
    )
    # The report action sends the data through JSON: dates become strings, as its report expects.
    data = json.loads(json.dumps(wizard._prepare_report_data(), default=str))
    values = env["report.account_financial_report.aged_partner_balance"]._get_report_values(wizard.ids, data)
    accounts = values["aged_partner_balance"]
    total = {key: sum(account[name] for account in accounts for name in names) for key, names in OCA_KEYS.items()}
    return total, sum(len(account["partners"]) for account in accounts)


def ours_query(env, as_of):
    """Our grouped query alone, exactly as the reports have PostgreSQL run it: EXPLAIN ANALYZE, then timed as is."""
    from odoo.tools import SQL  # noqa: PLC0415 (Odoo is importable only inside odoo_env)

    query = env["kundekartotek.ageing.report"].with_context(**ours_context(env, as_of))._kk_grouped_query()
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    plan = [row[0] for row in env.cr.fetchall()]
    timings = []
    for _run in range(3):
        start = time.perf_counter()
        env.cr.execute(query)
        env.cr.fetchall()
        timings.append(time.perf_counter() - start)
    execution = next(float(line.split()[2]) for line in plan if line.startswith("Execution Time"))
    return {"explain_ms": execution, "query_s": min(timings), "plan": plan}


MEASURES = {"ours": ours_values, "ours_xlsx": ours_xlsx, "oca": oca_values}


def measure_one(config, database, name, as_of):
    with odoo_env(config, database) as env:
        # Warm the registry and the metadata the report needs, not its data.
        env["kundekartotek.ageing.report"].fields_get()
        env.cr.execute("SELECT 1")
        before = memory_kb("VmRSS")
        reset_peak()
        start = time.perf_counter()
        total, size = MEASURES[name](env, as_of)
        seconds = time.perf_counter() - start
        growth = memory_kb("VmHWM") - before
        result = {"name": name, "seconds": seconds, "memory_mb": growth / 1024, "total": total, "size": size}
        if name == "ours":
            result["query"] = ours_query(env, as_of)
            env.cr.execute("SELECT MAX(date)::text FROM account_move_line WHERE parent_state = 'posted'")
            result["last_entry"] = env.cr.fetchone()[0]
        env.cr.rollback()
    print(json.dumps(result))


def run_child(args, name, as_of):
    output = subprocess.run(
        [sys.executable, __file__, "-c", args.config, "-d", args.database, "--as-of", as_of, "--one", name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def best(results):
    """Best time of the runs; the memory is the largest growth seen (a peak is not noise)."""
    result = dict(min(results, key=lambda result: result["seconds"]))
    result["memory_mb"] = max(result["memory_mb"] for result in results)
    return result


def report_date(as_of, results, goal_db, show_plan):
    """Print one date's figures; return the list of goals missed (empty when all are met)."""
    ours, oca, xlsx = (best(results[name]) for name in ("ours", "oca", "ours_xlsx"))
    query = min((result["query"] for result in results["ours"]), key=lambda query: query["query_s"])
    if show_plan:
        print("\n".join(query["plan"]))
    ratio = oca["seconds"] / ours["seconds"]
    print(f"\nas of {as_of}, best of {len(results['ours'])} fresh processes per report")
    print(f"{'':34}{'seconds':>10}{'peak memory growth':>22}{'customers/bytes':>17}")
    for label, result in (
        ("kundekartotek (PDF values)", ours),
        ("kundekartotek (XLSX workbook)", xlsx),
        ("OCA Aged Partner Balance (values)", oca),
    ):
        print(f"{label:34}{result['seconds']:>10.3f}{result['memory_mb']:>19.1f} MB{result['size']:>17}")
    print(f"our query in PostgreSQL: {query['explain_ms'] / 1000:.3f} s (EXPLAIN ANALYZE), {query['query_s']:.3f} s "
          f"as run (goal <= {goal_db} s)")  # fmt: skip
    print(f"ratio OCA / ours (PDF values): time {ratio:.1f}x (goal >= {GOAL_RATIO:.0f}x), "
          f"memory {oca['memory_mb'] / max(ours['memory_mb'], 0.1):.1f}x")  # fmt: skip
    print(f"{'bucket':10}{'ours':>18}{'OCA':>18}{'difference':>14}")
    missed = []
    for key in KEYS:
        difference = round(ours["total"][key] - oca["total"][key], 2)
        if abs(difference) >= 0.01:
            missed.append(f"totals disagree ({key})")
        print(f"{key:10}{ours['total'][key]:>18,.2f}{oca['total'][key]:>18,.2f}{difference:>14,.2f}")
    if query["query_s"] > goal_db:
        missed.append(f"query {query['query_s']:.3f} s > {goal_db} s")
    if ratio < GOAL_RATIO:
        missed.append(f"ratio {ratio:.1f}x < {GOAL_RATIO:.0f}x")
    if max(ours["memory_mb"], xlsx["memory_mb"]) > GOAL_MEMORY_MB:
        missed.append(f"memory > {GOAL_MEMORY_MB} MB")
    print("totals agree" if not any("totals" in item for item in missed) else "TOTALS DISAGREE")
    return missed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--as-of", action="append", help=f"repeat for several dates; default {', '.join(DATES)}")
    parser.add_argument("--repeat", type=int, default=2, help="fresh processes per report; the best time is kept")
    parser.add_argument("--one", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--plan", action="store_true", help="print our query's plan")
    args = parser.parse_args()
    dates = args.as_of or list(DATES)
    if args.one:
        measure_one(args.config, args.database, args.one, dates[0])
        return
    print(f"database {args.database}, {len(dates)} dates, {args.repeat} rounds of fresh processes per report")
    summary = []
    for as_of in dates:
        results = {}
        for _run in range(args.repeat):
            for name in ("ours", "oca", "ours_xlsx"):  # alternate, so that neither always runs on a warmer machine
                results.setdefault(name, []).append(run_child(args, name, as_of))
        last_entry = datetime.date.fromisoformat(results["ours"][0]["last_entry"])
        recent = (last_entry - datetime.date.fromisoformat(as_of)).days <= RECENT_DAYS
        goal_db = GOAL_DB_SECONDS_RECENT if recent else GOAL_DB_SECONDS_BACK
        summary.append((as_of, report_date(as_of, results, goal_db, args.plan)))
    print()
    for as_of, missed in summary:
        print(f"{as_of}: {'goals met' if not missed else 'GOALS MISSED: ' + '; '.join(missed)}")
    sys.exit(1 if any(missed for _as_of, missed in summary) else 0)


if __name__ == "__main__":
    main()
