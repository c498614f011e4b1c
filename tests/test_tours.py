# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The main flows as a person does them in the browser: Odoo tours (static/tests/tours/) in headless Chromium.

Each tour runs as the role that does the work, never as admin, on customers made here (not the demo's), and each
test then checks in the database what the flow was for: the tour only proves that the screens lead there. A new
flow is one more tour file and one more test method with its fixture.
"""

import base64
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from ..models.res_partner_brreg import brreg_queue_suspended
from .brreg_fakes import recorded, routing_client
from .common import make_role_user

SEARCHABLE_ORGNR = "915726607"


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").company_id.country_id = cls.env.ref("base.no")
        cls.norway = cls.env.ref("base.no")
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.clerk = cls._user("user", "kk_tour_clerk", extra=("account.group_account_invoice",))
        cls.manager = cls._user("manager", "kk_tour_manager", extra=("account.group_account_invoice",))
        cls.register_manager = cls._user("manager", "kk_tour_register_manager")
        cls.officer = cls._user("privacy_officer", "kk_tour_officer")
        cls.auditor = cls._user("auditor", "kk_tour_auditor")
        cls.journal = cls.env["account.journal"].search(
            [*cls.env["account.journal"]._check_company_domain(cls.env.company), ("type", "=", "sale")], limit=1
        )

    @classmethod
    def _user(cls, role, login, extra=()):
        user = make_role_user(cls.env, role, login=login, extra=extra)
        user.password = login  # start_tour logs in with the login as password
        return user

    @classmethod
    def _customer(cls, name, **vals):
        with brreg_queue_suspended(cls.env):
            return cls.env["res.partner"].create(
                {"name": name, "country_id": cls.norway.id, "customer_rank": 1, **vals}
            )

    @classmethod
    def _invoice(cls, partner, invoice_date, due, amount, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": cls.journal.id,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_payment_term_id": False,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Tour", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _url(self, action, record):
        return f"/odoo/action-{action}/{record.id}"

    def test_create_customer_from_brreg(self):
        register = routing_client({"enheter/988077917": recorded("brreg_unit.json")})
        with patch.object(type(self.env["res.partner"]), "_kk_brreg_client", return_value=register):
            self.start_tour(
                "/odoo/action-kundekartotek.res_partner_action_customer",
                "kundekartotek_brreg_create_tour",
                login=self.clerk.login,
            )
        partner = self.env["res.partner"].search(
            [("company_registry", "=", "988077917"), ("create_uid", "=", self.clerk.id)]
        )
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.brreg_state, "ok")
        self.assertRegex(partner.ref or "", r"^\d+$", "the tour saw a number on the card: the customer's own")

    def test_find_customer_by_orgnr_with_spaces(self):
        self._customer("Søkbar Tour AS", is_company=True, company_registry=SEARCHABLE_ORGNR)
        self._customer("Annen Tour AS", is_company=True)
        self.start_tour(
            "/odoo/action-kundekartotek.res_partner_action_customer",
            "kundekartotek_orgnr_search_tour",
            login=self.clerk.login,
        )

    def test_manager_overrides_a_blocked_invoice(self):
        customer = self._customer("Kreditt Tour AS", is_company=True, credit_policy="block", credit_limit=1000)
        invoice = self._invoice(customer, self.today, self.today + timedelta(days=14), 5000, post=False)
        self.start_tour(
            self._url("account.action_move_out_invoice_type", invoice),
            "kundekartotek_credit_override_tour",
            login=self.manager.login,
        )
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.kk_credit_override_user_id, self.manager)
        self.assertIn("avtalt med daglig leder", invoice.kk_credit_override_reason)

    def test_ageing_at_month_end_drill_down_and_downloads(self):
        month_end = self.today.replace(day=1) - timedelta(days=1)
        customer = self._customer("Aldring Tour AS", is_company=True)
        invoice = self._invoice(customer, month_end - timedelta(days=40), month_end - timedelta(days=10), 7300)
        Report = type(self.env["ir.actions.report"])
        original = Report._render_qweb_pdf
        rendered = []

        def spy(report, report_ref, res_ids=None, data=None):
            result = original(report, report_ref, res_ids=res_ids, data=data)
            rendered.append((report_ref, data, result[0]))
            return result

        with patch.object(Report, "_render_qweb_pdf", spy):
            self.start_tour(
                "/odoo/action-kundekartotek.res_partner_action_customer",
                "kundekartotek_ageing_tour",
                login=self.clerk.login,
            )
        [(report_ref, data, content)] = [call for call in rendered if "ageing" in str(call[0])]
        self.assertEqual(data["kk_options"]["kk_as_of"], fields.Date.to_string(month_end))
        self.assertIn(b"Aldring Tour AS", content)
        workbook = self.env["ir.attachment"].search(
            [("res_model", "=", "kundekartotek.ageing.wizard"), ("create_uid", "=", self.clerk.id)]
        )
        self.assertEqual(workbook.name, f"aldersfordelt-reskontro-{fields.Date.to_string(month_end)}.xlsx")
        self.authenticate(self.clerk.login, self.clerk.login)
        response = self.url_open(f"/web/content/{workbook.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an xlsx workbook is a zip file")
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_send_statement_and_reminder(self):
        customer = self._customer("Purring Tour AS", is_company=True, email="faktura@purring-tour.example")
        self._invoice(customer, self.today - timedelta(days=45), self.today - timedelta(days=15), 4200)
        self.start_tour(
            self._url("kundekartotek.res_partner_action_customer", customer),
            "kundekartotek_statement_reminder_tour",
            login=self.clerk.login,
        )
        self.env.invalidate_all()
        sent = self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", customer.id)])
        names = [(m.author_id.name, m.message_type, m.subject, m.attachment_ids.mapped("name")) for m in sent]
        self.assertTrue(
            any(name.startswith("Kontoutskrift - Purring Tour AS") for name in sent.attachment_ids.mapped("name")),
            f"the statement went out with its PDF (attachments: {names})",
        )
        reminder = self.env["kundekartotek.reminder"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(reminder), 1)
        self.assertEqual((reminder.user_id, reminder.level, reminder.channel), (self.clerk, 1, "email"))
        self.assertEqual(reminder.amount, 4200)

    def test_record_consent_and_export(self):
        person = self._customer("Samtykke Tourson", email="samtykke@tour.example")
        self.start_tour(
            self._url("kundekartotek.res_partner_action_customer", person),
            "kundekartotek_consent_export_tour",
            login=self.officer.login,
        )
        consent = self.env["kundekartotek.consent"].search([("partner_id", "=", person.id)])
        self.assertEqual((consent.purpose, consent.state, consent.user_id), ("email", "given", self.officer))
        self.assertTrue(person.marketing_consent_email)
        export = self.env["kundekartotek.gdpr.export"].search([("partner_id", "=", person.id)])
        self.assertIn(b"Samtykke Tourson", base64.b64decode(export.json_file))
        self.assertIn("Nyhetsbrev tour", base64.b64decode(export.json_file).decode())

    def test_anonymise_after_retention(self):
        person = self._customer("Glemt Tourson", email="glemt@tour.example", phone="+47 912 34 567")
        old = self.today - relativedelta(years=7)
        invoice = self._invoice(person, old, old + timedelta(days=14), 900)
        bank = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self.env.company), ("type", "=", "bank")], limit=1
        )
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": old + timedelta(days=10), "journal_id": bank.id}
        )._create_payments()
        self.start_tour(
            self._url("kundekartotek.res_partner_action_customer", person),
            "kundekartotek_anonymise_tour",
            login=self.officer.login,
        )
        self.assertTrue(person.kk_anonymised)
        self.assertNotEqual(person.name, "Glemt Tourson")
        self.assertFalse(person.email or person.phone)
        self.assertEqual(invoice.state, "posted", "the bookkeeping stays")

    def test_auditor_verifies_the_audit_trail(self):
        customer = self._customer("Revidert Tour AS", is_company=True)
        customer.write({"value_tier": "a"})
        entry = self.env["kundekartotek.audit.log"].search(
            [("partner_id", "=", customer.id), ("field_name", "=", "value_tier")]
        )
        entry.ensure_one()
        self.start_tour(
            "/odoo/action-kundekartotek.res_partner_action_customer",
            "kundekartotek_audit_verify_tour",
            login=self.auditor.login,
        )
        # Changed behind the module's back, as someone with database access would: the same screen says so.
        self.env.cr.execute(SQL("UPDATE kundekartotek_audit_log SET new_value = 'tampered' WHERE id = %s", entry.id))
        self.start_tour(
            "/odoo/action-kundekartotek.res_partner_action_customer",
            "kundekartotek_audit_tampered_tour",
            login=self.auditor.login,
        )

    def test_manager_merges_two_duplicates(self):
        survivor = self._customer(
            "Fjordtur Tour AS", is_company=True, email="post@fjordtur-tour.example", phone="+47 22 33 44 55"
        )
        source = self._customer(
            "Fjordtur Tour A/S", is_company=True, email="post@fjordtur-tour.example", phone="+47 22 33 44 55"
        )
        invoice = self._invoice(source, self.today, self.today + timedelta(days=14), 1250)
        source_number = source.ref
        Pair = self.env["kundekartotek.duplicate.pair"]
        Pair._kk_scan()
        pair = Pair.search([("partner_a_id", "=", survivor.id), ("partner_b_id", "=", source.id)])
        self.assertEqual(pair.state, "open", "the two are listed as likely duplicates")
        self.start_tour(
            "/odoo/action-kundekartotek.kundekartotek_duplicate_pair_action",
            "kundekartotek_merge_duplicates_tour",
            login=self.register_manager.login,
        )
        self.env.invalidate_all()
        self.assertFalse(source.exists(), "the duplicate is gone")
        self.assertTrue(survivor.exists())
        self.assertEqual(invoice.partner_id, survivor, "its invoice now belongs to the customer that remains")
        self.assertIn(source_number, survivor.kk_former_identifiers or "", "its customer number is still findable")
        self.assertEqual(survivor.ref and survivor.credit, 1250)
        merge = self.env["kundekartotek.audit.log"].search(
            [("action", "=", "merge"), ("res_id", "=", source.id), ("partner_id", "=", survivor.id)]
        )
        self.assertEqual(merge.user_id, self.register_manager, "the manager's merge is in the audit trail")
        self.assertFalse(Pair.search([("id", "=", pair.id), ("state", "=", "open")]), "no open pair is left")
