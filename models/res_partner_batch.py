# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.tools import SQL

# The defaults of a batch being created, {(environment, field names): values}, in the transaction's data: out of an
# RPC caller's reach, and emptied at a flush, so that nothing computed before it is reused after it.
BATCH_DEFAULTS = "kundekartotek.partner.batch_defaults"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _kk_create(self, vals_list):
        """A batch (an import, an upsert, the install's demo data) computes the partners' defaults once.

        Odoo asks ``default_get`` once per new record, and a partner's defaults cost queries each time (account
        counts the invoice layouts, reads the company); for an import that was a seventh of its time. Within one
        ``create`` call the defaults of the same fields in the same environment are the same: the values and the
        context do not change between the records (partners have no default that draws a number or a date).
        """
        data = self.env.cr.precommit.data
        if len(vals_list) < 2 or BATCH_DEFAULTS in data:
            return super()._kk_create(vals_list)
        data[BATCH_DEFAULTS] = {}
        try:
            return super()._kk_create(vals_list)
        finally:
            data.pop(BATCH_DEFAULTS, None)

    @api.model
    def default_get(self, fields_list):
        memo = self.env.cr.precommit.data.get(BATCH_DEFAULTS)
        if memo is None:
            return super().default_get(fields_list)
        key = (self.env, frozenset(fields_list))
        if key not in memo:
            memo[key] = super().default_get(fields_list)
        return dict(memo[key])

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
