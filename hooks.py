# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tools import SQL


def post_init_hook(env):
    """Give existing customers a customer number when the module is installed (see res_partner_numbering)."""
    env["res.partner"]._kk_number_existing_customers()


def uninstall_hook(env):
    """Drop the ageing's indexes on core tables (see kundekartotek.ageing.report and account.partial.reconcile), the
    audit trail's writer sequence and queue, and the duplicate search's table of waiting customers.

    Odoo drops the columns of the module's fields, not indexes it created in SQL on tables that stay; left behind,
    the one on journal items would go on costing every posting.
    """
    for name in ("account_move_line_kk_ageing_open_idx", "account_partial_reconcile_kk_ageing_idx"):
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    # The audit trail's record of its last writer (kundekartotek.audit.log): a sequence, not a column, so Odoo
    # leaves it behind.
    env.cr.execute(SQL("DROP SEQUENCE IF EXISTS kundekartotek_audit_writer_seq"))
    # Its queue of entries not yet chained: a table of its own, not a model's, so Odoo does not drop it either.
    env.cr.execute(SQL("DROP TABLE IF EXISTS kundekartotek_audit_queue"))
    # The customers waiting for the warn policy's duplicate search after their commit (res_partner_duplicates).
    env.cr.execute(SQL("DROP TABLE IF EXISTS kundekartotek_dup_pending"))
