# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_reminder_interval_days = fields.Integer(related="company_id.kk_reminder_interval_days", readonly=False)
    kk_reminder_payment_days = fields.Integer(related="company_id.kk_reminder_payment_days", readonly=False)
