#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Which of the module's functions the Python calls of a customer creation go to: a count, not a time.

Creates ``--count`` customers (the values of ``bench_concurrent_create.py``), each committed, as the *admin* user,
and counts every Python call (and call of a C function) they make, the threads that look after the commits (the
audit trail's sealing, the warn policy's duplicate search) included. Each call is put on the innermost function of
the module on its stack (its own work and what it asks of Odoo), or on ``core``: Odoo's own work, and what an
override of one of Odoo's steps of a creation runs in ``super()`` (``create`` itself, with what the module's fields
cost it). Calls made in another thread than the creations' are marked ``T``. Run it on a database with
kundekartotek and on one without (``bench_concurrent_create.py --keep`` leaves both): the totals are
``create_profile.py --calls``'s, the parts say where the difference is.

    .venv/bin/python bench/create_calls_by_part.py -c .odoo/odoo.cfg -d kk_bench_create_module [--count 30]

The customers are committed: use a database made for benchmarks.
"""

import collections
import random
import threading
import time

from create_profile import database_parser, values, watched_creations
from generate_receivables import odoo_env

MODULE_PATH = "/kundekartotek/"


# Overrides of core's methods whose work inside ``super()`` is core's, not the module's: the one ``create`` handing
# over to core's, and the overrides of core's steps of a creation.
HANDOVERS = {
    "_kk_create": "res_partner_create.py",
    "create": None,
    "default_get": None,
    "_add_precomputed_values": None,
    "_search": None,
}


def _is_module(frame):
    filename = frame.f_code.co_filename
    return MODULE_PATH in filename and "/bench/" not in filename


def part_of(frame):
    """The innermost function of the module on ``frame``'s stack, as ``file:function``, or ``core``: for Odoo's own
    code, and for what an override of a core method runs in ``super()`` (see :data:`HANDOVERS`)."""
    child = None
    while frame is not None:
        if _is_module(frame):
            filename, name = frame.f_code.co_filename.rsplit("/", 1)[1], frame.f_code.co_name
            if child is not None and not _is_module(child) and name in HANDOVERS:
                if HANDOVERS[name] in (None, filename):
                    return "core"
            return f"{filename}:{name}"
        child, frame = frame, frame.f_back
    return "core"


def main():
    parser = database_parser(__doc__)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--top", type=int, default=40, help="print the N parts with the most calls")
    args = parser.parse_args()
    rng = random.Random()
    with odoo_env(args.config, args.database) as env:
        admin = env.ref("base.user_admin")
        env = env(user=admin.id, context={"lang": admin.lang, "tz": "Europe/Oslo"})
        prefix = f"Deler{int(time.time()) % 100000}"
        # Warm-up: caches of the registry, the scheme and the sequence, as a running server has them.
        for number in range(5):
            env["res.partner"].create(values(rng, prefix + "W", number, False, None))
            env.cr.commit()
        counts = collections.Counter()
        creating = threading.get_ident()

        def count(frame, event, _arg):
            if event in ("call", "c_call"):
                mark = "" if threading.get_ident() == creating else "T "
                counts[mark + part_of(frame)] += 1

        watched_creations(env, [values(rng, prefix, number, False, None) for number in range(args.count)], count)
        total = sum(counts.values())
        print(f"{args.database}: {total / args.count:.0f} Python calls per creation, commit and looks included")
        for part, calls in counts.most_common(args.top):
            print(f"{calls / args.count:8.0f}  {part}")


if __name__ == "__main__":
    main()
