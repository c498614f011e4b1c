# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _kk_claim_batch(self, domain, limit):
        """Search and lock the next ``limit`` partners of ``domain``, skipping those another transaction holds.

        Batch jobs call this instead of ``search``: with several workers or servers on one database, two runs of
        the same job (a second cron record, a manual run, a shell) would otherwise read the same rows and both
        process them — both call the register, both post the note — before one of them fails on the write. The
        rows are locked in the same statement that picks them (``FOR NO KEY UPDATE SKIP LOCKED``, applied before
        ``LIMIT``), so the second run takes the next rows at once; the locks last until the batch commits. A row
        that the other run processed and committed after this transaction began cannot be locked at REPEATABLE
        READ: the run fails with a serialization error and processes nothing twice.
        """
        query = self._search(domain, order="id", limit=limit)
        # execute_query flushes what the query reads first, as search does (a plain cr.execute would not see
        # pending changes of this transaction).
        rows = self.env.execute_query(
            SQL("%s FOR NO KEY UPDATE OF %s SKIP LOCKED", query.select(), SQL.identifier(self._table))
        )
        return self.browse([row[0] for row in rows])
