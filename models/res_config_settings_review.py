# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_review_confirm_months = fields.Integer(related="company_id.kk_review_confirm_months", readonly=False)
    kk_review_terms_months = fields.Integer(related="company_id.kk_review_terms_months", readonly=False)
    kk_review_inactive_months = fields.Integer(related="company_id.kk_review_inactive_months", readonly=False)
    kk_review_user_id = fields.Many2one(related="company_id.kk_review_user_id", readonly=False)
