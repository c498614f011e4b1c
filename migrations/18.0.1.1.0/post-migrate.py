# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""18.0.1.1.0: the audit trail's entries get their place in the chain, a hash over every column the trail shows, and
the chain a signed seal. Existing entries are checked in the old format and re-sealed once, in the order they were
chained (id order); an entry in the trail records it and what the check found."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["kundekartotek.audit.log"]._kk_reseal()
