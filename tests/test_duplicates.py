# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Duplicate detection in the register: keys on the partner, the check, the scan and its pairs, the form warning,
the company policy on every route."""

import json
import re
import xmlrpc.client
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, tagged
from odoo.tools import SQL

from ..hooks import uninstall_hook
from ..lib import duplicates as dup
from ..models import res_partner_duplicates
from ..models.res_partner_duplicates import ResPartner
from .common import make_role_user, waiting_for_duplicate_search

# A valid test fødselsnummer (checksums right).
FNR = "15108695088"


class DuplicatesCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.Pair = cls.env["kundekartotek.duplicate.pair"]
        cls.env.company.kk_duplicate_policy = "allow"
        # Customers the install created may still wait for the scheduled job's search: the tests count their own.
        cls.Partner._kk_note_pending_duplicates()
        # The demo has near-duplicates of its own: the tests look at the pairs among the partners they create.
        cls.last_before = cls.Partner.with_context(active_test=False).search([], order="id desc", limit=1).id
        cls.fjord = cls.Partner.create(
            {
                "name": "Fjordbygg Entreprenør AS",
                "is_company": True,
                "company_registry": "988077917",
                "email": "post@fjordbygg.no",
                "phone": "+47 22 33 44 55",
                "street": "Storgata 12 B",
                "zip": "0150",
                "ref": "K-9001",
                "customer_rank": 1,
            }
        )
        cls.fjord_again = cls.Partner.create(
            {"name": "FJORDBYGG ENTREPRENOR A/S", "is_company": True, "email": "Post@Fjordbygg.no", "customer_rank": 1}
        )
        cls.ola = cls.Partner.create(
            {"name": "Ola Nordmann", "street": "Kirkegata 1", "zip": "7010", "mobile": "913 45 678"}
        )
        cls.ola_initial = cls.Partner.create({"name": "O. Nordmann", "street": "Kirkegt. 1", "zip": "7010"})
        cls.kari = cls.Partner.create(
            {"name": "Kari Nordmann", "street": "Kirkegata 1", "zip": "7010", "mobile": "+4791345678"}
        )
        cls.manager = make_role_user(cls.env, "manager", login="kk_dup_manager")
        cls.clerk = make_role_user(cls.env, "user", login="kk_dup_clerk")

    def ids_of(self, found):
        return [row["id"] for row in found]


@tagged("post_install", "-at_install")
class TestDuplicateKeys(DuplicatesCommon):
    def test_keys_are_stored_on_create_and_write(self):
        self.assertEqual(self.fjord.kk_dup_key, "entreprenor fjordbygg")
        self.assertEqual(self.fjord_again.kk_dup_key, "entreprenor fjordbygg")
        self.assertEqual((self.fjord.kk_dup_email, self.fjord.kk_dup_phone), ("post@fjordbygg.no", "+4722334455"))
        self.assertEqual(self.kari.kk_dup_mobile, "+4791345678")
        self.fjord_again.write({"name": "Bygg Fjord", "phone": "0047 22334455"})
        self.assertEqual((self.fjord_again.kk_dup_key, self.fjord_again.kk_dup_phone), ("bygg fjord", "+4722334455"))

    def test_trigram_index_exists(self):
        self.env.cr.execute(
            SQL("SELECT indexdef FROM pg_indexes WHERE indexname = %s", "res_partner_kk_dup_key_trgm_idx")
        )
        self.assertIn("gin_trgm_ops", self.env.cr.fetchone()[0])


@tagged("post_install", "-at_install")
class TestLikelyDuplicates(DuplicatesCommon):
    def test_contract_shape_and_order(self):
        found = self.Partner._kk_likely_duplicates({"name": "Fjordbygg Entreprenør", "email": "POST@fjordbygg.no"})
        self.assertEqual(self.ids_of(found), [self.fjord.id, self.fjord_again.id])
        self.assertEqual(set(found[0]), {"id", "score", "reasons"})
        self.assertIsInstance(found[0]["score"], float)
        self.assertIn(dup.EMAIL, found[0]["reasons"])
        self.assertGreaterEqual(found[0]["score"], found[1]["score"])

    def test_exact_keys_find_a_customer_whatever_the_name(self):
        by_orgnr = self.Partner._kk_likely_duplicates({"name": "Helt Annet Navn", "company_registry": "988077917"})
        self.assertEqual(self.ids_of(by_orgnr), [self.fjord.id])
        self.assertEqual(by_orgnr[0]["reasons"], [dup.ORGNR])

    def test_self_is_excluded_and_limit_holds(self):
        found = self.fjord._kk_likely_duplicates({})
        self.assertEqual(self.ids_of(found), [self.fjord_again.id])
        self.assertEqual(len(self.Partner._kk_likely_duplicates({"email": "post@fjordbygg.no"}, limit=1)), 1)

    def test_household_is_not_a_duplicate_but_an_initial_at_the_same_address_is(self):
        found = self.Partner._kk_likely_duplicates({"name": "Ola Nordmann", "street": "Kirkegata 1", "zip": "7010"})
        self.assertEqual(self.ids_of(found), [self.ola.id, self.ola_initial.id])
        self.assertNotIn(self.kari.id, self.ids_of(found))

    def test_other_companies_customers_are_not_compared(self):
        other = self.env["res.company"].create({"name": "Annet Selskap AS"})
        self.fjord_again.company_id = other
        found = self.Partner._kk_likely_duplicates({"name": "Fjordbygg Entreprenør AS", "is_company": True})
        self.assertEqual(self.ids_of(found), [self.fjord.id])

    def test_form_warning_follows_a_change_of_company(self):
        other = self.env["res.company"].create({"name": "Annet Selskap AS"})
        mine = self.Partner.create({"name": "Havbris Rederi AS", "is_company": True, "company_id": self.env.company.id})
        new = self.Partner.create({"name": "Havbris Rederi AS", "is_company": True, "company_id": other.id})
        self.assertFalse(new.kk_duplicate_warning)  # the other company's customers are not compared
        new.company_id = self.env.company
        self.assertIn(f"/odoo/res.partner/{mine.id}", new.kk_duplicate_warning or "")

    AT_FJORD = {"zip": "0150", "street": "Storgata 12B", "is_company": True}

    def test_fallback_without_pg_trgm(self):
        """Forced fallback: the same key, a key starting with the same first word, or a shared word in the same
        postcode still find them; a typo in every word is what only the trigram search finds."""
        with patch.object(ResPartner, "_kk_has_trigram", return_value=False):
            same = self.Partner._kk_likely_duplicates({"name": "Entreprenør Fjordbygg", "is_company": True})
            one_typo = self.Partner._kk_likely_duplicates(dict(self.AT_FJORD, name="Fjordbygg Entreprenr"))
            typos = self.Partner._kk_likely_duplicates(dict(self.AT_FJORD, name="Fjordbyg Entreprenr"))
        self.assertEqual(self.ids_of(same), [self.fjord.id, self.fjord_again.id])
        self.assertEqual(self.ids_of(one_typo), [self.fjord.id])
        self.assertEqual(typos, [])
        with_trigram = self.Partner._kk_likely_duplicates(dict(self.AT_FJORD, name="Fjordbyg Entreprenr"))
        self.assertEqual(self.ids_of(with_trigram), [self.fjord.id])

    def test_a_postcode_of_look_alikes_is_scored_by_its_most_similar_names_only(self):
        """One more similar name in a postcode than the cap: the cap's number of them is scored, the most similar
        first, so the true duplicate (a near-identical name at the same address) is still found with pg_trgm."""
        cap = res_partner_duplicates.NAME_CANDIDATES
        self.Partner.create(
            [
                {"name": f"Nordlys Handel {n}", "zip": "9990", "street": f"Torget {n}", "is_company": True}
                for n in range(cap)
            ]
        )
        twin = self.Partner.create(
            {"name": "Nordlys Handelshuset AS", "zip": "9990", "street": "Havnegata 3", "is_company": True}
        )
        vals = {"name": "Nordlys Handelshus AS", "zip": "9990", "street": "Havnegata 3", "is_company": True}
        subject = self.Partner._kk_dup_subject(vals)
        self.assertEqual(len(self.Partner._kk_candidate_ids(subject)), cap)
        self.assertEqual(self.ids_of(self.Partner._kk_likely_duplicates(vals)), [twin.id])
        # Without pg_trgm the cap holds too; the order (most shared words) cannot tell these names apart.
        with patch.object(ResPartner, "_kk_has_trigram", return_value=False):
            self.assertEqual(len(self.Partner._kk_candidate_ids(subject)), cap)

    def test_fodselsnummer_only_for_those_who_may_read_it(self):
        self.ola.sudo().fodselsnummer = FNR
        vals = {"name": "Helt Annen Person", "fodselsnummer": FNR}
        self.assertEqual(self.ids_of(self.Partner.sudo()._kk_likely_duplicates(vals)), [self.ola.id])
        self.assertEqual(self.Partner.with_user(self.clerk)._kk_likely_duplicates(vals), [])


@tagged("post_install", "-at_install")
class TestScan(DuplicatesCommon):
    def pairs(self):
        return {
            (p.partner_a_id, p.partner_b_id): p for p in self.Pair.search([("partner_a_id", ">", self.last_before)])
        }

    def test_scan_stores_likely_pairs_with_reasons_and_clusters(self):
        third = self.Partner.create({"name": "Fjordbygg Entr. AS", "company_registry": "988077917", "is_company": True})
        self.Pair.with_user(self.manager).action_scan()
        pairs = self.pairs()
        self.assertEqual(
            set(pairs),
            {
                (self.fjord, self.fjord_again),
                (self.fjord, third),
                (self.fjord_again, third),
                (self.ola, self.ola_initial),
            },
        )
        fjord_pair = pairs[(self.fjord, self.fjord_again)]
        self.assertEqual(fjord_pair.reason_codes, "email,name_exact")
        self.assertEqual(fjord_pair.reasons, "same e-mail, same name")
        self.assertEqual(fjord_pair.score, 0.9775)
        self.assertEqual({p.cluster_partner_id for p in pairs.values()}, {self.fjord, self.ola})
        self.assertEqual(pairs[(self.fjord_again, third)].cluster_key, str(self.fjord.id).zfill(10))
        self.assertFalse(fjord_pair.company_id)  # both shared by all companies

    def test_not_a_duplicate_is_remembered(self):
        self.Pair.with_user(self.manager).action_scan()
        pair = self.pairs()[(self.ola, self.ola_initial)]
        pair.with_user(self.manager).action_not_duplicate()
        self.ola_initial.write({"mobile": "913 45 678"})  # now even more alike
        self.Pair.with_user(self.manager).action_scan()
        pair.invalidate_recordset()
        self.assertEqual((pair.state, pair.cluster_key), ("not_duplicate", False))
        self.assertEqual(len(self.Pair.search([("partner_a_id", "=", self.ola.id)])), 1)

    def test_rescan_removes_pairs_no_longer_likely_and_marks_archived_as_merged(self):
        self.Pair.with_user(self.manager).action_scan()
        self.ola_initial.write({"street": "Annen vei 9", "zip": "9008"})
        self.fjord_again.action_archive()
        self.Pair.with_user(self.manager).action_scan()
        pairs = self.pairs()
        self.assertNotIn((self.ola, self.ola_initial), pairs)
        self.assertEqual(pairs[(self.fjord, self.fjord_again)].state, "merged")

    def test_fallback_scan_without_pg_trgm(self):
        self.Pair._kk_scan(trigram=False)
        self.assertEqual(set(self.pairs()), {(self.fjord, self.fjord_again), (self.ola, self.ola_initial)})

    def test_only_managers_scan_and_review(self):
        with self.assertRaises(AccessError):
            self.Pair.with_user(self.clerk).action_scan()
        self.Pair.with_user(self.manager).action_scan()
        pair = self.Pair.with_user(self.clerk).search([], limit=1)
        self.assertTrue(pair.reasons)
        with self.assertRaises(AccessError):
            pair.action_not_duplicate()
        with self.assertRaises(AccessError):
            pair.write({"score": 0.1})

    def test_other_companys_pairs_are_hidden(self):
        other = self.env["res.company"].create({"name": "Annet Selskap AS"})
        twin = self.Partner.create({"name": "Tvilling Bygg AS", "is_company": True, "company_id": other.id})
        self.Partner.create({"name": "Tvilling Bygg AS", "is_company": True, "company_id": other.id})
        self.Pair.with_user(self.manager).action_scan()
        self.assertEqual(self.Pair.search([("partner_a_id", "=", twin.id)]).company_id, other)
        self.assertFalse(self.Pair.with_user(self.manager).search([("partner_a_id", "=", twin.id)]))

    def test_merge_buttons_open_odoos_wizard_on_the_customers(self):
        third = self.Partner.create({"name": "Fjordbygg Entr. AS", "company_registry": "988077917", "is_company": True})
        self.Pair.with_user(self.manager).action_scan()
        pair = self.pairs()[(self.fjord, self.fjord_again)].with_user(self.manager)
        action = pair.action_merge()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        self.assertEqual(action["context"]["active_model"], "res.partner")
        self.assertEqual(action["context"]["active_ids"], [self.fjord.id, self.fjord_again.id])
        cluster = pair.action_merge_cluster()
        self.assertEqual(cluster["context"]["active_ids"], [self.fjord.id, self.fjord_again.id, third.id])
        wizard = self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"]).create({})
        self.assertEqual(wizard.partner_ids, self.fjord | self.fjord_again)


@tagged("post_install", "-at_install")
class TestFormWarning(DuplicatesCommon):
    def test_new_customer_form_lists_likely_duplicates_while_typing(self):
        form = Form(self.Partner.with_user(self.clerk))
        form.name = "Fjordbygg Entreprenør"
        self.assertFalse(form.kk_duplicate_warning)  # a person of that name: not yet likely
        form.email = "post@FJORDBYGG.no"
        self.assertIn(f'href="/odoo/res.partner/{self.fjord.id}"', form.kk_duplicate_warning)
        self.assertIn("K-9001", form.kk_duplicate_warning)
        self.assertIn("same e-mail", form.kk_duplicate_warning)

    def test_existing_customer_does_not_warn_about_itself(self):
        form = Form(self.kari.with_user(self.clerk))
        self.assertFalse(form.kk_duplicate_warning)
        form.name = "Ola Nordmann"
        self.assertIn(f'href="/odoo/res.partner/{self.ola.id}"', form.kk_duplicate_warning)
        self.assertNotIn(f'href="/odoo/res.partner/{self.kari.id}"', form.kk_duplicate_warning)


@tagged("post_install", "-at_install")
class TestPolicy(DuplicatesCommon):
    NEW = {"name": "Fjordbygg Entreprenør AS", "is_company": True, "company_registry": "988077917"}

    def test_refuse_over_the_api_names_the_existing_customer(self):
        self.env.company.kk_duplicate_policy = "refuse"
        with self.assertRaises(ValidationError) as raised:
            self.Partner.with_user(self.manager).create(dict(self.NEW))
        self.assertIn(f"id {self.fjord.id}", str(raised.exception))
        self.assertIn("K-9001", str(raised.exception))

    def test_refusal_never_tells_a_clerk_whether_a_fodselsnummer_is_known(self):
        self.env.company.kk_duplicate_policy = "refuse"
        self.ola.sudo().fodselsnummer = FNR
        vals = {"name": "Helt Annen Person", "fodselsnummer": FNR, "customer_rank": 1}
        with self.assertRaises(ValidationError) as raised:
            self.Partner.create(dict(vals))
        self.assertIn(f"id {self.ola.id}", str(raised.exception))
        # Not refused for the clerk: a refusal would tell that the number belongs to a customer.
        self.assertTrue(self.Partner.with_user(self.clerk).create(dict(vals)))

    def test_refusal_only_names_customers_the_caller_may_read(self):
        self.env.company.kk_duplicate_policy = "refuse"
        other = self.env["res.company"].create({"name": "Annet Selskap AS", "kk_duplicate_policy": "refuse"})
        hidden = self.Partner.create({"name": "Skjult Kunde AS", "is_company": True, "company_id": other.id})
        self.assertEqual(
            self.Partner._kk_likely_duplicates({"name": "Skjult Kunde AS", "is_company": True, "company_id": other.id})[
                0
            ]["id"],
            hidden.id,
        )
        with self.assertRaises(AccessError):  # not a refusal naming the hidden customer
            self.Partner.with_user(self.manager).create(
                {"name": "Skjult Kunde AS", "is_company": True, "company_id": other.id}
            )

    def test_refuse_does_not_apply_to_a_new_customer_unlike_the_others(self):
        self.env.company.kk_duplicate_policy = "refuse"
        partner = self.Partner.create({"name": "Helt Ny Kunde AS", "is_company": True, "company_registry": "974760673"})
        self.assertTrue(partner)

    def test_refuse_applies_to_imports_even_with_a_forged_form_route(self):
        self.env.company.kk_duplicate_policy = "refuse"
        result = self.Partner.with_context(import_file=True).load(
            ["name", "is_company", "company_registry"], [["Fjordbygg Entreprenør AS", "1", "988077917"]]
        )
        self.assertFalse(result["ids"])
        self.assertIn(f"id {self.fjord.id}", result["messages"][0]["message"])

    def notes_of(self, partner):
        return partner.message_ids.filtered(lambda m: "looks like a customer already" in (m.body or ""))

    def test_warn_notes_the_duplicates_on_the_new_customer_after_the_commit(self):
        self.env.company.kk_duplicate_policy = "warn"
        partner = self.Partner.with_user(self.manager).create(dict(self.NEW))
        # Over the API the search is left to the look after the commit (here called as that look is).
        self.assertFalse(self.notes_of(partner))
        self.assertEqual(waiting_for_duplicate_search(partner), {partner.id})
        self.assertEqual(self.Partner._kk_note_pending_duplicates(), 1)
        note = self.notes_of(partner)
        self.assertEqual(len(note), 1)
        self.assertIn(f"id {self.fjord.id}", note.body)
        self.assertNotIn(f"id {partner.id},", note.body)  # never itself
        self.assertEqual(note.author_id, self.manager.partner_id)  # noted as the user who created it
        self.assertFalse(waiting_for_duplicate_search(partner))
        self.assertEqual(self.Partner._kk_note_pending_duplicates(), 0)
        self.assertEqual(len(self.notes_of(partner)), 1)

    def test_warn_look_names_at_most_three_and_a_new_customer_alone_gets_no_note(self):
        self.env.company.kk_duplicate_policy = "warn"
        for number in range(4):
            self.Partner.create({"name": "Fjordbygg Entreprenør AS", "is_company": True, "email": f"{number}@x.no"})
        self.Partner._kk_note_pending_duplicates()
        partner = self.Partner.create(dict(self.NEW))
        alone = self.Partner.create({"name": "Helt Ny Kunde AS", "is_company": True})
        self.assertEqual(self.Partner._kk_note_pending_duplicates(), 2)
        self.assertEqual(len(re.findall(r"\(id \d+,", self.notes_of(partner).body)), 3)
        self.assertFalse(self.notes_of(alone))
        self.assertFalse(waiting_for_duplicate_search(alone))

    def test_warn_look_only_names_customers_the_creator_may_read(self):
        self.env.company.kk_duplicate_policy = "warn"
        other = self.env["res.company"].create({"name": "Annet Selskap AS"})
        hidden = self.Partner.create({"name": "Skjult Kunde AS", "is_company": True, "company_id": other.id})
        self.Partner._kk_note_pending_duplicates()
        partner = self.Partner.with_user(self.manager).create({"name": "Skjult Kunde AS", "is_company": True})
        admin_made = self.Partner.create({"name": "Skjult Kunde AS", "is_company": True, "company_id": other.id})
        self.Partner._kk_note_pending_duplicates()
        self.assertNotIn(f"id {hidden.id}", self.notes_of(partner).body or "")
        self.assertIn(f"id {hidden.id}", self.notes_of(admin_made).body)

    def test_refuse_and_the_form_search_in_the_creation_not_after(self):
        self.env.company.kk_duplicate_policy = "refuse"
        with patch.object(ResPartner, "_kk_duplicate_route", lambda partners: "form"):
            partner = self.Partner.create(dict(self.NEW))
        self.assertEqual(len(self.notes_of(partner)), 1)
        self.assertFalse(waiting_for_duplicate_search(partner))

    def test_warn_on_the_form_searches_in_the_creation_not_after(self):
        self.env.company.kk_duplicate_policy = "warn"
        with patch.object(ResPartner, "_kk_duplicate_route", lambda partners: "form"):
            partner = self.Partner.create(dict(self.NEW))
        self.assertEqual(len(self.notes_of(partner)), 1)
        self.assertFalse(waiting_for_duplicate_search(partner))
        self.assertEqual(self.Partner._kk_note_pending_duplicates(), 0)

    def test_the_waiting_mark_is_out_of_a_callers_reach(self):
        """The mark is no field: create and write values cannot set or clear it, and the wait is no context key."""
        self.env.company.kk_duplicate_policy = "warn"
        for values in ({"kk_dup_pending": False}, {"kk_dup_waiting": False}):
            with self.assertRaisesRegex(ValueError, "Invalid field"):
                self.Partner.create({**self.NEW, **values})
        partner = self.Partner.with_context(kk_dup_waiting=False, kk_dup_pending=False).create(dict(self.NEW))
        self.assertEqual(waiting_for_duplicate_search(partner), {partner.id})
        partner.with_user(self.manager).write({"city": "Bergen"})
        self.assertEqual(waiting_for_duplicate_search(partner), {partner.id}, "a write never ends the wait")
        self.env.company.kk_duplicate_policy = "allow"
        self.assertFalse(waiting_for_duplicate_search(self.Partner.create(dict(self.NEW))))

    def test_customers_marked_by_the_former_column_still_wait_after_the_update(self):
        """18.0.1.1.0 marked waiting customers in a column of res_partner; the update moves them to the table and
        drops the column's index (Odoo drops the column itself)."""
        marked = self.Partner.create({"name": "Merket Kunde AS", "is_company": True})
        self.env.cr.execute(SQL("DELETE FROM kundekartotek_dup_pending"))
        self.env.cr.execute(SQL("ALTER TABLE res_partner ADD COLUMN kk_dup_pending boolean"))
        self.env.cr.execute(SQL("CREATE INDEX res_partner_kk_dup_pending_idx ON res_partner (id) WHERE kk_dup_pending"))
        self.env.cr.execute(SQL("UPDATE res_partner SET kk_dup_pending = TRUE WHERE id = %s", marked.id))
        self.Partner.init()
        self.assertEqual(waiting_for_duplicate_search(marked), {marked.id})
        self.env.cr.execute(SQL("SELECT count(*) FROM pg_indexes WHERE indexname = 'res_partner_kk_dup_pending_idx'"))
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_the_waiting_table_is_dropped_on_uninstall(self):
        """A table of the module's own, not a model's: Odoo would leave it behind, the uninstall hook drops it."""
        uninstall_hook(self.env)
        self.env.cr.execute(SQL("SELECT to_regclass('kundekartotek_dup_pending')"))
        self.assertIsNone(self.env.cr.fetchone()[0])

    def test_merging_a_customer_that_waits_for_its_search(self):
        self.env.company.kk_duplicate_policy = "warn"
        waiting = self.Partner.create({"name": "Ventende Kunde AS", "is_company": True})
        self.assertEqual(waiting_for_duplicate_search(waiting), {waiting.id})
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((waiting | self.fjord_again).ids, self.fjord_again)
        self.assertFalse(waiting.exists())
        self.assertFalse(waiting_for_duplicate_search(self.fjord_again))
        # The merged customer only stops waiting: no note, on no one.
        notes_before = len(self.notes_of(self.fjord_again))
        self.assertEqual(self.Partner._kk_note_pending_duplicates(), 1)
        self.assertEqual(len(self.notes_of(self.fjord_again)), notes_before)
        self.assertEqual(self.Partner._kk_note_pending_duplicates(), 0)

    def test_only_the_register_runs_the_look(self):
        for method in ("_kk_note_pending_duplicates", "_kk_note_pending_safely"):
            with self.assertRaisesRegex(AccessError, "Only the register itself"):
                getattr(self.Partner.with_user(self.manager), method)()

    def test_allow_says_nothing(self):
        partner = self.Partner.create(dict(self.NEW))
        self.assertFalse(partner.message_ids.filtered(lambda m: "looks like a customer already" in (m.body or "")))

    def test_persons_that_are_not_customers_are_left_to_the_scan(self):
        self.env.company.kk_duplicate_policy = "refuse"
        user = self.env["res.users"].create({"name": "Ola Nordmann", "login": "ola_dup", "email": "x@y.no"})
        self.assertTrue(user.partner_id)
        with self.assertRaises(ValidationError):
            self.Partner.with_context(res_partner_search_mode="customer").create(
                {"name": "Ola Nordmann", "street": "Kirkegata 1", "zip": "7010"}
            )

    def test_settings_set_the_company_policy(self):
        settings = self.env["res.config.settings"].create({"kk_duplicate_policy": "refuse"})
        settings.execute()
        self.assertEqual(self.env.company.kk_duplicate_policy, "refuse")


