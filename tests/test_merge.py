# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import xmlrpc.client
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from .common import make_role_user
from .receivables_common import ReceivablesCommon

WIZARD = "base.partner.merge.automatic.wizard"


@tagged("post_install", "-at_install")
class TestMerge(ReceivablesCommon):
    """The register's merge of customers: lossless for accounting, explicit about clashes, logged, refused when
    the customers are different persons or companies, and for managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR = 1 company currency from 2017 on
        cls.env.user.groups_id |= cls.env.ref("kundekartotek.group_manager")
        Partner = cls.env["res.partner"]
        company = cls.env.company
        cls.survivor = Partner.create(
            {"name": "Fjord Bygg AS", "is_company": True, "ref": "K-100", "company_id": company.id}
        )
        cls.source = Partner.create(
            {
                "name": "Fjord Bygg A/S",
                "is_company": True,
                "ref": "K-200",
                "company_registry": "988077917",
                "email": "post@fjordbygg.example",
                "company_id": company.id,
            }
        )
        cls.manager = make_role_user(cls.env, "manager", login="kk_merge_manager")
        cls.clerk = make_role_user(cls.env, "user", login="kk_merge_clerk")

    def _wizard(self, partners, survivor, user=None, **values):
        env = self.env(user=user) if user else self.env
        wizard = (
            env[WIZARD]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({"dst_partner_id": survivor.id, **values})
        )
        return wizard

    def _merge(self, partners, survivor, **values):
        wizard = self._wizard(partners, survivor, **values)
        wizard.action_merge()
        return wizard

    @staticmethod
    def _ledger(env):
        """Per account (and currency): debit, credit, amount in currency, residual of every posted journal item."""
        groups = env["account.move.line"]._read_group(
            [("parent_state", "=", "posted")],
            ["account_id", "currency_id"],
            ["debit:sum", "credit:sum", "amount_currency:sum", "amount_residual:sum"],
        )
        return {
            (account.id, currency.id): tuple(round(value, 2) for value in sums) for account, currency, *sums in groups
        }

    @staticmethod
    def _balances(env, merged_into):
        """Receivable and payable balance per partner, the merged partners counted as the one they became."""
        groups = env["account.move.line"]._read_group(
            [("parent_state", "=", "posted"), ("partner_id", "!=", False)], ["partner_id"], ["balance:sum"]
        )
        balances = {}
        for partner, balance in groups:
            key = merged_into.get(partner.id, partner.id)
            balances[key] = round(balances.get(key, 0.0) + balance, 2)
        return balances

    def test_ledger_and_every_balance_identical_after_merging_four_customers(self):
        """Four customers (more than core's three) with posted invoices, a partial payment, a credit note and an
        invoice in euro: every account's sums and every partner's balance are the same before and after."""
        company = self.env.company.id
        third = self.env["res.partner"].create({"name": "Fjord Bygg", "is_company": True, "company_id": company})
        fourth = self.env["res.partner"].create({"name": "Fjordbygg AS", "is_company": True, "company_id": company})
        invoice = self._invoice(self.source, 1000, "2026-01-05", "2026-02-05")
        self._pay(invoice, 400, "2026-01-20")
        self._invoice(third, 500, "2026-01-07", "2026-02-07", currency=self.eur)
        self._invoice(fourth, 300, "2026-01-09", "2026-02-09")
        self._invoice(fourth, 120, "2026-01-10", "2026-01-10", move_type="out_refund")
        self._invoice(self.survivor, 250, "2026-01-11", "2026-02-11")
        partners = self.survivor | self.source | third | fourth
        credit_before = sum(partners.mapped("credit"))
        ledger, balances = self._ledger(self.env), self._balances(self.env, {})
        merged_into = {partner.id: self.survivor.id for partner in partners}
        expected = self._balances(self.env, merged_into)
        self.env.flush_all()

        self._merge(partners, self.survivor)

        self.assertFalse((self.source | third | fourth).exists())
        self.assertEqual(self._ledger(self.env), ledger)
        self.assertEqual(self._balances(self.env, {}), expected)
        self.assertNotEqual(balances, expected)  # the comparison merges something
        self.survivor.invalidate_recordset(["credit"])
        self.assertAlmostEqual(self.survivor.credit, credit_before)
        self.assertAlmostEqual(credit_before, 600 + 250 + 300 - 120 + 250)  # EUR 500 at 2 EUR per NOK = 250
        self.assertEqual(invoice.partner_id, self.survivor)
        self.assertEqual(invoice.payment_state, "partial")

    def test_bank_account_on_both_is_kept_once_with_every_reference(self):
        """The same account number on both (the survivor's archived, which core's merge does not see): one row
        remains, active, and the vendor bill that named the source's row names it."""
        Bank = self.env["res.partner.bank"].with_context(active_test=False)
        kept = Bank.create({"acc_number": "NO93 8601 1117 947", "partner_id": self.survivor.id})
        kept.active = False
        duplicate = Bank.create({"acc_number": "NO9386011117947", "partner_id": self.source.id})
        other = Bank.create({"acc_number": "15032080119", "partner_id": self.source.id})
        bill = self.init_invoice("in_invoice", partner=self.source, invoice_date="2026-01-05", amounts=[100])
        bill.partner_bank_id = duplicate
        bill.action_post()

        wizard = self._merge(self.survivor | self.source, self.survivor)

        self.assertFalse(duplicate.exists())
        self.assertEqual(bill.partner_bank_id, kept)
        self.assertTrue(kept.active)
        self.assertEqual(Bank.search([("partner_id", "=", self.survivor.id)]), kept | other)
        note = self.survivor.message_ids[:1].body
        self.assertIn("Bank account", note)
        self.assertTrue(wizard)

    def test_follower_on_both_is_kept_once_with_the_subtypes_of_both(self):
        """Both follow one invoice (different subtypes); the source also follows another: the survivor follows
        both, the first once with both subtypes. Core deleted every follow of the source when one clashed."""
        first = self._invoice(self.env["res.partner"].create({"name": "Dokument AS"}), 10, "2026-01-05", "2026-02-05")
        second = self._invoice(
            self.env["res.partner"].create({"name": "Dokument 2 AS"}), 10, "2026-01-05", "2026-02-05"
        )
        note, comment = self.env.ref("mail.mt_note"), self.env.ref("mail.mt_comment")
        first.message_subscribe(self.survivor.ids, subtype_ids=note.ids)
        first.message_subscribe(self.source.ids, subtype_ids=comment.ids)
        second.message_subscribe(self.source.ids, subtype_ids=comment.ids)

        self._merge(self.survivor | self.source, self.survivor)

        followers = first.message_follower_ids.filtered(lambda f: f.partner_id == self.survivor)
        self.assertEqual(len(followers), 1)
        self.assertEqual(followers.subtype_ids, note | comment)
        self.assertIn(self.survivor, second.message_partner_ids)

    def test_follower_of_both_cards_is_kept_once_and_the_others_move(self):
        """Someone follows both customers' cards: core deleted every follower of the source's card then."""
        both, only_source = self.manager.partner_id, self.clerk.partner_id
        note, comment = self.env.ref("mail.mt_note"), self.env.ref("mail.mt_comment")
        self.survivor.message_subscribe(both.ids, subtype_ids=note.ids)
        self.source.message_subscribe(both.ids, subtype_ids=comment.ids)
        self.source.message_subscribe(only_source.ids, subtype_ids=comment.ids)
        self.source.message_post(body="Ringt kunden", message_type="comment")
        attachment = self.env["ir.attachment"].create(
            {"name": "avtale.txt", "raw": b"avtale", "res_model": "res.partner", "res_id": self.source.id}
        )
        activity = self.source.activity_schedule("mail.mail_activity_data_todo", summary="Ring tilbake")

        self._merge(self.survivor | self.source, self.survivor)

        followers = self.survivor.message_follower_ids
        self.assertEqual(followers.filtered(lambda f: f.partner_id == both).subtype_ids, note | comment)
        self.assertIn(only_source, followers.partner_id)
        self.assertIn("Ringt kunden", " ".join(self.survivor.message_ids.mapped("body")))
        self.assertEqual((attachment.res_model, attachment.res_id), ("res.partner", self.survivor.id))
        self.assertEqual(activity.res_id, self.survivor.id)

    def test_consent_and_reminders_move_and_reminders_of_one_day_combine(self):
        """The source's consent makes the survivor's consent status; reminders move, and two of the same day and
        channel (unique per customer) become one that covers both."""
        self.env["kundekartotek.consent"].create(
            {
                "partner_id": self.source.id,
                "purpose": "email",
                "state": "given",
                "source": "web_form",
                "text_version": "v1",
                "date": "2026-01-02 10:00:00",
            }
        )
        Reminder = self.env["kundekartotek.reminder"]
        base = {"company_id": self.env.company.id, "channel": "email", "level": 1}
        Reminder.create({**base, "partner_id": self.survivor.id, "date": "2026-01-10", "amount": 100})
        Reminder.create({**base, "partner_id": self.source.id, "date": "2026-01-10", "amount": 50, "level": 2})
        Reminder.create({**base, "partner_id": self.source.id, "date": "2026-01-20", "amount": 70})
        self.assertFalse(self.survivor.marketing_consent_email)

        self._merge(self.survivor | self.source, self.survivor)

        self.assertTrue(self.survivor.marketing_consent_email)
        self.assertEqual(len(self.survivor.consent_ids), 1)
        reminders = Reminder.search([("partner_id", "=", self.survivor.id)], order="date")
        self.assertEqual(
            [(str(r.date), r.amount, r.level) for r in reminders], [("2026-01-10", 150, 2), ("2026-01-20", 70, 1)]
        )

    def test_values_chosen_field_by_field(self):
        """A line per differing field, the survivor's value by default (the source's where the survivor has
        none); choosing the source's e-mail gives the survivor that e-mail."""
        self.survivor.email = "firma@fjordbygg.example"
        self.survivor.phone = False
        self.source.phone = "+47 22 33 44 55"
        wizard = self._wizard(self.survivor | self.source, self.survivor)
        lines = {line.field_name: line for line in wizard.kk_field_line_ids}
        self.assertEqual(lines["email"].partner_id, self.survivor)
        self.assertEqual(lines["phone"].partner_id, self.source)
        self.assertIn("post@fjordbygg.example", lines["email"].candidates)
        self.assertNotIn("name", {"name"} - set(lines))  # the names differ, so they are offered
        lines["email"].partner_id = self.source

        wizard.action_merge()

        self.assertEqual(self.survivor.email, "post@fjordbygg.example")
        self.assertEqual(self.survivor.phone, "+47 22 33 44 55")
        self.assertEqual(self.survivor.name, "Fjord Bygg AS")
        self.assertEqual(self.survivor.ref, "K-100")

    def test_survivor_may_keep_the_customer_number_of_a_source(self):
        wizard = self._wizard(self.survivor | self.source, self.survivor)
        wizard.kk_field_line_ids.filtered(lambda line: line.field_name == "ref").partner_id = self.source
        wizard.action_merge()
        self.assertEqual(self.survivor.ref, "K-200")
        self.assertIn("K-100", self.survivor.kk_former_identifiers)

    def test_old_identifiers_find_the_survivor(self):
        self._merge(self.survivor | self.source, self.survivor)
        Partner = self.env["res.partner"]
        self.assertIn("K-200 | 988077917 | Fjord Bygg A/S", self.survivor.kk_former_identifiers)
        for typed in ("K-200", "988077917", "988 077 917"):
            with self.subTest(typed=typed):
                self.assertIn(self.survivor.id, [pid for pid, _name in Partner.name_search(typed)])
                self.assertIn(
                    self.survivor,
                    Partner.search([("orgnr_search", "ilike", typed)])
                    | Partner.search([("display_name", "ilike", typed)]),
                )
        # The list's search field, as the search view defines it.
        arch = Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn("('kk_former_identifiers', 'ilike', self)", arch)

    def test_former_identifiers_are_written_by_the_merge_only(self):
        with self.assertRaises(AccessError):
            self.survivor.write({"kk_former_identifiers": "K-999"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].create({"name": "Falsk AS", "kk_former_identifiers": "K-999"})

    def test_merge_logged_on_the_survivor_and_chain_still_verifies(self):
        """Chatter and audit trail name the merged customers' numbers; the chain verifies after the merge, with
        the merged customers' earlier entries on the survivor's trail."""
        Log = self.env["kundekartotek.audit.log"]
        self.source.write({"phone": "+47 99 88 77 66"})
        Log.flush_model()
        earlier = Log.search([("res_id", "=", self.source.id), ("action", "=", "write")])
        self.assertTrue(earlier)
        self._merge(self.survivor | self.source, self.survivor)
        Log.flush_model()
        self.assertEqual(earlier.partner_id, self.survivor)
        entry = Log.search([("action", "=", "merge"), ("res_id", "=", self.survivor.id)])
        self.assertIn("K-200", entry.old_value)
        self.assertIn("988077917", entry.old_value)
        self.assertIn("K-200", self.survivor.message_ids[:1].body)
        result = Log.sudo()._kk_verify()
        self.assertEqual(result["findings"], [])

    def test_different_companies_refused(self):
        other = self.env["res.company"].create({"name": "Annet Selskap AS"})
        self.env.user.company_ids |= other
        elsewhere = self.env["res.partner"].create({"name": "Fjord Bygg AS", "company_id": other.id})
        shared = self.env["res.partner"].create({"name": "Fjord Bygg AS", "company_id": False})
        for partner in (elsewhere, shared):
            with self.subTest(company=partner.company_id.name), self.assertRaises(UserError) as caught:
                self._merge(self.survivor | partner, self.survivor)
            self.assertIn("different companies", str(caught.exception))
            self.assertTrue(partner.exists())

    def test_different_valid_orgnrs_need_a_reason(self):
        self.survivor.company_registry = "974760673"
        wizard = self._wizard(self.survivor | self.source, self.survivor)
        self.assertIn("2 different organisation numbers", wizard.kk_identity_conflict)
        with self.assertRaises(UserError) as caught:
            wizard.action_merge()
        self.assertIn("Give a reason", str(caught.exception))
        self.assertTrue(self.source.exists())
        wizard.kk_reason = "Konsernet er omorganisert"
        wizard.action_merge()
        self.assertFalse(self.source.exists())
        entry = self.env["kundekartotek.audit.log"].search(
            [("action", "=", "merge"), ("res_id", "=", self.survivor.id)]
        )
        self.assertIn("Konsernet er omorganisert", entry.new_value)
        self.assertIn("Konsernet er omorganisert", self.survivor.message_ids[:1].body)

    def test_an_invalid_orgnr_is_no_identity(self):
        """A number failing MOD11 is a typing error: it does not make another legal person."""
        self.env.cr.execute("UPDATE res_partner SET company_registry = '988077918' WHERE id = %s", [self.survivor.id])
        self.survivor.invalidate_recordset()
        wizard = self._wizard(self.survivor | self.source, self.survivor)
        self.assertFalse(wizard.kk_identity_conflict)
        wizard.action_merge()
        self.assertFalse(self.source.exists())

    def test_different_fodselsnumre_need_a_reason_and_are_never_shown(self):
        Partner = self.env["res.partner"].sudo()
        company = self.env.company.id
        first = Partner.create({"name": "Kari Nordmann", "fodselsnummer": "15076500565", "company_id": company})
        second = Partner.create({"name": "Kari Nordmann", "fodselsnummer": "01010150074", "company_id": company})
        with self.assertRaises(UserError) as caught:
            self._merge(first | second, first)
        message = str(caught.exception)
        self.assertIn("2 different national identity numbers", message)
        self.assertNotIn("15076500565", message)
        self.assertNotIn("01010150074", message)

    def test_failure_rolls_back_everything(self):
        invoice = self._invoice(self.source, 100, "2026-01-05", "2026-02-05")
        Log = self.env["kundekartotek.audit.log"]
        Log.flush_model()
        entries = Log.search_count([])
        wizard = self._wizard(self.survivor | self.source, self.survivor)
        # Not assertRaises: in a TransactionCase it runs the block in a savepoint of its own, which would hide
        # whether the merge undoes its own work.
        failure = None
        with patch.object(type(wizard), "_log_merge_operation", side_effect=UserError("boom")):
            try:
                wizard.action_merge()
            except UserError as error:
                failure = error
        self.assertEqual(str(failure), "boom")
        self.env.invalidate_all()
        self.assertTrue(self.source.exists())
        self.assertEqual(invoice.partner_id, self.source)
        self.assertEqual(self.source.ref, "K-200")
        self.assertFalse(self.survivor.kk_former_identifiers)
        Log.flush_model()
        self.assertEqual(Log.search_count([]), entries)
        self.assertEqual(Log.sudo()._kk_verify()["findings"], [])

    def test_merge_from_the_duplicates_list_moves_the_pairs(self):
        """The pair being merged goes; a source's pair with a third customer becomes the survivor's, once."""
        Partner, Pair = self.env["res.partner"], self.env["kundekartotek.duplicate.pair"].sudo()
        third = Partner.create({"name": "Fjord Bygg Holding AS", "is_company": True})
        fourth = Partner.create({"name": "Fjord Bygg Vest AS", "is_company": True})

        def pair(first, second, **values):
            low, high = sorted((first.id, second.id))
            return Pair.create({"partner_a_id": low, "partner_b_id": high, "score": 0.9, **values})

        merged_pair = pair(self.survivor, self.source)
        both = pair(self.source, third) | pair(self.survivor, third, state="not_duplicate")
        moved = pair(self.source, fourth)
        merged_pair.action_merge()  # the list's button opens the wizard on the pair
        self._merge(self.survivor | self.source, self.survivor)
        self.assertFalse(merged_pair.exists())
        self.assertFalse(self.source.exists())
        [kept] = both.exists()
        self.assertEqual((kept.partner_a_id | kept.partner_b_id, kept.state), (self.survivor | third, "not_duplicate"))
        self.assertEqual(moved.partner_a_id | moved.partner_b_id, self.survivor | fourth)
        self.assertLess(moved.partner_a_id.id, moved.partner_b_id.id)

    def test_plain_user_cannot_merge(self):
        wizard = self._wizard(self.survivor | self.source, self.survivor, user=self.clerk)
        for method in ("action_merge", "action_start_automatic_process", "action_update_all_process"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(wizard, method)()
        self.assertTrue(self.source.exists())

    def test_manager_merges_through_the_form(self):
        form = Form(
            self.env(user=self.manager)[WIZARD].with_context(
                active_model="res.partner", active_ids=(self.survivor | self.source).ids
            )
        )
        form.dst_partner_id = self.survivor
        wizard = form.save()
        self.assertTrue(wizard.kk_field_line_ids)
        wizard.action_merge()
        self.assertFalse(self.source.exists())


@tagged("post_install", "-at_install")
class TestMergeXmlRpc(HttpCase):
    """Over XML-RPC a plain user cannot merge, whichever public method of the wizard is called."""

    def test_plain_user_refused_over_rpc(self):
        clerk = make_role_user(self.env, "user", login="kk_merge_rpc_clerk")
        clerk.password = "kk-merge-rpc-clerk-1"
        Partner = self.env["res.partner"]
        first = Partner.create({"name": "Rpc Bygg AS", "is_company": True})
        second = Partner.create({"name": "Rpc Bygg A/S", "is_company": True})
        args = (self.env.cr.dbname, clerk.id, "kk-merge-rpc-clerk-1")
        wizard_id = self.xmlrpc_object.execute_kw(
            *args,
            WIZARD,
            "create",
            [{"partner_ids": [(6, 0, (first | second).ids)], "dst_partner_id": first.id, "state": "selection"}],
        )
        for method in ("action_merge", "action_start_automatic_process", "action_update_all_process"):
            with self.subTest(method=method), self.assertRaises(xmlrpc.client.Fault) as caught:
                self.xmlrpc_object.execute_kw(*args, WIZARD, method, [[wizard_id]])
            self.assertIn("Only a Kundekartotek manager", caught.exception.faultString)
        self.assertTrue(second.exists())
