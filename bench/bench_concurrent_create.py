#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Concurrent customer creation over XML-RPC: duplicate numbers, lost creations, throughput.

Builds two databases with the dev scripts' helpers (``dev/common.sh``): one with kundekartotek, one with only
``contacts`` and ``account`` (the anchor), starts an Odoo server (threaded) for each on a free localhost port, and
lets N client processes create customers (``customer_rank=1``) at the same time, in rounds (``--rounds``, 8): in each
round the anchor and the module take turns, so that a machine whose speed drifts during the run (these machines'
does, by half within minutes) weighs on both alike. Prints duplicates (over all rounds), lost creations, seconds and
customers per second for both, the ratio of each round and of the whole run, and checks the module's audit chain
with its own verification (the *Verify* button's method) after each round.

The ratio of one round moves by ±0.1 from one round to the next on these machines (docs/benchmarks.md, session
14): eight rounds rather than four halve what one slow minute can do to the whole run's ratio, and the spread of
the rounds is printed with it (their mean and a 95 % interval for it), so a reader sees how far one run can be
trusted.

    python3 bench/bench_concurrent_create.py                 # 8 clients, 2000 customers
    python3 bench/bench_concurrent_create.py --clients 4 --customers 400 --keep   # keep the databases

Only localhost traffic; every wait is bounded.
"""

import argparse
import collections
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
COMMON = PROJECT_DIR / "dev" / "common.sh"
LOGIN = PASSWORD = "admin"
SERVER_START_TIMEOUT = 180  # seconds
CALL_TIMEOUT = 120  # seconds per XML-RPC call


class TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a timeout: a hung server fails the run instead of blocking it."""

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = CALL_TIMEOUT
        return connection


def bash(script, log):
    """Run ``script`` after sourcing dev/common.sh and set-up; return its stdout (the log gets stderr)."""
    with open(log, "a") as err:
        return subprocess.run(
            ["bash", "-c", f"source {COMMON}; setup_all >&2; {script}"],
            check=True,
            text=True,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=PROJECT_DIR,
            timeout=1800,
        ).stdout


def build_database(db, modules, log):
    """A fresh Norwegian database without demo data (``create_database``), then ``modules`` installed."""
    bash(
        f"if db_exists {db}; then dropdb {db}; fi; create_database {db} nodemo {log}; "
        f"odoo_bin -d {db} -i {modules} --without-demo=all --stop-after-init --log-level=warn >>{log} 2>&1",
        log,
    )


def bench_setup(log_name):
    """The bench's log (``.odoo/<log_name>``, emptied) and the dev scripts' ``PY``, ``ODOO_SRC``, ``ODOO_RC``."""
    log = PROJECT_DIR / ".odoo" / log_name
    log.parent.mkdir(exist_ok=True)
    log.write_text("")
    env_info = dict(
        line.split("=", 1)
        for line in bash('echo "PY=$PY"; echo "ODOO_SRC=$ODOO_SRC"; echo "ODOO_RC=$ODOO_RC"', log).split()
    )
    return log, env_info


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env_info, db, log, workers=0, log_handlers=(), options=()):
    """An Odoo server for ``db`` on a free localhost port, no cron; returns (process, url).

    Threaded with ``workers=0``; with worker processes it runs through ``bench/prefork_server.py`` (odoo-bin without
    the bus process, which XML-RPC does not need), and stopping it (SIGTERM) stops its workers. ``options`` are
    further odoo-bin options (e.g. longer request limits).
    """
    port, gevent_port = free_port(), free_port()
    program = f"{env_info['ODOO_SRC']}/odoo-bin" if workers == 0 else str(PROJECT_DIR / "bench" / "prefork_server.py")
    process = subprocess.Popen(
        [
            env_info["PY"],
            program,
            "-c",
            env_info["ODOO_RC"],
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={gevent_port}",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--log-level=warn",
            *(f"--log-handler={handler}" for handler in log_handlers),
            *options,
        ],
        stdout=open(log, "a"),  # noqa: SIM115 - lives as long as the server
        stderr=subprocess.STDOUT,
        cwd=PROJECT_DIR,
        env={**os.environ, "PYTHONPATH": env_info["ODOO_SRC"]},
    )
    return process, wait_for_server(process, port, db, log)