@tagged("post_install", "-at_install")
class TestPolicyRoutes(HttpCase):
    """The route decides: the customer form's own save is allowed (with a note), XML-RPC and any other web call is
    refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.kk_duplicate_policy = "refuse"
        cls.existing = cls.env["res.partner"].create(
            {"name": "Rutebil Vest AS", "is_company": True, "email": "post@rutebilvest.no", "ref": "K-7001"}
        )
        cls.manager = make_role_user(cls.env, "manager", login="kk_dup_route")
        cls.manager.password = "kk_dup_route_pw"
        cls.vals = {"name": "Rutebil Vest A/S", "is_company": True, "email": "POST@rutebilvest.no"}

    def call_kw(self, method, args, context=None):
        """The web client's JSON-RPC call; the decoded answer (``result`` or ``error`` with its full message)."""
        self.authenticate("kk_dup_route", "kk_dup_route_pw")
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": "res.partner", "method": method, "args": args, "kwargs": {"context": context or {}}},
        }
        if method == "web_save":
            payload["params"]["kwargs"]["specification"] = {"display_name": {}}
        response = self.url_open(
            f"/web/dataset/call_kw/res.partner/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def assertRefused(self, answer):
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.ValidationError")
        self.assertIn(f"id {self.existing.id}", answer["error"]["data"]["message"])
        self.assertIn("K-7001", answer["error"]["data"]["message"])

    def test_xmlrpc_create_is_refused(self):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, self.manager.id, "kk_dup_route_pw", "res.partner", "create", [self.vals]
            )
        self.assertIn(f"id {self.existing.id}", raised.exception.faultString)
        self.assertIn("K-7001", raised.exception.faultString)

    def test_web_client_create_outside_the_form_is_refused(self):
        self.assertRefused(self.call_kw("create", [self.vals]))
        # The many2one quick creation of an invoice's customer field.
        quick = self.call_kw("name_create", ["Rutebil <post@rutebilvest.no>"], {"res_partner_search_mode": "customer"})
        self.assertRefused(quick)

    def test_customer_form_save_is_allowed_with_a_note(self):
        answer = self.call_kw("web_save", [[], self.vals])
        partner = self.env["res.partner"].browse(answer["result"][0]["id"])
        self.assertEqual(partner.name, "Rutebil Vest A/S")
        self.assertIn(f"id {self.existing.id}", partner.message_ids[:1].body)

    def test_form_save_that_is_an_import_is_refused(self):
        self.assertRefused(self.call_kw("web_save", [[], self.vals], {"import_file": True}))


@tagged("post_install", "-at_install")
class TestUpsertPolicy(DuplicatesCommon):
    """The customer API's upsert applies the same policy: a warning per likely duplicate, or an error."""

    RECORD = {"name": "Fjordbygg Entreprenør AS", "is_company": True}

    def _upsert(self, policy):
        self.env.company.kk_duplicate_policy = policy
        return self.Partner.with_user(self.manager).kk_upsert([dict(self.RECORD)])[0]

    def test_warn_reports_the_existing_customer_in_the_result(self):
        result = self._upsert("warn")
        self.assertEqual(result["status"], "created")
        self.assertTrue(any(f"customer {self.fjord.id} " in warning for warning in result["warnings"]))

    def test_refuse_answers_an_error_naming_the_existing_customer(self):
        result = self._upsert("refuse")
        self.assertEqual(result["status"], "error")
        self.assertIn(f"id {self.fjord.id}", result["message"])
        self.assertFalse(self.Partner.search_count([("name", "=", self.RECORD["name"]), ("id", "!=", self.fjord.id)]))

    def test_allow_creates_without_a_word(self):
        result = self._upsert("allow")
        self.assertEqual(result["status"], "created")
        self.assertFalse([w for w in result["warnings"] if "duplicate" in w])
