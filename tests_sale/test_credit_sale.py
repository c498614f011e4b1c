# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The credit rule on real sale orders (run by dev/test.sh in a database where sale is installed).

Customer limit 1 000, policy block. A confirmed order that is not invoiced counts as core's ``credit_to_invoice``
counts it, for the next order and for invoices; the invoice made from an order is not counted twice.
"""

import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.kundekartotek.tests.common import make_role_user

REFUSED = "over its credit limit"
SALE_CLERK_GROUPS = ("account.group_account_invoice", "sales_team.group_sale_salesman_all_leads")


def _order(env, partner, product, amount):
    return env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {"product_id": product.id, "product_uom_qty": 1, "price_unit": amount, "tax_id": [Command.clear()]}
                )
            ],
        }
    )


@tagged("post_install", "-at_install")
class TestCreditSaleOrder(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager") + cls.env.ref(
            "sales_team.group_sale_manager"
        )
        cls.clerk = make_role_user(cls.env, "user", login="kk_sale_clerk", extra=SALE_CLERK_GROUPS)
        cls.manager = make_role_user(cls.env, "manager", login="kk_sale_manager", extra=SALE_CLERK_GROUPS)
        cls.env.company.kk_credit_policy = "warn"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Nordlys Elektro AS", "is_company": True, "credit_limit": 1000.0, "credit_policy": "block"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Kabeltrommel", "list_price": 100.0, "invoice_policy": "order", "taxes_id": [Command.clear()]}
        )

    def _order(self, amount):
        return _order(self.env, self.customer, self.product, amount)

    def _confirm_as_clerk(self, amount):
        order = self._order(amount)
        order.with_user(self.clerk).action_confirm()
        return order

    def _notes(self, record):
        return [body or "" for body in record.message_ids.mapped("body")]

    # Edges -------------------------------------------------------------------------------------------------------
    def test_order_exactly_at_the_limit_is_confirmed(self):
        self.assertEqual(self._confirm_as_clerk(1000.0).state, "sale")

    def test_order_one_cent_below_the_limit_is_confirmed(self):
        self.assertEqual(self._confirm_as_clerk(999.99).state, "sale")

    def test_order_one_cent_above_the_limit_is_refused(self):
        order = self._order(1000.01)
        with self.assertRaises(UserError) as caught:
            order.with_user(self.clerk).action_confirm()
        self.assertNotIsInstance(caught.exception, RedirectWarning)
        self.assertIn(f"Confirming {order.name} would take Nordlys Elektro AS", str(caught.exception))
        self.assertIn("1,000.01", str(caught.exception))
        self.assertEqual(order.state, "draft")

    def test_warn_confirms_and_notes_one_cent_above_only(self):
        self.customer.credit_policy = "warn"
        at_limit = self._confirm_as_clerk(1000.0)
        self.assertFalse([body for body in self._notes(at_limit) if REFUSED in body])
        over = self._confirm_as_clerk(0.01)
        self.assertEqual(over.state, "sale")
        self.assertTrue([body for body in self._notes(over) if REFUSED in body])

    # What is counted ---------------------------------------------------------------------------------------------
    def test_confirmed_orders_count_for_the_next_order(self):
        self._confirm_as_clerk(600.0)
        self.assertEqual(self._confirm_as_clerk(400.0).state, "sale")  # 1 000: at the limit
        third = self._order(0.01)
        with self.assertRaises(UserError):
            third.with_user(self.clerk).action_confirm()
        self.assertEqual(third.state, "draft")

    def test_confirmed_orders_count_for_invoices_form_and_posting(self):
        # Counted whatever core's "Sales Credit Limit" setting says: the credit policy is the switch.
        self.assertFalse(self.env.company.account_use_credit_limit)
        self._confirm_as_clerk(600.0)
        for amount, over in ((399.99, False), (400.0, False), (400.01, True)):
            with self.subTest(amount=amount):
                form = Form(
                    self.env["account.move"].with_user(self.clerk).with_context(default_move_type="out_invoice")
                )
                form.partner_id = self.customer
                with form.invoice_line_ids.new() as line:
                    line.name = "Vare"
                    line.price_unit = amount
                    line.tax_ids.clear()
                self.assertEqual(bool(form.kk_credit_warning), over)
        invoice = form.save()
        self.assertTrue(invoice.kk_credit_blocked)
        with self.assertRaises(UserError):
            invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "draft")

    def test_standalone_invoice_over_the_orders_is_refused(self):
        self._confirm_as_clerk(600.0)
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[400.01], taxes=[])
        with self.assertRaises(UserError):
            invoice.with_user(self.clerk).action_post()
        at_limit = self.init_invoice("out_invoice", partner=self.customer, amounts=[400.0], taxes=[])
        at_limit.with_user(self.clerk).action_post()
        self.assertEqual(at_limit.state, "posted")

    def test_the_invoice_of_an_order_is_not_counted_twice(self):
        order = self._confirm_as_clerk(1000.0)
        invoice = order._create_invoices()
        self.assertFalse(invoice.kk_credit_warning)
        invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "posted")
        # Invoiced, the order no longer counts: the customer is at its limit through the invoice alone.
        with self.assertRaises(UserError):
            self._order(0.01).with_user(self.clerk).action_confirm()

    # Every way to confirmed --------------------------------------------------------------------------------------
    def test_writing_the_state_sale_is_checked(self):
        order = self._order(1200.0)
        with self.assertRaises(UserError):
            order.with_user(self.clerk).write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_no_context_key_overrides_an_order(self):
        order = self._order(1200.0)
        # Even for a manager: the key used to let an order through without a word in the log.
        with self.assertRaises(RedirectWarning) as caught:
            order.with_user(self.manager).with_context(
                kk_credit_override_reason="Jeg vil", kk_credit_interactive=False
            ).action_confirm()
        action_id, _label, context = caught.exception.args[1:]
        self.assertEqual(action_id, self.env.ref("kundekartotek.kundekartotek_credit_override_action").id)
        self.assertEqual(context, {"default_res_model": "sale.order", "default_res_id": order.id})
        self.assertEqual(order.state, "draft")

    # Override ----------------------------------------------------------------------------------------------------
    def test_override_through_the_wizard_is_logged(self):
        order = self._order(1200.0)
        wizard = self.env["kundekartotek.credit.override"].create(
            {"res_model": "sale.order", "res_id": order.id, "reason": "Forskudd mottatt"}
        )
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue([body for body in self._notes(order) if "Forskudd mottatt" in body])
        entry = self.env["kundekartotek.audit.log"].search(
            [("partner_id", "=", self.customer.id), ("action", "=", "credit_override")]
        )
        self.assertEqual((entry.user_id, entry.new_value), (self.env.user, "Forskudd mottatt"))
        self.assertIn(order.name, entry.old_value)
        # The grant lasted for the wizard's call only: the next order is judged again.
        with self.assertRaises(UserError):
            self._order(0.01).with_user(self.clerk).action_confirm()

    def test_clerk_cannot_use_the_override_wizard(self):
        order = self._order(1200.0)
        with self.assertRaises(AccessError):
            self.env["kundekartotek.credit.override"].with_user(self.clerk).create(
                {"res_model": "sale.order", "res_id": order.id, "reason": "Jeg vil"}
            )
        self.assertEqual(order.state, "draft")


@tagged("post_install", "-at_install")
class TestCreditSaleOverXmlRpc(HttpCase):
    """A context key sent by an RPC caller does not override: not even a manager's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = make_role_user(
            cls.env, "manager", login="kk_sale_rpc_mgr", extra=("sales_team.group_sale_manager",)
        )
        cls.manager.password = "kk_sale_rpc_mgr_pw"
        cls.env.company.kk_credit_policy = "warn"
        customer = cls.env["res.partner"].create(
            {"name": "Nordlys RPC AS", "is_company": True, "credit_limit": 1000.0, "credit_policy": "block"}
        )
        product = cls.env["product.product"].create({"name": "Kabeltrommel", "taxes_id": [Command.clear()]})
        cls.order = _order(cls.env, customer, product, 1200.0)

    def _call(self, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.manager.id, "kk_sale_rpc_mgr_pw", "sale.order", method, list(args), kwargs
        )

    def test_override_reason_in_the_context_is_ignored(self):
        context = {"kk_credit_override_reason": "Jeg vil", "kk_credit_interactive": False}
        for method, args in (("action_confirm", ()), ("write", ({"state": "sale"},))):
            with self.subTest(method=method), self.assertRaises(xmlrpc.client.Fault) as caught:
                self._call(method, [self.order.id], *args, context=context)
            self.assertIn(REFUSED, caught.exception.faultString)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")
