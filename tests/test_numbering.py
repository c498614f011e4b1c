# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import xmlrpc.client
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import SQL, index_exists, mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.kundekartotek.models import res_partner_numbering
from odoo.addons.kundekartotek.models.res_partner_numbering import CUSTOMER_NUMBER_INDEX

from .common import make_role_user, queries_on

START = 770001


@tagged("post_install", "-at_install")
class TestNumbering(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager")
        cls.norway = cls.env.ref("base.no")
        cls.sweden = cls.env.ref("base.se")
        cls.Partner = cls.env["res.partner"]
        cls.clerk = cls.env["res.users"].create(
            {
                "name": "Saksbehandler",
                "login": "kk_numbering_clerk",
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
                "groups_id": [Command.set([cls.env.ref("kundekartotek.group_user").id])],
            }
        )

    def setUp(self):
        super().setUp()
        # AccountTestInvoicingCommon works in a company of its own, which has no scheme yet. Made per test: the
        # PostgreSQL sequence behind a series is not rolled back with the test, its creation is.
        # The demo customers of the main company already hold 10001 and up in the shared namespace.
        self.scheme = self.env["kundekartotek.number.scheme"].create(
            {"name": "Kundenummer", "company_id": self.env.company.id, "kind": "sequential", "number_start": START}
        )

    def _customer(self, name="Kunde AS", **vals):
        return self.Partner.create({"name": name, "customer_rank": 1, "is_company": True, **vals})

    def _renumber(self, partner, reason, new_number=False, user=None):
        env = self.env(user=user) if user else self.env
        wizard = env["kundekartotek.renumber"].create(
            {"partner_id": partner.id, "new_number": new_number, "reason": reason}
        )
        return wizard.action_confirm()

    # --- schemes ---------------------------------------------------------------------------------------------

    def test_sequential_scheme_numbers_customers_in_order(self):
        first, second = self._customer("Første AS"), self._customer("Andre AS")
        self.assertEqual((first.ref, second.ref), (str(START), str(START + 1)))

    def test_type_scheme_keeps_a_series_per_customer_type(self):
        self.scheme.kind = "type"
        self.assertEqual(self.scheme.pattern, "{type}{seq:4}")
        business = self._customer("Bedrift AS")
        private = self._customer("Kari Nordmann", is_company=False)
        public = self._customer("Oslo kommune", customer_type="public")
        business_2 = self._customer("Bedrift 2 AS")
        self.assertEqual([business.ref, private.ref, public.ref, business_2.ref], ["B0001", "P0001", "O0001", "B0002"])

    def test_region_scheme_takes_the_county_from_the_postcode(self):
        self.scheme.kind = "region"
        oslo = self._customer("Oslo AS", country_id=self.norway.id, zip="0150")
        bergen = self._customer("Bergen AS", country_id=self.norway.id, zip="5003")
        oslo_2 = self._customer("Oslo 2 AS", country_id=self.norway.id, zip="1169")
        abroad = self._customer("Stockholm AB", country_id=self.sweden.id, zip="11122")
        self.assertEqual([oslo.ref, bergen.ref, oslo_2.ref, abroad.ref], ["03-0001", "46-0001", "03-0002", "00-0001"])

    def test_custom_pattern_with_year_and_type(self):
        self.scheme.write({"kind": "pattern", "pattern": "K{yy}-{type}{seq:3}", "number_start": 7})
        year = fields.Date.context_today(self.scheme).year % 100
        partner = self._customer("Mønster AS")
        self.assertEqual(partner.ref, f"K{year:02d}-B007")

    def test_a_new_pattern_numbers_the_next_customer_created(self):
        """The scheme and its parsed pattern are cached per company for the creation's numbering: a change of the
        pattern must reach the next creation."""
        self.assertEqual(self._customer("Før AS").ref, str(START))
        self.scheme.write({"kind": "pattern", "pattern": "K{year}-{seq:4}", "number_start": 1})
        year = fields.Date.context_today(self.scheme).year
        self.assertEqual(self._customer("Etter AS").ref, f"K{year}-0001")
        self.scheme.pattern = "N{seq:5}"
        self.assertEqual(self._customer("Siden AS").ref, f"N{START + 1:05d}")  # the series without tokens goes on

    def test_unusable_patterns_are_refused_with_the_fix(self):
        self.scheme.kind = "pattern"
        for pattern, message in (
            ("KUNDE", "add {seq}"),
            ("{seq}{seq}", "more than one"),
            ("{kunde}{seq}", "unknown token"),
            ("{type:3}{seq}", "wrong width"),
            ("A B{seq}", "only letters, digits"),
        ):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                self.scheme.pattern = pattern

    def test_preview_shows_the_next_three_numbers_without_using_them(self):
        self.assertEqual(self.scheme.preview, f"{START}, {START + 1}, {START + 2}")
        self._customer()
        self.scheme.invalidate_recordset(["preview"])
        self.assertEqual(self.scheme.preview, f"{START + 1}, {START + 2}, {START + 3}")
        self.scheme.invalidate_recordset(["preview"])
        self.assertEqual(self.scheme.preview, f"{START + 1}, {START + 2}, {START + 3}")
        self.assertEqual(self._customer("Neste AS").ref, str(START + 1))

    def test_preview_in_the_form_follows_the_kind(self):
        form = Form(self.env["kundekartotek.number.scheme"])  # not saved: a company has one active scheme
        form.name = "Ny ordning"
        form.kind = "type"
        self.assertIn("B0001, B0002, B0003", form.preview)
        self.assertIn("P0001", form.preview)
        form.kind = "region"
        self.assertEqual(form.preview, "03-0001, 03-0002, 03-0003")

    def test_first_number_moves_series_forward_never_back(self):
        self.assertEqual(self._customer("Første AS").ref, str(START))
        self.scheme.number_start = START + 100
        self.assertEqual(self._customer("Etter hopp AS").ref, str(START + 100))
        self.scheme.number_start = 1
        self.assertEqual(self._customer("Ikke tilbake AS").ref, str(START + 101))

    def test_one_active_scheme_per_company(self):
        with self.assertRaisesRegex(ValidationError, "already has an active numbering scheme"):
            self.env["kundekartotek.number.scheme"].create({"name": "Andre", "company_id": self.env.company.id})

    # --- assignment ------------------------------------------------------------------------------------------

    def test_only_commercial_customers_without_a_ref_are_numbered(self):
        prospect = self.Partner.create({"name": "Prospekt AS", "is_company": True})
        own_ref = self._customer("Egen AS", ref="EGEN-1")
        company = self._customer("Firma AS")
        contact = self.Partner.create({"name": "Ola Kontakt", "parent_id": company.id, "customer_rank": 1})
        self.assertFalse(prospect.ref)
        self.assertEqual(own_ref.ref, "EGEN-1")
        self.assertEqual(company.ref, str(START))
        self.assertFalse(contact.ref)

    def test_customers_action_numbers_a_partner_created_in_the_form(self):
        # The context of kundekartotek.res_partner_action_customer.
        form = Form(
            self.Partner.with_context(
                res_partner_search_mode="customer", default_is_company=True, default_customer_rank=1
            )
        )
        form.name = "Skjema AS"
        partner = form.save()
        self.assertEqual(partner.ref, str(START))

    def test_first_posted_invoice_makes_a_numbered_customer(self):
        partner = self.Partner.create({"name": "Fakturert AS", "is_company": True})
        self.assertFalse(partner.ref)
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        self.assertEqual(partner.ref, str(START))
        self.assertTrue(partner.customer_number_locked)

    def test_invoice_to_a_contact_numbers_its_company(self):
        company = self.Partner.create({"name": "Morselskap AS", "is_company": True})
        contact = self.Partner.create({"name": "Innkjøper", "parent_id": company.id})
        self.init_invoice("out_invoice", partner=contact, amounts=[100], post=True)
        self.assertEqual(company.ref, str(START))
        self.assertFalse(contact.ref)

    def test_supplier_whose_ref_is_a_customer_number_is_refused_as_customer(self):
        self._customer("Kunde AS")
        supplier = self.Partner.create({"name": "Leverandør AS", "is_company": True, "ref": str(START)})
        with self.assertRaisesRegex(UserError, "Change or clear the reference"):
            self.init_invoice("out_invoice", partner=supplier, amounts=[100], post=True)

    def test_explicit_action_makes_a_numbered_customer(self):
        partner = self.Partner.create({"name": "Manuell AS", "is_company": True})
        partner.action_assign_customer_number()
        self.assertEqual(partner.ref, str(START))
        self.assertEqual(partner.customer_rank, 1)
        partner.action_assign_customer_number()
        self.assertEqual(partner.ref, str(START), "an existing number is never replaced")

    def test_action_without_scheme_says_what_to_do(self):
        self.scheme.active = False
        partner = self.Partner.create({"name": "Uten Ordning AS", "is_company": True})
        with self.assertRaisesRegex(UserError, "no active numbering scheme"):
            partner.action_assign_customer_number()

    def test_numbers_already_taken_by_hand_are_skipped(self):
        self._customer("Håndtastet AS", ref=str(START))
        self.assertEqual(self._customer("Automatisk AS").ref, str(START + 1))

    def test_a_new_customer_is_created_with_its_number(self):
        """Under a pattern that needs nothing of the partner, the number is in the values the customer is created
        with: no second write, and the trail's creation entry holds it."""
        Partner = type(self.env["res.partner"])
        with patch.object(Partner, "_kk_set_customer_number", side_effect=AssertionError("a second write")):
            partner = self._customer("Straks AS")
            batch = self.Partner.create(
                [{"name": f"Straks {n} AS", "customer_rank": 1, "is_company": True} for n in range(3)]
            )
            # The Customers menu and account's customer search give the rank through the context.
            menu = self.Partner.with_context(default_customer_rank=1).create({"name": "Meny AS", "is_company": True})
            search = self.Partner.with_context(res_partner_search_mode="customer").create({"name": "Søk AS"})
        self.assertEqual(partner.ref, str(START))
        self.assertEqual(batch.mapped("ref"), [str(START + n) for n in (1, 2, 3)])
        self.assertEqual((menu.ref, search.ref), (str(START + 4), str(START + 5)))
        # A rank in the context that is not a number is not taken for one here: core makes of it what it makes.
        textual = self.Partner.with_context(default_customer_rank="1").create({"name": "Tekst AS", "is_company": True})
        self.assertFalse(textual.customer_rank > 0 and not textual.ref, "a customer without a number")
        entry = (
            self.env["kundekartotek.audit.log"]
            .sudo()
            .search([("res_id", "=", partner.id), ("res_model", "=", "res.partner"), ("field_name", "=", "ref")])
        )
        self.assertEqual((entry.action, entry.new_value), ("create", str(START)))

    def test_what_the_values_do_not_settle_is_numbered_after_the_creation(self):
        """A contact is not numbered; a company given by default in the context and a pattern that needs the
        customer type are numbered once the partner exists."""
        company = self._customer("Mor AS")
        contact = self.Partner.create({"name": "Kari", "parent_id": company.id, "customer_rank": 1})
        self.assertFalse(contact.ref)
        self.assertEqual(self._customer("Standard AS", company_id=self.env.company.id).ref, str(START + 1))
        late = self.Partner.with_context(default_company_id=self.env.company.id).create(
            {"name": "Sen AS", "customer_rank": 1, "is_company": True}
        )
        self.assertEqual(late.ref, str(START + 2))
        family = self._customer("Familie AS", child_ids=[Command.create({"name": "Ola", "customer_rank": 1})])
        self.assertEqual((family.ref, family.child_ids.ref), (str(START + 3), False))
        # A company created inside the creation of another, with the number the outer one draws, is refused with
        # the message (not only by the unique index at the flush).
        child = {"name": "Datter AS", "is_company": True, "customer_rank": 1, "ref": str(START + 4)}
        with self.assertRaisesRegex(ValidationError, "already used by Nøste AS"), self.env.cr.savepoint():
            self._customer("Nøste AS", child_ids=[Command.create(child)])
        self.scheme.write({"kind": "type"})
        self.assertTrue(self._customer("Bedrift AS").ref.startswith("B"))

    def test_a_creation_refused_for_another_company_uses_none_of_its_numbers(self):
        other = self.env["res.company"].create({"name": "Fremmed AS"})
        scheme = self.env["kundekartotek.number.scheme"].create(
            {"name": "Fremmed", "company_id": other.id, "kind": "sequential", "number_start": 880001}
        )
        series = scheme._kk_sequences()
        before = series.number_next_actual
        Partner = self.Partner.with_user(self.clerk)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Partner.create({"name": "Inntrenger AS", "is_company": True, "customer_rank": 1, "company_id": other.id})
        series.invalidate_recordset()
        self.assertEqual(series.number_next_actual, before)

    def test_a_drawn_number_skips_a_number_typed_in_the_same_batch(self):
        batch = self.Partner.create(
            [
                {"name": "Tastet AS", "customer_rank": 1, "is_company": True, "ref": str(START)},
                {"name": "Trukket AS", "customer_rank": 1, "is_company": True},
            ]
        )
        self.assertEqual(batch.mapped("ref"), [str(START), str(START + 1)])

    def test_duplicate_customer_number_is_refused(self):
        first = self._customer("Første AS")
        with self.assertRaisesRegex(ValidationError, "already used by Første AS"):
            self._customer("Kopi AS", ref=first.ref)

    def test_typed_numbers_of_a_batch_are_checked_in_one_query(self):
        """An import brings its own numbers: the batch's check asks the register once, and still finds a number
        held by an existing customer or twice in the batch."""
        first = self._customer("Første AS")
        Partner = type(self.env["res.partner"])
        batch = [
            {"name": f"Import {n} AS", "is_company": True, "customer_rank": 1, "ref": f"77{n:03d}"} for n in range(20)
        ]
        with patch.object(Partner, "_kk_customer_number_owner", side_effect=AssertionError("one query per partner")):
            self.Partner.create(batch)
            for clash in (first.ref, "77005"):
                with self.subTest(clash=clash), self.assertRaisesRegex(ValidationError, "already used by"):
                    with self.env.cr.savepoint():
                        self.Partner.create([{"name": "Ny AS", "is_company": True, "customer_rank": 1, "ref": clash}])

    def _drawn_beside_a_supplier(self):
        """A new customer whose drawn number a supplier already holds as its ref (suppliers are not numbered)."""
        first = self._customer("Første AS")
        supplier = self.Partner.create({"name": "Leverandør AS", "is_company": True, "ref": str(int(first.ref) + 1)})
        drawn = self._customer("Ny AS")
        self.assertEqual(drawn.ref, supplier.ref)
        return first, supplier, drawn

    def test_a_number_drawn_in_the_same_transaction_meets_a_typed_number(self):
        """A drawn number waits for the transaction's flush; the same number typed on another customer in that
        transaction still meets it in the check, with a message (not only in the unique index at the flush)."""
        first, _supplier, drawn = self._drawn_beside_a_supplier()
        with self.assertRaisesRegex(ValidationError, "already used by Ny AS"):
            first.write({"ref": drawn.ref})

    def test_a_number_drawn_in_the_same_transaction_meets_a_new_customer(self):
        _first, supplier, _drawn = self._drawn_beside_a_supplier()
        with self.assertRaisesRegex(ValidationError, "already used by Ny AS"):
            supplier.write({"customer_rank": 1})

    def test_same_number_in_another_company_is_allowed(self):
        other_company = self.env["res.company"].create({"name": "Søsterselskap AS"})
        first = self._customer("Første AS")
        other = self._customer("Annen AS", ref=first.ref, company_id=other_company.id)
        self.assertEqual(other.ref, first.ref)

    def test_unique_index_refuses_duplicates_written_past_the_orm(self):
        self.assertTrue(index_exists(self.env.cr, CUSTOMER_NUMBER_INDEX))
        first, second = self._customer("A AS"), self._customer("B AS")
        self.env.flush_all()
        with self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env.cr.execute(SQL("UPDATE res_partner SET ref = %s WHERE id = %s", first.ref, second.id))

    def test_copy_of_a_customer_gets_its_own_number(self):
        original = self._customer("Original AS")
        copy = original.copy({"customer_rank": 1})
        self.assertNotEqual(copy.ref, original.ref)

    # --- renumbering -----------------------------------------------------------------------------------------

    def test_manager_renumbers_and_the_change_is_logged(self):
        partner = self._customer("Feilnummer AS")
        old = partner.ref
        self._renumber(partner, "Feil ved registrering", new_number="K-1")
        self.assertEqual(partner.ref, "K-1")
        body = partner.message_ids[0].body
        for text in (old, "K-1", "Feil ved registrering"):
            self.assertIn(text, body)

    def test_manager_renumbers_with_the_next_number_of_the_scheme(self):
        partner = self._customer("Neste AS", ref="GAMMEL")
        self._renumber(partner, "Ny ordning")
        self.assertEqual(partner.ref, str(START))
        self.assertIn("GAMMEL", partner.message_ids[0].body)

    def test_user_cannot_renumber(self):
        partner = self._customer("Beskyttet AS")
        with self.assertRaises(AccessError):
            self._renumber(partner, "Prøver", new_number="X-1", user=self.clerk)
        with self.assertRaisesRegex(UserError, "Only a Kundekartotek manager"):
            partner.with_user(self.clerk).write({"ref": "X-1"})
        self.assertEqual(partner.ref, str(START))

    def test_number_is_fixed_once_the_customer_has_journal_items(self):
        partner = self._customer("Bokført AS")
        self.assertFalse(partner.customer_number_locked)
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        partner.invalidate_recordset(["customer_number_locked"])
        self.assertTrue(partner.customer_number_locked)
        with self.assertRaisesRegex(UserError, "journal items"):
            self._renumber(partner, "For sent", new_number="K-2")
        with self.assertRaisesRegex(UserError, "journal items"):
            partner.write({"ref": "K-2"})
        self.assertEqual(partner.ref, str(START))

    def test_no_context_key_lets_a_user_renumber(self):
        partner = self._customer("Kontekst AS")
        for key in ("kk_number_internal", "kk_renumber_reason"):
            with self.subTest(key=key), self.assertRaisesRegex(UserError, "Only a Kundekartotek manager"):
                partner.with_user(self.clerk).with_context(**{key: True}).write({"ref": "X-1"})
        self.assertEqual(partner.ref, str(START))

    def test_customer_rank_game_does_not_free_the_number(self):
        partner = self._customer("Rang AS")
        # Setting the rank to 0 would take the customer out of the number rules; a user may not.
        with self.assertRaisesRegex(UserError, "Only a Kundekartotek manager can take"):
            partner.with_user(self.clerk).write({"customer_rank": 0})
        with self.assertRaisesRegex(UserError, "Only a Kundekartotek manager"):
            partner.with_user(self.clerk).write({"customer_rank": 0, "ref": "X-2"})
        self.assertEqual((partner.ref, partner.customer_rank), (str(START), 1))
        # Once journal items carry the number, not even a manager takes the customer out, in one write or two.
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        for vals in ({"customer_rank": 0}, {"customer_rank": 0, "ref": "X-3"}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "journal items"):
                partner.write(vals)
        self.assertEqual(partner.ref, str(START))

    def test_locked_number_stays_when_the_rank_is_already_zero(self):
        # A rank brought to 0 past the ORM (or by an older version) does not unlock the number either.
        partner = self._customer("Null AS")
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET customer_rank = 0 WHERE id = %s", partner.id))
        partner.invalidate_recordset(["customer_rank"])
        with self.assertRaisesRegex(UserError, "journal items"):
            partner.write({"ref": "K-9"})
        self.assertEqual(partner.ref, str(START))

    def test_locked_number_is_refused_to_the_wizard_and_to_the_module_itself(self):
        partner = self._customer("Låst AS")
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        with self.assertRaisesRegex(UserError, "journal items"):
            self._renumber(partner, "Ny ordning")  # the next number of the scheme
        with self.assertRaisesRegex(UserError, "journal items"):
            partner._kk_set_customer_number("K-4", reason="Intern")
        self.assertEqual(partner.ref, str(START))

    def test_locked_number_cannot_change_through_import(self):
        partner = self._customer("Import AS")
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        Partner = self.Partner.with_context(kk_number_internal=True)
        result = Partner.load([".id", "ref"], [[str(partner.id), "IMP-1"]])
        self.assertFalse(result["ids"])
        self.assertIn("journal items", " ".join(message["message"] for message in result["messages"]))
        self.assertEqual(partner.ref, str(START))

    def test_locked_number_cannot_move_to_another_commercial_partner(self):
        partner = self._customer("Datter AS")
        other = self._customer("Mor AS")
        self.init_invoice("out_invoice", partner=partner, amounts=[100], post=True)
        # As a contact of another customer, its journal items would carry the other customer's number.
        for vals in (
            {"parent_id": other.id, "is_company": False},
            {"commercial_partner_id": other.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "cannot move under another customer"),
                self.env.cr.savepoint(),
            ):
                partner.write(vals)
        self.assertEqual(partner.commercial_partner_id, partner)
        # A customer without journal items may become a contact, when a manager takes it out of the numbering; a
        # company below another keeps its items under its own number.
        free = self._customer("Fri AS")
        with self.assertRaisesRegex(UserError, "Only a Kundekartotek manager can take"), self.env.cr.savepoint():
            free.with_user(self.clerk).write({"parent_id": other.id, "is_company": False})
        free.write({"parent_id": other.id, "is_company": False})
        self.assertEqual(free.commercial_partner_id, other)
        partner.write({"parent_id": other.id})
        self.assertEqual(partner.commercial_partner_id, partner)

    def test_number_change_is_always_in_the_audit_trail(self):
        # Even when the trail's field list leaves ref out, a changed customer number is recorded with who and when.
        self.env["ir.config_parameter"].set_param("kundekartotek.audit_fields", "name")
        manager = make_role_user(self.env, "manager", login="kk_numbering_manager")
        partner = self._customer("Spor AS")
        self._renumber(partner, "Feil nummer", new_number="K-7", user=manager)
        entry = (
            self.env["kundekartotek.audit.log"].sudo().search([("res_id", "=", partner.id), ("field_name", "=", "ref")])
        )
        self.assertEqual(
            (entry.user_id, entry.action, entry.old_value, entry.new_value), (manager, "write", str(START), "K-7")
        )
        self.assertIn("Feil nummer", partner.message_ids[0].body)

    def test_module_authorisation_covers_one_partner_and_one_number(self):
        first, second = self._customer("En AS"), self._customer("To AS")
        clerk_first = first.with_user(self.clerk)
        with res_partner_numbering._number_write(self.env, first.id, "AUT-1"):
            with self.assertRaisesRegex(UserError, "Only a Kundekartotek manager"):
                clerk_first.write({"ref": "AUT-2"})
            with self.assertRaisesRegex(UserError, "Only a Kundekartotek manager"):
                second.with_user(self.clerk).write({"ref": "AUT-1"})
            clerk_first.write({"ref": "AUT-1"})
        self.assertEqual(first.ref, "AUT-1")
        self.assertFalse(self.env.cr.precommit.data.get(res_partner_numbering.NUMBER_WRITE))

    # --- install -----------------------------------------------------------------------------------------------

    def test_install_numbers_existing_customers_and_keeps_unique_refs(self):
        # Customers from before the module: the numbering and the index did not exist when they were made.
        self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(CUSTOMER_NUMBER_INDEX)))
        partners = self.Partner.create(
            [
                {"name": "Unik AS", "is_company": True, "ref": "GML-1"},
                {"name": "Dobbel 1 AS", "is_company": True, "ref": "GML-2"},
                {"name": "Dobbel 2 AS", "is_company": True, "ref": "GML-2"},
                {"name": "Uten AS", "is_company": True},
                {"name": "Leverandør AS", "is_company": True},
            ]
        )
        unique, first, duplicate, without, supplier = partners
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET customer_rank = 1 WHERE id IN %s", tuple((partners - supplier).ids))
        )
        self.env.invalidate_all()
        logger = res_partner_numbering._logger
        with patch.object(logger, "info") as info, patch.object(logger, "warning") as warning:
            partners._kk_number_existing_customers(batch_size=2)
        warning.assert_not_called()
        self.assertIn("GML-2", [call.args[1] for call in info.call_args_list if len(call.args) > 1])
        self.assertEqual((unique.ref, first.ref), ("GML-1", "GML-2"))
        self.assertEqual(sorted([duplicate.ref, without.ref]), [str(START), str(START + 1)])
        self.assertFalse(supplier.ref)
        self.assertIn("GML-2", duplicate.message_ids[0].body)
        self.assertTrue(index_exists(self.env.cr, CUSTOMER_NUMBER_INDEX))

    def test_install_keeps_a_shared_ref_on_the_customer_with_journal_items(self):
        self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(CUSTOMER_NUMBER_INDEX)))
        first, invoiced = self.Partner.create(
            [
                {"name": "Først AS", "is_company": True, "ref": "GML-9"},
                {"name": "Fakturert AS", "is_company": True, "ref": "GML-TMP"},
            ]
        )
        self.init_invoice("out_invoice", partner=invoiced, amounts=[100], post=True)
        # Customers from before the module, sharing a ref; only the second (higher id) has journal items.
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET ref = 'GML-9', customer_rank = 1 WHERE id IN %s", tuple((first | invoiced).ids))
        )
        self.env.invalidate_all()
        (first | invoiced)._kk_number_existing_customers()
        self.assertEqual(invoiced.ref, "GML-9")
        self.assertEqual(first.ref, str(START))
        self.assertIn("GML-9", first.message_ids[0].body)

    # --- views -------------------------------------------------------------------------------------------------

    def test_customer_number_is_first_in_the_list_and_searchable(self):
        arch = self.Partner.get_view(self.env.ref("base.view_partner_tree").id, "list")["arch"]
        self.assertRegex(arch, r'^<list[^>]*>\s*<field name="ref"')
        partner = self._customer("Søkbar AS")
        self.assertEqual(self.Partner.search([("ref", "=", partner.ref)]), partner)


