# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


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
    )
