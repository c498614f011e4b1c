# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date, split_every

REMINDER_GROUPS = "kundekartotek.group_user,kundekartotek.group_auditor"
# Customers whose reminder PDFs go through one wkhtmltopdf call, and whose e-mails through one mail composer.
REMINDER_BATCH = 100
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
        # A dictionary, not a filter per partner: a run's mail renders this for a whole batch of customers.
        last = {reminder.partner_id.id: reminder for reminder in self._kk_last_reminders(self.env.company)}
        Reminder = self.env["kundekartotek.reminder"]
        for partner in self:
            partner.kk_reminder_count = counts.get(partner.commercial_partner_id.id, 0)
            partner.kk_last_reminder_id = last.get(partner.commercial_partner_id.id, Reminder)

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
        to_remind, refused = [], []
        for customer in customers:
            reason = customer._kk_reminder_refusal(
                overdue[customer.id], last.get(customer.id, Reminder), channel, today, company
            )
            if reason and len(customers) == 1:
                raise UserError(reason)
            if reason:
                refused.append(reason)
                continue
            to_remind.append(customer.id)
        reminders = customers.browse(to_remind)._kk_remind(overdue, last, channel, today, company)
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

    def _kk_remind(self, statements, last, channel, today, company):
        """Log a reminder for each customer of ``self``, then e-mail them (the PDF attached) or note the letters.

        The level goes up while an item named by the customer's previous reminder (``last``) is still overdue; once
        all of those are settled, a new overdue item starts again at level 1. The records are created together;
        the PDFs are rendered and the messages posted in batches of ``REMINDER_BATCH`` customers: one wkhtmltopdf
        call and one rendering of the mail per batch instead of one per customer.
        """
        Reminder = self.env["kundekartotek.reminder"]
        values = []
        for customer in self:
            statement = statements[customer.id]
            lines = self.env["account.move.line"].union(*(item["line"] for item in statement["lines"]))
            previous = last.get(customer.id, Reminder)
            values.append(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "date": today,
                    "level": previous.level + 1 if previous and previous.line_ids & lines else 1,
                    "amount": statement["total"]["residual"],
                    "payment_deadline": today + timedelta(days=company.kk_reminder_payment_days),
                    "channel": channel,
                    "line_ids": [fields.Command.set(lines.ids)],
                    "invoice_refs": ", ".join(sorted({item["number"] for item in statement["lines"]})),
                }
            )
        reminders = Reminder.create(values)
        ReminderReport = self.env["report.kundekartotek.report_reminder"]
        # The mail template reads each customer's latest reminder: the ones just created.
        self.invalidate_recordset(["kk_last_reminder_id", "kk_reminder_count"])
        messages = {}
        try:
            for reminder in reminders:
                ReminderReport._kk_remember_statement(reminder, statements[reminder.partner_id.id])
            for batch in split_every(REMINDER_BATCH, reminders.ids, reminders.browse):
                pdfs = ReminderReport._kk_render_pdfs(batch)
                if channel == "email":
                    ReminderReport._kk_hand_over_pdfs({r.partner_id.id: pdfs[r.id] for r in batch if r.id in pdfs})
                    messages.update(batch.partner_id._kk_email_reminders())
                else:
                    messages.update(self._kk_note_letters(batch, pdfs))
                # The batch's PDFs are in the filestore now: keep 5 000 customers' attachments out of the cache.
                self.env["ir.attachment"].invalidate_model(["datas", "raw", "db_datas"])
        finally:
            ReminderReport._kk_forget_hand_over()
        for reminder in reminders:
            # sudo: the log is not writable by the sender (a user may create reminders, not change them); linking
            # the message just posted to the record just created is the module's own bookkeeping.
            reminder.sudo().mail_message_id = messages[reminder.partner_id.id]
        return reminders

    def _kk_email_reminders(self):
        """Post the reminder template on each customer's chatter, e-mailed: ``{partner_id: message}``.

        One mail composer for the batch, as Odoo's own batch sending does: the subject and body are rendered for
        all customers at once. As in any batch of Odoo's composer, the sender does not become a follower of every
        customer, and the e-mails wait in the mail queue; a single customer is sent at once, as from the card.
        """
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                default_composition_mode="comment",
                default_model="res.partner",
                default_res_ids=self.ids,
                default_template_id=self.env.ref("kundekartotek.mail_template_reminder").id,
            )
            .create(
                {
                    "message_type": "comment",
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "email_layout_xmlid": "mail.mail_notification_light",
                }
            )
        )
        __, messages = composer._action_send_mail()
        return {message.res_id: message for message in messages}

    def _kk_note_letters(self, reminders, pdfs):
        """Note each printed letter on its customer's chatter, its PDF attached (nobody is e-mailed).

        ``pdfs`` are the batch's PDFs by reminder; a reminder missing there (a test run, or a batch that could not
        be split) is rendered on its own.
        """
        report = self.env.ref("kundekartotek.action_report_reminder")
        messages = {}
        for reminder in reminders:
            customer = reminder.partner_id
            content = pdfs.get(reminder.id)
            kind = "pdf"
            if content is None:
                content, kind = self.env["ir.actions.report"]._render_qweb_pdf(
                    report, customer.ids, data={"reminder_ids": reminder.ids}
                )
            messages[customer.id] = customer.message_post(
                body=_(
                    "Payment reminder %(level)s printed as a letter: %(amount)s overdue, to be paid by %(deadline)s.",
                    level=reminder.level,
                    amount=format_amount(self.env, reminder.amount, reminder.currency_id),
                    deadline=format_date(self.env, reminder.payment_deadline),
                ),
                attachments=[(f"{reminder.display_name}.{kind}", content)],
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return messages

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
