# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import io
from datetime import datetime, timedelta

import openpyxl

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..hooks import uninstall_hook
from .common import make_role_user
from .receivables_common import ReceivablesCommon

AS_OF = "2026-03-01"
BUCKETS = ("not_due", "b1", "b2", "b3", "b4")


def day(offset, as_of=AS_OF):
    """The as-of date moved by ``offset`` days, as a string."""
    return fields.Date.to_string(fields.Date.to_date(as_of) + timedelta(days=offset))


@tagged("post_install", "-at_install")
class TestAgeing(ReceivablesCommon):
    """Ageing from posted receivable items and their reconciliations, checked against hand-computed figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR = 1 company currency from 2017 on
        cls.customer = cls.env["res.partner"].create({"name": "Aldring AS", "is_company": True})
        cls.other = cls.env["res.partner"].create({"name": "Annen Kunde AS", "is_company": True})
        cls.invoice_a = cls._invoice(cls.customer, 1000, "2026-01-01", "2026-01-15")
        cls.invoice_b = cls._invoice(cls.customer, 1000, "2026-02-01", "2026-02-20")
        cls.invoice_eur = cls._invoice(cls.other, 1000, "2026-02-25", "2026-03-10", currency=cls.eur)
        cls._pay(cls.invoice_a, 400, "2026-02-01")
        cls._pay(cls.invoice_a, 600, "2026-04-01")  # after the as-of date
        refund = cls._invoice(cls.customer, 200, "2026-02-10", "2026-02-10", move_type="out_refund")
        (cls.invoice_b + refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        cls.Report = cls.env["kundekartotek.ageing.report"]

    def _by_partner(self, as_of=AS_OF, **context):
        report = self.Report.with_context(kk_as_of=as_of, **context)
        rows, total = report._kk_report_rows([("partner_id", "in", (self.customer + self.other).ids)])
        Partner = self.env["res.partner"]
        return {Partner.browse(partner_id): values for partner_id, _ref, _name, values in rows}, total

    def test_buckets_as_of_a_date(self):
        rows, total = self._by_partner()
        mine = rows[self.customer]
        # A: 1000 due 15 Jan, 400 paid 1 Feb (the 600 paid in April does not count yet): 45 days → 31–60.
        self.assertAlmostEqual(mine["b2"], 600)
        # B: 1000 due 20 Feb less the 200 credit note: 9 days → 1–30.
        self.assertAlmostEqual(mine["b1"], 800)
        self.assertAlmostEqual(mine["not_due"], 0)
        self.assertAlmostEqual(mine["residual"], 1400)
        # 1000 EUR at 2 EUR per unit of company currency, due 10 March: not due.
        self.assertAlmostEqual(rows[self.other]["not_due"], 500)
        self.assertAlmostEqual(total["residual"], 1900)

    def test_changes_not_yet_written_to_the_database_are_counted(self):
        # The view is SQL: a change the ORM still holds in memory must be flushed before it is read.
        receivable = self.invoice_b.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        receivable.date_maturity = "2026-03-15"
        rows, _total = self._by_partner()
        self.assertAlmostEqual(rows[self.customer]["b1"], 0)
        self.assertAlmostEqual(rows[self.customer]["not_due"], 800)

    def test_foreign_currency_keeps_the_amount_in_currency(self):
        line = self.Report.with_context(kk_as_of=AS_OF).search([("partner_id", "=", self.other.id)])
        self.assertEqual(line.currency_id, self.eur)
        self.assertAlmostEqual(line.residual_currency, 1000)
        self.assertAlmostEqual(line.residual, 500)

    def test_later_payment_closes_the_item(self):
        rows, _total = self._by_partner(as_of="2026-05-01")
        self.assertAlmostEqual(rows[self.customer]["residual"], 800)  # only B is left

    def test_before_the_invoices_nothing_is_open(self):
        rows, total = self._by_partner(as_of="2025-12-31")
        self.assertFalse(rows)
        self.assertEqual(total["residual"], 0)

    def test_ageing_by_invoice_date_and_custom_edges(self):
        rows, _total = self._by_partner(kk_age_by="invoice", kk_edges="14,30,45")
        mine = rows[self.customer]
        # A invoiced 1 Jan: 59 days → over 45; B invoiced 1 Feb: 28 days → 15–30.
        self.assertAlmostEqual(mine["b4"], 600)
        self.assertAlmostEqual(mine["b2"], 800)
        labels = self.Report.with_context(kk_edges="14,30,45").fields_get(["b1", "b4"], ["string"])
        self.assertEqual(labels["b1"]["string"], "1–14")
        self.assertEqual(labels["b4"]["string"], "Over 45")

    def test_today_agrees_with_odoo_residuals(self):
        far = "2030-01-01"
        rows, _total = self._by_partner(as_of=far)
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertAlmostEqual(rows[self.customer]["residual"], sum(lines.mapped("amount_residual")))

    def _indexes(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
            [("account_move_line_kk_ageing_open_idx", "account_partial_reconcile_kk_ageing_idx")],
        )
        return dict(self.env.cr.fetchall())

    def test_indexes_the_view_reads_are_created_and_dropped_on_uninstall(self):
        indexes = self._indexes()
        # The open items' index has the view's own predicate, or PostgreSQL could not use it for the view.
        self.assertIn("WHERE (((parent_state)::text = 'posted'::text) AND (amount_residual <> (0)::numeric))",
                      indexes["account_move_line_kk_ageing_open_idx"])  # fmt: skip
        self.assertIn(
            "(max_date) INCLUDE (kk_debit_date, kk_credit_date", indexes["account_partial_reconcile_kk_ageing_idx"]
        )
        uninstall_hook(self.env)
        self.assertEqual(self._indexes(), {})

    def test_reconciliations_keep_the_dates_of_their_items(self):
        partial = self._receivable(self.invoice_a).matched_credit_ids.filtered(lambda p: p.max_date.month == 4)
        self.assertEqual(partial.kk_debit_date, fields.Date.to_date("2026-01-01"))  # the invoice
        self.assertEqual(partial.kk_credit_date, fields.Date.to_date("2026-04-01"))  # the payment
        self.env.cr.execute(
            "SELECT kk_debit_date, kk_credit_date FROM account_partial_reconcile WHERE id = %s", [partial.id]
        )
        self.assertEqual(self.env.cr.fetchone(), (partial.kk_debit_date, partial.kk_credit_date))

    def test_wizard_opens_the_report_and_refuses_bad_edges(self):
        form = Form(self.env["kundekartotek.ageing.wizard"])
        form.as_of = fields.Date.to_date(AS_OF)
        wizard = form.save()
        action = wizard.action_open()
        self.assertEqual(action["context"]["kk_as_of"], AS_OF)
        rows = self.Report.with_context(**action["context"]).search([("partner_id", "=", self.customer.id)])
        self.assertEqual(rows.move_id, self.invoice_a + self.invoice_b)
        self.assertEqual(rows[0].action_open_move()["res_id"], rows[0].move_id.id)
        with self.assertRaises(ValidationError):
            self.env["kundekartotek.ageing.wizard"].create({"as_of": AS_OF, "edges": "60,30,90"})

    def _wizard(self):
        return self.env["kundekartotek.ageing.wizard"].create({"as_of": AS_OF})

    def test_pdf_is_rendered_by_wkhtmltopdf_with_the_figures(self):
        wizard = self._wizard()
        action = wizard.action_print_pdf()
        report = self.env.ref("kundekartotek.action_report_ageing")
        html = report._render_qweb_html(report.report_name, None, data=action["data"])[0].decode()
        self.assertIn("Aldring AS", html)
        self.assertIn("1,400.00", html)
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, None, data=action["data"]
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_xlsx_holds_the_summary_and_the_items(self):
        action = self._wizard().action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        summary = workbook.worksheets[0]
        by_name = {row[1]: row for row in summary.iter_rows(min_row=4, values_only=True)}
        self.assertAlmostEqual(by_name["Aldring AS"][7], 1400)
        self.assertAlmostEqual(by_name["Aldring AS"][4], 600)  # 31–60
        self.assertGreaterEqual(workbook.worksheets[1].max_row, 4)
        items = {(row[0], row[1]): row for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
        # Customer, entry number, dates, days overdue, currency, open in currency, open.
        self.assertEqual(
            items["Aldring AS", self.invoice_a.name],
            (
                *("Aldring AS", self.invoice_a.name, datetime(2026, 1, 1), datetime(2026, 1, 15), 45),
                *(self.env.company.currency_id.name, 600, 600),
            ),
        )
        self.assertEqual(items["Annen Kunde AS", self.invoice_eur.name][5:], ("EUR", 1000, 500))

    def test_payment_behaviour(self):
        on_time = self._invoice(self.customer, 1000, "2026-03-01", "2026-03-31")
        self._pay(on_time, 1000, "2026-03-20")
        figures = self.env["res.partner"]._kk_payment_behaviour(
            fields.Date.to_date("2026-01-01"), fields.Date.to_date("2026-12-31"), partner_ids=self.customer.ids
        )[self.customer.id]
        # A: invoiced 1 Jan, due 15 Jan, paid in full 1 April: 90 days, 76 late. On time: 19 days, 0 late.
        self.assertEqual(figures["count"], 2)
        self.assertAlmostEqual(figures["days_avg"], 54.5)
        self.assertAlmostEqual(figures["days_weighted"], 54.5)
        self.assertAlmostEqual(figures["on_time_share"], 0.5)
        self.assertAlmostEqual(figures["days_late_avg"], 38)
        before = self.env["res.partner"]._kk_payment_behaviour(
            fields.Date.to_date("2025-01-01"), fields.Date.to_date("2025-12-31"), partner_ids=self.customer.ids
        )
        self.assertFalse(before)

    def test_customer_ledger_with_running_balance_and_reconciliation(self):
        Ledger = self.env["report.kundekartotek.report_ledger"]
        ledger = Ledger._kk_ledger(
            fields.Date.to_date("2026-02-01"), fields.Date.to_date("2026-02-28"), partner_ids=self.customer.ids
        )
        entry = ledger["customers"][self.customer.id]
        self.assertAlmostEqual(entry["opening"], 1000)  # invoice A of 1 January
        # February: invoice B +1000, payment of A −400, credit note −200.
        self.assertEqual([line["amount"] for line in entry["lines"]], [1000, -400, -200])
        self.assertEqual([line["balance"] for line in entry["lines"]], [2000, 1600, 1400])
        self.assertAlmostEqual(entry["closing"], 1400)
        everyone = Ledger._kk_ledger(fields.Date.to_date("2026-01-01"), fields.Date.to_date("2026-12-31"))
        self.assertTrue(everyone["complete"])
        self.assertAlmostEqual(everyone["difference"], 0)
        self.assertAlmostEqual(everyone["customers_total"], everyone["general_ledger"])

    def test_customer_ledger_pdf_and_wizard(self):
        wizard = (
            self.env["kundekartotek.ledger.wizard"]
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"date_from": "2026-01-01", "date_to": "2026-03-31"})
        )
        self.assertEqual(wizard.partner_ids, self.customer)
        action = wizard.action_print_pdf()
        report = self.env.ref("kundekartotek.action_report_ledger")
        html = report._render_qweb_html(report.report_name, None, data=action["data"])[0].decode()
        self.assertIn("Aldring AS", html)
        self.assertIn("Closing balance", html)
        action = wizard.action_open()
        lines = self.env[action["res_model"]].with_context(**action["context"]).search(action["domain"])
        self.assertEqual(lines.partner_id, self.customer)
        with self.assertRaises(ValidationError):
            self.env["kundekartotek.ledger.wizard"].create({"date_from": "2026-03-01", "date_to": "2026-01-01"})


@tagged("post_install", "-at_install")
class TestAgeingEdges(ReceivablesCommon):
    """Every comparison of the ageing at, just before and just after its edge, with posted invoices and payments.

    Each expectation is written out by hand (not computed with ``lib.ageing``), so a one-character change to a rule,
    in the SQL or in the library it is built from, fails a test.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.due_customer = Partner.create({"name": "Forfall AS", "is_company": True})
        cls.dated_customer = Partner.create({"name": "Fakturadato AS", "is_company": True})
        cls.paying_customer = Partner.create({"name": "Betaling AS", "is_company": True})
        # Due date relative to the as-of date → (days overdue, bucket). Distinct amounts tell the items apart.
        cls.due_cases = {}
        for amount, (offset, days, bucket) in enumerate(
            (
                (1, -1, "not_due"),  # due the day after
                (0, 0, "not_due"),  # due on the as-of date
                (-1, 1, "b1"),  # due the day before
                (-30, 30, "b1"),
                (-31, 31, "b2"),
                (-60, 60, "b2"),
                (-61, 61, "b3"),
                (-90, 90, "b3"),
                (-91, 91, "b4"),
            ),
            start=101,
        ):
            due = day(offset)
            invoice = cls._invoice(cls.due_customer, amount, day(min(offset, 0) - 5), due)
            cls.due_cases[invoice] = (days, bucket, amount)
        # Invoice dated on the as-of date: open and, by invoice date, 0 days old; dated the day after: not yet there.
        cls.dated_on = cls._invoice(cls.dated_customer, 300, AS_OF, day(60))
        cls.dated_before = cls._invoice(cls.dated_customer, 200, day(-1), day(60))
        cls.dated_30 = cls._invoice(cls.dated_customer, 130, day(-30), day(60))
        cls.dated_31 = cls._invoice(cls.dated_customer, 131, day(-31), day(60))
        cls.dated_after = cls._invoice(cls.dated_customer, 400, day(1), day(60))
        # Dated on the as-of date and paid in full the day after: open on the date.
        cls.dated_on_paid_after = cls._invoice(cls.dated_customer, 250, AS_OF, day(60))
        cls._pay(cls.dated_on_paid_after, 250, day(1))
        # A payment on account on the as-of date, applied to an invoice of the day after: a credit on the date.
        cls.credit_customer = Partner.create({"name": "Forskudd AS", "is_company": True})
        cls.prepayment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.credit_customer.id,
                "amount": 500,
                "date": AS_OF,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        cls.prepayment.action_post()
        cls.prepaid = cls._invoice(cls.credit_customer, 800, day(1), day(30))
        cls._receivable(cls.prepayment.move_id + cls.prepaid).reconcile()
        # Payments the day before, on and the day after the as-of date, in full (1000) and in part (400).
        cls.payments = {}
        for kind, amount in (("full", 1000), ("part", 400)):
            for offset in (-1, 0, 1):
                invoice = cls._invoice(cls.paying_customer, 1000, "2026-01-10", "2026-02-10")
                cls._pay(invoice, amount, day(offset))
                cls.payments[kind, offset] = invoice
        cls.Report = cls.env["kundekartotek.ageing.report"]

    def _rows(self, partner, as_of=AS_OF, **context):
        """``{entry: (days overdue, {bucket: amount}, open amount)}`` of the view's rows of ``partner``."""
        rows = self.Report.with_context(kk_as_of=as_of, **context).search([("partner_id", "=", partner.id)])
        return {row.move_id: (row.days_overdue, {k: row[k] for k in BUCKETS if row[k]}, row.residual) for row in rows}

    def _report_row(self, partner, as_of=AS_OF):
        """The PDF's row of ``partner``: its values as the wizard's *Print* gives them to the template."""
        wizard = self.env["kundekartotek.ageing.wizard"].create({"as_of": as_of})
        values = self.env["report.kundekartotek.report_ageing"]._get_report_values(
            None, data=wizard.action_print_pdf()["data"]
        )
        found = [row for row in values["rows"] if row[0] == partner.id]
        self.assertEqual(found[0][2], partner.display_name)
        return found[0][3]

    def test_due_date_edges(self):
        expected = {
            invoice: (days, {bucket: amount}, amount) for invoice, (days, bucket, amount) in self.due_cases.items()
        }
        self.assertEqual(self._rows(self.due_customer), expected)

    def test_due_date_edges_in_the_report(self):
        row = self._report_row(self.due_customer)
        # not due: 101 (due tomorrow) + 102 (due today); 1–30: 103 + 104; 31–60: 105 + 106; 61–90: 107 + 108.
        self.assertEqual(
            {key: row[key] for key in (*BUCKETS, "residual")},
            {"not_due": 203, "b1": 207, "b2": 211, "b3": 215, "b4": 109, "residual": 945},
        )

    def test_invoice_date_edges(self):
        # Aged by invoice date, the invoice of the day is 0 days old (not due), the day before's 1 (1–30).
        rows = self._rows(self.dated_customer, kk_age_by="invoice")
        self.assertEqual(
            rows,
            {
                self.dated_on: (0, {"not_due": 300}, 300),
                self.dated_before: (1, {"b1": 200}, 200),
                self.dated_30: (30, {"b1": 130}, 130),
                self.dated_31: (31, {"b2": 131}, 131),
                self.dated_on_paid_after: (0, {"not_due": 250}, 250),
            },
        )
        # The invoice dated the day after the as-of date is not there yet; the next day it is.
        self.assertIn(self.dated_after, self._rows(self.dated_customer, as_of=day(1)))
        # By due date all of them are due in 60 days.
        self.assertEqual({tuple(values[1]) for values in self._rows(self.dated_customer).values()}, {("not_due",)})

    def test_payment_edges(self):
        # A payment dated on or before the as-of date counts; one dated the day after does not (yet). The payments'
        # own receivable lines never show: each is used up by the invoice it pays.
        payments = self.payments
        self.assertEqual(
            {move: values[2] for move, values in self._rows(self.paying_customer).items()},
            {payments["full", 1]: 1000, payments["part", -1]: 600, payments["part", 0]: 600, payments["part", 1]: 1000},
        )
        self.assertEqual(
            {move: values[2] for move, values in self._rows(self.paying_customer, as_of=day(1)).items()},
            {payments["part", -1]: 600, payments["part", 0]: 600, payments["part", 1]: 600},
        )
        before = self._rows(self.paying_customer, as_of=day(-1))
        self.assertEqual(
            {move: values[2] for move, values in before.items()},
            {
                payments["full", 0]: 1000,
                payments["full", 1]: 1000,
                payments["part", -1]: 600,
                payments["part", 0]: 1000,
                payments["part", 1]: 1000,
            },
        )

    def test_rows_read_at_two_dates_in_one_transaction_keep_their_own_figures(self):
        # A row's id is its journal item's at every date; the cache must not hand one date's figures to another.
        Report = self.Report.with_context(kk_as_of=AS_OF)
        invoice = self.payments["part", 1]
        before = Report.search([("move_id", "=", invoice.id)])
        after = Report.with_context(kk_as_of=day(1)).search([("move_id", "=", invoice.id)])
        self.assertEqual(before.id, after.id)
        self.assertEqual((before.residual, after.residual), (1000, 600))
        self.assertEqual((after.residual, before.residual), (600, 1000))
        self.assertEqual(Report.with_context(kk_edges="14,30,45").browse(before.id).bucket, "b2")
        self.assertEqual(before.bucket, "b1")

    def test_payment_applied_after_the_date_is_a_credit_on_the_date(self):
        self.assertEqual(self._rows(self.credit_customer), {self.prepayment.move_id: (0, {"not_due": -500}, -500)})
        row = self.Report.with_context(kk_as_of=AS_OF).search([("partner_id", "=", self.credit_customer.id)])
        self.assertEqual(row.residual_currency, -500)
        # From the day the payment is applied, only the rest of the invoice is open.
        self.assertEqual(self._rows(self.credit_customer, as_of=day(1)), {self.prepaid: (-29, {"not_due": 300}, 300)})

    def test_payment_edges_in_the_report(self):
        self.assertEqual(self._report_row(self.paying_customer)["b1"], 3200)
        self.assertEqual(self._report_row(self.paying_customer, as_of=day(1))["residual"], 1800)

    def test_today_agrees_with_odoo_residuals(self):
        # As of a date after every entry, each item's open amount is Odoo's own residual.
        customers = self.due_customer + self.dated_customer + self.paying_customer
        rows = self.Report.with_context(kk_as_of="2030-01-01").search([("partner_id", "in", customers.ids)])
        lines = self._receivable(
            self.env["account.move"].search([("partner_id", "in", customers.ids), ("state", "=", "posted")])
        ).filtered("amount_residual")
        self.assertEqual(
            {row.move_line_id: row.residual for row in rows}, {line: line.amount_residual for line in lines}
        )


@tagged("post_install", "-at_install")
class TestAgeingCompanies(ReceivablesCommon):
    """The report's grouped totals keep the record rules: a user never gets another company's figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Selskap B")["company"]
        cls.customer = cls.env["res.partner"].create({"name": "Kunde i A AS", "is_company": True})
        cls._invoice(cls.customer, 700, "2026-01-10", "2026-02-10")
        cls.user_b = make_role_user(
            cls.env, "auditor", login="kk_ageing_b", company=cls.company_b, extra=("account.group_account_invoice",)
        )

    def _values(self, user, companies):
        wizard = (
            self.env["kundekartotek.ageing.wizard"]
            .with_user(user)
            .create({"as_of": AS_OF, "company_ids": [Command.set(companies.ids)]})
        )
        action = wizard.action_print_pdf()
        return self.env["report.kundekartotek.report_ageing"].with_user(user)._get_report_values(None, action["data"])

    def test_another_companys_figures_are_not_given_even_when_asked_for(self):
        values = self._values(self.env.user, self.env.company)
        self.assertEqual(values["total"]["residual"], 700)
        values = self._values(self.user_b, self.env.company)
        self.assertEqual(values["rows"], [])
        self.assertEqual(values["total"]["residual"], 0)
