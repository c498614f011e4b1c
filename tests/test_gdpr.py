# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import json
from datetime import timedelta

from markupsafe import Markup

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_role_user

FNR = "15108695088"


@tagged("post_install", "-at_install")
class TestGdpr(AccountTestInvoicingCommon):
    """Legal basis, consent history and the right of access export of one person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(cls.env, "user", login="kk_gdpr_clerk")
        cls.officer = make_role_user(cls.env, "privacy_officer", login="kk_gdpr_officer")
        cls.manager = make_role_user(cls.env, "manager", login="kk_gdpr_manager")
        cls.person = cls.env["res.partner"].create(
            {"name": "Kari Innsyn", "email": "kari@innsyn.example", "fodselsnummer": FNR, "city": "Bodø"}
        )
        cls.company_customer = cls.env["res.partner"].create({"name": "Innsyn Bedrift AS", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Kontakt Person", "parent_id": cls.company_customer.id, "email": "kontakt@innsyn.example"}
        )
        cls.now = fields.Datetime.now()

    def _consent(self, partner, state, purpose="email", days_ago=0, user=None):
        return (
            self.env["kundekartotek.consent"]
            .with_user(user or self.clerk)
            .create(
                {
                    "partner_id": partner.id,
                    "purpose": purpose,
                    "state": state,
                    "source": "web_form",
                    "text_version": "Nyhetsbrev 2026-01",
                    "date": self.now - timedelta(days=days_ago),
                }
            )
        )

    # Legal basis

    def test_legal_basis_is_proposed_and_changes_are_tracked(self):
        self.assertEqual(self.person.legal_basis, "contract")
        self.assertEqual(self.contact.legal_basis, "legitimate_interest")
        # The basis is a recorded decision: a contact leaving its company keeps it until a person changes it.
        leaving = self.env["res.partner"].create({"name": "Sluttet", "parent_id": self.contact.parent_id.id})
        leaving.parent_id = False
        self.assertEqual(leaving.legal_basis, "legitimate_interest")
        given = self.env["res.partner"].create({"name": "Samtykket", "legal_basis": "consent"})
        self.assertEqual(given.legal_basis, "consent")
        # What the fixtures left for the commit (creation, untracked) goes first, as a commit would.
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.person.with_user(self.clerk).with_context(tracking_disable=False, mail_notrack=False)
        tracked.write({"legal_basis": "consent"})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values and audit entries are written before the commit
        self.assertEqual(self.person.legal_basis, "consent")
        tracking = (
            self.env["mail.tracking.value"]
            .sudo()
            .search([("mail_message_id.res_id", "=", self.person.id), ("field_id.name", "=", "legal_basis")])
        )
        self.assertEqual(len(tracking), 1)
        audit = (
            self.env["kundekartotek.audit.log"]
            .sudo()
            .search([("res_id", "=", self.person.id), ("field_name", "=", "legal_basis"), ("action", "=", "write")])
        )
        self.assertEqual((audit.old_value, audit.new_value), ("Contract", "Consent"))

    # Consent

    def test_current_consent_is_the_latest_event_and_searchable(self):
        self._consent(self.person, "given", days_ago=10)
        self.assertTrue(self.person.marketing_consent_email)
        self.assertTrue(self.person.marketing_consent)
        self._consent(self.person, "withdrawn", days_ago=2)
        self.assertFalse(self.person.marketing_consent_email)
        self.assertFalse(self.person.marketing_consent)
        # A paper form signed before the withdrawal, registered afterwards, does not revive the consent.
        self._consent(self.person, "given", days_ago=5)
        self.assertFalse(self.person.marketing_consent_email)
        self._consent(self.person, "given", purpose="sms")
        self.assertTrue(self.person.marketing_consent_sms)
        self.assertTrue(self.person.marketing_consent)
        self.assertEqual(len(self.person.consent_ids), 4)
        Partner = self.env["res.partner"]
        self.assertIn(self.person, Partner.search([("marketing_consent_sms", "=", True)]))
        self.assertNotIn(self.person, Partner.search([("marketing_consent_email", "=", True)]))

    def test_consent_events_are_permanent_and_signed_by_their_recorder(self):
        consent = self._consent(self.person, "given")
        self.assertEqual(consent.user_id, self.clerk)
        forged = (
            self.env["kundekartotek.consent"]
            .with_user(self.clerk)
            .create(
                {
                    "partner_id": self.person.id,
                    "purpose": "sms",
                    "state": "withdrawn",
                    "source": "phone",
                    "user_id": self.manager.id,
                }
            )
        )
        self.assertEqual(forged.user_id, self.clerk)
        for record in (consent.with_user(self.clerk), consent.sudo()):
            with self.assertRaises(UserError):
                record.write({"state": "withdrawn"})
            with self.assertRaises(UserError):
                record.unlink()

    def test_consent_needs_its_text_and_a_date_not_in_the_future(self):
        with self.assertRaises(ValidationError):
            self.env["kundekartotek.consent"].sudo().create(
                {"partner_id": self.person.id, "purpose": "email", "state": "given", "source": "paper"}
            )
        with self.assertRaises(ValidationError):
            self._consent(self.person, "given", days_ago=-3)

    def test_wizard_records_given_and_withdrawn(self):
        action = self.person.with_user(self.clerk).with_context(kk_consent_state="withdrawn").action_kk_record_consent()
        self._consent(self.person, "given", days_ago=1)
        wizard_form = Form(self.env[action["res_model"]].with_user(self.clerk).with_context(**action["context"]))
        wizard_form.source = "email"
        wizard_form.save().action_confirm()
        latest = self.person.sudo().consent_ids[0]
        self.assertEqual((latest.state, latest.source, latest.user_id), ("withdrawn", "email", self.clerk))
        self.assertFalse(self.person.marketing_consent_email)

    # Right of access

    def _person_with_history(self):
        self.person.message_post(body=Markup("<p>Kunden ringte om faktura.</p>"))
        self.person.write({"city": "Tromsø"})
        self._consent(self.person, "given", days_ago=1)
        invoice = self.init_invoice("out_invoice", partner=self.person, amounts=[1000], taxes=[], post=True)
        refund = self.init_invoice("out_refund", partner=self.person, amounts=[200], taxes=[], post=True)
        contact = self.env["res.partner"].create(
            {"name": "Kari Faktura", "parent_id": self.person.id, "type": "invoice"}
        )
        return invoice, refund, contact

    def test_export_holds_every_kind_of_personal_data(self):
        invoice, refund, contact = self._person_with_history()
        data = self.env["kundekartotek.gdpr.export"].with_user(self.officer).export_partner_data(self.person.id)
        json.dumps(data)  # portable as it is
        self.assertEqual(data["person"]["fodselsnummer"], FNR)
        self.assertEqual(data["person"]["city"], "Tromsø")
        self.assertEqual(data["person"]["legal_basis"], "Contract")
        self.assertTrue(data["person"]["marketing_consent_email"])
        self.assertEqual([c["name"] for c in data["contacts"]], [contact.name])
        self.assertEqual(
            {(i["number"], i["amount"]) for i in data["invoices"]}, {(invoice.name, 1000.0), (refund.name, 200.0)}
        )
        self.assertIn("Kunden ringte om faktura.", [m["body"] for m in data["messages"]])
        self.assertEqual([(c["purpose"], c["state"]) for c in data["consents"]], [("Marketing by e-mail", "Given")])
        self.assertIn(("City", "Bodø", "Tromsø"), [(c["field"], c["old"], c["new"]) for c in data["changes"]])
        # The export itself is in the access log, and in the export.
        log = self.env["kundekartotek.access.log"].sudo().search([("subject_id", "=", self.person.id)])
        self.assertEqual((log.kind, log.user_id), ("access_request", self.officer))
        self.assertEqual([a["kind"] for a in data["accesses"]], ["Right of access export"])
        # Another customer's data is not in it.
        self.assertNotIn(self.contact.name, json.dumps(data))

    def test_wizard_gives_json_and_pdf(self):
        self._person_with_history()
        Export = self.env["kundekartotek.gdpr.export"].with_user(self.officer).with_context(force_report_rendering=True)
        wizard = Export.create({"partner_id": self.person.id})
        wizard.action_export()
        self.assertTrue(wizard.pdf_file)
        pdf = base64.b64decode(wizard.pdf_file)
        self.assertTrue(pdf.startswith(b"%PDF"))
        data = json.loads(base64.b64decode(wizard.json_file))
        self.assertEqual(data["person"]["name"], "Kari Innsyn")
        self.assertTrue(wizard.json_filename.endswith(".json"))
        self.assertEqual(
            self.env["kundekartotek.access.log"].sudo().search_count([("subject_id", "=", self.person.id)]), 1
        )

    def test_pdf_shows_the_same_content(self):
        self._person_with_history()
        wizard = self.env["kundekartotek.gdpr.export"].with_user(self.officer).create({"partner_id": self.person.id})
        html = (
            self.env["ir.actions.report"]
            .with_user(self.officer)
            ._render_qweb_html("kundekartotek.action_report_gdpr_export", wizard.ids)[0]
            .decode()
        )
        for text in ("Kari Innsyn", FNR, "Kunden ringte om faktura.", "Nyhetsbrev 2026-01", "Tromsø"):
            self.assertIn(text, html)

    def test_only_privacy_officers_export(self):
        Export = self.env["kundekartotek.gdpr.export"]
        for user in (self.clerk, self.manager):
            with self.assertRaises(AccessError):
                Export.with_user(user).export_partner_data(self.person.id)
            with self.assertRaises(AccessError):
                Export.with_user(user).create({"partner_id": self.person.id})
        wizard = Export.with_user(self.officer).create({"partner_id": self.person.id})
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.manager)._render_qweb_html(
                "kundekartotek.action_report_gdpr_export", wizard.ids
            )
        self.assertFalse(self.env["kundekartotek.access.log"].sudo().search([("subject_id", "=", self.person.id)]))

    def test_bad_input_gives_a_clear_error(self):
        Export = self.env["kundekartotek.gdpr.export"].with_user(self.officer)
        missing = self.env["res.partner"].search([], order="id desc", limit=1).id + 1000
        with self.assertRaisesRegex(UserError, "no customer with id"):
            Export.export_partner_data(missing)
        with self.assertRaisesRegex(UserError, "a number"):
            Export.export_partner_data("Kari")
        with self.assertRaisesRegex(UserError, "no customer with id"):
            Export.create({"partner_id": missing})

    def test_deleting_a_person_takes_the_consents_and_keeps_the_access_log(self):
        person = self.env["res.partner"].sudo().create({"name": "Slett Meg", "fodselsnummer": FNR})
        self._consent(person, "given")
        self.env["kundekartotek.gdpr.export"].with_user(self.officer).export_partner_data(person.id)
        person_id = person.id
        person.unlink()
        self.assertFalse(self.env["kundekartotek.consent"].sudo().search([("partner_id", "=", person_id)]))
        log = self.env["kundekartotek.access.log"].sudo().search([("subject_id", "=", person_id)])
        self.assertEqual((log.kind, log.partner_id.id), ("access_request", False))
