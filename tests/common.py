# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Users for the register's roles, shared by the tests.

``make_role_user(env, "privacy_officer")`` gives a user of the current company with that role and nothing else but
what the role implies; ``extra`` adds groups by XML id (e.g. ``account.group_account_invoice``).
"""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.sql_db import Cursor
from odoo.tools import SQL

ROLE_GROUPS = {
    "user": "kundekartotek.group_user",
    "manager": "kundekartotek.group_manager",
    "privacy_officer": "kundekartotek.group_privacy_officer",
    "auditor": "kundekartotek.group_auditor",
    "employee": "base.group_user",
}


def make_role_user(env, role, login=None, extra=(), company=None):
    company = company or env.company
    groups = [env.ref(ROLE_GROUPS[role]).id] + [env.ref(xmlid).id for xmlid in extra]
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": f"Test {role}",
                "login": login or f"kk_test_{role}",
                "email": f"{login or role}@kundekartotek.example",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(groups)],
            }
        )
    )


@contextmanager
def queries_on(marker):
    """Collect the SQL statements run while the block runs whose text holds ``marker`` (e.g. a view's name).

    For pinning how often an expensive query runs (the ageing view, once per batch and not once per customer),
    where ``assertQueryCount`` would also count every unrelated query of mail or the ORM.
    """
    found = []
    execute = Cursor.execute

    def counting_execute(cursor, query, params=None, log_exceptions=True):
        if marker in (query.code if isinstance(query, SQL) else str(query)):
            found.append(query)
        return execute(cursor, query, params, log_exceptions)

    with patch.object(Cursor, "execute", counting_execute):
        yield found


def waiting_for_duplicate_search(partners):
    """The ids of ``partners`` that wait for the warn policy's duplicate search after the commit (rows of the look's
    table, ``res_partner_duplicates.PENDING_TABLE``)."""
    if not partners.ids:
        return set()
    partners.env.cr.execute(
        SQL("SELECT partner_id FROM kundekartotek_dup_pending WHERE partner_id = ANY(%s)", partners.ids)
    )
    return {partner_id for (partner_id,) in partners.env.cr.fetchall()}
