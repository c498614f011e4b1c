# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from .res_company_import import OPENING_ACCOUNT_LEAF


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_opening_account_id = fields.Many2one(
        related="company_id.kk_opening_account_id",
        readonly=False,
        groups="account.group_account_manager",
        domain=f"[('company_ids', 'parent_of', company_id), {OPENING_ACCOUNT_LEAF}]",
    )
