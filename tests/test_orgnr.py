# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import xmlrpc.client
from contextlib import contextmanager

from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, tagged

VALID = "988077917"


class OrgnrCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.norway = cls.env.ref("base.no")
        cls.sweden = cls.env.ref("base.se")
        cls.Partner = cls.env["res.partner"]
        cls.env["res.lang"]._activate_lang("nb_NO")

    @contextmanager
    def assertRefused(self, pattern):
        """Odoo's assertRaises rolls back to a savepoint (unittest's assertRaisesRegex does not): nothing stays."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _count(self, name):
        return self.Partner.with_context(active_test=False).search_count([("name", "=", name)])


@tagged("post_install", "-at_install")
class TestOrgnrOrm(OrgnrCase):
    def test_valid_number_is_stored_compact(self):
        for typed in ("988077917", "988 077 917", "NO 988 077 917 MVA", "988-077-917"):
            partner = self.Partner.create({"name": "Kunde AS", "country_id": self.norway.id, "company_registry": typed})
            self.assertEqual(partner.company_registry, VALID, typed)

    def test_l10n_no_field_mirrors_the_number(self):
        if "l10n_no_bronnoysund_number" not in self.Partner._fields:
            self.skipTest("l10n_no is not installed")
        partner = self.Partner.create(
            {"name": "Speil AS", "country_id": self.norway.id, "company_registry": "988 077 917"}
        )
        self.assertEqual(partner.l10n_no_bronnoysund_number, VALID)
        partner.company_registry = "926018159"
        self.assertEqual(partner.l10n_no_bronnoysund_number, "926018159")
        arch = self.Partner.get_view(view_type="form")["arch"]
        self.assertRegex(arch, r'name="l10n_no_bronnoysund_number"[^>]*invisible="1"')

    def test_wrong_checksum_is_refused_and_nothing_written(self):
        with self.assertRefused("check digit"):
            self.Partner.create(
                {"name": "Feil Sjekksiffer AS", "country_id": self.norway.id, "company_registry": "988077918"}
            )
        self.assertEqual(self._count("Feil Sjekksiffer AS"), 0)

    def test_wrong_length_is_refused(self):
        with self.assertRefused("has 8 digits"):
            self.Partner.create({"name": "Kort AS", "country_id": self.norway.id, "company_registry": "98807791"})
        self.assertEqual(self._count("Kort AS"), 0)

    def test_wrong_characters_are_refused(self):
        with self.assertRefused("only digits"):
            self.Partner.create({"name": "Bokstav AS", "country_id": self.norway.id, "company_registry": "98807791X"})
        self.assertEqual(self._count("Bokstav AS"), 0)

    def test_write_of_a_wrong_number_changes_nothing(self):
        partner = self.Partner.create({"name": "Endring AS", "country_id": self.norway.id, "company_registry": VALID})
        with self.assertRaises(ValidationError):
            partner.write({"company_registry": "123456789"})
        partner.invalidate_recordset()
        self.assertEqual(partner.company_registry, VALID)

    def test_moving_a_partner_to_norway_checks_its_number(self):
        partner = self.Partner.create(
            {"name": "Flytter AB", "country_id": self.sweden.id, "company_registry": "556036-0793"}
        )
        with self.assertRefused("only digits|check digit|digits"):
            partner.write({"country_id": self.norway.id})

    def test_foreign_numbers_are_kept_as_typed(self):
        partner = self.Partner.create(
            {"name": "Svensk AB", "country_id": self.sweden.id, "company_registry": "556036-0793"}
        )
        self.assertEqual(partner.company_registry, "556036-0793")

    def test_partner_without_country_follows_its_norwegian_company(self):
        self.env.company.country_id = self.norway
        with self.assertRefused("set its country first"):
            self.Partner.create({"name": "Uten Land AS", "company_registry": "988077918"})
        partner = self.Partner.create({"name": "Uten Land AS", "company_registry": "988 077 917"})
        self.assertEqual(partner.company_registry, VALID)

    def test_contact_without_country_follows_its_foreign_company(self):
        """Core copies a company's number to a new contact before its address (base's TestPartnerAddressCompany)."""
        self.env.company.country_id = self.norway
        belgian = self.Partner.create(
            {
                "name": "GhostStep",
                "is_company": True,
                "country_id": self.env.ref("base.be").id,
                "company_registry": "0477472701",
            }
        )
        contact = self.Partner.create({"name": "Existing Contact", "parent_id": belgian.id})
        self.assertEqual(contact.company_registry, "0477472701")
        self.assertEqual(contact.country_id, belgian.country_id)

    def test_contact_without_country_follows_its_norwegian_company(self):
        """In a Swedish company, a contact without a country of a Norwegian customer gets Norwegian rules."""
        self.env.company.country_id = self.sweden
        company = self.Partner.create({"name": "Norsk AS", "is_company": True, "country_id": self.norway.id})
        contact = self.Partner.create({"name": "Kontakt", "parent_id": company.id})
        contact.country_id = False
        contact.company_registry = "988 077 917"
        self.assertEqual(contact.company_registry, VALID)
        with self.assertRefused("988077918"):
            contact.company_registry = "988077918"

    def test_search_by_formatted_number_finds_the_customer(self):
        partner = self.Partner.create({"name": "Søkbar AS", "country_id": self.norway.id, "company_registry": VALID})
        for typed in ("988 077 917", "NO988077917MVA", VALID):
            found = self.Partner.name_search(typed)
            self.assertIn(partner.id, [pid for pid, _name in found], typed)

    def test_message_is_norwegian_for_a_norwegian_user(self):
        with self.assertRefused("kontrollsifferet"):
            self.Partner.with_context(lang="nb_NO").create(
                {"name": "Norsk Feil AS", "country_id": self.norway.id, "company_registry": "988077918"}
            )

    def test_norwegian_label_and_placeholder(self):
        partner = self.Partner.new({"name": "Ny AS", "country_id": self.norway.id})
        self.assertEqual(partner.company_registry_label, "Organisation number")
        self.assertEqual(partner.partner_company_registry_placeholder, "988 077 917")


@tagged("post_install", "-at_install")
class TestOrgnrForm(OrgnrCase):
    def test_user_types_a_formatted_number_in_the_form(self):
        form = Form(self.Partner)
        form.name = "Skjema AS"
        form.country_id = self.norway
        form.company_registry = "988 077 917"
        partner = form.save()
        self.assertEqual(partner.company_registry, VALID)

    def test_form_refuses_a_wrong_number(self):
        form = Form(self.Partner)
        form.name = "Skjemafeil AS"
        form.country_id = self.norway
        form.company_registry = "988 077 918"
        with self.assertRefused("check digit"):
            form.save()
        self.assertEqual(self._count("Skjemafeil AS"), 0)


@tagged("post_install", "-at_install")
class TestOrgnrXmlRpc(HttpCase):
    """Integrations create customers over XML-RPC: same rules, same messages, nothing half-written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nb_NO")
        cls.norway = cls.env.ref("base.no")
        cls.user = cls.env["res.users"].create(
            {
                "name": "Integrasjon",
                "login": "kk_integration",
                "password": "kk_integration_pw",
                "lang": "nb_NO",
                "groups_id": [(6, 0, [cls.env.ref("kundekartotek.group_user").id])],
            }
        )

    def _call(self, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.user.id, "kk_integration_pw", "res.partner", method, list(args), kwargs
        )

    def test_create_compacts_the_number(self):
        partner_id = self._call(
            "create", {"name": "RPC Kunde AS", "country_id": self.norway.id, "company_registry": "988 077 917"}
        )
        [record] = self._call("read", [partner_id], fields=["company_registry"])
        self.assertEqual(record["company_registry"], VALID)

    def test_create_with_a_wrong_number_fails_in_norwegian_and_writes_nothing(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call(
                "create",
                [
                    {"name": "RPC God AS", "country_id": self.norway.id, "company_registry": VALID},
                    {"name": "RPC Feil AS", "country_id": self.norway.id, "company_registry": "988077918"},
                ],
            )
        self.assertIn("kontrollsifferet", caught.exception.faultString)
        self.assertFalse(self._call("search", [("name", "in", ["RPC God AS", "RPC Feil AS"])]))

    def test_wrong_type_is_refused(self):
        # A valid number sent as an integer: refused for its type, not for its digits.
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call("create", {"name": "RPC Type AS", "country_id": self.norway.id, "company_registry": 988077917})
        self.assertIn("som tekst", caught.exception.faultString)
        self.assertFalse(self._call("search", [("name", "=", "RPC Type AS")]))


@tagged("post_install", "-at_install")
class TestOrgnrTour(HttpCase):
    def test_orgnr_is_shown_grouped_in_the_browser(self):
        self.env.ref("base.user_admin").company_id.country_id = self.env.ref("base.no")
        self.start_tour(
            "/odoo/action-kundekartotek.res_partner_action_customer", "kundekartotek_orgnr_tour", login="admin"
        )
        partner = self.env["res.partner"].search([("name", "=", "Tour Testkunde AS")])
        self.assertEqual(partner.company_registry, VALID)
