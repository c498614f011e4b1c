# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_auto_anonymise = fields.Boolean(
        string="Anonymise automatically when retention has ended",
        help="Every night, anonymise archived or restricted customers of this company whose bookkeeping retention "
        "period (5 years after the end of the fiscal year of their latest document) has ended and who have no open "
        "items. Active customers are never anonymised automatically.",
        prefetch="kundekartotek",
    )
