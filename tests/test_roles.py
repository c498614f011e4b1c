# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What each role of the register may do, and what it is refused (docs/security.md holds the same matrix)."""

import base64
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .brreg_fakes import client, recorded
from .common import make_role_user

ROLES = ("user", "manager", "privacy_officer", "auditor", "employee")
READERS = {"user", "manager", "privacy_officer", "auditor"}
MANAGER = {"manager"}
TRAIL_READERS = {"manager", "privacy_officer", "auditor"}
EDITORS = {"user", "manager", "privacy_officer"}
FNR = "15108695088"
AS_OF = "2026-03-01"


@tagged("post_install", "-at_install")
class TestRoles(AccountTestInvoicingCommon):
    """Every role against every model of the register: allowed operations succeed, the others raise AccessError."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager")
        cls.users = {role: make_role_user(cls.env, role, login=f"kk_roles_{role}") for role in ROLES}
        cls.Category = cls.env["kundekartotek.customer.category"]
        cls.Scheme = cls.env["kundekartotek.number.scheme"]
        cls.PostalCode = cls.env["kundekartotek.postal.code"]
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rolle Test AS", "is_company": True, "customer_rank": 1, "credit_limit": 1000.0}
        )
        cls.person = cls.env["res.partner"].create({"name": "Kari Privat", "fodselsnummer": FNR})
        cls.invoice = cls.init_invoice(
            "out_invoice", partner=cls.customer, invoice_date="2026-01-10", amounts=[800.0], taxes=[], post=True
        )

    def _read(self, record, user, field):
        """``field`` of ``record`` read as ``user`` (``read`` checks access even when the value is cached)."""
        return record.with_user(user).read([field])[0][field]

    def _check(self, allowed, operation):
        """Run ``operation(user, role)`` as every role: the roles in ``allowed`` succeed, the others are refused."""
        for role in ROLES:
            with self.subTest(role=role):
                if role in allowed:
                    operation(self.users[role], role)
                else:
                    with self.assertRaises(AccessError):
                        operation(self.users[role], role)

    def _check_unlink(self, allowed, make):
        """Each role deletes a record of its own, made by ``make(role)``: only the roles in ``allowed`` succeed."""

        def unlink(user, role):
            record = make(role)
            record.with_user(user).unlink()
            self.assertFalse(record.exists())

        self._check(allowed, unlink)

    def _category(self, role):
        return self.Category.create({"name": f"Kategori {role}", "code": f"KAT-{role}"})

    def _scheme(self, role):
        return self.Scheme.create({"name": f"Ordning {role}", "active": False})

    def _postal(self, code):
        return self.PostalCode.create({"code": code, "city": "PRØVE", "category": "G"})

    # Configuration: categories, numbering schemes, postal codes ------------------------------------------------
    def test_categories_are_read_by_the_register_and_configured_by_managers(self):
        category = self._category("shared")
        self._check(READERS, lambda user, role: self.assertEqual(self._read(category, user, "code"), "KAT-shared"))

        def create(user, role):
            created = self.Category.with_user(user).create({"name": "Ny", "code": f"NY-{role}"})
            self.assertEqual(created.company_id, self.env["res.company"])

        self._check(MANAGER, create)
        self._check(MANAGER, lambda user, role: category.with_user(user).write({"description": role}))
        self.assertEqual(category.description, "manager")
        self._check_unlink(MANAGER, self._category)

    def test_numbering_schemes_are_read_by_the_register_and_configured_by_managers(self):
        scheme = self._scheme("shared")
        self._check(READERS, lambda user, role: self.assertTrue(self._read(scheme, user, "pattern")))
        self._check(MANAGER, lambda user, role: self.Scheme.with_user(user).create({"name": role, "active": False}))
        self._check(MANAGER, lambda user, role: scheme.with_user(user).write({"name": f"Endret av {role}"}))
        self.assertEqual(scheme.name, "Endret av manager")
        self._check_unlink(MANAGER, self._scheme)

    def test_postal_codes_are_read_by_the_register_and_maintained_by_managers(self):
        postal = self._postal("9990")
        self._check(READERS, lambda user, role: self.assertEqual(self._read(postal, user, "city"), "PRØVE"))
        self._check(MANAGER, lambda user, role: postal.with_user(user).write({"city": f"BY {role}"}))
        self.assertEqual(postal.city, "BY manager")

        self._check(
            MANAGER,
            lambda user, role: self.PostalCode.with_user(user).create({"code": "9991", "city": "NY", "category": "P"}),
        )
        self.assertEqual(self.PostalCode.search([("code", "=", "9991")]).display_name, "9991 NY")
        self._check_unlink(MANAGER, lambda role: self._postal(f"998{ROLES.index(role)}"))

        def import_register(user, role):
            wizard = (
                self.env["kundekartotek.postal.import"]
                .with_user(user)
                .create({"register_file": base64.b64encode(b"9898\tIMPORTBY\t5501\tTROMSO\tG\r\n")})
            )
            wizard.action_import()
            self.assertEqual(self.PostalCode.search([("code", "=", "9898")]).city, "IMPORTBY")

        self._check(MANAGER, import_register)

    # Customer cards -----------------------------------------------------------------------------------------
    def test_cards_are_read_by_every_employee_and_changed_by_the_register(self):
        self._check(
            set(ROLES), lambda user, role: self.assertEqual(self._read(self.customer, user, "name"), "Rolle Test AS")
        )
        self._check(EDITORS, lambda user, role: self.customer.with_user(user).write({"comment": role}))
        self.assertEqual(self.customer.comment, "<p>privacy_officer</p>")
        self._check(EDITORS, lambda user, role: self.env["res.partner"].with_user(user).create({"name": f"Ny {role}"}))
        self._check_unlink(EDITORS, lambda role: self.env["res.partner"].create({"name": f"Slettes {role}"}))

    def test_identity_number_is_masked_except_for_its_group(self):
        for role in ROLES:
            with self.subTest(role=role):
                person = self.person.with_user(self.users[role])
                self.assertEqual(person.fodselsnummer_masked, "151086 *****")
                with self.assertRaises(AccessError):
                    person.read(["fodselsnummer"])
        reader = make_role_user(self.env, "auditor", login="kk_roles_fnr", extra=("kundekartotek.group_personal_id",))
        self.assertEqual(self.person.with_user(reader).read(["fodselsnummer"])[0]["fodselsnummer"], FNR)

    # Audit trail ---------------------------------------------------------------------------------------------
    def test_audit_trail_is_read_by_managers_privacy_officers_and_auditors_and_changed_by_nobody(self):
        def read(user, role):
            entries = self.Log.with_user(user).search([("partner_id", "=", self.customer.id)])
            self.assertIn("create", entries.mapped("action"))
            notification = self.Log.with_user(user).action_verify_chain()
            self.assertEqual(notification["params"]["type"], "success")

        self._check(TRAIL_READERS, read)
        entry = self.Log.search([("partner_id", "=", self.customer.id)], limit=1)
        self._check(set(), lambda user, role: self.Log.with_user(user).create({"action": "write"}))
        self._check(set(), lambda user, role: entry.with_user(user).unlink())
        for role in TRAIL_READERS:
            with self.subTest(role=role), self.assertRaises(UserError):
                entry.with_user(self.users[role]).write({"new_value": "forfalsket"})

    # Wizards ---------------------------------------------------------------------------------------------------
    def test_customer_numbers_are_changed_by_managers_only(self):
        def renumber(user, role):
            wizard = (
                self.env["kundekartotek.renumber"]
                .with_user(user)
                .create({"partner_id": self.person.id, "new_number": f"R-{role}", "reason": "Feil nummer ved import"})
            )
            wizard.action_confirm()
            self.assertEqual(self.person.ref, f"R-{role}")

        self._check(MANAGER, renumber)

    def test_credit_limit_is_overridden_by_managers_only(self):
        self.customer.credit_policy = "block"
        invoice = self.init_invoice("out_invoice", partner=self.customer, amounts=[500.0], taxes=[])
        values = {"res_model": "account.move", "res_id": invoice.id, "reason": "Betaling lovet"}
        Override = self.env["kundekartotek.credit.override"]
        self._check(MANAGER, lambda user, role: Override.with_user(user).create(values))
        # The wizard checks the group again: a record made for someone else gives nobody else the right.
        wizard = Override.create(values)
        clerk = make_role_user(self.env, "user", login="kk_roles_clerk", extra=("account.group_account_invoice",))
        with self.assertRaises(AccessError):
            wizard.with_user(clerk).action_confirm()
        self.assertEqual(invoice.state, "draft")
        manager = make_role_user(self.env, "manager", login="kk_roles_boss", extra=("account.group_account_invoice",))
        Override.with_user(manager).create(values).action_confirm()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.kk_credit_override_user_id, manager)

    def test_brreg_lookup_is_for_the_register_not_for_auditors(self):
        def lookup(user, role):
            register = client(recorded("brreg_unit.json"))
            with patch.object(type(self.env["res.partner"]), "_kk_brreg_client", return_value=register):
                wizard = self.env["kundekartotek.brreg.lookup"].with_user(user).create({"query": "988077917"})
                wizard.action_search()
            self.assertEqual(wizard.line_ids.mapped("orgnr"), ["988077917"])

        self._check(EDITORS, lookup)

    # Receivables ----------------------------------------------------------------------------------------------
    def test_ageing_and_ledger_are_for_accounting_and_auditors(self):
        def ageing(user, role):
            rows = self.env["kundekartotek.ageing.report"].with_user(user).with_context(kk_as_of=AS_OF)
            self.assertAlmostEqual(sum(rows.search([("partner_id", "=", self.customer.id)]).mapped("residual")), 800.0)
            self.env["kundekartotek.ageing.wizard"].with_user(user).create({"as_of": AS_OF}).action_open()

        self._check({"auditor"}, ageing)

        def ledger(user, role):
            values = (
                self.env["report.kundekartotek.report_ledger"]
                .with_user(user)
                ._get_report_values(
                    None, {"date_from": "2026-01-01", "date_to": AS_OF, "partner_ids": self.customer.ids}
                )
            )
            self.assertAlmostEqual(values["ledger"]["customers"][self.customer.id]["closing"], 800.0)

        self._check({"auditor"}, ledger)
        # A register user who also does the invoicing gets both.
        clerk = make_role_user(self.env, "user", login="kk_roles_biller", extra=("account.group_account_invoice",))
        ageing(clerk, "user")
        ledger(clerk, "user")

    def test_auditor_changes_nothing(self):
        auditor = self.users["auditor"]
        for record, values in (
            (self.customer, {"name": "Endret"}),
            (self.invoice, {"ref": "Endret"}),
            (self._category("auditor"), {"name": "Endret"}),
            (self._scheme("auditor"), {"name": "Endret"}),
        ):
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(auditor).write(values)


@tagged("post_install", "-at_install")
class TestRolesMultiCompany(AccountTestInvoicingCommon):
    """A user of company B sees none of company A's register: categories, schemes, ageing, audit trail, ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Selskap B")["company"]
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager")
        cls.auditor_b = make_role_user(cls.env, "auditor", login="kk_mc_auditor_b", company=cls.company_b)
        cls.manager_b = make_role_user(cls.env, "manager", login="kk_mc_manager_b", company=cls.company_b)
        Category = cls.env["kundekartotek.customer.category"]
        cls.category_a = Category.create({"name": "Bare A", "code": "A", "company_id": cls.company_a.id})
        cls.category_b = Category.create({"name": "Bare B", "code": "B", "company_id": cls.company_b.id})
        cls.category_shared = Category.create({"name": "Felles", "code": "F"})
        Scheme = cls.env["kundekartotek.number.scheme"]
        cls.scheme_a = Scheme.create({"name": "A", "company_id": cls.company_a.id, "active": False})
        cls.scheme_b = Scheme.create({"name": "B", "company_id": cls.company_b.id, "active": False})
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create({"name": "Kunde A", "company_id": cls.company_a.id, "customer_rank": 1})
        cls.customer_b = Partner.create({"name": "Kunde B", "company_id": cls.company_b.id, "customer_rank": 1})
        cls.init_invoice(
            "out_invoice", partner=cls.customer_a, invoice_date="2026-01-10", amounts=[300.0], taxes=[], post=True
        )

    def test_categories_and_schemes_of_another_company_are_invisible(self):
        categories = self.env["kundekartotek.customer.category"].with_user(self.auditor_b).search([])
        self.assertIn(self.category_b, categories)
        self.assertIn(self.category_shared, categories)
        self.assertNotIn(self.category_a, categories)
        schemes = self.env["kundekartotek.number.scheme"].with_user(self.auditor_b).with_context(active_test=False)
        self.assertEqual(schemes.search([("id", "in", (self.scheme_a + self.scheme_b).ids)]), self.scheme_b)
        with self.assertRaises(AccessError):
            self.category_a.with_user(self.manager_b).write({"name": "Overtatt"})
        with self.assertRaises(AccessError):
            self.scheme_a.with_user(self.manager_b).read(["pattern"])

    def test_ageing_of_another_company_is_invisible_even_when_asked_for(self):
        Report = self.env["kundekartotek.ageing.report"].with_context(kk_as_of="2026-03-01")
        self.assertTrue(Report.search([("partner_id", "=", self.customer_a.id)]))
        rows = Report.with_user(self.auditor_b).with_context(kk_company_ids=self.company_a.ids).search([])
        self.assertFalse(rows)

    def test_audit_trail_follows_the_customers_company(self):
        entries = self.env["kundekartotek.audit.log"].with_user(self.auditor_b).search([])
        self.assertIn(self.customer_b, entries.partner_id)
        self.assertNotIn(self.customer_a, entries.partner_id)
        self.assertTrue(self.env["kundekartotek.audit.log"].search([("partner_id", "=", self.customer_a.id)]))

    def test_consent_history_and_access_log_follow_the_persons_company(self):
        person_a = self.env["res.partner"].create(
            {"name": "Kari A", "company_id": self.company_a.id, "fodselsnummer": FNR}
        )
        person_b = self.env["res.partner"].create({"name": "Ola B", "company_id": self.company_b.id})
        user_a = make_role_user(
            self.env, "user", login="kk_mc_user_a", company=self.company_a, extra=("kundekartotek.group_personal_id",)
        )
        consents = self.env["kundekartotek.consent"]
        for person in (person_a, person_b):
            consents |= consents.create(
                {"partner_id": person.id, "purpose": "email", "state": "given", "source": "paper", "text_version": "v1"}
            )
        person_a.with_user(user_a).read(["fodselsnummer"])
        log_a = self.env["kundekartotek.access.log"].sudo().search([("subject_id", "=", person_a.id)])
        self.assertTrue(log_a)
        user_b = make_role_user(self.env, "user", login="kk_mc_user_b", company=self.company_b)
        officer_b = make_role_user(self.env, "privacy_officer", login="kk_mc_officer_b", company=self.company_b)
        for user in (user_b, officer_b, self.auditor_b):
            with self.subTest(user=user.login):
                Consent = self.env["kundekartotek.consent"].with_user(user)
                self.assertEqual(Consent.search([("id", "in", consents.ids)]), consents[1])
                with self.assertRaises(AccessError):
                    consents[0].with_user(user).read(["state"])
        for user in (officer_b, self.auditor_b):
            with self.subTest(user=user.login):
                Log = self.env["kundekartotek.access.log"].with_user(user)
                self.assertFalse(Log.search([("subject_id", "=", person_a.id)]))
                with self.assertRaises(AccessError):
                    log_a.with_user(user).read(["kind"])
        # Company A's own privacy officer still reads both.
        officer_a = make_role_user(self.env, "privacy_officer", login="kk_mc_officer_a", company=self.company_a)
        Log = self.env["kundekartotek.access.log"].with_user(officer_a)
        self.assertEqual(Log.search([("subject_id", "=", person_a.id)]), log_a.sudo(False))
        self.assertIn(consents[0], self.env["kundekartotek.consent"].with_user(officer_a).search([]))

    def test_ledger_of_another_company_is_refused(self):
        Ledger = self.env["report.kundekartotek.report_ledger"].with_user(self.auditor_b)
        data = {"date_from": "2026-01-01", "date_to": "2026-03-01", "company_ids": self.company_a.ids}
        with self.assertRaises(AccessError):
            Ledger._get_report_values(None, data)
        values = Ledger._get_report_values(None, {**data, "company_ids": self.company_b.ids})
        self.assertFalse(values["ledger"]["customers"])


