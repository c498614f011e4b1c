# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_auto_anonymise = fields.Boolean(related="company_id.kk_auto_anonymise", readonly=False)

    def set_values(self):
        """Run the nightly anonymisation only while some company asks for it (the cron is off by default)."""
        res = super().set_values()
        cron = self.env.ref("kundekartotek.ir_cron_kk_anonymise", raise_if_not_found=False)
        if cron:
            # sudo: settings are saved by administrators only; the cron runs when any company asks for it
            wanted = bool(self.env["res.company"].sudo().search_count([("kk_auto_anonymise", "=", True)], limit=1))
            # sudo: as above
            if cron.sudo().active != wanted:
                # sudo: as above
                cron.sudo().active = wanted
        return res
