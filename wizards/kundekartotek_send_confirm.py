# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date


class KundekartotekSendConfirm(models.TransientModel):
    """What is about to go out, before it goes: a statement (for any date) or a payment reminder.

    Sending a reminder is a demand for payment (inkassoloven § 9): the person sending it sees the amount, the
    deadline it gives and the language the customer will read it in, and confirms. The reminder itself is sent by
    ``res.partner.action_kk_send_reminder``, which checks everything again (rights, interval, e-mail address).
    """

    _name = "kundekartotek.send.confirm"
    _description = "Confirm Statement or Reminder"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade")
    kind = fields.Selection([("statement", "Statement"), ("reminder", "Payment reminder")], required=True)
    channel = fields.Selection([("email", "E-mail"), ("letter", "Letter")], default="email", required=True)
    as_of = fields.Date(
        string="Statement date",
        default=fields.Date.context_today,
        help="The open items as of this date: payments after it do not count yet.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_summary")
    amount = fields.Monetary(compute="_compute_summary", string="Amount")
    deadline = fields.Date(compute="_compute_summary", string="To be paid by")
    summary = fields.Char(compute="_compute_summary")
    language_warning = fields.Char(string="Language warning", compute="_compute_summary")
    company_warning = fields.Char(string="Sender warning", compute="_compute_summary")

    @api.depends("partner_id", "kind", "as_of")
    @api.depends_context("lang")
    def _compute_summary(self):
        company = self.env.company
        Statement = self.env["report.kundekartotek.report_statement"]
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            wizard.currency_id = company.currency_id
            wizard.company_warning = self._kk_company_warning(company)
            wizard.language_warning = partner._kk_language_warning() if partner else False
            if not partner:
                wizard.amount, wizard.deadline, wizard.summary = 0.0, False, False
                continue
            today = fields.Date.context_today(wizard)
            as_of = wizard.as_of if wizard.kind == "statement" and wizard.as_of else today
            statement = Statement._kk_statements(partner, as_of, company, overdue_only=wizard.kind == "reminder")
            wizard.amount = statement[partner.id]["total"]["residual"]
            amount = format_amount(self.env, wizard.amount, company.currency_id)
            if wizard.kind == "reminder":
                wizard.deadline = today + timedelta(days=company.kk_reminder_payment_days)
                wizard.summary = _(
                    "A payment reminder for %(amount)s overdue goes to %(customer)s, to be paid by %(deadline)s.",
                    amount=amount,
                    customer=partner.display_name,
                    deadline=format_date(self.env, wizard.deadline),
                )
            else:
                wizard.deadline = False
                wizard.summary = _(
                    "The statement of %(customer)s as of %(date)s shows %(amount)s open.",
                    customer=partner.display_name,
                    date=format_date(self.env, as_of),
                    amount=amount,
                )

    @api.model
    def _kk_company_warning(self, company):
        """A sentence when the letter would go out without the sender's address, organisation number or bank
        account, which a Norwegian customer expects to see on a demand for payment."""
        missing = []
        if not (company.street and company.zip and company.city):
            missing.append(_("address"))
        if not company.company_registry:
            missing.append(_("organisation number"))
        if not company.partner_id.bank_ids:
            missing.append(_("bank account"))
        if not missing:
            return False
        return _(
            "%(company)s has no %(missing)s: the letter will go out without it. Fill it in under Settings → Companies.",
            company=company.name,
            missing=", ".join(missing),
        )

    def action_confirm(self):
        """Send what was shown: the reminder (checked again by the partner), or the statement's mail composer."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if self.kind == "reminder":
            return partner.with_context(kk_reminder_channel=self.channel).action_kk_send_reminder()
        if not self.as_of:
            raise UserError(_("Choose the date of the statement."))
        if self.channel == "letter":
            return self.env.ref("kundekartotek.action_report_statement").report_action(
                partner, data={"as_of": fields.Date.to_string(self.as_of)}, config=False
            )
        action = partner.action_kk_send_statement()
        action["context"] = dict(action["context"], kk_as_of=fields.Date.to_string(self.as_of))
        return action