@tagged("post_install", "-at_install")
class TestNumberLockRpc(HttpCase):
    """The number lock over real XML-RPC: whatever context the client sends, the server decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(cls.env, "user", login="kk_lock_clerk")
        cls.manager = make_role_user(cls.env, "manager", login="kk_lock_manager")
        for user in (cls.clerk, cls.manager):
            user.password = f"{user.login}_pw"
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Rpc Kunde AS", "is_company": True, "customer_rank": 1, "ref": "RPC-1"})
        cls.invoiced = Partner.create(
            {"name": "Rpc Fakturert AS", "is_company": True, "customer_rank": 1, "ref": "RPC-2"}
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.invoiced.id,
                "invoice_line_ids": [Command.create({"name": "Konsulenttime", "quantity": 1, "price_unit": 1000})],
            }
        )
        invoice.action_post()

    def _call(self, user, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, f"{user.login}_pw", "res.partner", method, args, kwargs or {}
        )

    def _refused(self, user, method, args, kwargs, message):
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(user, method, args, kwargs)
        self.assertIn(message, caught.exception.faultString)

    def test_context_key_over_xmlrpc_changes_nothing(self):
        context = {"context": {"kk_number_internal": True}}
        self._refused(
            self.clerk, "write", [[self.customer.id], {"ref": "RPC-X"}], context, "Only a Kundekartotek manager"
        )
        self._refused(self.manager, "write", [[self.invoiced.id], {"ref": "RPC-Y"}], context, "journal items")
        self.customer.invalidate_recordset(["ref"])
        self.invoiced.invalidate_recordset(["ref"])
        self.assertEqual((self.customer.ref, self.invoiced.ref), ("RPC-1", "RPC-2"))

    def test_rank_game_over_xmlrpc_changes_nothing(self):
        self._refused(
            self.clerk, "write", [[self.customer.id], {"customer_rank": 0}], {}, "Only a Kundekartotek manager can take"
        )
        self._refused(self.manager, "write", [[self.invoiced.id], {"customer_rank": 0}], {}, "journal items")
        self.customer.invalidate_recordset(["customer_rank"])
        self.assertEqual(self.customer.customer_rank, 1)

    def test_private_number_method_is_not_reachable(self):
        self._refused(self.manager, "_kk_set_customer_number", [[self.invoiced.id], "RPC-Z"], {}, "Private methods")
        self.invoiced.invalidate_recordset(["ref"])
        self.assertEqual(self.invoiced.ref, "RPC-2")


@tagged("post_install", "-at_install")
class TestNumberingWorkDoneOnce(AccountTestInvoicingCommon):
    """Numbering many customers at once (install, list action, import) costs the same lookups as one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager")
        cls.env["kundekartotek.number.scheme"].create(
            {"name": "Kundenummer", "company_id": cls.env.company.id, "kind": "type", "number_start": 1}
        )
        cls.Partner = cls.env["res.partner"]
        cls.Partner.create({"name": "Første AS", "customer_rank": 1, "is_company": True})  # series exists now

    def _create(self, count):
        vals = [{"name": f"Batch {n} AS", "customer_rank": 1, "is_company": True} for n in range(count)]
        with queries_on('FROM "ir_sequence"') as sequence_reads, queries_on("WHERE ref = ") as owner_checks:
            partners = self.Partner.create(vals)
        self.assertEqual(len(set(partners.mapped("ref"))), count)
        self.assertTrue(all(ref.startswith("B") for ref in partners.mapped("ref")))
        return len(sequence_reads), len(owner_checks)

    def test_one_and_twenty_customers_read_the_series_once_and_check_no_number_twice(self):
        for count in (1, 20):
            sequence_reads, owner_checks = self._create(count)
            # At most one read of the series per batch (none once it is cached), whatever the number of customers.
            self.assertLessEqual(sequence_reads, 1, f"{count} customer(s)")
            self.assertEqual(owner_checks, 0, f"{count} customer(s): drawn numbers are checked in one batch query")

    def test_a_number_typed_by_hand_earlier_is_skipped(self):
        nxt = self.env["kundekartotek.number.scheme"]._kk_scheme_for(self.env.company)._kk_sequences("type=B")
        upcoming = f"B{nxt.number_next_actual:04d}"
        self.Partner.create({"name": "Håndnummer AS", "customer_rank": 1, "is_company": True, "ref": upcoming})
        partners = self.Partner.create(
            [{"name": f"Etter {n} AS", "customer_rank": 1, "is_company": True} for n in range(3)]
        )
        self.assertNotIn(upcoming, partners.mapped("ref"))
        self.assertEqual(len(set(partners.mapped("ref"))), 3)
