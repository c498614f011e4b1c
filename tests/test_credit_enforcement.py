# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The credit block holds against the users it blocks: who may change what decides it, every way to posted, the
override's binding and log, and the edges of the comparison. The plain user is a clerk with Kundekartotek / User
and Invoicing rights, as in the field report."""

import xmlrpc.client

from odoo import Command, fields
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, HttpCase, tagged

from .common import make_role_user
from .credit_common import CreditCommon

REFUSED = "over its credit limit"


class CreditCase(CreditCommon):
    CLERK_LOGIN = "kk_credit_plain"
    CUSTOMER_POLICY = "block"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lax_category = cls.env["kundekartotek.customer.category"].create(
            {"name": "Uten kontroll", "code": "LAX", "credit_policy": "none"}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Fjordkraft Handel AS", "is_company": True, "credit_limit": 1000.0, "credit_policy": "block"}
        )

    def _override(self, invoice, reason):
        wizard = self.env["kundekartotek.credit.override"].create(
            {"res_model": "account.move", "res_id": invoice.id, "reason": reason}
        )
        return wizard.action_confirm()

    def _notes(self, record):
        return [body or "" for body in record.message_ids.mapped("body")]


@tagged("post_install", "-at_install")
class TestCreditSettingsRights(CreditCase):
    """Only a Kundekartotek manager or an accounting manager changes what decides a block."""

    def _assert_refused(self, vals):
        with self.assertRaises(AccessError) as caught:
            self.customer.with_user(self.clerk).write(vals)
        self.assertIn("only a Kundekartotek manager or an accounting manager", str(caught.exception))
        self.assertIn("Nordlys Elektro AS", str(caught.exception))

    def test_clerk_cannot_switch_the_policy_off(self):
        self._assert_refused({"credit_policy": "none"})
        self.assertEqual(self.customer.credit_policy, "block")
        # And the invoice that started it stays blocked.
        with self.assertRaises(UserError):
            self._invoice(1200.0).with_user(self.clerk).action_post()

    def test_clerk_cannot_clear_the_policy_to_follow_a_lax_company(self):
        self.env.company.kk_credit_policy = "none"
        self._assert_refused({"credit_policy": False})
        self.assertEqual(self.customer.credit_policy_effective, "block")

    def test_clerk_cannot_move_the_customer_to_a_lax_category(self):
        self.customer.credit_policy = False
        self._assert_refused({"customer_category_id": self.lax_category.id})
        self.assertFalse(self.customer.customer_category_id)

    def test_clerk_cannot_remove_the_limit(self):
        self._assert_refused({"credit_limit": 0.0})
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_clerk_cannot_raise_the_limit(self):
        self._assert_refused({"credit_limit": 1000000.0})
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_clerk_cannot_untick_the_partner_limit(self):
        # Core's switch between the customer's limit and the company default (0 here: no limit at all).
        self.assertTrue(self.customer.use_partner_credit_limit)
        self._assert_refused({"use_partner_credit_limit": False})
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_the_policy_in_force_follows_what_it_is_read_from(self):
        contact = self.env["res.partner"].create({"name": "Innkjøper", "parent_id": self.customer.id})
        self.assertEqual(contact.credit_policy_effective, "block")  # the company's own policy
        self.customer.credit_policy = False
        self.assertEqual(contact.credit_policy_effective, "warn")  # then the company setting
        self.customer.customer_category_id = self.lax_category
        self.assertEqual(contact.credit_policy_effective, "none")  # then its category's
        self.lax_category.credit_policy = "block"
        self.assertEqual(contact.credit_policy_effective, "block")

    def test_rewriting_the_same_values_is_no_change(self):
        # An import or a sync that sends the values a customer already has is not refused.
        self.customer.with_user(self.clerk).write({"credit_policy": "block", "credit_limit": 1000.0, "city": "Bodø"})
        self.assertEqual(self.customer.city, "Bodø")

    def test_clerk_creates_a_customer_with_default_values(self):
        Partner = self.env["res.partner"].with_user(self.clerk)
        customer = Partner.create({"name": "Ny Kunde AS", "is_company": True})
        self.assertFalse(customer.credit_policy)
        contact = Partner.create({"name": "Innkjøper", "parent_id": self.customer.id})
        # A contact takes its company's limit (Odoo copies it): that is no choice of the clerk.
        self.assertEqual(contact.sudo().credit_limit, 1000.0)

    def test_clerk_cannot_create_a_customer_with_credit_settings(self):
        Partner = self.env["res.partner"].with_user(self.clerk)
        for vals in (
            {"credit_policy": "none"},
            {"customer_category_id": self.lax_category.id},
            {"credit_limit": 5000.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError) as caught:
                Partner.create(dict(vals, name="Løs Kunde AS", is_company=True))
            self.assertIn("only a Kundekartotek manager", str(caught.exception))
        # A default sent in the context is a value the caller chose.
        with self.assertRaises(AccessError):
            Partner.with_context(default_credit_policy="none").create({"name": "Løs Kunde AS"})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Løs Kunde AS")]))

    def test_clerk_cannot_give_a_contact_its_own_policy(self):
        # A contact that could later leave its company must not carry a policy nobody allowed.
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.clerk).create(
                {"name": "Innkjøper", "parent_id": self.customer.id, "credit_policy": "none"}
            )

    def test_managers_may_change_the_credit_settings(self):
        manager = make_role_user(self.env, "manager", login="kk_credit_mgr")
        accountant = make_role_user(self.env, "user", login="kk_credit_acc", extra=("account.group_account_manager",))
        self.customer.with_user(manager).write({"credit_policy": "warn", "customer_category_id": self.lax_category.id})
        self.customer.with_user(accountant).write({"credit_limit": 2000.0, "credit_policy": "none"})
        self.assertEqual((self.customer.credit_policy, self.customer.credit_limit), ("none", 2000.0))

    def test_privacy_officer_cannot_change_the_credit_settings_either(self):
        officer = make_role_user(
            self.env, "privacy_officer", login="kk_credit_po", extra=("account.group_account_invoice",)
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(officer).write({"credit_limit": 0.0})
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_clerk_cannot_set_a_category_policy(self):
        category = self.env["kundekartotek.customer.category"].create({"name": "Streng", "code": "STR"})
        with self.assertRaises(AccessError):
            category.with_user(self.clerk).write({"credit_policy": "none"})
        self.assertFalse(category.credit_policy)

    def test_card_shows_the_credit_settings_read_only_to_a_clerk(self):
        self.assertFalse(self.customer.with_user(self.clerk).kk_credit_editable)
        self.assertTrue(self.customer.kk_credit_editable)


@tagged("post_install", "-at_install")
class TestCreditEveryPosting(CreditCase):
    """Every posting that raises the customer's receivable is judged, whatever the route."""

    def test_receipt_is_checked(self):
        receipt = self._invoice(1200.0, move_type="out_receipt")
        self.assertTrue(receipt.kk_credit_blocked)
        with self.assertRaises(UserError) as caught:
            receipt.with_user(self.clerk).action_post()
        self.assertIn(REFUSED, str(caught.exception))
        self.assertEqual(receipt.state, "draft")

    def test_writing_the_state_posted_is_checked(self):
        invoice = self._invoice(1200.0)
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).write({"state": "posted"})
        self.assertIn(REFUSED, str(caught.exception))
        self.assertEqual(invoice.state, "draft")

    def test_lines_sent_with_the_state_are_counted(self):
        invoice = self._invoice(500.0)
        line = {"name": "Ekstra", "price_unit": 700.0, "quantity": 1, "tax_ids": [Command.clear()]}
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).with_context(skip_readonly_check=True).write(
                {"state": "posted", "invoice_line_ids": [Command.create(line)]}
            )
        self.assertIn(REFUSED, str(caught.exception))
        self.assertEqual(invoice.state, "draft")

    def test_a_journal_entry_debiting_the_receivable_is_checked(self):
        receivable = self.customer.property_account_receivable_id
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": fields.Date.today(),
                "line_ids": [
                    Command.create({"account_id": receivable.id, "partner_id": self.customer.id, "debit": 1200.0}),
                    Command.create({"account_id": self.company_data["default_account_revenue"].id, "credit": 1200.0}),
                ],
            }
        )
        with self.assertRaises(UserError):
            entry.with_user(self.clerk).action_post()
        self.assertEqual(entry.state, "draft")

    def test_no_context_key_lets_an_invoice_through(self):
        invoice = self._invoice(1200.0)
        keys = {
            "kk_credit_interactive": True,
            "kk_credit_override_reason": "Jeg vil",
            "kk_credit_override": True,
            "skip_readonly_check": True,
        }
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).with_context(**keys).action_post()
        # kk_credit_interactive only chooses the kind of refusal, and the wizard's button is for managers.
        self.assertNotIsInstance(caught.exception, RedirectWarning)
        self.assertEqual(invoice.state, "draft")

    def test_a_payment_is_never_blocked(self):
        invoice = self._invoice(900.0)
        invoice.action_post()
        self._pay(invoice, 900.0)
        self.assertEqual(invoice.payment_state, "paid")


