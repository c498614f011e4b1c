# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """The rules of automatic categorisation, per company: value tier by revenue share, payment class by behaviour."""

    _inherit = "res.company"

    kk_tier_auto = fields.Boolean(
        string="Categorise customers every month",
        help="Apply the rules below to the customers once a month. Customers locked against the rules are left as "
        "they are. The rules can also be previewed and applied by hand at any time.",
        prefetch="kundekartotek",
    )
    kk_tier_a_share = fields.Float(
        string="Tier A: share of revenue (%)",
        default=80.0,
        digits=(5, 2),
        help="The largest customers that together make up this share of the last 12 months' revenue are A.",
        prefetch="kundekartotek",
    )
    kk_tier_b_share = fields.Float(
        string="Tier B: next share of revenue (%)",
        default=15.0,
        digits=(5, 2),
        help="The customers that make up the next share of revenue are B; the rest are C.",
        prefetch="kundekartotek",
    )
    kk_class_min_invoices = fields.Integer(
        string="Payment class: invoices needed",
        default=3,
        help="Payment behaviour changes a payment class only for customers with at least this many invoices paid "
        "in the last 12 months.",
        prefetch="kundekartotek",
    )
    kk_class_max_late_share = fields.Float(
        string="Payment class: late share allowed (%)",
        default=50.0,
        digits=(5, 2),
        help="Customers who paid more than this share of their invoices after the due date are proposed as risk "
        "customers; risk customers at or below it (and not flagged by the register) are proposed as credit.",
        prefetch="kundekartotek",
    )

    @api.constrains("kk_tier_a_share", "kk_tier_b_share", "kk_class_max_late_share", "kk_class_min_invoices")
    def _check_kk_tier_rules(self):
        self._kk_check_settings(
            (
                lambda c: 0 < c.kk_tier_a_share <= 100
                and 0 <= c.kk_tier_b_share
                and c.kk_tier_a_share + c.kk_tier_b_share <= 100,
                lambda c: _("Tier shares of %(company)s: A must be above 0 and A + B at most 100 %%.", company=c.name),
            ),
            (
                lambda c: 0 <= c.kk_class_max_late_share <= 100 and c.kk_class_min_invoices >= 1,
                lambda c: _(
                    "Payment-class rules of %(company)s: the late share is a percentage from 0 to 100 and at "
                    "least one invoice is needed.",
                    company=c.name,
                ),
            ),
        )

    def _kk_check_settings(self, *rules):
        """Refuse the first setting of these companies that breaks a rule; the settings of categorisation and
        payment risk (one settings block) share it. A rule is ``(valid(company), message(company))``."""
        for company in self:
            for valid, message in rules:
                if not valid(company):
                    raise ValidationError(message(company))

    def _kk_tier_branches(self):
        """The company and its branches: their invoices count as the company's revenue."""
        self.ensure_one()
        # sudo: branches of a company the caller is in; their ids only, for the revenue query
        return self.env["res.company"].sudo().search([("id", "child_of", self.id)])

    def _kk_tier_owns_shared(self):
        """Whether this company's rules classify the customers shared by all companies (no company set).

        The tier and payment class are one value per customer: if every company's rules wrote them, a shared
        customer would swing between the companies' results every month. The first company (lowest id) with the
        monthly rules switched on decides; with none switched on, whoever runs the rules by hand.
        """
        self.ensure_one()
        # sudo: which company owns the shared customers depends on every company's setting
        first = self.env["res.company"].sudo().search([("kk_tier_auto", "=", True)], order="id", limit=1)
        return not first or first == self
