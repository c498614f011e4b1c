# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged, warmup
from odoo.tools import mute_logger

from .common import make_role_user, queries_on
from .receivables_common import ReceivablesCommon, pdf_text

DAY = "2026-03-01"
# SQL statements of a reminder run by e-mail, PDFs included, with warm caches. Per customer: the reminder, the
# message with its attachment, the notification and the queued mail; everything else is once per batch (the
# module's company settings among it, read in a query of their own: their prefetch group).
QUERIES_ONE = 76
QUERIES_TWENTY = 424


@tagged("post_install", "-at_install")
class TestReminder(ReceivablesCommon):
    """Payment reminders (purring): what is overdue, the 14-day rule, levels, the e-mail, the log and the rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accountant of AccountTestInvoicingCommon also works with the customer register.
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_user")
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR = 1 company currency from 2017 on
        cls.customer = cls.env["res.partner"].create(
            {"name": "Purring AS", "is_company": True, "email": "faktura@purring.example"}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Per Purring", "parent_id": cls.customer.id})
        cls.paid = cls.env["res.partner"].create({"name": "Betalt AS", "is_company": True, "email": "b@betalt.example"})
        cls.no_email = cls.env["res.partner"].create({"name": "Brevkunde AS", "is_company": True})
        cls.invoice_a = cls._invoice(cls.customer, 1000, "2026-01-01", "2026-01-15")
        cls.invoice_b = cls._invoice(cls.customer, 1000, "2026-02-01", "2026-02-20")
        cls.invoice_eur = cls._invoice(cls.customer, 400, "2026-01-20", "2026-02-10", currency=cls.eur)
        cls.invoice_later = cls._invoice(cls.customer, 500, "2026-02-25", "2026-03-20")  # not due on 1 March
        cls._pay(cls.invoice_a, 400, "2026-02-01")
        refund = cls._invoice(cls.customer, 100, "2026-02-10", "2026-02-10", move_type="out_refund")
        (cls.invoice_b + refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        paid_invoice = cls._invoice(cls.paid, 300, "2026-01-01", "2026-01-15")
        cls._pay(paid_invoice, 300, "2026-01-10")
        cls._invoice(cls.no_email, 250, "2026-01-01", "2026-01-31")
        cls.Reminder = cls.env["kundekartotek.reminder"]

    def _send(self, partners, channel="email", user=None):
        partners = partners.with_user(user) if user else partners
        return partners.with_context(kk_reminder_channel=channel, force_report_rendering=True).action_kk_send_reminder()

    def _reminders(self, partner=None):
        return self.Reminder.search([("partner_id", "=", (partner or self.customer).id)])

    def test_reminder_name_follows_the_customer(self):
        reminder = self.Reminder.create({"partner_id": self.customer.id, "level": 2})
        self.assertIn(self.customer.name, reminder.display_name)
        self.customer.name = "Nytt Navn AS"
        self.assertIn("Nytt Navn AS", reminder.display_name)

    @freeze_time(DAY)
    def test_reminder_is_emailed_with_the_overdue_statement_and_logged(self):
        self._send(self.contact)  # from a contact's card: the customer is reminded
        reminder = self._reminders()
        self.assertEqual(len(reminder), 1)
        # Overdue on 1 March: A 600 (45 days), B 900 (9 days), 400 EUR = 200 (19 days); not the invoice due 20 March.
        self.assertAlmostEqual(reminder.amount, 1700)
        self.assertEqual(reminder.level, 1)
        self.assertEqual(reminder.date, fields.Date.to_date(DAY))
        self.assertEqual(reminder.payment_deadline, fields.Date.to_date("2026-03-15"))
        self.assertEqual(reminder.channel, "email")
        self.assertEqual(reminder.user_id, self.env.user)
        self.assertEqual(reminder.company_id, self.env.company)
        self.assertEqual(reminder.line_ids, self._receivable(self.invoice_a + self.invoice_b + self.invoice_eur))
        self.assertIn(self.invoice_a.name, reminder.invoice_refs)
        self.assertEqual(self.customer.kk_last_reminder_id, reminder)
        self.assertEqual(self.customer.kk_reminder_count, 1)
        message = reminder.mail_message_id
        self.assertEqual((message.model, message.res_id), ("res.partner", self.customer.id))
        self.assertEqual(message.partner_ids, self.customer)
        self.assertIn("03/15/2026", message.body)
        self.assertIn("1,700.00", message.body)
        self.assertIn("payment reminder 1", message.subject)
        content = base64.b64decode(message.attachment_ids.datas)
        self.assertEqual(message.attachment_ids.name, "Purring - Purring AS.pdf")
        text = pdf_text(content)
        self.assertIn("Payment reminder", text)
        self.assertIn(f"{self.invoice_a.name} 01/01/2026 01/15/2026 $ 1,000.00 $ 600.00 45", text)
        self.assertIn("Total open $ 1,700.00", text)
        self.assertNotIn(self.invoice_later.name, text)
        self.assertIn("03/15/2026", text)

    def test_fourteen_days_between_reminders_and_levels(self):
        with freeze_time(DAY):
            self._send(self.customer)
        with freeze_time("2026-03-14"), self.assertRaisesRegex(UserError, "the next one can be sent from 03/15/2026"):
            self._send(self.customer)
        with freeze_time("2026-03-21"):
            self._send(self.customer)
        second = self._reminders()[0]
        self.assertEqual(second.level, 2)  # A, B and the EUR invoice are still overdue
        # The invoice due on 20 March is overdue now, and named.
        self.assertIn(self._receivable(self.invoice_later), second.line_ids)
        # Everything reminded is paid; a new invoice falls overdue: the chain starts again at level 1.
        for invoice in self.invoice_a + self.invoice_b + self.invoice_eur + self.invoice_later:
            self._pay(invoice, invoice.amount_residual, "2026-03-22")
        fresh = self._invoice(self.customer, 800, "2026-03-23", "2026-04-06")
        with freeze_time("2026-04-10"):
            self._send(self.customer)
        third = self._reminders()[0]
        self.assertEqual((third.level, third.line_ids), (1, self._receivable(fresh)))
        self.assertAlmostEqual(third.amount, 800)
        # A reprint from the log shows the first reminder as it was: amounts open on its date.
        first = self._reminders()[-1]
        report = self.env.ref("kundekartotek.action_report_reminder")
        html = report._render_qweb_html(report.report_name, first.partner_id.ids, data=first.action_print()["data"])
        self.assertIn("1,700.00", html[0].decode())

    def test_interval_follows_the_company_setting(self):
        self.env.company.kk_reminder_interval_days = 7
        with freeze_time(DAY):
            self._send(self.customer)
        with freeze_time("2026-03-08"):
            self._send(self.customer)
        self.assertEqual(self._reminders().mapped("level"), [2, 1])
        with self.assertRaises(ValidationError):
            self.env.company.kk_reminder_payment_days = 10  # inkassoloven § 9: at least 14 days

    def test_interval_of_one_day_is_the_shortest(self):
        self.env.company.kk_reminder_interval_days = 1
        with freeze_time(DAY):
            self._send(self.customer)
        with freeze_time("2026-03-02"):  # the next day: allowed with an interval of one day
            self._send(self.customer)
        self.assertEqual(self._reminders().mapped("level"), [2, 1])
        with self.assertRaises(ValidationError):
            self.env.company.kk_reminder_interval_days = 0

    def test_an_item_due_today_is_not_overdue_yet(self):
        customer = self.env["res.partner"].create({"name": "Forfall AS", "is_company": True, "email": "f@f.example"})
        self._invoice(customer, 700, "2026-02-15", DAY)  # due on the day of the run
        with freeze_time(DAY), self.assertRaisesRegex(UserError, "Nothing is overdue for Forfall AS"):
            self._send(customer)
        with freeze_time("2026-03-02"):  # one day late
            self._send(customer)
        self.assertAlmostEqual(self._reminders(customer).amount, 700)

    def test_a_run_reads_the_ageing_view_once_whatever_the_number_of_customers(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Kunde {n} AS", "is_company": True, "email": f"k{n}@kunde.example"} for n in range(20)]
        )
        for customer in customers:
            self._invoice(customer, 100, "2026-01-01", "2026-01-31")
        for batch in (customers[:1], customers[1:]):
            with freeze_time(DAY), queries_on('"kundekartotek_ageing_report"') as view_queries:
                self._send(batch)
            self.assertEqual(len(self.Reminder.search([("partner_id", "in", batch.ids)])), len(batch))
            # The run's statements, and the PDF attached to each e-mail takes the statement the run computed.
            self.assertEqual(len(view_queries), 1, f"{len(batch)} customer(s)")
        attachment = (
            self.env["mail.message"]
            .search([("model", "=", "res.partner"), ("res_id", "=", customers[-1].id), ("attachment_ids", "!=", False)])
            .attachment_ids
        )
        self.assertIn("Kunde 19 AS", pdf_text(base64.b64decode(attachment.datas)))

    def _batch_customers(self, count, amount=100):
        customers = self.env["res.partner"].create(
            [
                {"name": f"Batchkunde {n} AS", "is_company": True, "email": f"b{n}@batch.example"}
                for n in range(1, count + 1)
            ]
        )
        for n, customer in enumerate(customers, 1):
            self._invoice(customer, amount * n, "2026-01-01", "2026-01-31")
        return customers

    @contextmanager
    def _wkhtmltopdf_calls(self):
        """On the day of the run, wkhtmltopdf's calls counted (the real conversion runs)."""
        Report = type(self.env["ir.actions.report"])
        with (
            freeze_time(DAY),
            patch.object(Report, "_run_wkhtmltopdf", autospec=True, side_effect=Report._run_wkhtmltopdf) as run,
        ):
            yield run

    def _attachment_text(self, customer):
        attachment = (
            self.env["mail.message"]
            .search([("model", "=", "res.partner"), ("res_id", "=", customer.id), ("attachment_ids", "!=", False)])
            .attachment_ids
        )
        self.assertEqual(len(attachment), 1)
        return pdf_text(base64.b64decode(attachment.datas))

    def test_a_batch_renders_its_pdfs_in_one_call_each_customer_gets_its_own(self):
        customers = self._batch_customers(3, amount=111)
        with self._wkhtmltopdf_calls() as run:
            self._send(customers)
        self.assertEqual(run.call_count, 1)  # one wkhtmltopdf process for the three PDFs, not one each
        for n, customer in enumerate(customers, 1):
            text = self._attachment_text(customer)
            self.assertIn(f"Batchkunde {n} AS", text)
            self.assertIn(f"Total open $ {111 * n:,.2f}", text)
            for other in set(range(1, 4)) - {n}:
                self.assertNotIn(f"Batchkunde {other} AS", text)
                self.assertNotIn(f"$ {111 * other:,.2f}", text)
            self.assertEqual(self._reminders(customer).mail_message_id.partner_ids, customer)

    def test_a_batch_that_cannot_be_split_renders_each_pdf_on_its_own(self):
        customers = self._batch_customers(2, amount=50)
        ReminderReport = type(self.env["report.kundekartotek.report_reminder"])
        with (
            self._wkhtmltopdf_calls() as run,
            patch.object(ReminderReport, "_kk_split_pdf", return_value={}),
            mute_logger("odoo.addons.kundekartotek.report.report_reminder"),
        ):
            self._send(customers)
        self.assertEqual(run.call_count, 3)  # the batch, then each customer's own
        self.assertIn("Batchkunde 1 AS", self._attachment_text(customers[0]))
        self.assertNotIn("Batchkunde 2 AS", self._attachment_text(customers[0]))
        self.assertIn("$ 100.00", self._attachment_text(customers[1]))

    def test_a_flushing_savepoint_between_hand_over_and_mail_renders_nothing_again(self):
        """The composer may open a savepoint (which runs the precommit hooks and empties their data) after the run
        handed over its PDFs and statements: each customer still gets the batch's PDF, not a rendering of its own,
        and the statement the run computed, not another read of the ageing view."""
        customers = self._batch_customers(3, amount=121)
        Partner = type(self.env["res.partner"])
        email_reminders = Partner._kk_email_reminders

        def after_a_savepoint(partners):
            partners[0].write({"comment": "Purres"})
            with self.env.cr.savepoint():
                partners[1].write({"comment": "Purres i savepoint"})
            return email_reminders(partners)

        with (
            self._wkhtmltopdf_calls() as run,
            queries_on('"kundekartotek_ageing_report"') as view_queries,
            patch.object(Partner, "_kk_email_reminders", after_a_savepoint),
        ):
            self._send(customers)
        self.assertEqual(run.call_count, 1)  # the batch's call; none per customer
        self.assertEqual(len(view_queries), 1)  # the run's statements; none per customer
        for n, customer in enumerate(customers, 1):
            text = self._attachment_text(customer)
            self.assertIn(f"Batchkunde {n} AS", text)
            self.assertIn(f"Total open $ {121 * n:,.2f}", text)

    def test_a_pdf_the_run_handed_over_and_nobody_took_is_not_given_later(self):
        """A customer whose template did not take the run's PDF: a rendering later in the same transaction shows
        the customer as it is then, not the PDF the run left behind."""
        customers = self._batch_customers(2, amount=80)
        Partner = type(self.env["res.partner"])
        email_reminders = Partner._kk_email_reminders

        def without_the_last_attachment(partners):
            messages = email_reminders(partners[:-1])
            messages[partners[-1].id] = partners[-1].message_post(body="Purring sendt uten vedlegg")
            return messages

        with patch.object(Partner, "_kk_email_reminders", without_the_last_attachment):
            self._send(customers)
        customers[-1].name = "Nytt Navn AS"
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with self._wkhtmltopdf_calls() as run:
            content, kind = Report._render_qweb_pdf("kundekartotek.action_report_reminder", customers[-1].ids)
        self.assertEqual((kind, run.call_count), ("pdf", 1))
        self.assertIn("Nytt Navn AS", pdf_text(content))
        self.assertNotIn("Batchkunde 2 AS", pdf_text(content))

    def test_letters_of_a_batch_are_rendered_in_one_call(self):
        customers = self._batch_customers(2, amount=70)
        with self._wkhtmltopdf_calls() as run:
            action = self._send(customers, channel="letter")
        self.assertEqual(run.call_count, 1)
        reminders = self._reminders(customers[0]) + self._reminders(customers[1])
        self.assertEqual(action["data"], {"reminder_ids": reminders.ids})
        for n, customer in enumerate(customers, 1):
            note = self._reminders(customer).mail_message_id
            self.assertFalse(note.partner_ids)
            text = pdf_text(base64.b64decode(note.attachment_ids.datas))
            self.assertIn(f"Batchkunde {n} AS", text)
            self.assertNotIn(f"Batchkunde {3 - n} AS", text)

    @warmup
    def test_query_count_of_a_run_for_one_and_for_twenty_customers(self):
        customers = self._batch_customers(21)
        one, twenty = customers[:1], customers[1:]
        self.env.invalidate_all()
        with freeze_time(DAY), self.assertQueryCount(QUERIES_ONE):
            self._send(one)
        self.env.invalidate_all()
        with freeze_time(DAY), self.assertQueryCount(QUERIES_TWENTY):
            self._send(twenty)
        self.assertEqual(len(self.Reminder.search([("partner_id", "in", twenty.ids)])), 20)

    @freeze_time(DAY)
    def test_nothing_overdue_is_refused(self):
        with self.assertRaisesRegex(UserError, "Nothing is overdue for Betalt AS"):
            self._send(self.paid)
        self.assertFalse(self._reminders(self.paid))

    @freeze_time(DAY)
    def test_batch_sends_what_it_may_and_reports_the_rest(self):
        action = self._send(self.customer + self.paid + self.no_email)
        message = action["params"]["message"]
        self.assertIn("1 reminder(s) sent", message)
        self.assertIn("Nothing is overdue for Betalt AS", message)
        self.assertIn("Brevkunde AS has no e-mail address", message)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(len(self._reminders()), 1)
        self.assertFalse(self._reminders(self.paid) | self._reminders(self.no_email))

    @freeze_time(DAY)
    def test_letter_is_printed_and_logged(self):
        with self.assertRaisesRegex(UserError, "print the reminder as a letter"):
            self._send(self.no_email)
        action = self._send(self.no_email, channel="letter")
        reminder = self._reminders(self.no_email)
        self.assertEqual((reminder.channel, reminder.level), ("letter", 1))
        self.assertAlmostEqual(reminder.amount, 250)
        self.assertEqual(action["report_name"], "kundekartotek.report_reminder")
        self.assertEqual(action["data"], {"reminder_ids": reminder.ids})
        note = reminder.mail_message_id
        self.assertEqual(note.res_id, self.no_email.id)
        self.assertFalse(note.partner_ids)  # a note: nobody is e-mailed
        self.assertTrue(base64.b64decode(note.attachment_ids.datas).startswith(b"%PDF"))

    @freeze_time(DAY)
    @freeze_time(DAY)
    def test_a_second_sender_who_did_not_see_the_first_reminder_is_refused_by_the_database(self):
        self._send(self.customer)
        # The second sender's snapshot does not hold the first reminder yet: the interval check lets it through.
        Partner = type(self.env["res.partner"])
        with (
            patch.object(Partner, "_kk_last_reminders", lambda partners, company: self.Reminder),
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self._send(self.customer)
            self.env.flush_all()
        self.assertEqual(len(self._reminders()), 1)

    def test_rights(self):
        clerk = make_role_user(self.env, "user", login="kk_reminder_clerk", extra=("account.group_account_invoice",))
        self._send(self.customer, user=clerk)
        reminder = self._reminders()
        self.assertEqual(reminder.user_id, clerk)
        self.assertEqual(reminder.mail_message_id.author_id, clerk.partner_id)
        with self.assertRaises(AccessError):
            reminder.with_user(clerk).write({"level": 5})  # the log is not the sender's to change
        with self.assertRaises(AccessError):
            reminder.with_user(clerk).unlink()
        auditor = make_role_user(
            self.env, "auditor", login="kk_reminder_auditor", extra=("account.group_account_readonly",)
        )
        # The demo has reminders of its own: the auditor reads this one among them.
        self.assertIn(reminder, self.Reminder.with_user(auditor).search([]))
        with self.assertRaises(AccessError):
            self._send(self.no_email, channel="letter", user=auditor)
        employee = make_role_user(self.env, "employee", login="kk_reminder_employee")
        with self.assertRaises(AccessError):
            self.Reminder.with_user(employee).search([])
        with self.assertRaises(AccessError):
            reminder.with_user(employee).read(["amount"])
