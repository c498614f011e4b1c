# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_role_user

FNR = "15108695088"


@tagged("post_install", "-at_install")
class TestCustomerCard(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # AccountTestInvoicingCommon runs as an accountant: make it a register manager who may see identity numbers.
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager") + cls.env.ref(
            "kundekartotek.group_personal_id"
        )
        cls.norway = cls.env.ref("base.no")
        cls.Partner = cls.env["res.partner"]
        cls.clerk = make_role_user(cls.env, "user", login="kk_clerk", extra=("account.group_account_invoice",))
        cls.terms_30 = cls.env.ref("account.account_payment_term_30days")
        cls.category = cls.env["kundekartotek.customer.category"].create(
            {"name": "Engros", "code": "ENGROS", "property_payment_term_id": cls.terms_30.id}
        )

    # Classification -------------------------------------------------------------------------------------------
    def test_customer_type_is_proposed_and_editable(self):
        company = self.Partner.create({"name": "Firma AS", "is_company": True})
        person = self.Partner.create({"name": "Kari Nordmann"})
        contact = self.Partner.create({"name": "Ansatt", "parent_id": company.id})
        self.assertEqual(company.customer_type, "business")
        self.assertEqual(person.customer_type, "private")
        self.assertEqual(contact.customer_type, "business")
        company.customer_type = "public"
        self.assertEqual(company.customer_type, "public")
        self.assertEqual(contact.customer_type, "public", "a contact person follows its company's type")
        contact.parent_id = person
        self.assertEqual(contact.customer_type, "private", "and the type of the company it moves to")

    def test_the_form_proposes_the_type_of_company_or_person_until_saved(self):
        """A new partner starts as a person (private); choosing Company in the form makes the proposal business."""
        with Form(self.Partner) as form:
            form.name = "Skjema AS"
            self.assertEqual(form.customer_type, "private")
            form.company_type = "company"
            self.assertEqual(form.customer_type, "business")
            form.company_type = "person"
            self.assertEqual(form.customer_type, "private")
            form.customer_type = "public"
            form.company_type = "company"
            self.assertEqual(form.customer_type, "public", "public sector is never a proposal: it stays")
        partner = form.record
        with Form(partner) as form:
            form.customer_type = "private"
            form.company_type = "person"
            form.company_type = "company"
            self.assertEqual(form.customer_type, "private", "a saved partner keeps the type it has")

    def test_filters_find_customers_by_classification(self):
        tier_a = self.Partner.create({"name": "Viktig AS", "is_company": True, "value_tier": "a"})
        self.Partner.create({"name": "Mindre AS", "is_company": True, "value_tier": "c"})
        found = self.Partner.search([("value_tier", "=", "a"), ("name", "in", ["Viktig AS", "Mindre AS"])])
        self.assertEqual(found, tier_a)
        groups = self.Partner._read_group([("name", "in", ["Viktig AS", "Mindre AS"])], ["value_tier"], ["__count"])
        self.assertEqual(dict(groups), {"a": 1, "c": 1})

    # Category accounting defaults ---------------------------------------------------------------------------
    def test_category_hands_its_payment_terms_to_customers_without_their_own(self):
        customer = self.Partner.create({"name": "Engroskunde AS", "customer_category_id": self.category.id})
        self.assertEqual(customer.property_payment_term_id, self.terms_30)

    def test_customer_own_terms_win_over_the_category(self):
        immediate = self.env.ref("account.account_payment_term_immediate")
        customer = self.Partner.create(
            {
                "name": "Egen Betingelse AS",
                "property_payment_term_id": immediate.id,
                "customer_category_id": self.category.id,
            }
        )
        self.assertEqual(customer.property_payment_term_id, immediate)

    def test_changed_category_terms_follow_to_customers_that_had_the_old(self):
        customer = self.Partner.create({"name": "Følger AS", "customer_category_id": self.category.id})
        own = self.Partner.create(
            {
                "name": "Egen AS",
                "property_payment_term_id": self.env.ref("account.account_payment_term_immediate").id,
                "customer_category_id": self.category.id,
            }
        )
        terms_45 = self.env.ref("account.account_payment_term_45days")
        self.category.property_payment_term_id = terms_45
        self.assertEqual(customer.property_payment_term_id, terms_45)
        self.assertEqual(own.property_payment_term_id, self.env.ref("account.account_payment_term_immediate"))

    def test_invoice_takes_the_category_terms(self):
        customer = self.Partner.create({"name": "Fakturert AS", "customer_category_id": self.category.id})
        invoice = self.init_invoice("out_invoice", partner=customer, amounts=[1000])
        self.assertEqual(invoice.invoice_payment_term_id, self.terms_30)

    # Identifiers ----------------------------------------------------------------------------------------------
    def test_fodselsnummer_is_stored_compact_and_masked_for_others(self):
        person = self.Partner.create({"name": "Ola Privat", "fodselsnummer": "151086 95088"})
        self.assertEqual(person.fodselsnummer, FNR)
        as_clerk = person.with_user(self.clerk)
        self.assertEqual(as_clerk.fodselsnummer_masked, "151086 *****")
        with self.assertRaises(AccessError):
            as_clerk.read(["fodselsnummer"])
        with self.assertRaises(AccessError):
            as_clerk.write({"fodselsnummer": FNR})

    def test_fodselsnummer_wrong_checksum_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.Partner.create({"name": "Feil Person", "fodselsnummer": "15108695077"})
        self.assertIn("check digits", str(caught.exception))
        self.assertNotIn("15108695077", str(caught.exception))
        self.assertFalse(self.Partner.search([("name", "=", "Feil Person")]))

    def test_fodselsnummer_refused_on_a_company(self):
        with self.assertRaises(ValidationError):
            self.Partner.create({"name": "Selskap AS", "is_company": True, "fodselsnummer": FNR})

    def test_mva_status_sets_and_clears_the_vat_number(self):
        partner = self.Partner.create(
            {"name": "Mva AS", "is_company": True, "country_id": self.norway.id, "company_registry": "988077917"}
        )
        self.assertFalse(partner.mva_registered)
        partner.mva_registered = True
        self.assertEqual(partner.vat, "NO988077917MVA")
        partner.mva_registered = False
        self.assertFalse(partner.vat)

    def test_vat_number_fills_orgnr_and_mva_status(self):
        partner = self.Partner.create(
            {"name": "Fra Mva AS", "is_company": True, "country_id": self.norway.id, "vat": "NO988077917MVA"}
        )
        self.assertEqual(partner.company_registry, "988077917")
        self.assertTrue(partner.mva_registered)

    def test_vat_number_of_another_orgnr_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.Partner.create(
                {
                    "name": "Uenig AS",
                    "is_company": True,
                    "country_id": self.norway.id,
                    "company_registry": "926018159",
                    "vat": "NO988077917MVA",
                }
            )
        self.assertIn("does not belong", str(caught.exception))

    def test_peppol_endpoint_follows_the_orgnr(self):
        if "peppol_endpoint" not in self.Partner._fields:
            self.skipTest("account_edi_ubl_cii is not installed")
        partner = self.Partner.create(
            {"name": "Ehf AS", "is_company": True, "country_id": self.norway.id, "company_registry": "988 077 917"}
        )
        self.assertEqual((partner.peppol_eas, partner.peppol_endpoint), ("0192", "988077917"))

    def test_search_by_formatted_orgnr(self):
        partner = self.Partner.create(
            {"name": "Finnbar AS", "is_company": True, "country_id": self.norway.id, "company_registry": "988077917"}
        )
        self.assertEqual(self.Partner.search([("orgnr_search", "ilike", "988 077 917")]), partner)

    # Card figures ---------------------------------------------------------------------------------------------
    def test_overdue_amount_counts_only_posted_items_past_due(self):
        customer = self.Partner.create({"name": "Skylder AS", "is_company": True})
        old = self.init_invoice("out_invoice", partner=customer, amounts=[1000], invoice_date="2020-01-01")
        old.invoice_date_due = fields.Date.to_date("2020-01-31")
        old.action_post()
        self.init_invoice("out_invoice", partner=customer, amounts=[500], invoice_date=fields.Date.today(), post=True)
        self.init_invoice("out_invoice", partner=customer, amounts=[700], invoice_date="2020-01-01")  # draft
        customer.invalidate_recordset()
        self.assertAlmostEqual(customer.overdue_amount, old.amount_total)
        action = customer.with_context(kk_overdue=True).action_kk_open_receivables()
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(lines.move_id, old)

    def test_category_credit_policy_is_set_in_the_form(self):
        form = Form(self.env["kundekartotek.customer.category"])
        form.name = "Offentlig"
        form.credit_policy = "block"
        category = form.save()
        self.assertEqual(category.credit_policy, "block")
