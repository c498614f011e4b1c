#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the module's fields on ``res.partner`` cost a creation by themselves, without any of the module's logic.

Uses the databases ``bench_concurrent_create.py --keep`` leaves (``<prefix>_anchor``, ``<prefix>_module``). Reads
the fields the module adds to ``res.partner`` (type, stored or not, computed or not, by which method, default or
not), writes a throwaway addon ``kk_fields_only`` into a temporary directory (never into the project) that adds
fields of the same kinds with trivial values and computations, and installs it in ``<prefix>_fields``, a copy of
the anchor. Then ``bench/create_profile.py`` creates customers in the anchor, in that copy and in the module's
database: the Python calls of one creation (they do not depend on the machine), then the CPU time of a creation
(Odoo's process and its PostgreSQL backend), in rounds that take the three in turn; prints the medians and the
ratios to the anchor. ``--only`` keeps one kind of field: ``plain`` (stored, not computed), ``stored-computed`` or
``computed`` (not stored).

    python3 bench/create_fields_cost.py --db-prefix kk_bench_create [--rounds 12] [--count 150] [--only KIND]
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from bench_concurrent_create import PROJECT_DIR, bash, bench_setup

ADDON = "kk_fields_only"
KINDS = ("plain", "stored-computed", "computed")

READ_FIELDS = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[3])
    import odoo
    odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2], "--log-level=warn"])
    with odoo.modules.registry.Registry(sys.argv[2]).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        found = []
        for field in env["res.partner"]._fields.values():
            if field._module != "kundekartotek":
                continue
            fields = env["res.partner"]._fields
            depends = [
                name for name in field.get_depends(env["res.partner"])[0]
                if "." not in name and fields[name]._module != "kundekartotek"
            ]
            found.append({
                "name": field.name, "type": field.type, "store": bool(field.store),
                "compute": field.compute if isinstance(field.compute, str) else None,
                "default": field.default is not None, "depends": depends,
            })
        print(json.dumps(found))
    """
)


def module_fields(env_info, db):
    """The module's fields on res.partner, as dicts (name, type, store, compute, default, depends)."""
    output = subprocess.run(
        [env_info["PY"], "-c", READ_FIELDS, env_info["ODOO_RC"], db, env_info["ODOO_SRC"]],
        check=True,
        text=True,
        capture_output=True,
        timeout=600,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def kind(field):
    if not field["compute"]:
        return "plain"
    return "stored-computed" if field["store"] else "computed"


def definition(field, number):
    """A field of the same kind as ``field``, with a trivial value."""
    default = field["default"] and not field["compute"]
    simple = {
        "boolean": ("Boolean", "False"),
        "char": ("Char", "'x'"),
        "text": ("Text", "'x'"),
        "html": ("Html", "False"),
        "integer": ("Integer", "0"),
        "float": ("Float", "0.0"),
        "monetary": ("Float", "0.0"),
        "date": ("Date", None),
        "datetime": ("Datetime", None),
        "json": ("Json", None),
    }
    args = []
    if field["type"] == "selection":
        kind_, args, value = "Selection", ["[('a', 'A'), ('b', 'B')]"], "'a'"
    elif field["type"] == "many2one":
        kind_, args, value = "Many2one", ["'res.country'"], None
    elif field["type"] == "one2many":
        kind_, args, value = "One2many", ["'res.partner.bank'", "'partner_id'"], None
    elif field["type"] == "many2many":
        kind_, args, value = "Many2many", ["'res.country'", f"'kk_fields_only_rel_{number}'"], None
    else:
        kind_, value = simple.get(field["type"], ("Char", "'x'"))
    if default and value:
        args.append(f"default={value}")
    if field["compute"]:
        args.append(f"compute='_compute_fx_{field['compute'].lstrip('_')}'")
        if field["store"]:
            args.append("store=True")
    return f"    fx_{number} = fields.{kind_}({', '.join(args)})"


def write_addon(directory, found):
    """The throwaway addon in ``directory``: the fields of ``found`` and one trivial method per compute method."""
    addon = Path(directory) / ADDON
    (addon / "models").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        "{'name': 'kk fields only (benchmark)', 'version': '18.0.1.0.0', 'license': 'LGPL-3',"
        " 'depends': ['contacts', 'account'], 'data': []}\n"
    )
    (addon / "__init__.py").write_text("from . import models\n")
    (addon / "models" / "__init__.py").write_text("from . import res_partner\n")
    lines = ["from odoo import api, fields, models", "", "", "class ResPartner(models.Model):"]
    lines.append("    _inherit = 'res.partner'")
    methods = {}
    for number, field in enumerate(found):
        lines.append(definition(field, number))
        if field["compute"]:
            method = methods.setdefault(field["compute"], {"fields": [], "depends": set()})
            method["fields"].append(f"fx_{number}")
            method["depends"].update(field["depends"])  # core fields only
    for compute, method in methods.items():
        core_depends = sorted(name for name in method["depends"] if re.fullmatch(r"[a-z_]+", name))
        lines.append("")
        if core_depends:
            lines.append(f"    @api.depends({', '.join(repr(name) for name in core_depends)})")
        lines.append(f"    def _compute_fx_{compute.lstrip('_')}(self):")
        lines.append("        for partner in self:")
        lines.extend(f"            partner.{name} = False" for name in method["fields"])
    (addon / "models" / "res_partner.py").write_text("\n".join(lines) + "\n")


