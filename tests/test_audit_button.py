# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""*Verify the chain* pressed the way the web client presses it: a list-header button through
``/web/dataset/call_button``, which passes the selected entries' ids."""

import json

from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from .common import make_role_user


@tagged("post_install", "-at_install")
class TestVerifyChainButton(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for role in ("auditor", "manager", "user"):
            user = make_role_user(cls.env, role, login=f"kk_verify_{role}")
            user.password = f"kk_verify_{role}_pw"
        cls.partner = cls.env["res.partner"].create({"name": "Knapp AS", "city": "Oslo"})
        cls.partner.write({"city": "Bergen"})
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.Log.flush_model()
        cls.entries = cls.Log.search([("partner_id", "=", cls.partner.id)])

    def _press(self, role, ids):
        """What the browser sends when the button is clicked in the list, with ``ids`` selected."""
        self.authenticate(f"kk_verify_{role}", f"kk_verify_{role}_pw")
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": "kundekartotek.audit.log",
                "method": "action_verify_chain",
                "args": [ids],
                "kwargs": {"context": {"lang": "en_US"}},
            },
        }
        response = self.url_open(
            "/web/dataset/call_button", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_auditor_verifies_with_entries_selected(self):
        answer = self._press("auditor", self.entries.ids)
        self.assertNotIn("error", answer)
        action = answer["result"]
        self.assertEqual((action["tag"], action["params"]["type"]), ("display_notification", "success"))
        self.assertIn("The audit trail is intact", action["params"]["message"])

    def test_manager_verifies_with_nothing_selected_and_sees_the_edit(self):
        entry = self.entries.filtered(lambda e: e.new_value == "Bergen")
        self.env.cr.execute(SQL("UPDATE kundekartotek_audit_log SET new_value = 'Drammen' WHERE id = %s", entry.id))
        action = self._press("manager", [])["result"]
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(f"Entry {entry.sequence} of ", action["params"]["message"])

    def test_a_register_user_cannot_verify(self):
        answer = self._press("user", self.entries.ids)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
