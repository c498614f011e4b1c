# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_tier_auto = fields.Boolean(related="company_id.kk_tier_auto", readonly=False)
    kk_tier_a_share = fields.Float(related="company_id.kk_tier_a_share", readonly=False)
    kk_tier_b_share = fields.Float(related="company_id.kk_tier_b_share", readonly=False)
    kk_class_min_invoices = fields.Integer(related="company_id.kk_class_min_invoices", readonly=False)
    kk_class_max_late_share = fields.Float(related="company_id.kk_class_max_late_share", readonly=False)
    kk_risk_late_days = fields.Integer(related="company_id.kk_risk_late_days", readonly=False)
    kk_risk_limit_months = fields.Float(related="company_id.kk_risk_limit_months", readonly=False)
    kk_risk_class_threshold = fields.Float(related="company_id.kk_risk_class_threshold", readonly=False)
