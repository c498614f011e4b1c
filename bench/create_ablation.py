#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What each part of the module costs in ``bench_concurrent_create.py``'s throughput: the same load on servers of the
module's database with parts of the module switched off, beside the anchor, in the same run.

Uses the databases ``bench_concurrent_create.py --keep`` leaves (``<prefix>_anchor``, ``<prefix>_module``). Starts
one threaded server for the anchor, one for the module as it is, and one per ``--without`` (parts joined with
``+``), each with those parts replaced by doing nothing (a benchmark only: the switched-off server gives customers
without number, trail or duplicate check). Then, in rounds, every server in turn (the order reversed every other
round) gets ``--customers`` creations by ``--clients`` processes; prints customers per second and the ratio to the
anchor of the same round, and their median. The parts:

- ``audit``: the trail at creation (the snapshot, the entries, the queue and its sealing)
- ``numbering``: the customer number (drawn before the creation and after it)
- ``duplicates``: the duplicate policy's search (in the creation, and the look after the commit)

    python3 bench/create_ablation.py --db-prefix kk_bench_create --without audit+numbering --without duplicates
"""

import argparse
import os
import runpy
import statistics
import subprocess
import sys
from pathlib import Path

PARTS = ("audit", "numbering", "duplicates")


def switch_off(parts):
    """In a server process: replace ``parts`` of the module by doing nothing, once its models are imported."""
    import importlib

    from odoo.modules import registry

    def module(name):
        return importlib.import_module(f"odoo.addons.kundekartotek.models.{name}")

    def patch():
        if "audit" in parts:
            module("res_partner_audit").ResPartner._kk_audit_fields = lambda self: []
        if "numbering" in parts:
            numbering = module("res_partner_numbering").ResPartner
            numbering._kk_number_in_advance = lambda self, vals_list: (vals_list, [])
            numbering._kk_assign_customer_number = lambda self, *args, **kwargs: None
        if "duplicates" in parts:
            duplicates = module("res_partner_duplicates").ResPartner
            duplicates._kk_policy_duplicates_many = lambda self, vals_list, route=None: [("allow", [])] * len(vals_list)

    setup_models = registry.Registry.setup_models
    done = []

    def patched_setup_models(self, cr):
        if not done:
            try:
                patch()
                done.append(True)
            except ImportError:  # the module is not imported yet: the next registry set-up patches
                pass
        return setup_models(self, cr)

    registry.Registry.setup_models = patched_setup_models


def serve():
    """``--serve PARTS odoo-bin args``: run odoo-bin with ``PARTS`` switched off."""
    parts = [part for part in sys.argv[2].split("+") if part]
    switch_off(parts)
    sys.argv = sys.argv[3:]
    runpy.run_path(sys.argv[0], run_name="__main__")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-prefix", default="kk_bench_create")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--customers", type=int, default=300, help="per server and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--without", action="append", default=[], help="parts to switch off, joined with +")
    args = parser.parse_args()
    for without in args.without:
        unknown = set(without.split("+")) - set(PARTS)
        if unknown:
            parser.error(f"unknown parts {sorted(unknown)}; the parts are {', '.join(PARTS)}")

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_concurrent_create as bench

    log, env_info = bench.bench_setup("bench-create-ablation.log")
    configs = [("anchor", f"{args.db_prefix}_anchor", None), ("module", f"{args.db_prefix}_module", None)]
    configs += [(f"without {without}", f"{args.db_prefix}_module", without) for without in args.without]
    servers = {}
    popen = subprocess.Popen
    try:
        for label, db, without in configs:
            if without:

                def wrapped(command, without=without, **kwargs):
                    if command and command[0] == env_info["PY"]:
                        command = [command[0], __file__, "--serve", without, *command[1:]]
                    return popen(command, **kwargs)

                subprocess.Popen = wrapped
            try:
                servers[label] = (db, *bench.start_server(env_info, db, log))
            finally:
                subprocess.Popen = popen
        rates = {label: [] for label, _db, _without in configs}
        for number in range(args.rounds):
            order = configs if number % 2 == 0 else configs[::-1]
            for label, _db, _without in order:
                db, _process, url = servers[label]
                tag = f"-abl{number + 1}-{label.replace(' ', '-').replace('+', '-')}"
                result = bench.measure(url, db, args.clients, args.customers, "ablation", tag=tag)
                rates[label].append(result["per_second"])
            done = ", ".join(f"{label} {rates[label][-1]:.1f}/s" for label in rates)
            print(f"round {number + 1}: {done}", flush=True)
    finally:
        for _db, process, _url in servers.values():
            process.terminate()
            process.wait(timeout=60)
    print(f"\n{args.clients} clients, {args.customers} customers per server and round, {os.cpu_count()} CPUs:")
    for label, found in rates.items():
        ratios = [rate / anchor for rate, anchor in zip(found, rates["anchor"], strict=True)]
        print(
            f"  {label:32s} {statistics.mean(found):6.1f}/s  ratio to the anchor per round "
            f"{', '.join(f'{ratio:.2f}' for ratio in ratios)}; median {statistics.median(ratios):.2f}"
        )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve()
    else:
        sys.exit(main())