def wait_for_server(process, port, db, log):
    """The URL of the server ``process`` started on ``port``, once it answers XML-RPC (bounded wait)."""
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {db} stopped; see {log}")
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=TimeoutTransport()).version()
            return url
        except OSError:
            time.sleep(1)
    process.terminate()
    raise RuntimeError(f"the server for {db} did not answer within {SERVER_START_TIMEOUT} s; see {log}")


def client(args):
    """One client process: create ``count`` customers one call at a time; returns (ids, errors)."""
    url, db, uid, prefix, index, count = args
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)
    ids, errors = [], []
    for number in range(count):
        vals = {"name": f"{prefix} {index:02d}-{number:05d}", "customer_rank": 1, "is_company": True}
        try:
            ids.append(models.execute_kw(db, uid, PASSWORD, "res.partner", "create", [vals]))
        except (xmlrpc.client.Fault, OSError) as error:
            errors.append(str(getattr(error, "faultString", error)).strip().splitlines()[-1][:200])
    return ids, errors


def measure(url, db, clients, customers, label, tag=""):
    """Create ``customers`` customers with ``clients`` processes at once; return a dict of results."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=TimeoutTransport())
    uid = common.authenticate(db, LOGIN, PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)
    # Warm-up: load the registry and views; a non-customer, so it draws no number and starts no series.
    models.execute_kw(db, uid, PASSWORD, "res.partner", "create", [{"name": f"Warm-up {label}"}])
    prefix = f"BENCH-{label}{tag}-{int(time.time())}"
    shares = [customers // clients + (1 if i < customers % clients else 0) for i in range(clients)]
    jobs = [(url, db, uid, prefix, i, share) for i, share in enumerate(shares)]
    started = time.monotonic()
    with multiprocessing.Pool(clients) as pool:
        results = pool.map(client, jobs)
    seconds = time.monotonic() - started
    ids = [pid for created, _errors in results for pid in created]
    errors = [error for _created, errs in results for error in errs]
    stored = models.execute_kw(
        db, uid, PASSWORD, "res.partner", "search_read", [[("name", "=like", f"{prefix} %")]], {"fields": ["ref"]}
    )
    refs = collections.Counter(record["ref"] for record in stored if record["ref"])
    chain = None
    if label == "kundekartotek":
        # Entries are chained right after each commit: once the clients are done, the chain holds every one.
        check = models.execute_kw(db, uid, PASSWORD, "kundekartotek.audit.log", "action_verify_chain", [[]])
        chain = (check["params"]["type"] == "success", check["params"]["message"])
    return {
        "label": label,
        "chain": chain,
        "created": len(stored),
        "lost": customers - len(stored),
        "errors": len(errors),
        "error_kinds": collections.Counter(errors).most_common(3),
        "duplicates": sum(count - 1 for count in refs.values() if count > 1),
        "without_number": sum(1 for record in stored if not record["ref"]),
        "ids_returned": len(ids),
        "seconds": seconds,
        "per_second": len(stored) / seconds if seconds else 0.0,
        "first_last": (min(refs, default="-"), max(refs, default="-")),
    }


def combine(label, found):
    """One result of a label's rounds: counts and seconds summed, the chain as the last round verified it."""
    created = sum(result["created"] for result in found)
    seconds = sum(result["seconds"] for result in found)
    numbers = [result["first_last"] for result in found if result["first_last"][0] != "-"]
    return {
        "label": label,
        "chain": found[-1]["chain"],
        "created": created,
        "lost": sum(result["lost"] for result in found),
        "errors": sum(result["errors"] for result in found),
        "error_kinds": collections.Counter(
            {kind: count for result in found for kind, count in result["error_kinds"]}
        ).most_common(3),
        "duplicates": sum(result["duplicates"] for result in found),
        "without_number": sum(result["without_number"] for result in found),
        "seconds": seconds,
        "per_second": created / seconds if seconds else 0.0,
        "first_last": (
            min((first for first, _last in numbers), default="-"),
            max((last for _first, last in numbers), default="-"),
        ),
    }


def duplicate_numbers(url, db):
    """Customer numbers held by more than one of the benchmark's customers, over all rounds."""
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=TimeoutTransport())
    uid = common.authenticate(db, LOGIN, PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)
    stored = models.execute_kw(
        db,
        uid,
        PASSWORD,
        "res.partner",
        "search_read",
        [[("name", "=like", "BENCH-kundekartotek-%")]],
        {"fields": ["ref"]},
    )
    refs = collections.Counter(record["ref"] for record in stored if record["ref"])
    return sum(count - 1 for count in refs.values() if count > 1)


