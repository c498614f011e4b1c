#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What one customer creation over XML-RPC costs the server in CPU time, with the module and without it.

Starts a threaded Odoo server for each of two databases (the ones ``bench_concurrent_create.py --keep`` leaves: the
anchor with ``contacts`` and ``account``, and kundekartotek), and creates customers one call at a time (the values
of ``bench_concurrent_create.py``), in rounds in which the two take turns. The figure is the CPU time the server
process spent per creation (``/proc/<pid>/stat``: user and system time of all its threads, so the trail's sealing
and the warn policy's look after each commit are in it), not the seconds a client waited: a machine whose other
work comes and goes moves the wall-clock time of a run far more than the server's own CPU time. Prints both, per
round and in all, as ratios anchor / module (the throughput ratio of a server that is CPU bound).

    python3 bench/create_cpu_rpc.py --db-prefix kk_bench_create [--count 400] [--rounds 2]

The customers are committed: use databases made for benchmarks.
"""

import argparse
import os
import sys
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrent_create import LOGIN, PASSWORD, TimeoutTransport, bench_setup, start_server  # noqa: E402

WARM_UP = 30  # creations before the measured ones: the registry, the views, the caches
SETTLE = 1.5  # seconds to let the looks after the last commit finish before the CPU time is read


def cpu_seconds(pid):
    """User and system CPU time of process ``pid`` (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def create(url, db, count, tag):
    """Create ``count`` customers one XML-RPC call at a time; return the seconds they took."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=TimeoutTransport())
    uid = common.authenticate(db, LOGIN, PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)
    started = time.monotonic()
    for number in range(count):
        vals = {"name": f"CPU-{tag}-{time.time():.0f} {number:05d}", "customer_rank": 1, "is_company": True}
        models.execute_kw(db, uid, PASSWORD, "res.partner", "create", [vals])
    return time.monotonic() - started


def measure(server, count, tag):
    """(server CPU ms, wall ms) per creation of ``count`` creations on ``server`` = (db, process, url)."""
    db, process, url = server
    before = cpu_seconds(process.pid)
    seconds = create(url, db, count, tag)
    time.sleep(SETTLE)
    spent = cpu_seconds(process.pid) - before
    return spent * 1000 / count, seconds * 1000 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-prefix", default="kk_bench_create", help="<prefix>_anchor and <prefix>_module")
    parser.add_argument("--count", type=int, default=400, help="creations per database and round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    log, env_info = bench_setup("bench-create-cpu-rpc.log")
    labels = {"anchor": f"{args.db_prefix}_anchor", "kundekartotek": f"{args.db_prefix}_module"}
    servers, results = {}, {label: [] for label in labels}
    try:
        for label, db in labels.items():
            servers[label] = (db, *start_server(env_info, db, log))
            create(servers[label][2], db, WARM_UP, f"{label}-warm")
        for number in range(args.rounds):
            order = list(labels) if number % 2 == 0 else list(reversed(labels))
            for label in order:
                results[label].append(measure(servers[label], args.count, f"{label}-r{number + 1}"))
                cpu, wall = results[label][-1]
                print(f"round {number + 1}, {label}: server CPU {cpu:.2f} ms, wall {wall:.2f} ms per creation")
    finally:
        for _db, process, _url in servers.values():
            process.terminate()
            process.wait(timeout=30)

    def mean(label, index):
        return sum(result[index] for result in results[label]) / len(results[label])

    print(f"\n{args.count} creations per database and round, {args.rounds} rounds, {os.cpu_count()} CPUs:")
    for label in labels:
        print(f"  {label}: server CPU {mean(label, 0):.2f} ms, wall {mean(label, 1):.2f} ms per creation")
    print(
        f"  ratio anchor / kundekartotek: server CPU {mean('anchor', 0) / mean('kundekartotek', 0):.2f},"
        f" wall {mean('anchor', 1) / mean('kundekartotek', 1):.2f}"
    )


if __name__ == "__main__":
    main()