@tagged("post_install", "-at_install")
class TestTwoFactorSetting(HttpCase):
    """With the setting on, managers, privacy officers, auditors and readers of fødselsnumre must pass a second
    factor; other roles log in as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "firma@kundekartotek.example"
        cls.users = {
            role: make_role_user(cls.env, role, login=f"kk_2fa_{role}")
            for role in ("user", "manager", "privacy_officer", "auditor")
        }
        cls.users["personal_id"] = make_role_user(
            cls.env, "user", login="kk_2fa_personal_id", extra=("kundekartotek.group_personal_id",)
        )
        for user in cls.users.values():
            user.password = user.login

    def _require_2fa(self, required):
        self.env["res.config.settings"].create({"kk_require_2fa": required}).execute()

    def _mfa_types(self):
        return {role: user._mfa_type() for role, user in self.users.items()}

    def test_setting_off_asks_nobody(self):
        self._require_2fa(False)
        self.assertEqual(self._mfa_types(), dict.fromkeys(self.users))

    def test_setting_on_asks_managers_privacy_officers_auditors_and_readers_of_identity_numbers(self):
        self._require_2fa(True)
        self.assertEqual(
            self._mfa_types(),
            {
                "user": None,
                "manager": "totp_mail",
                "privacy_officer": "totp_mail",
                "auditor": "totp_mail",
                "personal_id": "totp_mail",
            },
        )
        # An authenticator app, once set up, is the second factor instead of the mailed code.
        self.users["manager"].sudo().totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        self.assertEqual(self.users["manager"]._mfa_type(), "totp")

    def _login(self, user):
        self.authenticate(None, None)
        payload = {"login": user.login, "password": user.login, "csrf_token": http.Request.csrf_token(self)}
        response = self.url_open("/web/login", data=payload, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        return response.headers["Location"]

    def test_login_stops_at_the_second_factor(self):
        self._require_2fa(True)
        self.assertIn("/web/login/totp", self._login(self.users["manager"]))
        self.assertIn("/web/login/totp", self._login(self.users["privacy_officer"]))
        self.assertIn("/web/login/totp", self._login(self.users["auditor"]))
        self.assertIn("/web/login/totp", self._login(self.users["personal_id"]))
        self.assertNotIn("/web/login/totp", self._login(self.users["user"]))

    def test_password_rpc_is_refused_to_the_roles_concerned(self):
        self._require_2fa(True)
        db = get_db_name()
        clerk, manager = self.users["user"], self.users["manager"]
        [result] = self.xmlrpc_object.execute_kw(db, clerk.id, clerk.login, "res.users", "read", [clerk.id, ["login"]])
        self.assertEqual(result["login"], clerk.login)
        with (
            self.assertRaisesRegex(Fault, "Access Denied"),
            self.assertLogs("odoo.addons.base.models.res_users"),
            mute_logger("odoo.http"),
        ):
            self.xmlrpc_object.execute_kw(db, manager.id, manager.login, "res.users", "read", [manager.id, ["login"]])
