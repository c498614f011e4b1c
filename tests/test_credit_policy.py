# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged

from .credit_common import CreditCommon

# The test user is a manager: the refusal offers the override wizard (RedirectWarning); others get a UserError.
BLOCKED = RedirectWarning


@tagged("post_install", "-at_install")
class TestCreditPolicy(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env["kundekartotek.customer.category"].create(
            {"name": "Kreditt streng", "code": "STRENG", "credit_policy": "block"}
        )

    def _posted_invoices(self):
        return self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "posted"), ("move_type", "=", "out_invoice")]
        )

    # Resolution ----------------------------------------------------------------------------------------------
    def test_policy_resolution_customer_over_category_over_company(self):
        self.assertEqual(self.customer.credit_policy_effective, "warn")
        self.env.company.kk_credit_policy = "none"
        self.customer.invalidate_recordset(["credit_policy_effective"])
        self.assertEqual(self.customer.credit_policy_effective, "none")
        self.customer.customer_category_id = self.category
        self.assertEqual(self.customer.credit_policy_effective, "block")
        self.customer.credit_policy = "warn"
        self.assertEqual(self.customer.credit_policy_effective, "warn")
        contact = self.env["res.partner"].create({"name": "Innkjøper", "parent_id": self.customer.id})
        self.assertEqual(contact.credit_policy_effective, "warn")

    def test_company_policy_change_counts_at_once(self):
        """The company's policy is read by the compute without a dependency: a change must not leave the value of
        a moment ago in the cache."""
        self.assertEqual(self.customer.credit_policy_effective, "warn")
        self.env.company.kk_credit_policy = "block"
        self.assertEqual(self.customer.credit_policy_effective, "block")

    def test_company_policy_is_a_setting(self):
        settings = self.env["res.config.settings"].create({"kk_credit_policy": "block"})
        settings.execute()
        self.assertEqual(self.env.company.kk_credit_policy, "block")

    # Block ---------------------------------------------------------------------------------------------------
    def test_block_refuses_posting_over_the_limit_and_nothing_is_posted(self):
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        self.assertTrue(invoice.kk_credit_blocked)
        self.assertIn("over its credit limit", invoice.kk_credit_warning)
        with self.assertRaises(BLOCKED) as caught:
            invoice.action_post()
        self.assertIn("Nordlys Elektro AS", str(caught.exception.args[0]))
        self.assertIn("Ask a manager to override", str(caught.exception.args[0]))
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(self._posted_invoices())

    def test_a_norwegian_clerk_is_refused_in_norwegian(self):
        self.env["res.lang"]._activate_lang("nb_NO")
        self.clerk.lang = "nb_NO"
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).with_context(kk_credit_interactive=True).action_post()
        self.assertIn("over kredittgrensen", str(caught.exception))
        self.assertIn("Nordlys Elektro AS", str(caught.exception))
        self.assertEqual(invoice.state, "draft")

    def test_programmatic_posting_gets_a_plain_user_error(self):
        # The auto-post cron catches UserError only: it must not receive the RedirectWarning meant for a person.
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        with self.assertRaises(UserError):
            invoice._post(soft=False)
        self.assertEqual(invoice.state, "draft")

    def test_block_counts_the_open_balance_and_a_payment_frees_it(self):
        self.customer.credit_policy = "block"
        first = self._invoice(800.0)
        first.action_post()
        second = self._invoice(300.0)
        with self.assertRaises(BLOCKED):
            second.action_post()
        self.assertEqual(second.state, "draft")
        self._pay(first, 500.0)
        second.action_post()
        self.assertEqual(second.state, "posted")

    def test_invoices_posted_together_count_on_top_of_each_other(self):
        self.customer.credit_policy = "block"
        invoices = self._invoice(600.0) + self._invoice(600.0)
        with self.assertRaises(BLOCKED):
            invoices.action_post()
        self.assertEqual(set(invoices.mapped("state")), {"draft"})

    def test_block_from_the_category(self):
        self.customer.customer_category_id = self.category
        with self.assertRaises(BLOCKED):
            self._invoice(1500.0).action_post()

    def test_no_limit_means_no_check(self):
        self.customer.write({"credit_policy": "block", "credit_limit": 0.0})
        invoice = self._invoice(50000.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_credit_notes_are_never_blocked(self):
        self.customer.credit_policy = "block"
        refund = self._invoice(5000.0, move_type="out_refund")
        refund.action_post()
        self.assertEqual(refund.state, "posted")

    def test_normal_user_is_refused_without_override_button(self):
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.clerk).action_post()
        self.assertNotIsInstance(caught.exception, RedirectWarning)
        self.assertEqual(invoice.state, "draft")

    # Warn and none -------------------------------------------------------------------------------------------
    def test_warn_posts_and_leaves_a_message_in_the_chatter(self):
        invoice = self._invoice(1200.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        bodies = invoice.message_ids.mapped("body")
        self.assertTrue(any("over its credit limit" in (body or "") for body in bodies), bodies)

    def test_warn_under_the_limit_says_nothing(self):
        invoice = self._invoice(900.0)
        invoice.action_post()
        self.assertFalse(any("credit limit" in (body or "") for body in invoice.message_ids.mapped("body")))

    def test_none_does_nothing(self):
        self.customer.credit_policy = "none"
        invoice = self._invoice(1200.0)
        self.assertFalse(invoice.kk_credit_warning)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(any("credit limit" in (body or "") for body in invoice.message_ids.mapped("body")))

    # Override ------------------------------------------------------------------------------------------------
    def _override(self, invoice, reason, user=None):
        Wizard = self.env["kundekartotek.credit.override"]
        if user:
            Wizard = Wizard.with_user(user)
        wizard = Wizard.create({"res_model": "account.move", "res_id": invoice.id, "reason": reason})
        return wizard.action_confirm()

    def test_manager_override_with_reason_posts_and_is_logged(self):
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        action = invoice.action_kk_credit_override()
        self.assertEqual(action["res_model"], "kundekartotek.credit.override")
        self._override(invoice, "Betaling lovet innen fredag")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.kk_credit_override_user_id, self.env.user)
        self.assertEqual(invoice.kk_credit_override_reason, "Betaling lovet innen fredag")
        self.assertTrue(invoice.kk_credit_override_date)
        self.assertTrue(any("Betaling lovet innen fredag" in (b or "") for b in invoice.message_ids.mapped("body")))

    def test_override_needs_a_reason(self):
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        with self.assertRaises(UserError):
            self._override(invoice, "   ")
        self.assertEqual(invoice.state, "draft")

    def test_override_covers_only_the_amount_it_was_given_for(self):
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        self._override(invoice, "Avtalt med daglig leder")
        invoice.button_draft()
        invoice.invoice_line_ids[0].price_unit = 2000.0
        with self.assertRaises(BLOCKED):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_normal_user_cannot_override(self):
        self.customer.credit_policy = "block"
        invoice = self._invoice(1200.0)
        with self.assertRaises(AccessError):
            self._override(invoice, "Jeg vil", user=self.clerk)
        with self.assertRaises(AccessError):
            invoice.with_user(self.clerk).write(
                {"kk_credit_override_reason": "Jeg vil", "kk_credit_override_amount": 1e9}
            )
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.kk_credit_override_reason)

    # Payment class -------------------------------------------------------------------------------------------
    def test_cash_customer_gets_immediate_terms(self):
        immediate = self.env.ref("account.account_payment_term_immediate")
        customer = self.env["res.partner"].create({"name": "Kontant AS", "payment_class": "cash"})
        self.assertEqual(customer.property_payment_term_id, immediate)
        other = self.env["res.partner"].create({"name": "Blir Kontant AS"})
        self.assertNotEqual(other.property_payment_term_id, immediate)
        other.payment_class = "cash"
        self.assertEqual(other.property_payment_term_id, immediate)

    def test_cash_keeps_the_customers_own_terms(self):
        terms_30 = self.env.ref("account.account_payment_term_30days")
        customer = self.env["res.partner"].create({"name": "Egne Vilkår AS", "property_payment_term_id": terms_30.id})
        customer.payment_class = "cash"
        self.assertEqual(customer.property_payment_term_id, terms_30)

    def test_risk_customer_is_flagged_for_prepayment_on_card_and_invoice(self):
        self.assertFalse(self.customer.prepayment_required)
        self.customer.payment_class = "risk"
        self.assertTrue(self.customer.prepayment_required)
        invoice = self._invoice(100.0)
        self.assertTrue(invoice.kk_prepayment_required)
        self.customer.payment_class = "credit"
        self.assertFalse(self.customer.prepayment_required)
