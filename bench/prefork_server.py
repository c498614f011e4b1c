# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""odoo-bin with worker processes but without the long-polling (gevent) process, for benchmarks.

In prefork mode Odoo also starts ``odoo-bin gevent`` for the bus. In the project's virtualenv that process dies at
start (gevent 22.10's entry points ask pkg_resources for a ``zope.interface`` distribution it does not find) and
Odoo starts it again at once, which would eat a core of the benchmark's machine. XML-RPC needs no bus.

    .venv/bin/python bench/prefork_server.py -c .odoo/odoo.cfg -d DB --workers=8 ...
"""

import os

os.environ["TZ"] = "UTC"  # as odoo-bin does, before anything imports time

import odoo  # noqa: E402
from odoo.service import server  # noqa: E402

server.PreforkServer.long_polling_spawn = lambda self: None

if __name__ == "__main__":
    odoo.cli.main()
