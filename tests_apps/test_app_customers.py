# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Partners created by other apps, through each app's own entry point: number, customer type, validation.

Run by dev/test.sh in the database where sale, crm, website_sale and point_of_sale are installed. The module
depends on none of them (models/res_partner_apps.py).
"""

from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.website.tools import MockRequest
from odoo.addons.website_sale.controllers.main import WebsiteSale
from odoo.addons.website_sale.tests.common import WebsiteSaleCommon

ORGNR = "988077917"
WRONG_ORGNR = "988077918"


class AppCustomerCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.norway = cls.env.ref("base.no")
        cls.env.company.country_id = cls.norway
        cls.scheme = cls.env["kundekartotek.number.scheme"]._kk_scheme_for(cls.env.company)
        cls.product = cls.env["product.product"].create({"name": "Tjeneste", "list_price": 100.0, "type": "service"})

    def assertNumbered(self, partner):
        self.assertTrue(self.scheme, "the main company numbers its customers")
        self.assertGreater(partner.customer_rank, 0)
        self.assertTrue(partner.ref, f"{partner.display_name} has no customer number")


@tagged("post_install", "-at_install")
class TestSaleOrderCustomers(AppCustomerCase):
    def test_partner_quick_created_from_the_order_form_is_numbered(self):
        """The order form's customer field creates its partner with the context the view gives it."""
        arch = etree.fromstring(self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"])
        context = arch.xpath("//field[@name='partner_id']")[0].get("context")
        self.assertIn("'res_partner_search_mode': 'customer'", context)
        partner_id, _name = (
            self.env["res.partner"].with_context(res_partner_search_mode="customer").name_create("Nytt Firma AS")
        )
        partner = self.env["res.partner"].browse(partner_id)
        self.assertNumbered(partner)

    def test_confirming_an_order_numbers_its_new_customer(self):
        partner = self.env["res.partner"].create(
            {"name": "Ordre AS", "is_company": True, "country_id": self.norway.id, "company_registry": "988 077 917"}
        )
        self.assertEqual((partner.customer_rank, partner.ref), (0, False))
        self.assertEqual(partner.company_registry, ORGNR)
        self.assertEqual(partner.customer_type, "business")
        order = self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [Command.create({"product_id": self.product.id})]}
        )
        order.action_confirm()
        self.assertNumbered(partner)

    def test_an_order_for_a_contact_numbers_its_company_only(self):
        company = self.env["res.partner"].create({"name": "Firma AS", "is_company": True, "country_id": self.norway.id})
        contact = self.env["res.partner"].create({"name": "Kari", "parent_id": company.id})
        order = self.env["sale.order"].create(
            {"partner_id": contact.id, "order_line": [Command.create({"product_id": self.product.id})]}
        )
        order.action_confirm()
        self.assertNumbered(company)
        self.assertFalse(contact.ref, "a contact has no number of its own: it is its company's customer")


@tagged("post_install", "-at_install")
class TestCrmConversionCustomers(AppCustomerCase):
    def _convert(self, lead):
        wizard = Form(
            self.env["crm.lead2opportunity.partner"].with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
        )
        wizard.name = "convert"
        wizard.action = "create"
        wizard.save().action_apply()
        return lead.partner_id

    def test_converting_a_lead_numbers_the_new_company(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Ny avtale",
                "partner_name": "Fjord Fisk AS",
                "contact_name": "Kari Nordmann",
                "email_from": "kari@fjordfisk.no",
                "country_id": self.norway.id,
                "zip": "5003",
                "city": "Bergen",
            }
        )
        contact = self._convert(lead)
        company = contact.commercial_partner_id
        self.assertNotEqual(contact, company)
        self.assertEqual(company.name, "Fjord Fisk AS")
        self.assertNumbered(company)
        self.assertEqual(company.customer_type, "business")
        self.assertEqual(contact.customer_type, "business", "a contact carries its company's type")
        with self.assertRaises(ValidationError):
            company.company_registry = WRONG_ORGNR

    def test_converting_a_lead_of_a_private_person_numbers_the_person(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Privat",
                "contact_name": "Ola Nordmann",
                "email_from": "ola@example.no",
                "country_id": self.norway.id,
            }
        )
        person = self._convert(lead)
        self.assertEqual(person.commercial_partner_id, person)
        self.assertNumbered(person)
        self.assertEqual(person.customer_type, "private")


@tagged("post_install", "-at_install")
class TestPointOfSaleCustomers(AppCustomerCase):
    def _pos_form(self):
        """The POS's partner dialog: the standard partner form with the POS's context (pos_store.js editPartner)."""
        config = self.env["pos.config"].search([], limit=1) or self.env["pos.config"].create({"name": "Kasse"})
        action = self.env.ref("point_of_sale.res_partner_action_edit_pos")
        partners = self.env["res.partner"].with_context(pos_config_id=config.id)
        return Form(partners, view=action.view_id)

    def test_a_customer_created_at_the_till_is_numbered_at_once(self):
        with self._pos_form() as form:
            form.name = "Kafé Bryggen AS"
            form.company_type = "company"
            form.country_id = self.norway
            form.company_registry = "988 077 917"
        partner = form.record
        self.assertNumbered(partner)
        self.assertEqual(partner.company_registry, ORGNR)
        self.assertEqual(partner.customer_type, "business")

    def test_a_wrong_organisation_number_is_refused_at_the_till(self):
        form = self._pos_form()
        form.name = "Feil AS"
        form.company_type = "company"
        form.country_id = self.norway
        form.company_registry = WRONG_ORGNR
        with self.assertRaises(ValidationError):
            form.save()
        self.assertFalse(self.env["res.partner"].search_count([("name", "=", "Feil AS")]))


@tagged("post_install", "-at_install")
class TestWebShopCheckoutCustomers(WebsiteSaleCommon):
    """The checkout's address step as the shop's controller runs it, for a visitor (public user)."""

    def _submit(self, **values):
        order = self._create_so(partner_id=self.public_partner.id)
        env = self.env(user=self.public_user)
        with MockRequest(env, website=self.website.with_env(env), sale_order_id=order.id) as request:
            request.httprequest.method = "POST"
            answer = WebsiteSale().shop_address_submit(
                partner_id=-1,
                address_type="billing",
                name="Kari Nordmann",
                email="kari@fjordfisk.no",
                phone="+47 55 55 55 55",
                street="Bryggen 1",
                city="Bergen",
                zip="5003",
                country_id=self.env.ref("base.no").id,
                **values,
            )
        return order, answer.get_data(as_text=True)

    def test_a_company_buying_in_the_shop_gets_its_number_type_and_orgnr(self):
        order, answer = self._submit(company_name="Fjord Fisk AS", vat="NO 988 077 917 MVA")
        self.assertIn("redirectUrl", answer)
        partner = order.partner_id
        self.assertNotEqual(partner, self.public_partner)
        self.assertEqual(partner.commercial_partner_id.company_registry, ORGNR)
        self.assertEqual(partner.commercial_partner_id.customer_type, "business")
        order.action_confirm()  # what the payment's confirmation does
        self.assertTrue(partner.commercial_partner_id.ref)

    def test_a_wrong_organisation_number_is_refused_in_the_shop(self):
        order, answer = self._submit(company_name="Feil AS", vat="NO 988 077 918 MVA")
        self.assertNotIn("redirectUrl", answer)
        self.assertIn("vat", answer)
        self.assertEqual(order.partner_id, self.public_partner, "no customer was created")
