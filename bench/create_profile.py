#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Where the time of one customer creation goes: queries, milliseconds and a profile, with or without the module.

Creates ``--count`` customers one transaction at a time as the *admin* user, as an XML-RPC client would (one
``res.partner.create``, then the commit with its pre-commit work: the audit trail is chained there), and prints the
SQL statements and milliseconds per creation, the commit included. Run it on a database with kundekartotek and on
one without (``contacts`` + ``account``) to see what the module adds. The customers are committed: use a database
made for benchmarks.

    .venv/bin/python bench/create_profile.py -c .odoo/odoo.cfg -d kk_bench_perf_module [--count 200] [--orgnr]
        [--profile out.prof] [--top 40] [--calls 50]

``--orgnr`` creates Norwegian companies with an organisation number, address, e-mail and phone (the register queue,
postal check and duplicate keys then have work to do); without it the values of ``bench_concurrent_create.py``
(name, ``customer_rank``, ``is_company``). ``--calls N`` counts the Python calls of N more creations, a figure
that does not depend on the machine's load. Statements sent on other cursors (the audit chain reads its head in a
fresh transaction) are not in the count.
"""

import argparse
import cProfile
import os
import pstats
import random
import sys
import threading
import time
import traceback
from pathlib import Path

from generate_receivables import odoo_env


def orgnr(rng):
    """A valid Norwegian organisation number (MOD11), starting with 9 as most companies' do."""
    while True:
        digits = [9] + [rng.randrange(10) for _ in range(7)]
        weights = (3, 2, 7, 6, 5, 4, 3, 2)
        check = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def values(rng, prefix, number, full, norway):
    vals = {"name": f"{prefix} {number:05d} AS", "customer_rank": 1, "is_company": True}
    if full:
        vals.update(
            company_registry=orgnr(rng),
            country_id=norway,
            street=f"Storgata {number % 200 + 1}",
            zip="0150",
            city="Oslo",
            email=f"post{number}@{prefix.lower()}.example.com",
            phone=f"+47 22 {number % 100:02d} {number % 97:02d} {number % 89:02d}",
        )
    return vals


def backend_cpu(cr):
    """CPU seconds the PostgreSQL backend serving ``cr`` has used so far (Linux, server on this machine).

    Wall-clock times on a shared machine measure the machine; CPU times of the two processes doing the work do
    not depend on what else runs (the fresh cursor the audit chain opens at commit is another backend: not in it).
    """
    cr.execute("SELECT pg_backend_pid()")
    (pid,) = cr.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def where():
    """The innermost frames of the module (else of addons) that led to a statement, innermost last."""
    frames = [
        f"{Path(frame.filename).stem}:{frame.lineno}:{frame.name}"
        for frame in traceback.extract_stack()[:-3]
        if "/addons/" in frame.filename or "kundekartotek" in frame.filename
    ]
    return " < ".join(reversed(frames[-5:]))


def count_calls(env, vals_list):
    """Python function calls (and calls of C functions) made by the creations of ``vals_list``, each committed, and
    how many of them are calls of the module's own functions or made directly by them: ``(calls, own)``.

    Unlike times, the count does not depend on the machine or its load: in the benchmark's threaded server, whose
    one interpreter lock is the bottleneck (docs/benchmarks.md), it is what one creation costs.
    """
    counts = [0, 0]

    def count(frame, event, _arg):
        if event in ("call", "c_call"):
            counts[0] += 1
            filename = frame.f_code.co_filename
            if "/kundekartotek/" in filename and "/bench/" not in filename:
                counts[1] += 1

    watched_creations(env, vals_list, count)
    return tuple(counts)


def watched_creations(env, vals_list, hook):
    """Create the partners of ``vals_list``, each committed, with ``hook`` as the profile function (``sys.setprofile``)
    of this thread and of the threads started meanwhile: the audit trail's sealing and the warn policy's search run
    in threads of their own, a moment after the commits, and are waited for before it returns."""
    before = set(threading.enumerate())
    threading.setprofile(hook)
    sys.setprofile(hook)
    try:
        for vals in vals_list:
            env["res.partner"].create(vals)
            env.cr.commit()
        for thread in set(threading.enumerate()) - before:
            thread.join(60)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)


