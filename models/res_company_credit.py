# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from .selections import CREDIT_POLICIES


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_credit_policy = fields.Selection(
        CREDIT_POLICIES,
        string="Credit policy",
        default="warn",
        required=True,
        help="What happens when a customer invoice would take a customer over its credit limit: no check, a warning "
        "in the invoice's chatter, or posting refused until a manager overrides with a reason. A customer "
        "category or the customer itself may set another policy.",
        prefetch="kundekartotek",
    )

    def write(self, vals):
        """A partner's ``credit_policy_effective`` reads the company's policy, which a dependency cannot name (it
        is the company of the context): forget the values computed before, so the new policy counts at once."""
        res = super().write(vals)
        if "kk_credit_policy" in vals:
            self.env["res.partner"].invalidate_model(["credit_policy_effective"])
        return res
