# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models


class ResCompany(models.Model):
    """Settings of the payment-risk prediction, per company."""

    _inherit = "res.company"

    kk_risk_late_days = fields.Integer(
        string="Late after (days past due)",
        default=10,
        help="An invoice counts as paid late when it is paid more than this many days after its due date.",
        prefetch="kundekartotek",
    )
    kk_risk_limit_months = fields.Float(
        string="Suggested limit: months of sales",
        default=2.0,
        help="The suggested credit limit is this many months of the customer's average monthly invoiced amount, "
        "times the chance that it pays in time, rounded down to 1 000.",
        prefetch="kundekartotek",
    )
    kk_risk_class_threshold = fields.Float(
        string="Suggest risk class above (%)",
        default=50.0,
        digits=(5, 2),
        help="Customers whose next invoice is more likely than this to be paid late are suggested as risk customers.",
        prefetch="kundekartotek",
    )

    @api.constrains("kk_risk_late_days", "kk_risk_limit_months", "kk_risk_class_threshold")
    def _check_kk_risk_settings(self):
        self._kk_check_settings(
            (
                lambda c: c.kk_risk_late_days >= 0
                and c.kk_risk_limit_months > 0
                and 0 <= c.kk_risk_class_threshold <= 100,
                lambda c: _(
                    "Payment-risk settings of %(company)s: days late from 0, months of sales above 0 and the "
                    "risk threshold a percentage from 0 to 100.",
                    company=c.name,
                ),
            ),
        )
