# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, models
from odoo.exceptions import UserError

from .report_statement import AGEING_KEYS

# Statements computed by a reminder run, handed to the PDF of the same transaction (see _kk_remember_statement).
HANDED_OVER = "kundekartotek.reminder.statements"


class ReportKundekartotekReminder(models.AbstractModel):
    """The overdue statement sent with a payment reminder (purring).

    The report is bound to ``res.partner`` so that the reminder's mail template (a partner template) can attach
    it. Each page belongs to one logged reminder: the ones given in ``data["reminder_ids"]`` (a reprint from the
    log), else each customer's latest reminder in the current company. The items are the ones the reminder named,
    with their open amounts as of the reminder's date, so a reprint shows what was sent.
    """

    _name = "report.kundekartotek.report_reminder"
    _inherit = "report.kundekartotek.report_statement"
    _description = "Payment Reminder PDF"

    @api.model
    def _kk_remember_statement(self, reminder, statement):
        """Hand the statement a reminder run just computed to the PDF rendered for ``reminder`` in this transaction.

        The run has already read the customer's overdue items as of today, which are exactly the items the
        reminder names; reading them again for the attachment would cost another query on the ageing view per
        customer. The hand-over lives in ``precommit.data``, so it never outlives the transaction that made it.
        """
        self.env.cr.precommit.data.setdefault(HANDED_OVER, {})[reminder.id] = statement

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        Reminder = self.env["kundekartotek.reminder"]
        if data.get("reminder_ids"):
            reminders = Reminder.browse(data["reminder_ids"]).exists()
        else:
            customers = self.env["res.partner"].browse(docids).commercial_partner_id
            reminders = customers._kk_last_reminders(self.env.company)
        if not reminders:
            raise UserError(_("There is no reminder to print: send a reminder from the customer card first."))
        handed_over = self.env.cr.precommit.data.get(HANDED_OVER, {})
        statements = {}
        for reminder in reminders:
            statement = handed_over.get(reminder.id)
            if statement is None:  # a reprint from the log: the items as they were on the reminder's date
                statement = self._kk_statements(
                    reminder.partner_id,
                    reminder.date,
                    reminder.company_id,
                    overdue_only=True,
                    line_ids=reminder.line_ids.ids,
                )[reminder.partner_id.id]
            statements[reminder.id] = statement
        return {
            "doc_ids": reminders.partner_id.ids,
            "doc_model": "res.partner",
            "docs": reminders.partner_id,
            "reminders": reminders,
            "statements": statements,
            "labels": {reminder.id: self._kk_labels(reminder.partner_id.lang) for reminder in reminders},
            "ageing_keys": AGEING_KEYS,
        }
