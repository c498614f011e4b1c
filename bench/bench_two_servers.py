#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two Odoo servers on one database: concurrent customer creation split across them.

Starts two Odoo servers in multi-process mode (``--workers``, through bench/prefork_server.py) on the same
database, each on its own localhost port, as two machines behind a proxy would run, and lets N XML-RPC client
processes create customers (``customer_rank=1``) at the same time, the odd clients on one server and the even ones
on the other. Then checks: every customer stored (0 lost), no customer number drawn twice (0 duplicates), every
customer numbered, and the audit chain verified by the module's own verification (the Verify button's method).

    python3 bench/bench_two_servers.py                                  # 8 clients, 2000 customers
    python3 bench/bench_two_servers.py --clients 8 --customers 400 --workers 2 --keep
    python3 bench/bench_two_servers.py --template kk_ops                # copy an existing database instead of
                                                                        # building a fresh one (no connections to it)

Only localhost traffic; every wait is bounded. Exits 1 when a customer is lost, a number is duplicated, or the
audit chain is not intact.
"""

import argparse
import collections
import multiprocessing
import os
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrent_create import (  # noqa: E402
    LOGIN,
    PASSWORD,
    TimeoutTransport,
    bash,
    bench_setup,
    build_database,
    client,
    start_server,
)

# A request of the bench may wait long behind the other server's locks: no worker is killed for it.
LONG_REQUESTS = ("--limit-time-real=600", "--limit-time-cpu=600")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--db", default="kk_bench_two_servers")
    parser.add_argument("--template", help="copy this database instead of building a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the database (dropped otherwise)")
    args = parser.parse_args()

    log, env_info = bench_setup("bench-two-servers.log")
    if args.template:
        print(f"copying {args.template} to {args.db} ...", flush=True)
        bash(
            f"if db_exists {args.db}; then dropdb {args.db}; fi; createdb -T {args.template} {args.db}; "
            f"rm -rf $WORK_DIR/data/filestore/{args.db}; "
            f"if [ -d $WORK_DIR/data/filestore/{args.template} ]; then "
            f"cp -r $WORK_DIR/data/filestore/{args.template} $WORK_DIR/data/filestore/{args.db}; fi",
            log,
        )
    else:
        print(f"building {args.db} (kundekartotek, no demo) ...", flush=True)
        build_database(args.db, "kundekartotek", log)

    servers = []
    try:
        for _ in range(2):
            servers.append(start_server(env_info, args.db, log, workers=args.workers, options=LONG_REQUESTS))
        urls = [url for _process, url in servers]
        common = xmlrpc.client.ServerProxy(f"{urls[0]}/xmlrpc/2/common", transport=TimeoutTransport())
        uid = common.authenticate(args.db, LOGIN, PASSWORD, {})
        proxies = [
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)
            for url in urls
        ]
        for proxy in proxies:  # warm-up: every worker's registry loads on its first request
            proxy.execute_kw(args.db, uid, PASSWORD, "res.partner", "search_count", [[]])
        prefix = f"TWO-{int(time.time())}"
        shares = [
            args.customers // args.clients + (1 if i < args.customers % args.clients else 0)
            for i in range(args.clients)
        ]
        jobs = [(urls[i % 2], args.db, uid, prefix, i, share) for i, share in enumerate(shares)]
        print(
            f"{args.clients} clients create {args.customers} customers on two servers with {args.workers} workers "
            f"each ({urls[0]}, {urls[1]}) ...",
            flush=True,
        )
        started = time.monotonic()
        with multiprocessing.Pool(args.clients) as pool:
            results = pool.map(client, jobs)
        seconds = time.monotonic() - started
        errors = collections.Counter(error for _ids, errs in results for error in errs)
        per_server = [sum(len(results[i][0]) for i in range(len(jobs)) if i % 2 == side) for side in (0, 1)]
        stored = proxies[1].execute_kw(
            args.db,
            uid,
            PASSWORD,
            "res.partner",
            "search_read",
            [[("name", "=like", f"{prefix} %")]],
            {"fields": ["ref"]},
        )
        refs = collections.Counter(record["ref"] for record in stored if record["ref"])
        duplicates = sum(count - 1 for count in refs.values() if count > 1)
        without = sum(1 for record in stored if not record["ref"])
        lost = args.customers - len(stored)
        check = proxies[0].execute_kw(args.db, uid, PASSWORD, "kundekartotek.audit.log", "action_verify_chain", [[]])
        chain_ok = check["params"]["type"] == "success"
    finally:
        for process, _url in servers:
            stop(process)

    print(
        f"\nresults ({args.clients} clients, {args.customers} customers, two servers x {args.workers} workers, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}):"
    )
    print(
        f"  created {len(stored)} (server 1: {per_server[0]}, server 2: {per_server[1]}), lost {lost}, "
        f"client errors {sum(errors.values())}"
    )
    for kind, count in errors.most_common(3):
        print(f"    {count} x {kind}")
    print(
        f"  duplicate numbers {duplicates}, without a number {without}, "
        f"numbers {min(refs, default='-')} .. {max(refs, default='-')}"
    )
    print(f"  {seconds:.1f} s, {len(stored) / seconds if seconds else 0:.1f} customers/s")
    print(f"  audit chain: {check['params']['message']}")
    if not args.keep:
        bash(f"dropdb --if-exists {args.db}; rm -rf $WORK_DIR/data/filestore/{args.db}", log)
    return 1 if (lost or duplicates or without or not chain_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
