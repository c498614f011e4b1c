# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools
from odoo.tools import SQL


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_duplicate_policy = fields.Selection(
        [("allow", "Allow"), ("warn", "Warn"), ("refuse", "Refuse")],
        string="Likely duplicates created over the API or by import",
        default="warn",
        required=True,
        help="What happens when an integration, an import or a quick creation adds a customer that is likely "
        "already in the register. Allow: nothing. Warn: a note on the new customer names the likely duplicates. "
        "Refuse: the creation fails with the existing customer's id and number. The customer form always shows "
        "the likely duplicates while typing and lets the user save (with the note).",
        prefetch="kundekartotek",
    )

    def write(self, vals):
        res = super().write(vals)
        if "kk_duplicate_policy" in vals:
            self.env.registry.clear_cache()  # _kk_duplicate_policy_of
        return res

    @api.model
    @tools.ormcache("company_id")
    def _kk_duplicate_policy_of(self, company_id):
        """The duplicate policy of company ``company_id``, cached per process: every new customer asks, and reading
        it through the company record loaded the company's whole row (hundreds of fields), a tenth of a creation's
        time (bench/create_profile.py). A change of the setting clears the cache (:meth:`write`)."""
        self.env["res.company"].flush_model(["kk_duplicate_policy"])
        self.env.cr.execute(SQL("SELECT kk_duplicate_policy FROM res_company WHERE id = %s", company_id))
        row = self.env.cr.fetchone()
        return (row and row[0]) or "allow"
