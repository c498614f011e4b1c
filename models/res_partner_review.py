# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Prefetch group kk_review: see docs/architecture.md, "Prefetch groups on res.partner".
    kk_contact_confirmed_date = fields.Date(
        prefetch="kk_review",
        string="Contact data confirmed",
        copy=False,
        tracking=True,
        help="When the customer last confirmed its address, e-mail and phone. The quarterly validation lists "
        "customers not confirmed for the months set in the settings.",
    )

    def action_kk_confirm_contact(self):
        """The customer confirmed its contact data today."""
        self.check_access("write")
        self.write({"kk_contact_confirmed_date": fields.Date.context_today(self)})
        return True
