# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"


class KundekartotekReminder(models.Model):
    """One payment reminder (purring) given to a customer: the communication log of the card.

    Records are created by ``res.partner.action_kk_send_reminder`` (e-mail or letter) or typed by hand for a
    reminder given another way (phone, meeting). They are a log: nobody may delete them, and only a manager may
    correct one. The amounts are what was overdue on the reminder's date; the live balance is always read from the
    journal items.
    """

    _name = "kundekartotek.reminder"
    _description = "Payment Reminder"
    _order = "date desc, id desc"
    _check_company_auto = True
    # The interval check reads the log in the sender's snapshot: two users reminding the same customer at the same
    # moment would both pass it. The database refuses the second of the same day and channel (the interval is at
    # least one day), and the second sender gets this message instead of a double reminder.
    _sql_constraints = [
        (
            "one_per_day_and_channel",
            "UNIQUE(company_id, partner_id, date, channel)",
            "This customer already got a reminder by this channel today.",
        )
    ]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, default=fields.Date.context_today)
    level = fields.Integer(
        required=True,
        default=1,
        help="1 for the first reminder; each further reminder while an item it named is still overdue adds 1.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    amount = fields.Monetary(string="Amount overdue", help="Overdue on the reminder's date, in company currency.")
    payment_deadline = fields.Date(help="The date by which the reminder asked the customer to pay.")
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter"), ("other", "Other")], required=True, default="email"
    )
    user_id = fields.Many2one("res.users", string="Sent by", required=True, default=lambda self: self.env.user)
    mail_message_id = fields.Many2one("mail.message", string="Message", readonly=True, ondelete="set null")
    line_ids = fields.Many2many(
        "account.move.line",
        "kundekartotek_reminder_move_line_rel",
        "reminder_id",
        "move_line_id",
        string="Overdue items",
        groups=ACCOUNTING_GROUPS,
        readonly=True,
    )
    invoice_refs = fields.Char(string="Invoices", readonly=True, help="The overdue invoices the reminder named.")
    note = fields.Text()

    @api.constrains("partner_id", "level")
    def _check_partner_level(self):
        for reminder in self:
            if reminder.partner_id != reminder.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Reminders are logged on the customer, not on its contact %(contact)s.",
                        contact=reminder.partner_id.display_name,
                    )
                )
            if reminder.level < 1:
                raise ValidationError(_("A reminder's level is 1 or more."))

    @api.depends("partner_id.display_name", "level")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = _(
                "Reminder %(level)s to %(customer)s",
                level=reminder.level,
                customer=reminder.partner_id.display_name or "",
            )

    def action_print(self):
        """Print the reminder again as it was sent: its items with their open amounts on its date."""
        return self.env.ref("kundekartotek.action_report_reminder").report_action(
            self.partner_id, data={"reminder_ids": self.ids}, config=False
        )
