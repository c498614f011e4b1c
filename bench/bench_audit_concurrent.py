#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Concurrent partner writes over XML-RPC with the audit trail on and off: one chain, no fork, and the cost.

Builds a database with kundekartotek (no demo data; ``--reuse`` keeps an existing one), starts an Odoo server with
worker processes (prefork, one worker per client) on a free localhost port, and lets N client processes write their
own customers (city and phone, both audited; one XML-RPC ``write`` per change) at the same time. The runs alternate
trail off (``kundekartotek.audit_fields = none``) and trail on, ``--rounds`` times each; the best elapsed time of
each side counts. Afterwards the chain is verified with the list button's method (``action_verify_chain``) and
counted in SQL: entries sharing their predecessor (forks), entries written, retries logged by Odoo.

    python3 bench/bench_audit_concurrent.py                     # 8 clients x 500 writes, 2 rounds
    python3 bench/bench_audit_concurrent.py --reuse --keep      # reuse the database, keep it afterwards

Exit status 1 on a fork, a failed verification, a lost write or a ratio above 1.25. Only localhost traffic.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
import xmlrpc.client
import zlib

from bench_concurrent_create import (
    LOGIN,
    PASSWORD,
    TimeoutTransport,
    bash,
    bench_setup,
    build_database,
    start_server,
)

GOAL = 1.25  # trail on / trail off, elapsed time
WARM_UP = 20  # writes per client before the timed runs


def client(args):
    """One client process: ``writes`` writes spread over its own customers; returns the number of failed calls."""
    url, db, uid, partner_ids, label, writes = args
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)
    failed = 0
    for number in range(writes):
        partner_id = partner_ids[number % len(partner_ids)]
        # Both values differ from the run before whatever the sizes: each write is two audited changes.
        vals = {"city": f"By {label} {number}", "phone": f"+47 {zlib.crc32(label.encode()) % 90 + 10}{number:06d}"}
        try:
            models.execute_kw(db, uid, PASSWORD, "res.partner", "write", [[partner_id], vals])
        except (xmlrpc.client.Fault, OSError):
            failed += 1
    return failed


def count(db, query, log):
    return int(bash(f'psql -d {db} -Atc "{query}"', log).strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--writes", type=int, default=500, help="writes per client and run")
    parser.add_argument("--customers", type=int, default=25, help="customers per client")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side (off, on, off, on, ...)")
    parser.add_argument("--db", default="kk_bench_audit_concurrent")
    parser.add_argument("--keep", action="store_true", help="keep the database (dropped otherwise)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing database instead of building it")
    args = parser.parse_args()

    log, env_info = bench_setup("bench-audit-concurrent.log")
    if not args.reuse:
        print(f"building {args.db} (kundekartotek, no demo data) ...", flush=True)
        build_database(args.db, "kundekartotek", log)
    else:
        bash(f"odoo_bin -d {args.db} -u kundekartotek --stop-after-init --log-level=warn >>{log} 2>&1", log)

    # Odoo's retry loop says at INFO when a serialization failure is retried: those lines are counted.
    process, url = start_server(env_info, args.db, log, workers=args.clients, log_handlers=["odoo.service.model:INFO"])
    try:
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=TimeoutTransport())
        uid = common.authenticate(args.db, LOGIN, PASSWORD, {})
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)

        def call(model, method, *call_args):
            return models.execute_kw(args.db, uid, PASSWORD, model, method, list(call_args))

        stamp = int(time.time())
        customers = [
            call(
                "res.partner",
                "create",
                [{"name": f"Bench {stamp} {c:02d}-{i:03d}", "is_company": True} for i in range(args.customers)],
            )
            for c in range(args.clients)
        ]
        # Warm-up (trail on, not timed): every worker loads the registry before the first timed run.
        warm = [(url, args.db, uid, customers[c], "warm", WARM_UP) for c in range(args.clients)]
        with multiprocessing.Pool(args.clients) as pool:
            pool.map(client, warm)
        entries_before = count(args.db, "SELECT count(*) FROM kundekartotek_audit_log", log)
        timings = {"off": [], "on": []}
        failed = {"off": 0, "on": 0}
        for round_number in range(args.rounds):
            for side in ("off", "on"):
                call("ir.config_parameter", "set_param", "kundekartotek.audit_fields", "none" if side == "off" else "")
                label = f"{side}{round_number}"
                jobs = [(url, args.db, uid, customers[c], label, args.writes) for c in range(args.clients)]
                started = time.monotonic()
                with multiprocessing.Pool(args.clients) as pool:
                    failed[side] += sum(pool.map(client, jobs))
                timings[side].append(time.monotonic() - started)
                print(f"  {side:3} round {round_number + 1}: {timings[side][-1]:.1f} s", flush=True)
        verdict = call("kundekartotek.audit.log", "action_verify_chain", [])["params"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)

    writes = args.clients * args.writes
    entries = count(args.db, "SELECT count(*) FROM kundekartotek_audit_log", log) - entries_before
    forks = count(
        args.db,
        "SELECT count(*) - count(DISTINCT previous_hash) FROM kundekartotek_audit_log WHERE sequence IS NOT NULL",
        log,
    )
    retries = sum(1 for line in log.read_text().splitlines() if "try again in" in line)
    off, on = min(timings["off"]), min(timings["on"])
    ratio = on / off
    print(f"\nresults ({args.clients} clients x {args.writes} writes per run, {os.cpu_count()} CPUs):")
    print(f"  trail off: best {off:.1f} s ({writes / off:.0f} writes/s), runs {[round(t, 1) for t in timings['off']]}")
    print(f"  trail on:  best {on:.1f} s ({writes / on:.0f} writes/s), runs {[round(t, 1) for t in timings['on']]}")
    print(f"  ratio on/off (elapsed): {ratio:.3f} (goal <= {GOAL})")
    print(f"  failed calls: off {failed['off']}, on {failed['on']}; serialization retries logged: {retries}")
    print(f"  audit entries written: {entries} (expected {2 * writes * args.rounds})")
    print(f"  entries sharing their predecessor (forks): {forks}")
    print(f"  verification: {verdict['type']}: {verdict['message']}")

    if not args.keep:
        bash(f"dropdb --if-exists {args.db}", log)
    bad = forks or verdict["type"] != "success" or failed["on"] or failed["off"] or ratio > GOAL
    bad = bad or entries != 2 * writes * args.rounds
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
