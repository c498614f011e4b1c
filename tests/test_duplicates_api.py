# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""docs/api.md, "Duplicates": the scan and its pairs over XML-RPC against the running server."""

import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import make_role_user


@tagged("post_install", "-at_install")
class TestDuplicatesOverXmlRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = make_role_user(cls.env, "manager", login="kk_dup_rpc_manager")
        cls.manager.password = "kk_dup_rpc_pw"
        cls.clerk = make_role_user(cls.env, "user", login="kk_dup_rpc_clerk")
        cls.clerk.password = "kk_dup_rpc_clerk_pw"
        cls.a, cls.b = cls.env["res.partner"].create(
            [
                {"name": "Havbris Sjømat AS", "is_company": True, "email": "post@havbris.no"},
                {"name": "HAVBRIS SJOEMAT A/S", "is_company": True, "phone": "+47 51 00 00 00"},
            ]
        )

    def call(self, uid, password, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, password, "kundekartotek.duplicate.pair", method, args, kwargs or {}
        )

    def test_scan_and_read_pairs_as_documented(self):
        self.call(self.manager.id, "kk_dup_rpc_pw", "action_scan", [[]])
        pairs = self.call(
            self.manager.id,
            "kk_dup_rpc_pw",
            "search_read",
            [[["state", "=", "open"], ["partner_a_id", "=", self.a.id]]],
            {"fields": ["partner_a_id", "partner_b_id", "score", "reason_codes", "reasons", "cluster_key"]},
        )
        self.assertEqual(len(pairs), 1)
        pair = pairs[0]
        self.assertEqual((pair["partner_a_id"][0], pair["partner_b_id"][0]), (self.a.id, self.b.id))
        self.assertEqual(pair["reason_codes"].split(","), ["name_exact"])
        self.assertEqual(pair["score"], 0.85)
        self.assertEqual(pair["cluster_key"], str(self.a.id).zfill(10))
        self.call(self.manager.id, "kk_dup_rpc_pw", "action_not_duplicate", [[pair["id"]]])
        self.call(self.manager.id, "kk_dup_rpc_pw", "action_scan", [[]])
        state = self.call(self.manager.id, "kk_dup_rpc_pw", "read", [[pair["id"]], ["state"]])
        self.assertEqual(state[0]["state"], "not_duplicate")

    def test_a_clerk_reads_but_may_not_scan(self):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            self.call(self.clerk.id, "kk_dup_rpc_clerk_pw", "action_scan", [[]])
        self.assertIn("Only register managers", raised.exception.faultString)
