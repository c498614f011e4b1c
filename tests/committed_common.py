# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Tests whose writers commit for real, each in a cursor of its own (two requests, two workers): what they commit
is removed again at the end of each test (entries, seals, the audit queue), so the audit chain ends where it ended
before."""

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase
from odoo.tools import SQL

from ..models import kundekartotek_audit_log
from ..models.res_partner_audit import audit_suspended


class CommittedCase(TransactionCase):
    def setUp(self):
        super().setUp()
        # Each commit looks at the audit queue at once, in the committing thread, so that a test sees each look
        # where it happens (the delayed look of a server is tested in test_audit_concurrency.TestDelayedLook).
        self.patch(kundekartotek_audit_log, "SEAL_DELAY", 0)
        self.partner_ids = []  # partners the test commits: deleted at the end
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT coalesce(max(id), 0) FROM kundekartotek_audit_log"))
            self.start_id = cr.fetchone()[0]
            cr.execute(SQL("SELECT coalesce(max(sequence), 0) FROM kundekartotek_audit_seal"))
            self.start_seal = cr.fetchone()[0]
            cr.execute(SQL("SELECT coalesce(max(id), 0) FROM kundekartotek_audit_queue"))
            self.start_queue = cr.fetchone()[0]
        self.addCleanup(self._remove_what_was_committed)

    def _remove_what_was_committed(self):
        """Delete the committed partners, then their entries, seals and waits; then :meth:`_restore_committed`."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            with audit_suspended(env):
                env["res.partner"].browse(self.partner_ids).exists().unlink()
            env["kundekartotek.audit.log"].flush_model()
            cr.execute(SQL("DELETE FROM kundekartotek_audit_log WHERE id > %s", self.start_id))
            cr.execute(SQL("DELETE FROM kundekartotek_audit_seal WHERE sequence > %s", self.start_seal))
            cr.execute(SQL("DELETE FROM kundekartotek_audit_queue WHERE id > %s", self.start_queue))
            if self.partner_ids:  # customers still waiting for the duplicate search (the table has no foreign key)
                cr.execute(SQL("DELETE FROM kundekartotek_dup_pending WHERE partner_id = ANY(%s)", self.partner_ids))
            self._restore_committed(cr)

    def _restore_committed(self, cr):
        """Put back what the test committed outside its partners and the trail (none here)."""
