#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Import of an N-row customer list (Tripletex headings, Windows-1252, semicolons) including the dry run.

Builds ``kk_bench_api_import`` (no demo data) with the dev scripts' helpers unless ``--reuse``, then, in one Odoo
process and as a Kundekartotek manager: reads the file, runs the dry run, and imports it batch by batch, committing
after each batch as the cron runner does (``_kk_import_batch`` is what ``_cron_process`` calls). Then the same file
again (dry run + import): everything must be unchanged. Goal: file read + dry run + import of 10 000 rows ≤ 60 s.

    python3 bench/bench_import.py                    # 10 000 rows
    python3 bench/bench_import.py --rows 1000 --reuse
"""

import argparse
import base64
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_concurrent_create import PROJECT_DIR, bash, bench_setup, build_database  # noqa: E402
from bench_upsert import POSTCODES, valid_orgnrs  # noqa: E402

HEADINGS = ["Kundenummer", "Navn", "Organisasjonsnummer", "E-post", "Postadresse", "Postnr", "Poststed", "Land"]


def customer_file(rows, one_postcode=False):
    numbers = valid_orgnrs(rows, start=82000000)
    lines = [";".join(HEADINGS)]
    for i, number in enumerate(numbers):
        lines.append(
            ";".join(
                [
                    f"{20000 + i}",
                    f"Import Kunde {i:05d} Ærlig AS",
                    f"{number[:3]} {number[3:6]} {number[6:]}",
                    f"post{i}@import.example",
                    f"Storgata {i % 200 + 1}",
                    "0150" if one_postcode else POSTCODES[i % len(POSTCODES)],
                    "OSLO",
                    "Norge",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run_in_odoo(args):
    """The measured part, in this process's own Odoo (``--inner``)."""
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
    import odoo  # noqa: PLC0415 (Odoo comes from ODOO_SRC, known only at run time)

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    content = base64.b64encode(customer_file(args.rows, args.one_postcode))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", "kk_bench_import")])
        if not user:
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": "Benk import",
                        "login": "kk_bench_import",
                        "groups_id": [
                            (
                                6,
                                0,
                                [
                                    env.ref("kundekartotek.group_manager").id,
                                    env.ref("account.group_account_invoice").id,
                                ],
                            )
                        ],
                    }
                )
            )
        template = env.ref("kundekartotek.kundekartotek_import_template_tripletex")
        if args.duplicate_policy:
            env.company.kk_duplicate_policy = args.duplicate_policy
        print(f"duplicate policy: {env.company.kk_duplicate_policy}", flush=True)
        cr.commit()
        for label in ("first import", "same file again"):
            env = odoo.api.Environment(cr, user.id, {})
            timings = {}
            started = time.monotonic()
            run = env["kundekartotek.import.run"].create(
                {"file": content, "filename": "kunder.csv", "template_id": template.id, "batch_size": args.batch}
            )
            run.action_read_file()
            cr.commit()
            timings["read file"] = time.monotonic() - started
            mark = time.monotonic()
            run.action_dry_run()
            cr.commit()
            timings["dry run"] = time.monotonic() - mark
            mark = time.monotonic()
            run.action_import()
            cr.commit()
            while run.state == "running":
                run._kk_import_batch()
                cr.commit()
            timings["import"] = time.monotonic() - mark
            total = time.monotonic() - started
            print(f"{label}: {args.rows} rows, batches of {args.batch}")
            for step, seconds in timings.items():
                print(f"  {step:10s} {seconds:7.1f} s")
            print(f"  {'total':10s} {total:7.1f} s  ({args.rows / total:.0f} rows/s)")
            print(
                f"  dry run: {run.checked_create_count} new, {run.checked_update_count} found, "
                f"{run.checked_problem_count} problems; import: {run.created_count} created, {run.updated_count} "
                f"updated, {run.unchanged_count} unchanged, {run.error_count} errors",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--db", default="kk_bench_api_import")
    parser.add_argument(
        "--duplicate-policy",
        choices=["allow", "warn", "refuse"],
        help="set the company's duplicate policy first (default: leave it, i.e. warn on a new database)",
    )
    parser.add_argument("--one-postcode", action="store_true", help="every customer in postcode 0150 (worst case)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing database instead of building it")
    parser.add_argument("--keep", action="store_true", help="keep the database (dropped otherwise)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.db.startswith("kk_bench_"):
        parser.error("the database name must start with kk_bench_ (the benchmarks drop it)")
    if args.inner:
        run_in_odoo(args)
        return 0
    log, env_info = bench_setup("bench-import.log")
    if not args.reuse:
        print(f"building {args.db} (kundekartotek, no demo data) ...", flush=True)
        build_database(args.db, "kundekartotek", log)
    command = [env_info["PY"], __file__, "--inner", "--config", env_info["ODOO_RC"], "--db", args.db]
    command += ["--rows", str(args.rows), "--batch", str(args.batch)]
    if args.duplicate_policy:
        command += ["--duplicate-policy", args.duplicate_policy]
    if args.one_postcode:
        command += ["--one-postcode"]
    result = subprocess.run(command, cwd=PROJECT_DIR, timeout=3600, check=False, env=dict(os.environ, **env_info))
    if not args.keep:
        bash(f"dropdb --if-exists {args.db}", log)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
