# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

REMINDER_GROUPS = "kundekartotek.group_user,kundekartotek.group_auditor"
CHANNELS = ("email", "letter")


class ResPartner(models.Model):
    """Customer statement (kontoutskrift) and payment reminders (purring) from the customer card."""

    _inherit = "res.partner"

    kk_reminder_ids = fields.One2many(
        "kundekartotek.reminder", "partner_id", string="Reminders", groups=REMINDER_GROUPS, readonly=True
    )
    kk_reminder_count = fields.Integer(string="Reminder count", compute="_compute_kk_reminders", groups=REMINDER_GROUPS)
    kk_last_reminder_id = fields.Many2one(
        "kundekartotek.reminder",
        string="Last reminder",
        compute="_compute_kk_reminders",
        groups=REMINDER_GROUPS,
        help="The customer's latest payment reminder in the current company.",
    )

    def _compute_kk_reminders(self):
        """Number of reminders (companies the user works in, as the log shows) and the latest in this company."""
        groups = self.env["kundekartotek.reminder"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        last = self._kk_last_reminders(self.env.company)
        for partner in self:
            partner.kk_reminder_count = counts.get(partner.commercial_partner_id.id, 0)
            partner.kk_last_reminder_id = last.filtered(lambda r, p=partner: r.partner_id == p.commercial_partner_id)

    def _kk_last_reminders(self, company):
        """The latest reminder (by date, then creation) of each commercial partner of ``self`` in ``company``."""
        reminders = self.env["kundekartotek.reminder"].search(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", company.id)],
            order="partner_id, date desc, id desc",
        )
        seen, latest_ids = set(), []
        for reminder in reminders:
            if reminder.partner_id.id not in seen:
                seen.add(reminder.partner_id.id)
                latest_ids.append(reminder.id)
        return reminders.browse(latest_ids)

    def action_kk_send_statement(self):
        """Open the mail composer with the statement template, the statement PDF attached."""
        self.ensure_one()
        template = self.env.ref("kundekartotek.mail_template_statement")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.commercial_partner_id.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    def action_kk_open_reminders(self):
        """The customer's reminder log."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.kundekartotek_reminder_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id, "default_channel": "other"}
        return action

    def action_kk_send_reminder(self):
        """Send a payment reminder (purring) to each selected customer.

        The channel comes from the context (``kk_reminder_channel``: ``email``, the default, or ``letter``, which
        returns the PDF to print). One customer: a refusal is a ``UserError``. Several customers (the list's
        action): customers that may not get a reminder are skipped and named in the closing notification, the
        others get theirs; all in one transaction.
        """
        channel = self.env.context.get("kk_reminder_channel") or "email"
        if channel not in CHANNELS:
            raise UserError(_("Reminders are sent by e-mail or printed as a letter."))
        Reminder = self.env["kundekartotek.reminder"]
        Reminder.check_access("create")
        customers = self.commercial_partner_id
        if not customers:
            raise UserError(_("Select the customers to remind."))
        today = fields.Date.context_today(self)
        company = self.env.company
        overdue = self.env["report.kundekartotek.report_statement"]._kk_statements(
            customers, today, company, overdue_only=True
        )
        last = {reminder.partner_id.id: reminder for reminder in customers._kk_last_reminders(company)}
        reminders, refused = Reminder, []
        for customer in customers:
            previous = last.get(customer.id, Reminder)
            reason = customer._kk_reminder_refusal(overdue[customer.id], previous, channel, today, company)
            if reason and len(customers) == 1:
                raise UserError(reason)
            if reason:
                refused.append(reason)
                continue
            reminders |= customer._kk_remind(overdue[customer.id], previous, channel, today, company)
        if channel == "letter" and reminders:
            return self.env.ref("kundekartotek.action_report_reminder").report_action(
                reminders.partner_id, data={"reminder_ids": reminders.ids}, config=False
            )
        return self._kk_reminder_notification(reminders, refused)

    def _kk_reminder_refusal(self, statement, previous, channel, today, company):
        """Why this customer may not get a reminder now (a translated sentence), or ``False``."""
        self.ensure_one()
        if company.currency_id.compare_amounts(statement["total"]["residual"], 0) <= 0:
            return _("Nothing is overdue for %(customer)s.", customer=self.display_name)
        if previous and today < previous.date + timedelta(days=company.kk_reminder_interval_days):
            return _(
                "%(customer)s got a reminder on %(date)s; the next one can be sent from %(next)s.",
                customer=self.display_name,
                date=format_date(self.env, previous.date),
                next=format_date(self.env, previous.date + timedelta(days=company.kk_reminder_interval_days)),
            )
        if channel == "email" and not self.browse(self.address_get(["invoice"])["invoice"]).email:
            return _(
                "%(customer)s has no e-mail address: print the reminder as a letter instead.",
                customer=self.display_name,
            )
        return False

    def _kk_remind(self, statement, previous, channel, today, company):
        """Log one reminder, then e-mail it (the template attaches the PDF) or note the printed letter.

        The level goes up while an item named by the previous reminder is still overdue; once all of those are
        settled, a new overdue item starts again at level 1.
        """
        self.ensure_one()
        lines = self.env["account.move.line"].union(*(item["line"] for item in statement["lines"]))
        level = previous.level + 1 if previous and previous.line_ids & lines else 1
        reminder = self.env["kundekartotek.reminder"].create(
            {
                "partner_id": self.id,
                "company_id": company.id,
                "date": today,
                "level": level,
                "amount": statement["total"]["residual"],
                "payment_deadline": today + timedelta(days=company.kk_reminder_payment_days),
                "channel": channel,
                "line_ids": [fields.Command.set(lines.ids)],
                "invoice_refs": ", ".join(sorted({item["number"] for item in statement["lines"]})),
            }
        )
        self.env["report.kundekartotek.report_reminder"]._kk_remember_statement(reminder, statement)
        if channel == "email":
            message = self.message_post_with_source(
                "kundekartotek.mail_template_reminder",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )
        else:
            report = self.env.ref("kundekartotek.action_report_reminder")
            content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
                report, self.ids, data={"reminder_ids": reminder.ids}
            )
            message = self.message_post(
                body=_(
                    "Payment reminder %(level)s printed as a letter: %(amount)s overdue, to be paid by %(deadline)s.",
                    level=level,
                    amount=format_amount(self.env, reminder.amount, reminder.currency_id),
                    deadline=format_date(self.env, reminder.payment_deadline),
                ),
                attachments=[(f"{reminder.display_name}.{kind}", content)],
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        # sudo: the log is not writable by the sender (a user may create reminders, not change them); linking the
        # message it just posted to the record it just created is the module's own bookkeeping.
        reminder.sudo().mail_message_id = message[:1]
        return reminder

    def _kk_reminder_notification(self, reminders, refused):
        """The closing notification of a reminder run: how many were sent, and why the others were not."""
        message = _("%(count)s reminder(s) sent.", count=len(reminders))
        if refused:
            message = "\n".join([message, _("Not sent:"), *refused])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Payment reminders"),
                "message": message,
                "type": "warning" if refused else "success",
                "sticky": bool(refused),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
