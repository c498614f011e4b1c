# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Settings reachable from the app, and customers of a Norwegian company in Norwegian by default."""

from lxml import etree

from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSettingsMenu(TransactionCase):
    def test_settings_entry_opens_one_page_with_every_part(self):
        menu = self.env.ref("kundekartotek.kundekartotek_settings_menu")
        self.assertEqual(menu.parent_id, self.env.ref("kundekartotek.kundekartotek_menu_config"))
        action = menu.action
        self.assertEqual((action.res_model, action.target), ("res.config.settings", "inline"))
        self.assertIn("'module': 'kundekartotek'", action.context)
        arch = etree.fromstring(self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"])
        app = arch.xpath("//app[@name='kundekartotek']")[0]
        blocks = {block.get("name") for block in app.iter("block")}
        for name in (
            "kk_register_setting_container",  # numbering, categories, postal register, language
            "kk_credit_setting_container",
            "kk_brreg_setting_container",
            "kk_erasure_setting_container",
            "kk_reminder_setting_container",
        ):
            self.assertIn(name, blocks)
        actions = {button.get("name") for button in app.iter("button")}
        scheme = self.env.ref("kundekartotek.kundekartotek_number_scheme_action").id
        category = self.env.ref("kundekartotek.kundekartotek_customer_category_action").id
        self.assertLessEqual({str(scheme), str(category)}, actions)


@tagged("post_install", "-at_install")
class TestNorwegianByDefault(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.no")
        cls.Partner = cls.env["res.partner"].with_context(lang="en_US")

    def test_without_bokmal_installed_nothing_changes(self):
        self.env["res.lang"].search([("code", "=", "nb_NO")]).active = False
        self.assertEqual(self.Partner.create({"name": "Uten Bokmål AS"}).lang, "en_US")

    def test_norwegian_customers_get_bokmal(self):
        self.env["res.lang"]._activate_lang("nb_NO")
        norway, sweden = self.env.ref("base.no"), self.env.ref("base.se")
        self.assertEqual(self.Partner.create({"name": "Norsk AS"}).lang, "nb_NO")  # no country: the company's
        self.assertEqual(self.Partner.create({"name": "Norsk AS", "country_id": norway.id}).lang, "nb_NO")
        self.assertEqual(self.Partner.create({"name": "Svensk AB", "country_id": sweden.id}).lang, "en_US")
        self.assertEqual(self.Partner.create({"name": "Valgt AS", "lang": "en_US"}).lang, "en_US")  # told otherwise
        self.assertEqual(self.Partner.with_context(default_lang="en_US").create({"name": "Kontekst AS"}).lang, "en_US")
        with Form(self.Partner) as form:  # the card, as the web client fills it
            form.name = "Skjema AS"
        self.assertEqual(form.record.lang, "nb_NO")

    def test_foreign_company_keeps_core_behaviour(self):
        self.env["res.lang"]._activate_lang("nb_NO")
        self.env.company.country_id = self.env.ref("base.se")
        self.assertEqual(self.Partner.create({"name": "Utenlandsk AS"}).lang, "en_US")
