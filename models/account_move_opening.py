# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .transaction_flags import flag_is_set

# Set by the opening-balance import only (kundekartotek_import_run_opening.py), never by a caller.
OPENING_FLAG = "kk_opening_import"


class AccountMove(models.Model):
    _inherit = "account.move"

    kk_opening_number = fields.Char(
        string="Opening balance of invoice",
        copy=False,
        readonly=True,
        index=True,
        help="The invoice number in the previous system whose open amount this entry brings in (opening balance).",
    )

    def init(self):
        """One live opening entry per invoice number and customer: a second import of the same file, or two imports
        at once, cannot post an open item twice (a cancelled entry frees its number)."""
        res = super().init()
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS account_move_kk_opening_uniq
                       ON account_move (company_id, partner_id, kk_opening_number)
                    WHERE kk_opening_number IS NOT NULL AND state <> 'cancel'"""
            )
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("kk_opening_number") for vals in vals_list):
            self._kk_check_opening_flag()
        return super().create(vals_list)

    def write(self, vals):
        if "kk_opening_number" in vals:
            self._kk_check_opening_flag()
        return super().write(vals)

    def _kk_check_opening_flag(self):
        """Only the opening-balance import marks an entry as an opening balance: the mark lets it past the credit
        check, so no other route (form, RPC, a context key) may set it."""
        if not flag_is_set(self.env, OPENING_FLAG):
            raise AccessError(_("Only the opening-balance import marks entries as opening balances."))

    def _kk_is_system_entry(self):
        """An opening balance is credit given in the previous system, not a new sale: the credit policy does not
        judge it (a blocked customer's old invoices must still come in)."""
        return super()._kk_is_system_entry() or bool(self.kk_opening_number)