@tagged("post_install", "-at_install")
class TestCreditOverride(CreditCase):
    """An override covers one invoice, of one customer, for one total, once; and says who, when and why."""

    def test_override_is_logged_with_who_when_and_why(self):
        invoice = self._invoice(1200.0)
        self._override(invoice, "Betaling lovet innen fredag")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(
            (
                invoice.kk_credit_override_partner_id,
                invoice.kk_credit_override_amount,
                invoice.kk_credit_override_user_id,
            ),
            (self.customer, 1200.0, self.env.user),
        )
        self.assertTrue(any("Betaling lovet innen fredag" in body for body in self._notes(invoice)))
        entry = self.env["kundekartotek.audit.log"].search(
            [("partner_id", "=", self.customer.id), ("action", "=", "credit_override")]
        )
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.user_id, entry.new_value), (self.env.user, "Betaling lovet innen fredag"))
        self.assertIn(invoice.name, entry.old_value)
        self.assertTrue(entry.logged_at)

    def test_reset_to_draft_spends_the_override(self):
        invoice = self._invoice(1200.0)
        self._override(invoice, "Avtalt med daglig leder")
        invoice.button_draft()
        self.assertFalse(invoice.kk_credit_override_date)
        self.assertTrue(invoice.kk_credit_blocked)
        # Same invoice, same total: a new override is needed.
        with self.assertRaises(UserError):
            invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "draft")

    def test_override_does_not_follow_a_change_of_customer(self):
        invoice = self._invoice(1200.0)
        self._override(invoice, "Gjelder Nordlys")
        invoice.button_draft()
        invoice.partner_id = self.other_customer
        with self.assertRaises(UserError):
            invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "draft")

    def test_an_override_unblocks_the_draft_at_once(self):
        invoice = self._invoice(1200.0)
        self.assertTrue(invoice.kk_credit_blocked)
        invoice._kk_record_credit_override("Avtalt i telefon")
        self.assertFalse(invoice.kk_credit_blocked)

    def test_override_is_bound_to_its_customer_and_total(self):
        invoice = self._invoice(1200.0)
        invoice._kk_record_credit_override("Bare for Nordlys, 1 200")
        self.assertFalse(invoice.kk_credit_blocked)
        invoice.partner_id = self.other_customer
        self.assertTrue(invoice.kk_credit_blocked)
        invoice.partner_id = self.customer
        invoice.invoice_line_ids[0].price_unit = 1200.01
        self.assertTrue(invoice.kk_credit_blocked)
        with self.assertRaises(UserError):
            invoice.with_user(self.clerk).action_post()
        invoice.invoice_line_ids[0].price_unit = 1199.99
        self.assertFalse(invoice.kk_credit_blocked)
        invoice.invoice_line_ids[0].price_unit = 1200.0
        self.assertFalse(invoice.kk_credit_blocked)
        invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "posted")

    def test_nobody_writes_an_override_without_the_wizard(self):
        invoice = self._invoice(1200.0)
        vals = {
            "kk_credit_override_reason": "Direkte",
            "kk_credit_override_date": fields.Datetime.now(),
            "kk_credit_override_amount": 1e9,
            "kk_credit_override_partner_id": self.customer.id,
        }
        # Not even a manager: an override written directly would not be logged.
        for user in (self.clerk, self.env.user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                invoice.with_user(user).write(vals)
        self.assertFalse(invoice.kk_credit_override_date)


@tagged("post_install", "-at_install")
class TestCreditEdges(CreditCase):
    """Exactly at the limit passes, one cent above is refused (block) or warned (warn), one cent below passes; the
    open balance counts. Limit 1 000, balance 400 before each document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.init_invoice("out_invoice", partner=cls.customer, amounts=[400.0], taxes=[], post=True)

    def _post_as_clerk(self, amount, move_type="out_invoice"):
        move = self._invoice(amount, move_type=move_type)
        move.with_user(self.clerk).action_post()
        return move

    def test_exactly_at_the_limit_posts(self):
        self.assertEqual(self._post_as_clerk(600.0).state, "posted")

    def test_one_cent_above_the_limit_is_refused(self):
        invoice = self._invoice(600.01)
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).action_post()
        self.assertIn("1,000.01", str(caught.exception))
        self.assertEqual(invoice.state, "draft")

    def test_one_cent_below_the_limit_posts(self):
        self.assertEqual(self._post_as_clerk(599.99).state, "posted")

    def test_a_customer_already_over_its_limit_may_get_an_invoice_that_adds_nothing(self):
        self.customer.credit_limit = 300.0  # a manager lowers the limit below the open 400
        self.assertEqual(self._post_as_clerk(0.0).state, "posted")
        invoice = self._invoice(0.01)
        with self.assertRaises(UserError):
            invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "draft")

    def test_receipt_edges(self):
        self.assertEqual(self._post_as_clerk(599.99, "out_receipt").state, "posted")  # 999.99
        self.assertEqual(self._post_as_clerk(0.01, "out_receipt").state, "posted")  # 1 000.00
        receipt = self._invoice(0.01, move_type="out_receipt")  # 1 000.01
        with self.assertRaises(UserError) as caught:
            receipt.with_user(self.clerk).action_post()
        self.assertIn("1,000.01", str(caught.exception))
        self.assertEqual(receipt.state, "draft")

    def test_warn_edges(self):
        self.customer.credit_policy = "warn"
        below = self._post_as_clerk(599.99)
        self.assertFalse([body for body in self._notes(below) if REFUSED in body])
        at_limit = self._post_as_clerk(0.01)
        self.assertFalse([body for body in self._notes(at_limit) if REFUSED in body])
        over = self._post_as_clerk(0.01)
        self.assertEqual(over.state, "posted")
        self.assertTrue([body for body in self._notes(over) if REFUSED in body])

    def test_form_warning_edges(self):
        def warning(amount):
            form = Form(self.env["account.move"].with_user(self.clerk).with_context(default_move_type="out_invoice"))
            form.partner_id = self.customer
            with form.invoice_line_ids.new() as line:
                line.name = "Vare"
                line.price_unit = amount
                line.tax_ids.clear()
            return form.kk_credit_warning, form.kk_credit_blocked

        self.assertEqual(warning(599.99), (False, False))
        self.assertEqual(warning(600.0), (False, False))
        text, blocked = warning(600.01)
        self.assertIn("1,000.01", text)
        self.assertTrue(blocked)


@tagged("post_install", "-at_install")
class TestCreditOverXmlRpc(HttpCase):
    """An integration with a plain user's key meets the same rules as the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(cls.env, "user", login="kk_credit_rpc", extra=("account.group_account_invoice",))
        cls.clerk.password = "kk_credit_rpc_pw"
        cls.env.company.kk_credit_policy = "warn"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Nordlys RPC AS", "is_company": True, "credit_limit": 1000.0, "credit_policy": "block"}
        )
        journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "journal_id": journal.id,
                "invoice_line_ids": [Command.create({"name": "Vare", "price_unit": 1200.0, "tax_ids": []})],
            }
        )

    def _call(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.clerk.id, "kk_credit_rpc_pw", model, method, list(args), kwargs
        )

    def test_clerk_cannot_switch_the_policy_off_over_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call("res.partner", "write", [self.customer.id], {"credit_policy": "none"})
        self.assertIn("only a Kundekartotek manager", caught.exception.faultString)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_policy, "block")

    def test_clerk_cannot_post_over_the_limit_over_rpc(self):
        for method, args in (("action_post", ()), ("write", ({"state": "posted"},))):
            with self.subTest(method=method), self.assertRaises(xmlrpc.client.Fault) as caught:
                self._call("account.move", method, [self.invoice.id], *args)
            self.assertIn(REFUSED, caught.exception.faultString)
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.state, "draft")

    def test_clerk_creates_a_customer_with_defaults_over_rpc(self):
        partner_id = self._call("res.partner", "create", {"name": "RPC Ny AS", "is_company": True})
        self.assertTrue(partner_id)
        with self.assertRaises(xmlrpc.client.Fault):
            self._call("res.partner", "create", {"name": "RPC Løs AS", "credit_policy": "none"}, context={})


