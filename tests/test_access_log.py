# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import make_role_user

FNR = "15108695088"


@tagged("post_install", "-at_install")
class TestAccessLog(TransactionCase):
    """Every fødselsnummer sent to a user is logged, and nobody can change the log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["kundekartotek.access.log"]
        cls.reader = make_role_user(cls.env, "user", login="kk_fnr_reader", extra=("kundekartotek.group_personal_id",))
        cls.clerk = make_role_user(cls.env, "user", login="kk_fnr_clerk")
        cls.exporter = make_role_user(
            cls.env,
            "user",
            login="kk_fnr_exporter",
            extra=("kundekartotek.group_personal_id", "base.group_allow_export"),
        )
        cls.officer = make_role_user(cls.env, "privacy_officer", login="kk_fnr_officer")
        cls.auditor = make_role_user(cls.env, "auditor", login="kk_fnr_auditor")
        cls.person = cls.env["res.partner"].create({"name": "Kari Nordmann", "fodselsnummer": FNR})
        cls.without = cls.env["res.partner"].create({"name": "Ola Uten"})

    def _entries(self, partner=None):
        return self.Log.search([("subject_id", "=", (partner or self.person).id)], order="id")

    def test_read_of_the_number_is_logged_with_who_and_kind(self):
        [values] = self.person.with_user(self.reader).read(["name", "fodselsnummer"])
        self.assertEqual(values["fodselsnummer"], FNR)
        entry = self._entries()
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.user_id, entry.partner_id, entry.kind), (self.reader, self.person, "read_personal_id"))
        self.assertEqual(entry.origin, "other")
        self.assertNotIn(FNR, entry.detail or "")

    def test_search_read_and_form_read_are_logged(self):
        Partner = self.env["res.partner"].with_user(self.reader)
        Partner.search_read([("id", "in", (self.person | self.without).ids)], ["fodselsnummer"])
        Partner.browse(self.person.id).web_read({"name": {}, "fodselsnummer": {}})
        self.assertEqual(len(self._entries()), 2)
        # An empty number is not a read of anything.
        self.assertFalse(self._entries(self.without))

    def test_no_entry_without_the_number_or_for_the_module_itself(self):
        self.person.with_user(self.reader).read(["name", "email"])
        self.person.sudo().read(["fodselsnummer"])
        self.assertFalse(self._entries())

    def test_masked_only_user_reads_no_number_and_leaves_no_entry(self):
        [values] = self.person.with_user(self.clerk).read(["fodselsnummer_masked"])
        self.assertEqual(values["fodselsnummer_masked"], "151086 *****")
        with self.assertRaises(AccessError):
            self.person.with_user(self.clerk).read(["fodselsnummer"])
        self.assertFalse(self._entries())

    def test_spreadsheet_export_of_the_number_is_logged(self):
        people = (self.person | self.without).with_user(self.exporter)
        rows = people.export_data(["name", "fodselsnummer"])["datas"]
        self.assertIn([self.person.name, FNR], rows)
        entry = self._entries()
        self.assertEqual(entry.kind, "export_personal_id")
        self.assertFalse(self._entries(self.without))
        # An export without the number is not logged.
        people.export_data(["name", "email"])
        self.assertEqual(len(self._entries()), 1)

    def test_grouped_read_of_the_number_is_logged(self):
        Partner = self.env["res.partner"].with_user(self.reader)
        domain = [("id", "in", (self.person | self.without).ids)]
        groups = Partner.read_group(domain, ["fodselsnummer"], ["fodselsnummer"])
        self.assertIn(FNR, [group["fodselsnummer"] for group in groups])
        entry = self._entries()
        self.assertEqual((entry.user_id, entry.kind), (self.reader, "read_personal_id"))
        self.assertFalse(self._entries(self.without))
        # The web client's grouped list and an aggregate that returns the numbers are reads too.
        Partner.web_read_group(domain, ["fodselsnummer"], ["fodselsnummer"])
        Partner.read_group(domain, ["numbers:array_agg(fodselsnummer)"], ["name"])
        self.assertEqual(len(self._entries()), 3)
        # A grouped read without the number is not.
        Partner.read_group(domain, ["name"], ["name"])
        self.assertEqual(len(self._entries()), 3)

    def test_read_through_the_user_record_is_logged(self):
        # res.users inherits the partner's fields (_inherits): the number is readable on the user too.
        employee = make_role_user(self.env, "employee", login="kk_fnr_employee")
        employee.partner_id.fodselsnummer = FNR
        Users = self.env["res.users"].with_user(self.reader)
        [values] = Users.browse(employee.id).read(["fodselsnummer"])
        self.assertEqual(values["fodselsnummer"], FNR)
        Users.read_group([("id", "=", employee.id)], ["fodselsnummer"], ["fodselsnummer"])
        entries = self._entries(employee.partner_id)
        self.assertEqual(entries.mapped("kind"), ["read_personal_id", "read_personal_id"])
        self.assertEqual(entries.user_id, self.reader)

    def test_nobody_can_change_or_delete_entries(self):
        self.person.with_user(self.reader).read(["fodselsnummer"])
        entry = self._entries()
        for env_entry in (entry, entry.sudo(), entry.with_user(self.env.ref("base.user_admin"))):
            with self.assertRaises(UserError):
                env_entry.write({"detail": "forfalsket"})
            with self.assertRaises(UserError):
                env_entry.unlink()
        self.assertTrue(entry.exists())

    def test_nobody_creates_entries_directly(self):
        admin = self.env.ref("base.user_admin")
        for user in (admin, self.officer):
            with self.assertRaises(AccessError):
                self.Log.with_user(user).create({"kind": "read_personal_id", "partner_id": self.person.id})

    def test_only_privacy_officer_and_auditor_read_the_log(self):
        self.person.with_user(self.reader).read(["fodselsnummer"])
        self.assertEqual(len(self.Log.with_user(self.officer).search([("subject_id", "=", self.person.id)])), 1)
        self.assertEqual(len(self.Log.with_user(self.auditor).search([("subject_id", "=", self.person.id)])), 1)
        self.assertEqual(self.person.with_user(self.officer).access_log_count, 1)
        with self.assertRaises(AccessError):
            self.Log.with_user(self.reader).search([])
        self.assertEqual(self.person.with_user(self.clerk).access_log_count, 0)


@tagged("post_install", "-at_install")
class TestAccessLogRpc(HttpCase):
    """The same log from the two real entry points: XML-RPC ``read`` and the web client's form read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = make_role_user(cls.env, "user", login="kk_rpc_reader", extra=("kundekartotek.group_personal_id",))
        cls.reader.password = "kk_rpc_reader_pw"
        cls.person = cls.env["res.partner"].create({"name": "Per Rpc", "fodselsnummer": FNR})

    def _entries(self):
        return self.env["kundekartotek.access.log"].search([("subject_id", "=", self.person.id)])

    def test_xmlrpc_read_is_logged_as_api(self):
        [values] = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.reader.id,
            "kk_rpc_reader_pw",
            "res.partner",
            "read",
            [[self.person.id]],
            {"fields": ["fodselsnummer"]},
        )
        self.assertEqual(values["fodselsnummer"], FNR)
        self.assertEqual(self._entries().mapped("origin"), ["api"])

    def test_xmlrpc_read_of_a_user_record_is_logged(self):
        employee = make_role_user(self.env, "employee", login="kk_rpc_employee")
        employee.partner_id.fodselsnummer = FNR
        [values] = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.reader.id,
            "kk_rpc_reader_pw",
            "res.users",
            "read",
            [[employee.id]],
            {"fields": ["fodselsnummer"]},
        )
        self.assertEqual(values["fodselsnummer"], FNR)
        entries = self.env["kundekartotek.access.log"].search([("subject_id", "=", employee.partner_id.id)])
        self.assertEqual(entries.mapped("origin"), ["api"])

    def test_form_read_writes_the_log_without_a_read_only_retry(self):
        self.authenticate("kk_rpc_reader", "kk_rpc_reader_pw")
        # web_read is read-only in core; ours must run read/write at once, not fail and be retried.
        with self.assertNoLogs("odoo.http", level="WARNING"):
            result = self.make_jsonrpc_request(
                "/web/dataset/call_kw/res.partner/web_read",
                {
                    "model": "res.partner",
                    "method": "web_read",
                    "args": [[self.person.id]],
                    "kwargs": {"specification": {"fodselsnummer": {}}},
                },
            )
        self.assertEqual(result[0]["fodselsnummer"], FNR)
        self.assertEqual(self._entries().mapped("origin"), ["ui"])
