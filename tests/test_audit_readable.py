# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The audit trail as an auditor reads it: labels in the reader's language, values as on the card, one row per save.

What is stored and hashed stays as written (the chain still verifies); only the display is new.
"""

from odoo.tests import TransactionCase, freeze_time, tagged

from .common import make_role_user


@tagged("post_install", "-at_install")
class TestAuditReadable(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nb_NO")
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.Save = cls.env["kundekartotek.audit.save"]
        cls.clerk = make_role_user(
            cls.env, "manager", login="kk_readable_clerk", extra=["account.group_account_invoice"]
        )
        cls.auditor = make_role_user(cls.env, "auditor", login="kk_readable_auditor")
        cls.auditor.lang = "nb_NO"
        # A save is one person's write at one moment (to the second): three saves, a minute apart.
        with freeze_time("2026-11-30 10:00:00"):
            cls.partner = (
                cls.env["res.partner"]
                .with_user(cls.clerk)
                .create({"name": "Lesbar AS", "is_company": True, "city": "Oslo", "customer_type": "business"})
            )
        with freeze_time("2026-11-30 10:01:00"):
            cls.partner.with_user(cls.clerk).write({"credit_limit": 50000.0, "city": "Bergen"})
        with freeze_time("2026-11-30 10:02:00"):
            cls.partner.with_user(cls.clerk).write({"is_company": False})

    def _entry(self, field, action="write", user=None):
        Log = self.Log.with_user(user) if user else self.Log
        return Log.search(
            [("res_id", "=", self.partner.id), ("field_name", "=", field), ("action", "=", action)], limit=1
        )

    def test_stored_values_are_unchanged_and_the_chain_holds(self):
        entry = self._entry("credit_limit")
        self.assertEqual((entry.old_value, entry.new_value), ("0.0", "50000.0"))
        self.assertEqual(self.Log.action_verify_chain()["params"]["type"], "success")

    def test_labels_and_values_in_the_readers_language(self):
        entry = self._entry("credit_limit", user=self.auditor).with_context(lang="nb_NO")
        self.assertEqual(entry.field_label, "Credit Limit")  # as stored
        label = (
            self.env["res.partner"]
            .with_context(lang="nb_NO")
            ._fields["credit_limit"]
            ._description_string(self.env(context={"lang": "nb_NO"}))
        )
        self.assertEqual(entry.field_display, label)
        # Norwegian grouping and decimal comma, never "50000.0".
        self.assertEqual(entry.new_display.replace("\N{NO-BREAK SPACE}", " ").replace("\u202f", " "), "50 000,00")
        self.assertEqual(entry.old_display, "0,00")
        english = self._entry("credit_limit").with_context(lang="en_US")
        self.assertEqual((english.field_display, english.new_display), ("Credit Limit", "50,000.00"))

    def test_booleans_and_selections_read_as_words(self):
        entry = self._entry("is_company").with_context(lang="en_US")
        self.assertEqual((entry.old_value, entry.new_value), ("True", False))
        self.assertEqual((entry.old_display, entry.new_display), ("Yes", "No"))
        created = self._entry("customer_type", action="create").with_context(lang="en_US")
        self.assertEqual((created.old_display, created.new_display), ("", "Business"))

    def test_one_row_per_save_with_its_fields_inside(self):
        saves = self.Save.with_user(self.auditor).search([("res_id", "=", self.partner.id)], order="id")
        self.assertEqual(saves.mapped("action"), ["create", "write", "write"])
        first_write = saves[1].with_context(lang="en_US")
        self.assertEqual(sorted(first_write.entry_ids.mapped("field_name")), ["city", "credit_limit"])
        self.assertEqual(first_write.entry_count, 2)
        self.assertIn("City", first_write.summary)
        created = saves[0]
        entries = self.Log.search([("res_id", "=", self.partner.id), ("action", "=", "create")])
        self.assertEqual(created.entry_ids, entries)
        self.assertEqual(created.entry_count, len(entries))
        self.assertGreater(len(entries), 1)

    def test_card_opens_the_saves(self):
        action = self.partner.action_kk_open_audit_log()
        self.assertEqual(action["res_model"], "kundekartotek.audit.save")
        self.assertEqual(len(self.Save.search(action["domain"])), 3)

    def test_saves_follow_the_customers_company(self):
        other = self.env["res.company"].create({"name": "Annet Selskap AS"})
        foreign = self.env["res.partner"].create({"name": "Fremmed AS", "company_id": other.id})
        self.assertTrue(self.Save.search([("res_id", "=", foreign.id)]))
        self.assertFalse(self.Save.with_user(self.auditor).search([("res_id", "=", foreign.id)]))
        self.assertTrue(self.Save.with_user(self.auditor).search([("res_id", "=", self.partner.id)]))

    def test_the_right_of_access_export_reads_the_trail_the_same_way(self):
        data = self.env["kundekartotek.gdpr.export"].with_context(lang="en_US")._kk_gather(self.partner)
        changes = [(c["field"], c["old"], c["new"]) for c in data["changes"]]
        self.assertIn(("Is a Company", "Yes", "No"), changes)
        self.assertIn(("Credit Limit", "0.00", "50,000.00"), changes)
        self.assertEqual(data["person"]["customer_type"], "Business")