@tagged("post_install", "-at_install")
class TestCreditPerCompany(CreditCase):
    """Each company judges a customer by its own limit and its own open items."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Søsterselskap AS")["company"]
        cls.env.user.company_ids += cls.other
        cls.clerk.company_ids += cls.other
        # 900 open in the other company, where the customer has a limit of its own.
        cls.customer.with_company(cls.other).credit_limit = 950.0
        cls.init_invoice("out_invoice", partner=cls.customer, amounts=[900.0], taxes=[], company=cls.other, post=True)

    def test_the_other_company_s_items_do_not_count_here(self):
        invoice = self._invoice(1000.0)  # exactly the limit of this company, which has nothing open
        invoice.with_user(self.clerk).action_post()
        self.assertEqual(invoice.state, "posted")

    def test_the_other_company_applies_its_own_limit_to_its_own_items(self):
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[50.01], taxes=[], company=self.other)
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).with_company(self.other).action_post()
        self.assertIn(REFUSED, str(caught.exception))
        self.assertEqual(invoice.state, "draft")
        at_limit = self.init_invoice("out_invoice", partner=self.customer, amounts=[50.0], taxes=[], company=self.other)
        at_limit.with_user(self.clerk).with_company(self.other).action_post()
        self.assertEqual(at_limit.state, "posted")
