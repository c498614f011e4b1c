# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import sys
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import SQL

from .common import make_role_user


@tagged("post_install", "-at_install")
class TestAuditTrail(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.clerk = make_role_user(cls.env, "user", login="kk_audit_clerk")
        cls.auditor = make_role_user(cls.env, "auditor", login="kk_auditor")

    def _entries(self, partner):
        return self.Log.search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)], order="id")

    def test_changes_are_recorded_with_who_old_new_and_origin(self):
        partner = self.env["res.partner"].with_user(self.clerk).create({"name": "Logget AS", "city": "Oslo"})
        partner.with_user(self.clerk).write({"city": "Bergen", "email": "post@logget.example"})
        entries = self._entries(partner)
        self.assertEqual(entries[0].action, "create")
        change = entries.filtered(lambda e: e.field_name == "city" and e.action == "write")
        self.assertEqual((change.old_value, change.new_value), ("Oslo", "Bergen"))
        self.assertEqual(change.user_id, self.clerk)
        self.assertEqual(change.origin, "other")
        partner.action_archive()
        self.assertEqual(self._entries(partner)[-1].action, "archive")

    def test_import_and_cron_origins(self):
        partner = self.env["res.partner"].with_context(import_file=True).create({"name": "Importert AS"})
        self.assertEqual(self._entries(partner)[0].origin, "import")
        partner.with_context(import_file=False, cron_id=1).write({"city": "Tromsø"})
        self.assertEqual(self._entries(partner)[-1].origin, "cron")

    def test_identity_number_is_never_written_in_the_trail(self):
        partner = self.env["res.partner"].create({"name": "Privat Person", "fodselsnummer": "15108695088"})
        entry = self._entries(partner).filtered(lambda e: e.field_name == "fodselsnummer")
        self.assertEqual(entry.new_value, "*****")

    def test_nobody_can_edit_or_delete_entries(self):
        partner = self.env["res.partner"].create({"name": "Fast AS"})
        entry = self._entries(partner)[0]
        with self.assertRaises(UserError):
            entry.sudo().write({"new_value": "forfalsket"})
        with self.assertRaises(UserError):
            entry.sudo().unlink()
        with self.assertRaises(AccessError):
            self.Log.with_user(self.clerk).create({"action": "write", "res_model": "res.partner"})
        # Not even the superuser: an entry made outside the chain would have no place in it.
        with self.assertRaises(UserError):
            self.Log.sudo().create({"action": "write", "res_model": "res.partner"})
        with self.assertRaises(AccessError):
            self.Log.with_user(self.clerk).search([])
        self.assertTrue(self.Log.with_user(self.auditor).search([("id", "=", entry.id)]))

    def test_chain_verification_catches_an_edit_in_sql(self):
        partner = self.env["res.partner"].create({"name": "Kjede AS"})
        partner.write({"city": "Oslo"})
        partner.write({"city": "Bergen"})
        self.assertEqual(self.Log.action_verify_chain()["params"]["type"], "success")
        entry = self._entries(partner).filtered(lambda e: e.new_value == "Oslo")
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE kundekartotek_audit_log SET new_value = 'Drammen' WHERE id = %s", entry.id))
        self.env.invalidate_all()
        result = self.Log.action_verify_chain()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn(f"Entry {entry.sequence} of ", result["params"]["message"])

    def test_deleting_a_partner_leaves_its_trail(self):
        partner = self.env["res.partner"].create({"name": "Slettet AS"})
        partner_id = partner.id
        partner.unlink()
        entries = self.Log.search([("res_model", "=", "res.partner"), ("res_id", "=", partner_id)])
        self.assertEqual(set(entries.mapped("action")), {"unlink", "create"})
        self.assertEqual(entries[0].action, "unlink")

    def test_entries_name_the_partner_whatever_the_callers_context(self):
        # The display name follows the caller's context (an address, an e-mail): the trail records the name.
        Partner = self.env["res.partner"].with_context(show_address=True, show_email=True, show_vat=True)
        partner = Partner.create({"name": "Navngitt AS", "city": "Lillehammer", "email": "post@navngitt.example"})
        contact = Partner.create({"name": "Kari Navn", "parent_id": partner.id, "email": "kari@navngitt.example"})
        partner.write({"city": "Gjøvik"})
        contact_id = contact.id
        contact.unlink()
        self.assertEqual(set(self._entries(partner).mapped("record_name")), {"Navngitt AS"})
        entries = self.Log.search([("res_model", "=", "res.partner"), ("res_id", "=", contact_id)])
        self.assertEqual(set(entries.mapped("action")), {"create", "unlink"})
        self.assertEqual(set(entries.mapped("record_name")), {"Navngitt AS, Kari Navn"})

    def test_a_batch_reads_each_selections_labels_once(self):
        """The trail's labels of a selection are read once per field for a batch, not once per partner."""
        partners = self.env["res.partner"].create(
            [{"name": f"Parti {number} AS", "is_company": True} for number in range(5)]
        )
        field = type(partners)._fields["payment_class"]
        calls = []
        original = type(field)._description_selection

        def counted(self_field, env):
            # The trail's calls only (mail's tracking of the field asks too).
            if sys._getframe(1).f_code.co_name == "_kk_audit_snapshot":
                calls.append(self_field.name)
            return original(self_field, env)

        with patch.object(type(field), "_description_selection", counted):
            partners.write({"payment_class": "cash"})
        self.assertEqual(calls.count("payment_class"), 2)  # before and after the write, for the five together
        entries = self.Log.search(
            [("res_id", "in", partners.ids), ("field_name", "=", "payment_class"), ("action", "=", "write")]
        )
        self.assertEqual(len(entries), 5)
        self.assertEqual(set(entries.mapped("new_value")), {dict(field._description_selection(self.env))["cash"]})


@tagged("post_install", "-at_install")
class TestAuditOriginOverHttp(HttpCase):
    """The origin says how a change reached the server: XML-RPC is "api", the web client's JSON-RPC is "ui"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(cls.env, "user", login="kk_origin_clerk")
        cls.clerk.password = "kk_origin_clerk_pw"
        cls.partner = cls.env["res.partner"].create({"name": "Opphav AS", "city": "Oslo"})

    def _last_city_change(self):
        return self.env["kundekartotek.audit.log"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.partner.id), ("field_name", "=", "city")],
            order="id desc",
            limit=1,
        )

    def test_xmlrpc_write_is_logged_as_api(self):
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.clerk.id,
            "kk_origin_clerk_pw",
            "res.partner",
            "write",
            [[self.partner.id], {"city": "Bodø"}],
        )
        entry = self._last_city_change()
        self.assertEqual((entry.new_value, entry.origin, entry.user_id), ("Bodø", "api", self.clerk))

    def test_web_client_write_is_logged_as_ui(self):
        self.authenticate("kk_origin_clerk", "kk_origin_clerk_pw")
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.partner/write",
            {
                "model": "res.partner",
                "method": "write",
                "args": [[self.partner.id], {"city": "Hamar"}],
                "kwargs": {},
            },
        )
        entry = self._last_city_change()
        self.assertEqual((entry.new_value, entry.origin, entry.user_id), ("Hamar", "ui", self.clerk))
