#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Upsert of N customers over XML-RPC in batches, first and identical second run, against plain ``create``.

Builds ``kk_bench_api`` (no demo data) with the dev scripts' helpers, serves it on a free localhost port (threaded,
no cron) and, as a Kundekartotek manager over XML-RPC:

1. ``kk_upsert`` of N new customers (name, company, Norway, a valid organisation number, e-mail, address, an
   external reference) in batches of 500: all must answer ``created``;
2. the identical call again: all must answer ``unchanged``, and nothing may be written (``write_date`` unchanged);
3. plain ``create`` of the same values (without the external reference) in the same batches.

Prints seconds and customers per second of each, and the ratios to plain ``create``.

    python3 bench/bench_upsert.py                     # 10 000 customers
    python3 bench/bench_upsert.py --customers 1000 --keep

Only localhost traffic; every wait is bounded. Exit status 1 when a run answers anything unexpected.
"""

import argparse
import collections
import os
import sys
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrent_create import (  # noqa: E402
    TimeoutTransport,
    bash,
    bench_setup,
    build_database,
    start_server,
)

LOGIN = PASSWORD = "admin"
BENCH_LOGIN = BENCH_PASSWORD = "kk_bench_api"


def valid_orgnrs(count, start=81000000):
    """``count`` valid organisation numbers (MOD11), from ``start`` (eight digits) on."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    numbers = []
    base = start
    while len(numbers) < count:
        digits = f"{base:08d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            numbers.append(f"{digits}{check}")
        base += 1
    return numbers


# Where the customers live: a register clusters in the towns (here a third in central Oslo, 50 postcodes) and
# spreads over the country (900 more), about ten customers a postcode. The import benchmark's ``--one-postcode``
# puts every customer in 0150, the duplicate check's worst case (it compares names within a postcode).
POSTCODES = [f"{code:04d}" for code in range(150, 200)] + [f"{code:04d}" for code in range(1000, 10000, 10)]


def customers(count, norway_id, other=False):
    """``count`` new customers; ``other``: as many more of the same shape that are no duplicates of the first."""
    name, domain, street = ("Prøve Firma", "prove", "Kirkeveien") if other else ("Benk Kunde", "benk", "Storgata")
    return [
        {
            "name": f"{name} {i:05d} AS",
            "is_company": True,
            "country_id": norway_id,
            "company_registry": number,
            "email": f"post{i}@{domain}.example",
            "street": f"{street} {i % 200 + 1}",
            "zip": POSTCODES[i % len(POSTCODES)],
            "city": "OSLO",
            "external_ref": {"source": "bench", "ref": f"B-{i:05d}"},
        }
        for i, number in enumerate(valid_orgnrs(count, start=83000000 if other else 81000000))
    ]


def timed_batches(models, db, uid, method, records, batch):
    started = time.monotonic()
    answers = []
    for first in range(0, len(records), batch):
        chunk = records[first : first + batch]
        answer = models.execute_kw(db, uid, BENCH_PASSWORD, "res.partner", method, [chunk])
        answers.extend(answer if isinstance(answer, list) else [answer])
    return time.monotonic() - started, answers


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--db", default="kk_bench_api")
    parser.add_argument(
        "--duplicate-policy",
        choices=["allow", "warn", "refuse"],
        help="set the company's duplicate policy first (default: leave it, i.e. warn on a new database)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (dropped otherwise)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing database instead of building it")
    args = parser.parse_args()
    if not args.db.startswith("kk_bench_"):
        parser.error("the database name must start with kk_bench_ (the benchmarks drop it)")

    log, env_info = bench_setup("bench-upsert.log")
    if not args.reuse:
        print(f"building {args.db} (kundekartotek, no demo data) ...", flush=True)
        build_database(args.db, "kundekartotek", log)
    process, url = start_server(env_info, args.db, log)
    failed = False
    try:
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", transport=TimeoutTransport())
        admin = common.authenticate(args.db, LOGIN, PASSWORD, {})
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True)

        def admin_call(model, method, *call_args, **kwargs):
            return models.execute_kw(args.db, admin, PASSWORD, model, method, list(call_args), kwargs)

        group_ids = [
            admin_call("ir.model.data", "check_object_reference", module, name)[1]
            for module, name in (("kundekartotek", "group_manager"), ("account", "group_account_invoice"))
        ]
        found = admin_call("res.users", "search", [("login", "=", BENCH_LOGIN)])
        uid = (
            found[0]
            if found
            else admin_call(
                "res.users",
                "create",
                {
                    "name": "Benk integrasjon",
                    "login": BENCH_LOGIN,
                    "password": BENCH_PASSWORD,
                    "groups_id": [(6, 0, group_ids)],
                },
            )
        )
        norway_id = admin_call("res.country", "search", [("code", "=", "NO")])[0]
        company_id = admin_call("res.users", "read", [uid], fields=["company_id"])[0]["company_id"][0]
        if args.duplicate_policy:
            admin_call("res.company", "write", [company_id], {"kk_duplicate_policy": args.duplicate_policy})
        policy = admin_call("res.company", "read", [company_id], fields=["kk_duplicate_policy"])[0]
        print(f"duplicate policy: {policy['kk_duplicate_policy']}", flush=True)
        records = customers(args.customers, norway_id)
        # Warm-up: registry, access rules; a non-customer on a key of its own.
        models.execute_kw(args.db, uid, BENCH_PASSWORD, "res.partner", "kk_lookup", ["warm-up"])

        print(f"upsert, first run: {args.customers} customers in batches of {args.batch} ...", flush=True)
        first_s, first = timed_batches(models, args.db, uid, "kk_upsert", records, args.batch)
        first_status = collections.Counter(answer["status"] for answer in first)
        ids = [answer["id"] for answer in first]
        stamps = {row["id"]: row["write_date"] for row in admin_call("res.partner", "read", ids, fields=["write_date"])}
        print("upsert, identical second run ...", flush=True)
        second_s, second = timed_batches(models, args.db, uid, "kk_upsert", records, args.batch)
        second_status = collections.Counter(answer["status"] for answer in second)
        rewritten = sum(
            1
            for row in admin_call("res.partner", "read", ids, fields=["write_date"])
            if stamps[row["id"]] != row["write_date"]
        )
        # Plain create of as many customers of the same shape, not of the same values: the register holds those
        # now, and under the duplicate policy each would be a duplicate (a search that finds, a note on each).
        plain = [
            {key: value for key, value in record.items() if key != "external_ref"} | {"customer_rank": 1}
            for record in customers(args.customers, norway_id, other=True)
        ]
        print("plain create of as many other customers ...", flush=True)
        create_s, _created = timed_batches(models, args.db, uid, "create", plain, args.batch)
    finally:
        process.terminate()
        process.wait(timeout=60)

    n = args.customers
    print(f"\nresults ({n} customers, batches of {args.batch}, {os.cpu_count()} CPUs):")
    print(f"  upsert, first run:   {first_s:7.1f} s, {n / first_s:7.1f} customers/s, {dict(first_status)}")
    print(
        f"  upsert, second run:  {second_s:7.1f} s, {n / second_s:7.1f} customers/s, {dict(second_status)}, "
        f"rewritten {rewritten}"
    )
    print(f"  plain create:        {create_s:7.1f} s, {n / create_s:7.1f} customers/s")
    print(f"  ratio first run / create (time):  {first_s / create_s:.2f}")
    print(f"  ratio second run / create (time): {second_s / create_s:.2f}")
    failed = first_status != {"created": n} or second_status != {"unchanged": n} or rewritten
    if not args.keep:
        bash(f"dropdb --if-exists {args.db}", log)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