def report(result, numbered):
    print(f"  {result['label']}:")
    print(f"    created {result['created']}, lost {result['lost']}, client errors {result['errors']}")
    for kind, count in result["error_kinds"]:
        print(f"      {count} x {kind}")
    if numbered:
        print(
            f"    duplicate numbers {result['duplicates']}, without a number {result['without_number']}, "
            f"numbers {result['first_last'][0]} .. {result['first_last'][1]}"
        )
    print(f"    {result['seconds']:.1f} s, {result['per_second']:.1f} customers/s")
    if result["chain"]:
        print(f"    audit chain: {result['chain'][1]}")


def mean_interval(values):
    """The mean of ``values`` and the half width of a 95 % interval for it (Student's t, two-sided)."""
    count = len(values)
    mean = statistics.fmean(values)
    # Two-sided 95 % quantiles of Student's t for 1 .. 15 degrees of freedom; 1.96 beyond.
    quantiles = (12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13)
    t = quantiles[count - 2] if count - 1 <= len(quantiles) else 1.96
    return mean, t * statistics.stdev(values) / count**0.5


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8, help="anchor and module take turns, this many times each")
    parser.add_argument("--db-prefix", default="kk_bench_numbering")
    parser.add_argument("--keep", action="store_true", help="keep the databases (dropped otherwise)")
    parser.add_argument("--reuse", action="store_true", help="reuse existing databases instead of building them")
    args = parser.parse_args()

    log, env_info = bench_setup("bench-concurrent-create.log")
    anchor_db, module_db = f"{args.db_prefix}_anchor", f"{args.db_prefix}_module"
    if not args.reuse:
        print(f"building {anchor_db} (contacts, account) and {module_db} (kundekartotek) ...", flush=True)
        build_database(anchor_db, "contacts,account", log)
        build_database(module_db, "kundekartotek", log)

    # Both servers run the whole time; the customers are created in rounds, anchor and module taking turns (and
    # turns about who goes first), so that a machine whose speed drifts during the run weighs on both alike.
    servers = {}
    rounds = {"anchor": [], "kundekartotek": []}
    try:
        for label, db in (("anchor", anchor_db), ("kundekartotek", module_db)):
            servers[label] = (db, *start_server(env_info, db, log))
        shares = [
            args.customers // args.rounds + (1 if i < args.customers % args.rounds else 0) for i in range(args.rounds)
        ]
        for number, share in enumerate(shares):
            order = ("anchor", "kundekartotek") if number % 2 == 0 else ("kundekartotek", "anchor")
            for label in order:
                db, _process, url = servers[label]
                print(
                    f"round {number + 1}/{args.rounds}, {label}: {args.clients} clients create {share} customers ...",
                    flush=True,
                )
                rounds[label].append(measure(url, db, args.clients, share, label, tag=f"-r{number + 1}"))
        results = {label: combine(label, found) for label, found in rounds.items()}
        # Numbers must be unique across the rounds too: one search over every round's customers.
        db, _process, url = servers["kundekartotek"]
        results["kundekartotek"]["duplicates"] = duplicate_numbers(url, db)
    finally:
        for _db, process, _url in servers.values():
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)

    print(
        f"\nresults ({args.clients} clients, {args.customers} customers in {args.rounds} rounds,"
        f" {os.cpu_count()} CPUs):"
    )
    report(results["anchor"], numbered=False)
    report(results["kundekartotek"], numbered=True)
    per_round = [
        module["per_second"] / anchor["per_second"]
        for anchor, module in zip(rounds["anchor"], rounds["kundekartotek"], strict=True)
    ]
    print(f"  ratio per round: {', '.join(f'{ratio:.2f}' for ratio in per_round)}")
    if len(per_round) > 1:
        mean, half_width = mean_interval(per_round)
        print(f"  rounds' ratios: mean {mean:.2f}, 95 % interval {mean - half_width:.2f} .. {mean + half_width:.2f}")
    ratio = results["kundekartotek"]["per_second"] / results["anchor"]["per_second"]
    print(f"  throughput ratio kundekartotek / anchor: {ratio:.2f}")

    if not args.keep:
        bash(f"dropdb --if-exists {anchor_db}; dropdb --if-exists {module_db}", log)
    module = results["kundekartotek"]
    failed = module["duplicates"] or module["lost"] or not module["chain"][0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
