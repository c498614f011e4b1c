# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_review_confirm_months = fields.Integer(
        string="Confirm contact data every (months)",
        default=12,
        help="The quarterly validation lists customers whose contact data was last confirmed this many months ago "
        "or more.",
        prefetch="kundekartotek",
    )
    kk_review_terms_months = fields.Integer(
        string="Review payment terms after (months)",
        default=24,
        help="The quarterly validation lists customers whose payment terms and credit limit have not changed for "
        "this many months or more.",
        prefetch="kundekartotek",
    )
    kk_review_inactive_months = fields.Integer(
        string="Propose archiving after (months)",
        default=36,
        help="The yearly clean-up proposes customers without transactions for this many months or more, with a zero "
        "balance and no open items.",
        prefetch="kundekartotek",
    )
    kk_review_user_id = fields.Many2one(
        "res.users",
        string="Review responsible",
        help="Gets the review activities of customers without a salesperson.",
        prefetch="kundekartotek",
    )

    @api.constrains("kk_review_confirm_months", "kk_review_terms_months", "kk_review_inactive_months")
    def _check_kk_review_months(self):
        for company in self:
            months = (company.kk_review_confirm_months, company.kk_review_terms_months)
            months += (company.kk_review_inactive_months,)
            if any(value < 1 for value in months):
                raise ValidationError(_("The review periods are whole months, at least 1."))
