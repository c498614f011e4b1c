# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_brreg_enrichment = fields.Selection(related="company_id.kk_brreg_enrichment", readonly=False)
    kk_brreg_block_credit_on_risk = fields.Boolean(related="company_id.kk_brreg_block_credit_on_risk", readonly=False)
