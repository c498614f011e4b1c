# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .receivables_common import ReceivablesCommon, pdf_text

AS_OF = "2026-03-01"


@tagged("post_install", "-at_install")
class TestStatement(ReceivablesCommon):
    """Customer statement (kontoutskrift) from posted invoices, payments and credit notes, as of a date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR = 1 company currency from 2017 on
        cls.customer = cls.env["res.partner"].create(
            {"name": "Kontoutskrift AS", "is_company": True, "email": "regnskap@kontoutskrift.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Kari Kontakt", "parent_id": cls.customer.id, "email": "kari@kontoutskrift.example"}
        )
        cls.other = cls.env["res.partner"].create({"name": "Annen Kunde AS", "is_company": True})
        cls.invoice_a = cls._invoice(cls.customer, 1000, "2026-01-01", "2026-01-15")
        cls.invoice_b = cls._invoice(cls.customer, 1000, "2026-02-01", "2026-02-20")
        cls.invoice_eur = cls._invoice(cls.customer, 1000, "2026-02-25", "2026-03-10", currency=cls.eur)
        cls.invoice_contact = cls._invoice(cls.contact, 300, "2026-02-15", "2026-03-15")
        cls.invoice_other = cls._invoice(cls.other, 700, "2026-01-10", "2026-01-20")
        cls._pay(cls.invoice_a, 400, "2026-02-01")
        cls._pay(cls.invoice_a, 600, "2026-04-01")  # after the statement's date
        refund = cls._invoice(cls.customer, 200, "2026-02-10", "2026-02-10", move_type="out_refund")
        (cls.invoice_b + refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        cls.Statement = cls.env["report.kundekartotek.report_statement"]
        cls.report = cls.env.ref("kundekartotek.action_report_statement")

    def _statement(self, as_of=AS_OF, partner=None):
        partner = partner or self.customer
        return self.Statement._kk_statements(partner, fields.Date.to_date(as_of), self.env.company)[
            partner.commercial_partner_id.id
        ]

    def test_open_items_and_ageing_as_of_a_date(self):
        statement = self._statement()
        by_invoice = {line["number"]: line for line in statement["lines"]}
        # A: 1000 due 15 Jan, 400 paid 1 Feb; the 600 paid in April does not count on 1 March: 45 days overdue.
        line_a = by_invoice[self.invoice_a.name]
        self.assertAlmostEqual(line_a["amount"], 1000)
        self.assertAlmostEqual(line_a["open"], 600)
        self.assertEqual(line_a["days_overdue"], 45)
        # B: 1000 less the 200 credit note, 9 days overdue.
        self.assertAlmostEqual(by_invoice[self.invoice_b.name]["open"], 800)
        self.assertEqual(by_invoice[self.invoice_b.name]["days_overdue"], 9)
        # 1000 EUR at 2 EUR per unit of company currency, not yet due; the amount in currency is kept.
        line_eur = by_invoice[self.invoice_eur.name]
        self.assertAlmostEqual(line_eur["open"], 500)
        self.assertAlmostEqual(line_eur["open_currency"], 1000)
        self.assertEqual(line_eur["currency"], self.eur)
        self.assertEqual(line_eur["days_overdue"], 0)
        self.assertTrue(statement["foreign"])
        # The invoice to the contact is on the company's statement; the credit note is fully used: not listed.
        self.assertIn(self.invoice_contact.name, by_invoice)
        self.assertEqual(len(statement["lines"]), 4)
        total = statement["total"]
        self.assertAlmostEqual(total["residual"], 2200)
        self.assertAlmostEqual(total["not_due"], 800)
        self.assertAlmostEqual(total["b1"], 800)
        self.assertAlmostEqual(total["b2"], 600)
        self.assertAlmostEqual(total["b3"] + total["b4"], 0)

    def test_statement_agrees_with_the_ageing_report(self):
        rows, _total = (
            self.env["kundekartotek.ageing.report"]
            .with_context(kk_as_of=AS_OF)
            ._kk_report_rows([("partner_id", "=", self.customer.id)])
        )
        ageing = {partner_id: values for partner_id, _ref, _name, values in rows}[self.customer.id]
        statement = self._statement()
        # Core books the receivable of the contact's invoice on the company: both reports see the same items.
        for key in ("residual", "not_due", "b1", "b2", "b3", "b4"):
            self.assertAlmostEqual(statement["total"][key], ageing[key])

    def test_later_date_and_contact_roll_up(self):
        statement = self._statement(as_of="2026-05-01", partner=self.contact)
        numbers = {line["number"] for line in statement["lines"]}
        self.assertNotIn(self.invoice_a.name, numbers)  # paid in full in April
        self.assertAlmostEqual(statement["total"]["residual"], 1600)
        self.assertNotIn(self.invoice_other.name, numbers)

    def test_pdf_holds_the_figures(self):
        html = self.report._render_qweb_html(self.report.report_name, self.contact.ids, data={"as_of": AS_OF})[
            0
        ].decode()
        self.assertIn("Kontoutskrift AS", html)
        self.assertIn("Customer statement", html)
        self.assertIn("2,200.00", html)
        self.assertIn("Open in currency", html)
        self.assertNotIn("Annen Kunde AS", html)
        pdf, kind = self.report.with_context(force_report_rendering=True)._render_qweb_pdf(
            self.report.report_name, self.customer.ids, data={"as_of": AS_OF}
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        self.assertIn(f"{self.invoice_a.name} 01/01/2026 01/15/2026 $ 1,000.00 $ 600.00 45", text)
        self.assertIn("1,000.00 €", text)  # the EUR invoice's open amount in its currency
        self.assertIn("Total open $ 2,200.00", text)
        ageing = "Not due 1–30 31–60 61–90 Over 90 Total $ 800.00 $ 800.00 $ 600.00 $ 0.00 $ 0.00 $ 2,200.00"
        self.assertIn(ageing, text)

    @freeze_time(AS_OF)
    def test_send_statement_by_email_with_the_pdf(self):
        action = self.customer.action_kk_send_statement()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = (
            self.env["mail.compose.message"].with_context(force_report_rendering=True, **action["context"]).create({})
        )
        self.assertEqual(composer.partner_ids, self.customer)
        _mails, messages = composer._action_send_mail()
        message = messages[:1]
        self.assertEqual(message.model, "res.partner")
        self.assertEqual(message.res_id, self.customer.id)
        self.assertEqual(message.partner_ids, self.customer)
        attachment = message.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.name, "Kontoutskrift - Kontoutskrift AS.pdf")
        content = base64.b64decode(attachment.datas)
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertIn("2,200.00", pdf_text(content))
