# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Fields in the prefetch group 'kk_review' are read only where this concern is, not with every read of a
    # partner: res.partner is read everywhere, and each column read costs (bench/create_profile.py).
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
