# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestDiscountAgreement(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Rabatt AS", "discount_percent": 12.5})

    def _form(self, move_type="out_invoice"):
        form = Form(self.env["account.move"].with_context(default_move_type=move_type))
        form.partner_id = self.customer
        form.invoice_date = "2026-01-15"
        return form

    def test_new_invoice_line_gets_the_agreed_discount(self):
        form = self._form()
        with form.invoice_line_ids.new() as line:
            line.product_id = self.product_a
            line.price_unit = 1000.0
            line.tax_ids.clear()
        invoice = form.save()
        self.assertEqual(invoice.invoice_line_ids.discount, 12.5)
        self.assertAlmostEqual(invoice.amount_untaxed, 875.0)

    def test_another_customer_proposes_its_own_agreement(self):
        other = self.env["res.partner"].create({"name": "Storkunde AS", "discount_percent": 20.0})
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[1000], taxes=[])
        self.assertEqual(invoice.invoice_line_ids.discount, 12.5)
        invoice.partner_id = other  # the draft goes to another customer
        self.assertEqual(invoice.invoice_line_ids.discount, 20.0)
        self.assertAlmostEqual(invoice.amount_untaxed, 800.0)

    def test_a_new_agreement_leaves_existing_invoices_alone(self):
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[1000], taxes=[])
        self.assertEqual(invoice.invoice_line_ids.discount, 12.5)
        self.customer.discount_percent = 30.0
        self.assertEqual(invoice.invoice_line_ids.discount, 12.5)

    def test_discount_typed_on_the_line_is_kept(self):
        form = self._form()
        with form.invoice_line_ids.new() as line:
            line.product_id = self.product_a
            line.discount = 5.0
        invoice = form.save()
        self.assertEqual(invoice.invoice_line_ids.discount, 5.0)

    def test_discount_sent_by_an_integration_is_kept(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": self.product_a.id, "price_unit": 100.0, "discount": 0.0}),
                    (0, 0, {"product_id": self.product_b.id, "price_unit": 100.0}),
                ],
            }
        )
        self.assertEqual(invoice.invoice_line_ids.mapped("discount"), [0.0, 12.5])

    def test_vendor_bills_are_not_discounted(self):
        form = self._form(move_type="in_invoice")
        with form.invoice_line_ids.new() as line:
            line.product_id = self.product_a
        bill = form.save()
        self.assertEqual(bill.invoice_line_ids.discount, 0.0)

    def test_customer_without_agreement_gets_no_discount(self):
        plain = self.env["res.partner"].create({"name": "Uten Rabatt AS"})
        invoice = self.init_invoice("out_invoice", partner=plain, products=[self.product_a])
        self.assertEqual(invoice.invoice_line_ids.discount, 0.0)

    def test_discount_out_of_range_is_refused_and_nothing_written(self):
        with self.assertRaises(ValidationError) as caught:
            self.customer.write({"discount_percent": 150.0})
        self.assertIn("Discount", str(caught.exception))
        self.assertIn("0 to 100", str(caught.exception))
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.discount_percent, 12.5)
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create({"name": "Negativ Rabatt AS", "discount_percent": -5.0})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Negativ Rabatt AS")]))