def database_parser(doc):
    """The command line of a benchmark on one database: ``-c`` the Odoo configuration, ``-d`` the database."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    return parser


def show_statements(env, vals):
    """Print each statement one more creation sends on the transaction's cursor, commit included."""
    from odoo import sql_db  # noqa: PLC0415 (Odoo is importable only once odoo_env set the path)

    statements = []
    execute = sql_db.Cursor.execute

    def recording(cursor, query, params=None, log_exceptions=True):
        if cursor is not env.cr:
            return execute(cursor, query, params, log_exceptions)
        start = time.perf_counter()
        try:
            return execute(cursor, query, params, log_exceptions)
        finally:
            text = str(query.code if hasattr(query, "code") else query)
            statements.append((time.perf_counter() - start, text.split(), where()))

    sql_db.Cursor.execute = recording
    try:
        env["res.partner"].create(vals)
        env.cr.commit()
    finally:
        sql_db.Cursor.execute = execute
    for number, (seconds, words, origin) in enumerate(statements, 1):
        print(f"{number:3d} {seconds * 1000:7.2f} ms  {' '.join(words)[:110]}\n      {origin}")


def main():
    parser = database_parser(__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--orgnr", action="store_true", help="Norwegian companies with orgnr, address, e-mail, phone")
    parser.add_argument("--profile", help="write a cProfile of the timed creations to this file")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions (cumulative)")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of the last creation")
    parser.add_argument("--calls", type=int, default=0, metavar="N", help="count Python calls in N more creations")
    args = parser.parse_args()
    rng = random.Random()
    with odoo_env(args.config, args.database) as env:
        admin = env.ref("base.user_admin")
        env = env(user=admin.id, context={"lang": admin.lang, "tz": "Europe/Oslo"})
        cr = env.cr
        norway = env.ref("base.no").id
        prefix = f"Profil{int(time.time()) % 100000}"
        # Warm-up: caches of the registry, the scheme and the sequence, as a running server has them.
        for number in range(5):
            env["res.partner"].create(values(rng, prefix + "W", number, args.orgnr, norway))
            cr.commit()
        profiler = cProfile.Profile(time.process_time) if args.profile or args.top else None
        backend = backend_cpu(cr)
        queries, started, cpu = cr.sql_log_count, time.perf_counter(), time.process_time()
        per_creation = []
        for number in range(args.count):
            vals = values(rng, prefix, number, args.orgnr, norway)
            before = cr.sql_log_count
            if profiler:
                profiler.enable()
            env["res.partner"].create(vals)
            cr.commit()
            if profiler:
                profiler.disable()
            per_creation.append(cr.sql_log_count - before)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        backend = backend_cpu(cr) - backend
        queries = cr.sql_log_count - queries
        if args.show_sql:
            show_statements(env, values(rng, prefix + "S", 0, args.orgnr, norway))
        if args.calls:
            calls, own = count_calls(env, [values(rng, prefix + "C", n, args.orgnr, norway) for n in range(args.calls)])
            print(
                f"Python calls per creation, commit included: {calls / args.calls:.0f}, of which "
                f"{own / args.calls:.0f} of the module's own functions or made directly by them"
            )
        module = [("name", "=", "kundekartotek"), ("state", "=", "installed")]
        installed = bool(env["ir.module.module"].search_count(module))
        print(
            f"{args.database} (kundekartotek {'installed' if installed else 'not installed'}), "
            f"{'Norwegian companies with orgnr' if args.orgnr else 'bench values'}: {args.count} creations, "
            f"{seconds / args.count * 1000:.2f} ms and {queries / args.count:.2f} statements per creation "
            f"(min {min(per_creation)}, max {max(per_creation)}), commit included; CPU per creation: "
            f"{cpu / args.count * 1000:.2f} ms in Odoo, {backend / args.count * 1000:.2f} ms in its PostgreSQL backend"
        )
        if profiler:
            if args.profile:
                profiler.dump_stats(args.profile)
            if args.top:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
