# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Inkassoloven § 9: a written demand for payment must give the debtor at least 14 days to pay.
MIN_PAYMENT_DAYS = 14


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_reminder_interval_days = fields.Integer(
        string="Days between reminders",
        default=14,
        required=True,
        help="A customer gets no new payment reminder until this many days have passed since the last one.",
        prefetch="kundekartotek",
    )
    kk_reminder_payment_days = fields.Integer(
        string="Payment deadline in reminders",
        default=MIN_PAYMENT_DAYS,
        required=True,
        help="Days the customer is given to pay, counted from the reminder's date and printed in it. The debt "
        "collection act (inkassoloven § 9) requires at least 14 days.",
        prefetch="kundekartotek",
    )

    @api.constrains("kk_reminder_interval_days", "kk_reminder_payment_days")
    def _check_kk_reminder_days(self):
        for company in self:
            if company.kk_reminder_interval_days < 1:
                raise ValidationError(_("The days between reminders must be at least 1."))
            if company.kk_reminder_payment_days < MIN_PAYMENT_DAYS:
                raise ValidationError(
                    _(
                        "A payment reminder must give the customer at least %(days)s days to pay (inkassoloven § 9).",
                        days=MIN_PAYMENT_DAYS,
                    )
                )