def profile(env_info, config, db, *options):
    """The last line of create_profile.py's output for ``db``."""
    output = subprocess.run(
        [env_info["PY"], str(PROJECT_DIR / "bench" / "create_profile.py"), "-c", config, "-d", db, *options],
        check=True,
        text=True,
        capture_output=True,
        timeout=1800,
        cwd=PROJECT_DIR,
    ).stdout
    return output.strip().splitlines()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-prefix", default="kk_bench_create")
    parser.add_argument("--rounds", type=int, default=12, help="rounds of CPU time, the three databases in turn")
    parser.add_argument("--count", type=int, default=150, help="customers created per database and round")
    parser.add_argument("--only", choices=KINDS, help="only fields of this kind")
    args = parser.parse_args()
    log, env_info = bench_setup("bench_create_fields_cost.log")
    anchor, module, fields_db = (f"{args.db_prefix}_{name}" for name in ("anchor", "module", "fields"))
    found = [field for field in module_fields(env_info, module) if not args.only or kind(field) == args.only]
    counts = {name: sum(1 for field in found if kind(field) == name) for name in KINDS}
    print(f"the module's fields on res.partner: {len(found)} ({', '.join(f'{n} {k}' for k, n in counts.items())})")
    with tempfile.TemporaryDirectory(prefix="kk_fields_only_") as directory:
        write_addon(directory, found)
        config = Path(directory) / "odoo.cfg"
        text = Path(env_info["ODOO_RC"]).read_text()
        config.write_text(re.sub(r"^(addons_path\s*=\s*.*)$", rf"\1,{directory}", text, count=1, flags=re.M))
        print(f"building {fields_db}: {anchor} and the same kinds of fields, without the module ...", flush=True)
        bash(
            f"if db_exists {fields_db}; then dropdb {fields_db}; fi; createdb -T {anchor} {fields_db}; "
            f"odoo_bin -c {config} -d {fields_db} -i {ADDON} --stop-after-init --log-level=warn >>{log} 2>&1",
            log,
        )
        databases = {"anchor": anchor, "fields only": fields_db, "kundekartotek": module}
        calls = {}
        for label, db in databases.items():
            line = next(
                line for line in profile(env_info, str(config), db, "--count", "20", "--calls", "50") if "calls" in line
            )
            calls[label] = float(re.search(r"creation, commit included: (\d+)", line).group(1))
        cpu = {label: [] for label in databases}
        for number in range(args.rounds):
            order = list(databases.items()) if number % 2 == 0 else list(reversed(databases.items()))
            for label, db in order:
                line = profile(env_info, str(config), db, "--count", str(args.count))[-1]
                odoo_ms, pg_ms = map(float, re.search(r"([\d.]+) ms in Odoo, ([\d.]+) ms", line).groups())
                cpu[label].append(odoo_ms + pg_ms)
            print(f"round {number + 1}/{args.rounds} done", flush=True)
    print(f"\nresults ({args.count} customers per database and round, {args.rounds} rounds, bench values):")
    for label in databases:
        ratios = [a / b for a, b in zip(cpu["anchor"], cpu[label], strict=True)]
        print(
            f"  {label:14} Python calls per creation {calls[label]:7.0f} (ratio {calls['anchor'] / calls[label]:.2f});"
            f" CPU per creation median {statistics.median(cpu[label]):5.1f} ms"
            f" (ratio to the anchor, median of rounds {statistics.median(ratios):.2f})"
        )
    subprocess.run(["dropdb", "--if-exists", fields_db], check=False)


if __name__ == "__main__":
    sys.exit(main())
