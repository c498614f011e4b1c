# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_role_user

TODAY = "2026-03-01"


@tagged("post_install", "-at_install")
class TestAnonymise(AccountTestInvoicingCommon):
    """Restriction and erasure keep every bookkeeping record; the personal data around them goes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = make_role_user(cls.env, "privacy_officer", login="kk_erase_officer")
        cls.clerk = make_role_user(cls.env, "user", login="kk_erase_clerk")
        cls.Log = cls.env["kundekartotek.audit.log"].sudo()
        # A private customer of 2019, settled in January 2020: retained until the end of 2025.
        cls.kari = cls.env["res.partner"].create(
            {
                "name": "Kari Nordmann",
                "email": "kari@nordmann.example",
                "phone": "+47 912 34 567",
                "street": "Storgata 1",
                "zip": "0155",
                "city": "Oslo",
                "comment": "<p>Ringer helst etter kl. 16</p>",
                "fodselsnummer": "15108695088",
            }
        )
        cls.bank_used = cls.env["res.partner.bank"].create(
            {"partner_id": cls.kari.id, "acc_number": "15032080119", "acc_holder_name": "Kari Nordmann"}
        )
        cls.bank_unused = cls.env["res.partner.bank"].create(
            {"partner_id": cls.kari.id, "acc_number": "86011117947", "acc_holder_name": "Kari Nordmann"}
        )
        cls.invoice = cls._invoice(cls.kari, 1000, "2019-03-10")
        refund = cls.init_invoice("out_refund", partner=cls.kari, invoice_date="2019-04-01", amounts=[200], taxes=[])
        refund.partner_bank_id = cls.bank_used
        refund.action_post()
        (cls.invoice + refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        cls._pay(cls.invoice, 800, "2020-01-15")
        cls.invoice.message_post(body="Faktura sendt til kunden")
        cls.invoice_pdf = cls.env["ir.attachment"].create(
            {
                "name": "faktura.pdf",
                "res_model": "account.move",
                "res_id": cls.invoice.id,
                "raw": cls.env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", cls.invoice.ids)[0],
            }
        )
        # A business customer with a contact person and an unpaid invoice of 2018.
        cls.debtor = cls.env["res.partner"].create({"name": "Skyldner AS", "is_company": True})
        cls.debtor_contact = cls.env["res.partner"].create(
            {"name": "Per Skyldner", "parent_id": cls.debtor.id, "email": "per@skyldner.example"}
        )
        cls._invoice(cls.debtor, 500, "2018-05-01")

    @classmethod
    def _invoice(cls, partner, amount, invoice_date):
        return cls.init_invoice(
            "out_invoice", partner=partner, invoice_date=invoice_date, amounts=[amount], taxes=[], post=True
        )

    @classmethod
    def _pay(cls, invoice, amount, payment_date):
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": payment_date}
        )._create_payments()

    def _ledger(self):
        """General-ledger balance per account, and every journal item with its amounts."""
        self.env.flush_all()
        Line = self.env["account.move.line"].sudo()
        balances = {
            account.id: round(balance, 2) for account, balance in Line._read_group([], ["account_id"], ["balance:sum"])
        }
        lines = {
            line.id: (line.move_id.id, line.account_id.id, line.balance, line.amount_currency)
            for line in Line.search([])
        }
        return balances, lines

    def _wizard(self, partner, user=None):
        Wizard = self.env["kundekartotek.anonymise"].with_user(user or self.officer)
        return Wizard.with_context(active_model="res.partner", active_id=partner.id).create({})

    # Retention --------------------------------------------------------------------------------------------------
    def test_retention_runs_five_years_after_the_fiscal_year_of_the_latest_document(self):
        # The invoice is of 2019, but the payment of January 2020 is a bookkeeping document too.
        self.assertEqual(self.kari.kk_retention_until, date(2025, 12, 31))
        self.assertEqual(self.debtor_contact.kk_retention_until, date(2023, 12, 31))
        wizard = self._wizard(self.kari)
        self.assertEqual(wizard.earliest_date, date(2026, 1, 1))

    def test_retention_with_a_fiscal_year_ending_in_june_and_in_february(self):
        company = self.env.company
        company.write({"fiscalyear_last_month": "6", "fiscalyear_last_day": 30})
        self.kari.invalidate_recordset(["kk_retention_until"])
        self.assertEqual(self.kari.kk_retention_until, date(2025, 6, 30))  # 2020-01-15 lies in the year to 30.06.2020
        company.write({"fiscalyear_last_month": "2", "fiscalyear_last_day": 28})
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._kk_retention_end(company, date(2019, 5, 1)), date(2025, 2, 28))
        # The year to February 2019 ends on the 28th; five years on, February has a 29th.
        self.assertEqual(Partner._kk_retention_end(company, date(2018, 5, 1)), date(2024, 2, 29))

    def test_retention_ends_on_its_last_day_and_erasure_opens_the_day_after(self):
        # Kari's retention runs until 2025-12-31 (payment of January 2020).
        for day, allowed in (("2025-12-30", False), ("2025-12-31", False), ("2026-01-01", True)):
            with self.subTest(day=day), freeze_time(day):
                refusals = self.kari._kk_erasure_refusals()
                self.assertEqual(self.kari.id not in refusals, allowed)
                if not allowed:
                    self.assertIn("2025-12-31", " ".join(refusals[self.kari.id]))

    def test_retention_end_follows_the_fiscal_year_of_the_document(self):
        end = self.env["res.partner"]._kk_retention_end
        company = self.env.company  # calendar fiscal year
        self.assertEqual(end(company, date(2019, 1, 1)), date(2024, 12, 31))
        self.assertEqual(end(company, date(2019, 12, 31)), date(2024, 12, 31))
        self.assertEqual(end(company, date(2020, 1, 1)), date(2025, 12, 31))

    # Refusals and restriction -----------------------------------------------------------------------------------
    def test_refused_within_retention_and_restriction_offered_instead(self):
        with freeze_time("2025-06-01"):
            wizard = self._wizard(self.kari)
            self.assertFalse(wizard.allowed)
            self.assertIn("2025-12-31", wizard.refusal)
            with self.assertRaises(UserError):
                wizard.action_anonymise()
            wizard.action_restrict()
        self.assertTrue(self.kari.kk_restricted)
        self.assertEqual(self.kari.name, "Kari Nordmann")

    @freeze_time(TODAY)
    def test_refused_with_an_open_balance(self):
        wizard = self._wizard(self.debtor)
        self.assertFalse(wizard.allowed)
        self.assertAlmostEqual(wizard.open_balance, 500)
        self.assertIn("open items", wizard.refusal)
        with self.assertRaises(UserError):
            self.debtor._kk_anonymise()
        self.assertEqual(self.debtor_contact.email, "per@skyldner.example")

    def test_refused_for_a_user_or_a_company(self):
        refusals = (self.officer.partner_id + self.env.company.partner_id)._kk_erasure_refusals()
        self.assertIn("linked to a user", refusals[self.officer.partner_id.id][0])
        self.assertIn("company", " ".join(refusals[self.env.company.partner_id.id]))

    def test_restriction_hides_marks_and_stops_marketing(self):
        self.debtor_contact.with_user(self.officer).action_kk_restrict()
        self.assertTrue(self.debtor.kk_restricted)
        self.assertTrue(self.debtor.kk_restricted_date)
        self.assertTrue(self.debtor_contact.is_blacklisted)
        # The "not restricted" filter leaves out the customer and its contacts. The customer list does not apply it
        # by default: the accountant still follows up what a restricted customer owes (docs/privacy.md).
        action = self.env.ref("kundekartotek.res_partner_action_customer")
        self.assertNotIn("search_default_kk_not_restricted", safe_eval(action.context))
        arch = etree.fromstring(self.env["res.partner"].get_view(view_type="search")["arch"])
        domain = safe_eval(arch.xpath("//filter[@name='kk_not_restricted']")[0].get("domain"))
        shown = self.env["res.partner"].search(
            domain + [("id", "in", (self.debtor | self.debtor_contact | self.kari).ids)]
        )
        self.assertEqual(shown, self.kari)
        entry = self.Log.search([("res_id", "=", self.debtor.id), ("field_name", "=", "kk_restricted")])
        self.assertEqual((entry.user_id, entry.new_value), (self.officer, "True"))
        # Lifting keeps the address on the blacklist: marketing needs the customer's consent again.
        self.debtor.with_user(self.officer).action_kk_lift_restriction()
        self.assertFalse(self.debtor.kk_restricted)
        self.assertTrue(self.debtor_contact.is_blacklisted)

    def test_only_a_privacy_officer_restricts_or_anonymises(self):
        with self.assertRaises(AccessError):
            self._wizard(self.kari, user=self.clerk)
        with self.assertRaises(AccessError):
            self.kari.with_user(self.clerk).action_kk_restrict()
        with self.assertRaises(AccessError):
            self.kari.with_user(self.clerk).write({"kk_restricted": True})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.clerk).create({"name": "Sneaky", "kk_anonymised": True})
        self.assertFalse(self.kari.kk_restricted)

    def test_restriction_records_the_privacy_officer_and_nobody_else(self):
        self.kari.with_user(self.officer).action_kk_restrict()
        self.assertEqual(self.kari.kk_restricted_by_id, self.officer)
        # Who restricted is never the caller's value, not even a privacy officer's.
        self.kari.with_user(self.officer).write({"kk_restricted_by_id": self.clerk.id})
        self.assertEqual(self.kari.kk_restricted_by_id, self.officer)
        with self.assertRaises(AccessError):
            self.kari.with_user(self.clerk).write({"kk_restricted_by_id": self.clerk.id})
        # sudo() lifts access rights, not the role: a plain user cannot restrict through it.
        with self.assertRaises(AccessError):
            self.debtor.with_user(self.clerk).sudo().write({"kk_restricted": True})
        self.assertFalse(self.debtor.kk_restricted)
        self.kari.with_user(self.officer).action_kk_lift_restriction()
        self.assertFalse(self.kari.kk_restricted_by_id)

    # Anonymisation ----------------------------------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_sub_company_is_not_erased_with_the_company_above_it(self):
        Partner = self.env["res.partner"]
        parent = Partner.create({"name": "Konsern AS", "is_company": True, "email": "post@konsern.example"})
        contact = Partner.create({"name": "Lise Konsern", "parent_id": parent.id, "email": "lise@konsern.example"})
        sub = Partner.create(
            {"name": "Datter AS", "is_company": True, "parent_id": parent.id, "email": "post@datter.example"}
        )
        sub_contact = Partner.create({"name": "Per Datter", "parent_id": sub.id, "email": "per@datter.example"})
        self._invoice(sub, 400, TODAY)  # the sub-company's own invoice, posted today
        wizard = self._wizard(parent)
        self.assertTrue(wizard.allowed, wizard.refusal)
        self.assertEqual(wizard.sub_company_ids, sub)
        wizard.action_anonymise()
        self.assertTrue(parent.kk_anonymised and contact.kk_anonymised)
        self.assertEqual(contact.name, f"Anonymised contact {contact.id}")
        for partner, name, email in (
            (sub, "Datter AS", "post@datter.example"),
            (sub_contact, "Per Datter", "per@datter.example"),
        ):
            self.assertEqual((partner.name, partner.email, partner.active), (name, email, True))
            self.assertFalse(partner.kk_anonymised)
        # The sub-company is a request of its own, judged on its own documents.
        wizard = self._wizard(sub)
        self.assertFalse(wizard.allowed)
        self.assertIn("2031-12-31", wizard.refusal)
        with self.assertRaises(UserError):
            sub._kk_anonymise()
        self.assertEqual(sub.name, "Datter AS")

    @freeze_time(TODAY)
    def test_contact_person_is_erased_alone(self):
        colleague = self.env["res.partner"].create(
            {"name": "Eva Skyldner", "parent_id": self.debtor.id, "email": "eva@skyldner.example"}
        )
        wizard = self._wizard(self.debtor_contact)
        self.assertEqual(wizard.partner_id, self.debtor_contact)
        self.assertTrue(wizard.is_contact)
        # The company's open invoice names the company, not the person: the person's data may go.
        self.assertTrue(wizard.allowed, wizard.refusal)
        wizard.action_anonymise()
        contact = self.debtor_contact
        self.assertEqual(contact.name, f"Anonymised contact {contact.id}")
        self.assertTrue(contact.kk_anonymised and not contact.active)
        self.assertFalse(contact.email)
        self.assertEqual(
            (self.debtor.name, self.debtor.active, self.debtor.kk_anonymised), ("Skyldner AS", True, False)
        )
        self.assertEqual(colleague.email, "eva@skyldner.example")
        entries = self.Log.search([("action", "=", "anonymise"), ("res_id", "in", (self.debtor | colleague).ids)])
        self.assertFalse(entries)

    @freeze_time(TODAY)
    def test_contact_person_is_judged_on_the_documents_addressed_to_them(self):
        Partner = self.env["res.partner"]
        buyer_company = Partner.create({"name": "Kjøper AS", "is_company": True})
        buyer = Partner.create({"name": "Siri Kjøper", "parent_id": buyer_company.id})
        colleague = Partner.create({"name": "Tor Kjøper", "parent_id": buyer_company.id})
        debtor = Partner.create({"name": "Gry Kjøper", "parent_id": buyer_company.id})
        self._pay(self._invoice(buyer, 250, "2025-02-01"), 250, "2025-02-10")  # addressed to the person
        self._invoice(debtor, 100, "2018-01-10")  # out of retention, but unpaid
        wizard = self._wizard(buyer)
        self.assertFalse(wizard.allowed)
        self.assertEqual(wizard.retention_until, date(2030, 12, 31))
        wizard = self._wizard(debtor)
        self.assertFalse(wizard.allowed)
        self.assertIn("open items", wizard.refusal)
        self.assertTrue(self._wizard(colleague).allowed)
        with freeze_time("2031-01-01"):
            self.assertTrue(self._wizard(buyer).allowed)

    @freeze_time(TODAY)
    def test_anonymisation_erases_personal_data_and_keeps_the_bookkeeping(self):
        contact = self.env["res.partner"].create(
            {"name": "Ola Nordmann", "parent_id": self.kari.id, "email": "ola@nordmann.example", "mobile": "99999999"}
        )
        self.kari.message_post(body="Kunden ringte om adresseendring")
        note = self.env["ir.attachment"].create(
            {"name": "notat.txt", "raw": b"x", "res_model": "res.partner", "res_id": self.kari.id}
        )
        self.kari.message_subscribe(partner_ids=self.clerk.partner_id.ids)
        self.env["mail.blacklist"]._add("kari@nordmann.example")
        self.env["kundekartotek.consent"].with_user(self.clerk).create(
            {"partner_id": self.kari.id, "purpose": "email", "state": "given", "source": "paper", "text_version": "v1"}
        )
        self.assertTrue(self.kari.marketing_consent_email)
        moves = self.env["account.move"].search([("partner_id", "=", self.kari.id)])
        move_messages = moves.message_ids
        balances, lines = self._ledger()
        number = self.kari.ref

        wizard = self._wizard(self.kari)
        self.assertTrue(wizard.allowed, wizard.refusal)
        wizard.action_anonymise()
        self.assertFalse(self.env["kundekartotek.consent"].sudo().search([("partner_id", "=", self.kari.id)]))
        self.assertFalse(self.kari.marketing_consent_email)

        partner = self.kari.with_context(active_test=False)
        self.assertEqual(partner.name, f"Anonymised customer {partner.id}")
        for name in ("email", "phone", "street", "zip", "city", "comment", "vat"):
            self.assertFalse(partner[name], name)
        self.assertFalse(partner.sudo().fodselsnummer)
        self.assertEqual(partner.ref, number, "the customer number links the kept entries")
        self.assertTrue(partner.kk_anonymised and not partner.active)
        self.assertEqual(contact.name, f"Anonymised contact {contact.id}")
        self.assertFalse(contact.email or contact.mobile)
        # Around the partner: chatter (but the note saying it was erased), followers, attachments, unused banks.
        self.assertEqual(len(partner.message_ids), 1)
        self.assertNotIn("Nordmann", partner.message_ids.body)
        self.assertFalse(partner.message_follower_ids)
        self.assertFalse(note.exists())
        self.assertFalse(self.bank_unused.with_context(active_test=False).exists())
        self.assertTrue(self.bank_used.exists())
        self.assertFalse(self.bank_used.acc_holder_name)
        self.assertFalse(
            self.env["mail.blacklist"].with_context(active_test=False).search([("email", "=", "kari@nordmann.example")])
        )
        # Bookkeeping: same entries, lines and amounts, same balances, the invoice's PDF and messages kept.
        self.assertEqual(self._ledger(), (balances, lines))
        self.assertEqual(moves.exists(), moves)
        self.assertTrue(all(state == "posted" for state in moves.mapped("state")))
        self.assertTrue(self.invoice_pdf.exists())
        self.assertEqual(moves.message_ids & move_messages, move_messages)
        # The trail records the event and the cleared fields, never the erased values.
        entries = self.Log.search([("res_id", "in", (partner | contact).ids), ("action", "=", "anonymise")])
        self.assertEqual(len(entries), 2)
        self.assertIn("email", entries.filtered(lambda e: e.res_id == partner.id).new_value)
        self.assertFalse(any("Nordmann" in (e.new_value or "") + (e.record_name or "") for e in entries))
        since = self.Log.search([("id", ">", min(entries.ids) - 1)])
        self.assertFalse(any("nordmann.example" in (e.old_value or "") for e in since))
        self.assertEqual(self.Log.action_verify_chain()["params"]["type"], "success")
        with self.assertRaises(UserError):
            partner._kk_anonymise()

    def test_merging_customers_keeps_the_ledger(self):
        self.env.user.groups_id |= self.env.ref("kundekartotek.group_manager")  # only managers merge
        first = self.env["res.partner"].create({"name": "Dobbel AS", "is_company": True, "email": "a@dobbel.example"})
        second = self.env["res.partner"].create({"name": "Dobbel A/S", "is_company": True, "email": "b@dobbel.example"})
        invoices = self._invoice(first, 300, "2025-02-01") + self._invoice(second, 700, "2025-03-01")
        self._pay(invoices[0], 300, "2025-02-20")
        for invoice in invoices:
            invoice.message_post(body="Purring sendt")
        messages = invoices.message_ids
        balances, lines = self._ledger()
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [Command.set((first | second).ids)], "dst_partner_id": first.id}
        )
        wizard.action_merge()
        self.assertFalse(second.exists())
        self.assertEqual(self._ledger(), (balances, lines))
        self.assertEqual(invoices.exists(), invoices)
        self.assertEqual(invoices.mapped("partner_id"), first)
        self.assertEqual(invoices.message_ids & messages, messages)
        self.assertAlmostEqual(first.credit, 700)
        # The trail says where the deleted customer went, on the card of the one that remains.
        merged = self.Log.search([("action", "=", "merge"), ("partner_id", "=", first.id)])
        self.assertEqual(sorted(merged.mapped("res_id")), sorted([first.id, second.id]))
        self.assertIn(f"(#{second.id})", merged.filtered(lambda e: e.res_id == first.id).old_value)
        self.assertIn(f"(#{first.id})", merged.filtered(lambda e: e.res_id == second.id).new_value)
        self.assertEqual(self.Log.action_verify_chain()["params"]["type"], "success")

    # Cron -------------------------------------------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_cron_anonymises_only_customers_a_privacy_officer_restricted(self):
        def customer(name, **vals):
            partner = self.env["res.partner"].create({"name": name, "email": f"{name.lower()}@x.example"})
            invoice = self._invoice(partner, 100, "2018-06-01")
            if vals.pop("paid", True):
                self._pay(invoice, 100, "2018-06-10")
            partner.write(vals)
            return partner

        active = customer("Aktiv")
        # Archiving is any user's act, not a decision to erase.
        archived = customer("Arkivert")
        archived.with_user(self.clerk).action_archive()
        restricted = customer("Sperret")
        restricted.with_user(self.officer).action_kk_restrict()
        self.assertEqual(restricted.kk_restricted_by_id, self.officer)
        # A restriction nobody answers for (written past the ORM, or before who restricted was kept) is no decision.
        legacy = customer("Gammel")
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET kk_restricted = TRUE WHERE id = %s", legacy.id))
        legacy.invalidate_recordset(["kk_restricted"])
        unpaid = customer("Ubetalt", paid=False)
        unpaid.with_user(self.officer).action_kk_restrict()
        Partner = self.env["res.partner"].with_context(active_test=False)
        Partner._cron_kk_anonymise_expired()
        everyone = active | archived | restricted | unpaid | legacy
        self.assertFalse(everyone.filtered("kk_anonymised"), "setting off")

        settings = self.env["res.config.settings"].create({"kk_auto_anonymise": True})
        settings.execute()
        self.assertTrue(self.env.ref("kundekartotek.ir_cron_kk_anonymise").active)
        Partner._cron_kk_anonymise_expired()
        self.assertEqual(everyone.filtered("kk_anonymised"), restricted)
        self.assertEqual(active.name, "Aktiv")
        self.assertEqual(archived.with_context(active_test=False).email, "arkivert@x.example")
        self.assertFalse(restricted.email)

    def test_cron_examines_a_refused_customer_again_only_when_it_may_be_erased(self):
        """A run's later calls and the nights before the retention ends skip a refused customer; the day after
        its retention ends (not the day itself) it is erased."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        examined = []
        refusals = type(Partner)._kk_erasure_refusals

        def spy(partners, facts=None):
            examined.extend(partners.ids)
            return refusals(partners, facts=facts)

        with freeze_time("2025-12-31"):
            self.env["res.config.settings"].create({"kk_auto_anonymise": True}).execute()
            # Its latest document is of 2020: retained until 31 December 2025.
            kept = self.env["res.partner"].create({"name": "Beholdt", "email": "beholdt@x.example"})
            self._pay(self._invoice(kept, 100, "2020-06-01"), 100, "2020-06-10")
            owing = self.env["res.partner"].create({"name": "Skylder", "email": "skylder@x.example"})
            self._invoice(owing, 100, "2018-06-01")
            later = self.env["res.partner"].create({"name": "Senere", "email": "senere@x.example"})
            self._pay(self._invoice(later, 100, "2022-06-01"), 100, "2022-06-10")
            (kept | owing | later).with_user(self.officer).action_kk_restrict()
            with patch.object(type(Partner), "_kk_erasure_refusals", autospec=True, side_effect=spy):
                Partner._cron_kk_anonymise_expired()
                self.assertEqual(set(examined), {kept.id, owing.id, later.id})
                self.assertEqual(str(later.kk_erasure_next_check), "2028-01-01")
                self.assertFalse((kept | owing).filtered("kk_anonymised"))
                self.assertEqual(str(kept.kk_erasure_next_check), "2026-01-01", "the day after the retention")
                self.assertEqual(str(owing.kk_erasure_next_check), "2026-01-01", "open items: look again tomorrow")
                examined.clear()
                Partner._cron_kk_anonymise_expired()
                self.assertEqual(examined, [], "nobody is examined twice on one day")
        with freeze_time("2026-01-01"):
            Partner._cron_kk_anonymise_expired()
            self.assertTrue(kept.kk_anonymised)
            self.assertFalse(owing.kk_anonymised)
            self.assertEqual(str(owing.kk_erasure_next_check), "2026-01-02")
            # A new decision is examined at the next run, whatever the last one found.
            owing.with_user(self.officer).action_kk_lift_restriction()
            owing.with_user(self.officer).action_kk_restrict()
            self.assertFalse(owing.kk_erasure_next_check)
            with self.assertRaises(AccessError):
                owing.with_user(self.clerk).write({"kk_erasure_next_check": "2099-01-01"})

    @freeze_time(TODAY)
    def test_cron_takes_a_batch_per_call_and_reports_what_is_left(self):
        self.env["res.config.settings"].create({"kk_auto_anonymise": True}).execute()
        customers = self.env["res.partner"]
        for name in ("En", "To", "Tre"):
            customer = self.env["res.partner"].create({"name": name, "email": f"{name.lower()}@x.example"})
            self._pay(self._invoice(customer, 100, "2018-06-01"), 100, "2018-06-10")
            customers |= customer
        customers.with_user(self.officer).action_kk_restrict()
        Partner = self.env["res.partner"].with_context(active_test=False)
        progress = []
        with patch.object(type(self.env["ir.cron"]), "_notify_progress", autospec=True) as notify:
            notify.side_effect = lambda cron, done, remaining, deactivate=False: progress.append((done, remaining))
            Partner._cron_kk_anonymise_expired(batch_size=2)
            self.assertEqual(len(customers.filtered("kk_anonymised")), 2)
            Partner._cron_kk_anonymise_expired(batch_size=2)
            self.assertEqual(customers.filtered("kk_anonymised"), customers)
            Partner._cron_kk_anonymise_expired(batch_size=2)
        self.assertEqual(progress, [(2, 1), (1, 0), (0, 0)])
