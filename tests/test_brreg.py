# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json
from datetime import timedelta
from unittest.mock import patch

import requests

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import SQL

from ..models.res_partner_brreg import brreg_queue_suspended
from .brreg_fakes import FakeResponse, client, recorded, routing_client
from .common import make_role_user

NORDLYS = "988077917"
BANKRUPT = "926018159"
MUNICIPALITY = "819935181"


@tagged("post_install", "-at_install")
class TestBrreg(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.Lookup = cls.env["kundekartotek.brreg.lookup"]
        cls.Monitor = cls.env["kundekartotek.brreg.monitor"]
        cls.norway = cls.env.ref("base.no")
        cls.company = cls.env.company
        cls.company.kk_brreg_enrichment = "suggest"
        # Demo customers queued at install would be picked up by the queue cron: start from an empty queue.
        cls.Partner.search([("brreg_state", "=", "queued")]).write({"brreg_state": "not_checked"})
        cls.industry = cls.env["res.partner.industry"].create(
            {"name": "Elektrisk installasjonsarbeid", "full_name": "43.210 Elektrisk installasjonsarbeid"}
        )
        cls.salesperson = cls.env["res.users"].create({"name": "Selger", "login": "kk_brreg_seller"})
        cls.clerk = make_role_user(cls.env, "user", login="kk_brreg_clerk")

    def _fake(self, register):
        """Let ``_kk_brreg_client`` return ``register`` (a fake client); returns the mock to count builds."""
        patcher = patch.object(type(self.Partner), "_kk_brreg_client", return_value=register)
        mock = patcher.start()
        self.addCleanup(patcher.stop)
        return mock

    def _customer(self, name, orgnr, **vals):
        with brreg_queue_suspended(self.env):
            return self.Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "country_id": self.norway.id,
                    "company_registry": orgnr,
                    "customer_rank": 1,
                    **vals,
                }
            )

    def _notes(self, partner, text):
        return partner.message_ids.filtered(lambda message: text in (message.body or ""))

    def _search(self, query, partner=None):
        wizard = self.Lookup.create({"query": query, "partner_id": partner.id if partner else False})
        wizard.action_search()
        return wizard

    # Look-up wizard ---------------------------------------------------------------------------------------------
    def test_lookup_by_orgnr_shows_the_changes_then_updates_the_customer(self):
        partner = self._customer("Nordlys", NORDLYS)
        register = client(recorded("brreg_unit.json"))
        self._fake(register)
        wizard = self._search("988 077 917", partner)
        self.assertTrue(register.session.calls[0]["url"].endswith("/enheter/988077917"))
        self.assertEqual(wizard.line_id.status, "active")
        self.assertEqual(wizard.line_id.form_name, "Aksjeselskap")
        self.assertEqual(wizard.line_id.municipality, "OSLO")
        # The diff is shown before anything is written.
        self.assertIn("NORDLYS ELEKTRO AS", wizard.change_html)
        self.assertIn("Kirkegata 14", wizard.change_html)
        self.assertIn("Nordlys", wizard.change_html)
        self.assertEqual(partner.name, "Nordlys")
        self.assertFalse(partner.street)

        wizard.action_apply()
        self.assertEqual(partner.name, "NORDLYS ELEKTRO AS")
        self.assertEqual((partner.street, partner.zip, partner.city), ("Kirkegata 14", "0153", "OSLO"))
        self.assertEqual(partner.country_id, self.norway)
        self.assertTrue(partner.mva_registered)
        self.assertEqual(partner.vat, "NO988077917MVA")
        self.assertEqual(partner.website, "http://www.nordlys-elektro.example")
        self.assertEqual(partner.industry_id, self.industry)
        self.assertEqual(partner.brreg_form_code, "AS")
        self.assertEqual(partner.customer_type, "business")
        self.assertEqual((partner.brreg_state, partner.brreg_status), ("ok", "active"))
        notes = self._notes(partner, "Updated from the Brønnøysund register")
        self.assertEqual(len(notes), 1)
        self.assertIn("Kirkegata 14", notes.body)

    def test_lookup_by_name_creates_a_customer_from_the_chosen_unit(self):
        industries = self.env["res.partner.industry"].search_count([])
        self._fake(client(recorded("brreg_search.json")))
        wizard = self._search("nord")
        self.assertEqual(wizard.line_ids.mapped("orgnr"), [NORDLYS, MUNICIPALITY])
        self.assertFalse(wizard.line_id, "several results: the user chooses")
        municipality = wizard.line_ids.filtered(lambda line: line.orgnr == MUNICIPALITY)
        municipality.action_select()
        self.assertIn("FJORDVIK KOMMUNE", wizard.change_html)

        action = wizard.action_apply()
        partner = self.Partner.browse(action["res_id"])
        self.assertEqual(partner.name, "FJORDVIK KOMMUNE")
        self.assertEqual(partner.company_registry, MUNICIPALITY)
        self.assertEqual(partner.customer_type, "public")
        self.assertEqual((partner.zip, partner.city), ("6800", "FØRDE"))
        self.assertEqual(partner.customer_rank, 1)
        self.assertEqual(partner.brreg_state, "ok", "just looked up: not queued again")
        self.assertEqual(self.env["res.partner.industry"].search_count([]), industries, "industries are not created")

    def test_card_button_opens_the_wizard_on_the_customer(self):
        partner = self._customer("Nordlys", NORDLYS)
        action = partner.action_kk_brreg_lookup()
        self.assertEqual(action["res_model"], "kundekartotek.brreg.lookup")
        with Form(self.Lookup.with_context(**action["context"])) as wizard:
            self.assertEqual(wizard.query, NORDLYS)
            self.assertEqual(wizard.partner_id, partner)

    def test_a_register_user_can_search_again_and_apply(self):
        partner = self._customer("Nordlys", NORDLYS)
        self._fake(client(recorded("brreg_search.json"), recorded("brreg_unit.json")))
        wizard = self.Lookup.with_user(self.clerk).create({"query": "nord", "partner_id": partner.id})
        wizard.action_search()
        wizard.query = NORDLYS
        wizard.action_search()
        self.assertEqual(wizard.line_ids.mapped("orgnr"), [NORDLYS], "the earlier results are replaced")
        wizard.action_apply()
        self.assertEqual(partner.street, "Kirkegata 14")

    def test_differences_of_case_only_are_no_change(self):
        partner = self._customer(
            "Nordlys Elektro AS",
            NORDLYS,
            street="Kirkegata 14",
            zip="0153",
            city="Oslo",
            website="www.nordlys-elektro.example",
            industry_id=self.industry.id,
            vat="NO988077917MVA",
            brreg_form_code="AS",
        )
        unit = client(recorded("brreg_unit.json")).get_unit(NORDLYS)
        self.assertEqual(partner._kk_brreg_diff(self.Partner._kk_brreg_values(unit)), [])

    def test_postal_address_is_the_fallback(self):
        unit = client(
            FakeResponse(
                200,
                {
                    "organisasjonsnummer": NORDLYS,
                    "navn": "POSTBOKS AS",
                    "forretningsadresse": {"adresse": [None, ""], "postnummer": None},
                    "postadresse": {
                        "landkode": "NO",
                        "postnummer": "0122",
                        "poststed": "OSLO",
                        "adresse": ["Postboks 1752 Vika"],
                    },
                },
            )
        ).get_unit(NORDLYS)
        values = self.Partner._kk_brreg_values(unit)
        self.assertEqual((values["street"], values["zip"], values["city"]), ("Postboks 1752 Vika", "0122", "OSLO"))
        self.assertNotIn("website", values)
        self.assertNotIn("industry_id", values)
        self.assertNotIn("mva_registered", values, "no answer about VAT: the VAT number is left alone")

    def test_subunits_become_delivery_addresses_without_duplicates(self):
        partner = self._customer("Nordlys", NORDLYS)
        self._fake(
            routing_client(
                {"enheter/988077917": recorded("brreg_unit.json"), "underenheter": recorded("brreg_subunits.json")}
            )
        )
        for _run in range(2):
            wizard = self._search(NORDLYS, partner)
            wizard.include_subunits = True
            wizard.action_apply()
        deliveries = partner.child_ids.filtered(lambda child: child.type == "delivery")
        self.assertEqual(sorted(deliveries.mapped("brreg_subunit_orgnr")), ["923609016", "974760673"])
        bergen = deliveries.filtered(lambda child: child.brreg_subunit_orgnr == "974760673")
        self.assertEqual((bergen.street, bergen.zip, bergen.city), ("Strandkaien 2", "5013", "BERGEN"))
        self.assertEqual(bergen.company_registry, NORDLYS, "an address carries its company's number")

    def test_every_failure_gives_a_clear_error_and_changes_nothing(self):
        partner = self._customer("Nordlys", NORDLYS)
        cases = [
            ("not found", [FakeResponse(404, {"status": 404})], "is not in the Central Coordinating Register"),
            ("removed", [recorded("brreg_removed_410.json", status=410)], "removed from the register"),
            ("timeout", [requests.Timeout("slow")] * 3, "did not answer in time"),
            ("garbage", [FakeResponse(200, ["a", "list"])], "not a unit"),
            ("no number", [FakeResponse(200, {"navn": "no number"})], "not a unit"),
        ]
        for case, answers, message in cases:
            with self.subTest(case):
                self._fake(client(*answers))
                wizard = self.Lookup.create({"query": NORDLYS, "partner_id": partner.id})
                with self.assertRaises(UserError) as caught:
                    wizard.action_search()
                self.assertIn(message, str(caught.exception))
                self.assertIn("nothing was changed", str(caught.exception))
                self.assertFalse(wizard.line_ids)
                self.assertEqual(partner.name, "Nordlys")

    def test_any_failure_of_the_http_layer_is_register_unavailable(self):
        """Redirect loops, cut-off answers, pages that are not JSON and 429 are all "try again later"."""
        partner = self._customer("Nordlys", NORDLYS)
        cases = [
            ("redirect loop", [requests.exceptions.TooManyRedirects("Exceeded 30 redirects.")]),
            ("cut off", [requests.exceptions.ChunkedEncodingError("Connection broken")] * 3),
            ("not JSON", [FakeResponse(200, text="<html>maintenance</html>")]),
            ("429, long pause", [FakeResponse(429, {}, headers={"Retry-After": "3600"})]),
            ("429 three times", [FakeResponse(429, {}, headers={"Retry-After": "1"})] * 3),
            ("bad URL", [requests.exceptions.InvalidURL("Invalid URL")]),
        ]
        for case, answers in cases:
            with self.subTest(case):
                self._fake(client(*answers))
                wizard = self.Lookup.create({"query": NORDLYS, "partner_id": partner.id})
                with self.assertRaises(UserError) as caught:
                    wizard.action_search()
                self.assertIn("did not answer in time", str(caught.exception))
                self.assertIn("nothing was changed", str(caught.exception))
                self.assertFalse(wizard.line_ids)

    def test_queue_cron_keeps_the_partner_queued_whatever_the_http_layer_does(self):
        first = self.Partner.create(
            {"name": "Nordlys", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        )
        second = self.Partner.create(
            {"name": "Konkurs", "is_company": True, "country_id": self.norway.id, "company_registry": BANKRUPT}
        )
        failures = [
            requests.exceptions.TooManyRedirects("Exceeded 30 redirects."),
            requests.exceptions.ContentDecodingError("gzip"),
            FakeResponse(429, {}, headers={"Retry-After": "Wed, 01 Jan 2098 00:00:00 GMT"}),
            FakeResponse(200, text="<html>"),
        ]
        for failure in failures:
            with self.subTest(type(failure).__name__):
                (first | second).write({"brreg_retry_count": 0, "brreg_checked_at": False})
                register = client(*[failure] * 3)
                self._fake(register)
                self.Partner._cron_brreg_process_queue()
                self.assertEqual((first.brreg_state, first.brreg_retry_count), ("queued", 1))
                self.assertEqual(second.brreg_retry_count, 0, "the batch stops while the register is down")
                self.assertEqual({call["url"].rsplit("/", 1)[1] for call in register.session.calls}, {NORDLYS})

    def test_a_bad_timeout_setting_falls_back_to_ten_seconds(self):
        params = self.env["ir.config_parameter"].sudo()
        cases = (("1", 1), ("0", 10), ("59", 59), ("60", 60), ("61", 60), ("-1", 10), ("abc", 10), ("²", 10), ("", 10))
        for value, timeout in cases:
            with self.subTest(value=value):
                params.set_param("kundekartotek.brreg_timeout", value)
                self.assertEqual(self.Partner._kk_brreg_client().timeout, timeout)

    def test_a_norwegian_user_gets_the_errors_in_norwegian(self):
        self.env["res.lang"]._activate_lang("nb_NO")
        self.clerk.lang = "nb_NO"
        self._fake(client(*[requests.Timeout("slow")] * 3))
        wizard = self.Lookup.with_user(self.clerk).create({"query": NORDLYS})
        with self.assertRaises(UserError) as caught:
            wizard.action_search()
        self.assertIn("svarte ikke i tide", str(caught.exception))
        self.assertIn("ingenting ble endret", str(caught.exception))
        self._fake(client(recorded("brreg_search_empty.json")))
        wizard = self.Lookup.with_user(self.clerk).create({"query": "Finnes Ikke"})
        with self.assertRaises(UserError) as caught:
            wizard.action_search()
        self.assertIn("Ingen enhet i Brønnøysundregistrene passer til «Finnes Ikke»", str(caught.exception))

    def test_failing_subunits_leave_the_customer_unchanged(self):
        partner = self._customer("Nordlys", NORDLYS)
        self._fake(
            routing_client({"enheter/988077917": recorded("brreg_unit.json"), "underenheter": requests.Timeout("slow")})
        )
        wizard = self._search(NORDLYS, partner)
        wizard.include_subunits = True
        with self.assertRaises(UserError) as caught:
            wizard.action_apply()
        self.assertIn("did not answer in time", str(caught.exception))
        self.assertEqual(partner.name, "Nordlys")
        self.assertFalse(partner.child_ids)

    # Enrichment on save -----------------------------------------------------------------------------------------
    def test_save_queues_the_check_without_calling_the_register(self):
        build = self._fake(client())
        partner = self.Partner.create(
            {"name": "Ny Kunde AS", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        )
        self.assertEqual(partner.brreg_state, "queued")
        partner.brreg_state = "ok"
        partner.write({"company_registry": "926 018 159"})
        self.assertEqual(partner.brreg_state, "queued")
        partner.brreg_state = "ok"
        partner.write({"company_registry": "926018159", "name": "Same Number AS"})
        self.assertEqual(partner.brreg_state, "ok", "the same number is not checked again")
        contact = self.Partner.create({"name": "Kontakt", "parent_id": partner.id})
        self.assertEqual(contact.brreg_state, "not_checked", "addresses follow their company")
        self.company.kk_brreg_enrichment = "off"
        other = self.Partner.create(
            {"name": "Av AS", "is_company": True, "country_id": self.norway.id, "company_registry": MUNICIPALITY}
        )
        self.assertEqual(other.brreg_state, "not_checked")
        build.assert_not_called()

    def test_no_context_key_skips_the_queue(self):
        """An RPC caller sets any context key it likes: the old ``kk_brreg_no_queue`` must not skip the check."""
        clerk_env = self.env(user=self.clerk, context=dict(self.env.context, kk_brreg_no_queue=True))
        vals = {"name": "Kontekst AS", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        partner = clerk_env["res.partner"].create(vals)
        self.assertEqual(partner.brreg_state, "queued")
        partner.sudo().brreg_state = "ok"
        partner.write({"company_registry": MUNICIPALITY})
        self.assertEqual(partner.brreg_state, "queued")
        with brreg_queue_suspended(self.env):
            quiet = self.Partner.create(dict(vals, name="Stille AS"))
        self.assertEqual(quiet.brreg_state, "not_checked", "the module's own flag does skip it")

    def test_queue_cron_writes_the_register_data_in_automatic_mode(self):
        self.company.kk_brreg_enrichment = "automatic"
        partner = self.Partner.create(
            {"name": "Nordlys", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        )
        self._fake(client(recorded("brreg_unit.json")))
        self.Partner._cron_brreg_process_queue()
        self.assertEqual(partner.name, "NORDLYS ELEKTRO AS")
        self.assertEqual(partner.city, "OSLO")
        self.assertEqual(partner.brreg_state, "ok")
        self.assertTrue(partner.brreg_checked_at)
        self.assertTrue(self._notes(partner, "Updated from the Brønnøysund register"))

    def test_queue_cron_records_not_found_and_removed_and_goes_on(self):
        gone, removed, found = self.Partner.create(
            [
                {"name": f"Kø {n} AS", "is_company": True, "country_id": self.norway.id, "company_registry": number}
                for n, number in enumerate((NORDLYS, MUNICIPALITY, NORDLYS))
            ]
        )
        self.assertEqual((gone | removed | found).mapped("brreg_state"), ["queued"] * 3)
        self._fake(
            client(
                FakeResponse(404, {"status": 404}),
                recorded("brreg_removed_410.json", status=410),
                recorded("brreg_unit.json"),
            )
        )
        self.Partner._cron_brreg_process_queue()
        # A number the register does not know, or has removed, is a final answer: not queued again, not retried.
        self.assertEqual((gone.brreg_state, gone.brreg_retry_count), ("not_found", 0))
        self.assertEqual((removed.brreg_state, removed.brreg_retry_count), ("removed", 0))
        self.assertTrue(gone.brreg_checked_at and removed.brreg_checked_at)
        self.assertNotEqual(found.brreg_state, "queued", "the batch went on after the two final answers")

    def test_queue_cron_suggests_in_suggest_mode_then_apply_or_dismiss(self):
        first = self.Partner.create(
            {"name": "Nordlys", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        )
        second = self.Partner.create(
            {"name": "Nordlys 2", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        )
        self._fake(client(recorded("brreg_unit.json"), recorded("brreg_unit.json")))
        self.Partner._cron_brreg_process_queue()
        for partner in first | second:
            self.assertEqual(partner.brreg_state, "changed")
            self.assertFalse(partner.street, "suggest mode writes nothing by itself")
            self.assertIn("Kirkegata 14", partner.brreg_suggestion_html)
        first.action_kk_brreg_apply_suggestion()
        self.assertEqual((first.name, first.street), ("NORDLYS ELEKTRO AS", "Kirkegata 14"))
        self.assertFalse(first.brreg_suggestion_html)
        second.action_kk_brreg_dismiss_suggestion()
        self.assertEqual(second.name, "Nordlys 2")
        self.assertFalse(second.brreg_suggestion_html)
        self.assertEqual(second.brreg_state, "ok")

    def test_queue_cron_retries_when_the_register_is_down_then_gives_up(self):
        partner = self.Partner.create(
            {"name": "Nordlys", "is_company": True, "country_id": self.norway.id, "company_registry": NORDLYS}
        )
        register = client(*[requests.Timeout("slow")] * 3)
        self._fake(register)
        self.Partner._cron_brreg_process_queue()
        self.assertEqual((partner.brreg_state, partner.brreg_retry_count), ("queued", 1))
        self.assertEqual(partner.name, "Nordlys")
        self.Partner._cron_brreg_process_queue()
        self.assertEqual(len(register.session.calls), 3, "not tried again before the retry delay")

        partner.write({"brreg_retry_count": 4, "brreg_checked_at": fields.Datetime.now() - timedelta(hours=1)})
        self._fake(client(*[requests.Timeout("slow")] * 3))
        self.Partner._cron_brreg_process_queue()
        self.assertEqual(partner.brreg_state, "error")

    # Suggestions: written by the register check only, applied by whitelist, never breaking the card ----------------
    def _store_suggestion(self, partner, suggestion):
        """A suggestion as it may sit in the database (older data, a hand edit in SQL): no check on the way in."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET brreg_suggestion = %s::jsonb, brreg_state = 'changed' WHERE id = %s",
                json.dumps(suggestion),
                partner.id,
            )
        )
        partner.invalidate_recordset()

    def test_suggestion_banner_follows_the_card(self):
        partner = self._customer("Nordlys", NORDLYS)
        self._store_suggestion(partner, {"name": "NORDLYS ELEKTRO AS"})
        self.assertIn("NORDLYS ELEKTRO AS", partner.brreg_suggestion_html)
        partner.name = "Nordlys Elektro AS"  # typed by hand: the register proposes nothing new any more
        self.assertFalse(partner.brreg_suggestion_html)

    def test_nobody_but_the_register_check_writes_the_suggestion(self):
        partner = self._customer("Nordlys", NORDLYS)
        forged = {"name": "FORFALSKET AS", "street": "Falskveien 1"}
        for label, env in (("clerk", self.env(user=self.clerk)), ("superuser", self.env(user=SUPERUSER_ID, su=True))):
            Partner = env["res.partner"].with_context(kk_brreg_no_queue=True, kk_brreg_register=True)
            for value in (forged, False, {}):
                with self.subTest(label=label, value=value):
                    with self.assertRaises(AccessError) as caught:
                        Partner.browse(partner.id).write({"brreg_suggestion": value})
                    self.assertIn("Brønnøysund check only", str(caught.exception))
            with self.assertRaises(AccessError):
                Partner.create({"name": "Ny AS", "brreg_suggestion": forged})
        self.assertFalse(partner.brreg_suggestion)
        # The register check itself still stores its proposal, and the card's buttons still clear it.
        self._fake(client(recorded("brreg_unit.json")))
        partner.brreg_state = "queued"
        self.Partner._cron_brreg_process_queue()
        self.assertEqual(partner.brreg_suggestion["name"], "NORDLYS ELEKTRO AS")
        partner.with_user(self.clerk).action_kk_brreg_dismiss_suggestion()
        self.assertFalse(partner.brreg_suggestion)

    def test_apply_writes_only_the_fields_the_register_supplies(self):
        partner = self._customer("Nordlys", NORDLYS, comment="Gammel kommentar", credit_limit=1000)
        other_user = self.salesperson
        self._store_suggestion(
            partner,
            {
                "name": "NORDLYS ELEKTRO AS",
                "city": "OSLO",
                "user_id": other_user.id,
                "comment": "<script>alert(1)</script>",
                "credit_limit": 999999999,
                "email": "angriper@example.com",
                "is_published": True,
                "no_such_field": 1,
            },
        )
        self.assertIn("NORDLYS ELEKTRO AS", partner.brreg_suggestion_html)
        self.assertNotIn("alert", partner.brreg_suggestion_html)
        partner.with_user(self.clerk).action_kk_brreg_apply_suggestion()
        self.assertEqual((partner.name, partner.city), ("NORDLYS ELEKTRO AS", "OSLO"))
        self.assertFalse(partner.user_id)
        self.assertEqual((partner.comment, partner.credit_limit), ("<p>Gammel kommentar</p>", 1000))
        self.assertFalse(partner.email)
        self.assertFalse(partner.brreg_suggestion)

    def test_a_malformed_suggestion_never_breaks_the_card(self):
        partner = self._customer("Nordlys", NORDLYS, city="Bergen")
        malformed = [
            "{not json",
            ["NORDLYS ELEKTRO AS"],
            42,
            True,
            {"name": 123},
            {"name": ["NORDLYS"]},
            {"name": "N" * 257},
            {"city": {"name": "OSLO"}},
            {"country_id": "NO"},
            {"country_id": 99999999},
            {"country_id": -1},
            {"country_id": True},
            {"industry_id": 1.5},
            {"customer_type": "bogus"},
            {"mva_registered": "yes"},
            {"name": "NORDLYS ELEKTRO AS", "zip": 153},
        ]
        for suggestion in malformed:
            with self.subTest(suggestion=suggestion):
                self._store_suggestion(partner, suggestion)
                # The card opens (the form reads the banner) and says what to do.
                [values] = partner.with_user(self.clerk).web_read({"brreg_suggestion_html": {}, "name": {}})
                self.assertIn("cannot be read", values["brreg_suggestion_html"])
                with self.assertRaises(UserError) as caught:
                    partner.with_user(self.clerk).action_kk_brreg_apply_suggestion()
                self.assertIn("Dismiss it", str(caught.exception))
                self.assertEqual((partner.name, partner.city), ("Nordlys", "Bergen"))
                partner.with_user(self.clerk).action_kk_brreg_dismiss_suggestion()
                self.assertFalse(partner.brreg_suggestion)

    def test_a_suggestion_edge_of_the_text_length_and_unknown_keys(self):
        partner = self._customer("Nordlys", NORDLYS)
        self._store_suggestion(partner, {"street": "S" * 256, "unknown": {"deep": [1]}})
        partner.action_kk_brreg_apply_suggestion()
        self.assertEqual(partner.street, "S" * 256, "256 characters: the longest text taken from the register")
        self._store_suggestion(partner, {"only": "unknown keys"})
        self.assertFalse(partner.brreg_suggestion_html, "nothing the register supplies: nothing to show")
        partner.action_kk_brreg_apply_suggestion()
        self.assertFalse(partner.brreg_suggestion)
        self.assertEqual(partner.street, "S" * 256)

    def test_a_result_line_with_a_garbled_answer_is_a_clear_error(self):
        partner = self._customer("Nordlys", NORDLYS)
        wizard = self.Lookup.with_user(self.clerk).create({"query": NORDLYS, "partner_id": partner.id})
        line = (
            self.env["kundekartotek.brreg.lookup.line"]
            .with_user(self.clerk)
            .create({"wizard_id": wizard.id, "orgnr": NORDLYS, "unit_data": {"navn": "no number"}})
        )
        line.action_select()
        self.assertIn("cannot be read", wizard.change_html)
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertEqual(partner.name, "Nordlys")

    def test_merging_a_customer_with_a_suggestion_still_works(self):
        first = self._customer("Nordlys", NORDLYS)
        second = self._customer("Nordlys (dublett)", NORDLYS)
        self._store_suggestion(second, {"name": "NORDLYS ELEKTRO AS"})
        self.env["base.partner.merge.automatic.wizard"]._merge((first | second).ids, first, extra_checks=False)
        self.assertFalse(second.exists())
        self.assertEqual(first.brreg_suggestion, {"name": "NORDLYS ELEKTRO AS"})

    # Monitoring -------------------------------------------------------------------------------------------------
    def test_change_feed_flags_a_bankrupt_customer_once(self):
        self.company.kk_brreg_block_credit_on_risk = True
        active = self._customer("NORDLYS ELEKTRO AS", NORDLYS, user_id=self.salesperson.id)
        bankrupt = self._customer("KONKURS OG NULL AS", BANKRUPT, user_id=self.salesperson.id)
        self.env["ir.config_parameter"].sudo().set_param("kundekartotek.brreg_last_update_id", "1000")
        register = routing_client(
            {
                "oppdateringer/enheter": recorded("brreg_updates.json"),
                "enheter/988077917": recorded("brreg_unit.json"),
                "enheter/883016610": recorded("brreg_unit_deleted.json"),
                "enheter/926018159": recorded("brreg_unit_bankrupt_nulls.json"),
            }
        )
        self._fake(register)
        todo = self.env.ref("mail.mail_activity_data_todo")
        for _run in range(2):
            self.Monitor._cron_brreg_changes()
            self.assertEqual(bankrupt.brreg_status, "bankrupt")
            self.assertEqual(bankrupt.payment_class, "risk")
            self.assertEqual(bankrupt.credit_policy, "block")
            activities = bankrupt.activity_ids.filtered(lambda a: a.activity_type_id == todo)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.salesperson)
            notes = self._notes(bankrupt, "register reports")
            self.assertEqual(len(notes), 1)
            self.assertEqual(active.brreg_status, "active")
            self.assertNotEqual(active.payment_class, "risk")
            self.assertFalse(active.activity_ids)
        self.assertEqual(register.session.calls[0]["params"]["oppdateringsid"], 1001)
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("kundekartotek.brreg_last_update_id"), "1003")

    def test_change_feed_keeps_its_place_when_the_register_is_down(self):
        self._customer("NORDLYS ELEKTRO AS", NORDLYS)
        self.env["ir.config_parameter"].sudo().set_param("kundekartotek.brreg_last_update_id", "1000")
        self._fake(
            routing_client(
                {"oppdateringer/enheter": recorded("brreg_updates.json"), "enheter/988077917": requests.Timeout("x")}
            )
        )
        self.Monitor._cron_brreg_changes()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("kundekartotek.brreg_last_update_id"), "1000")

    def test_revalidation_goes_in_batches_and_resumes_from_the_stored_id(self):
        params = self.env["ir.config_parameter"].sudo()
        first = self._customer("Først AS", MUNICIPALITY)
        second = self._customer("Nordlys", NORDLYS)
        third = self._customer("Konkurs", BANKRUPT)
        params.set_param("kundekartotek.brreg_revalidate_last_id", str(first.id))
        register = routing_client(
            {
                "enheter/988077917": recorded("brreg_unit.json"),
                "enheter/926018159": [requests.Timeout("slow")] * 3 + [recorded("brreg_unit_bankrupt_nulls.json")],
            }
        )
        self._fake(register)
        self.Monitor._cron_brreg_revalidate(batch_size=1)
        self.assertEqual(register.session.paths(), ["enheter/988077917"], "resumed after the stored id")
        self.assertEqual(second.brreg_state, "changed")
        self.assertEqual(params.get_param("kundekartotek.brreg_revalidate_last_id"), str(second.id))

        self.Monitor._cron_brreg_revalidate(batch_size=1)  # the register is down: stays at the second
        self.assertEqual(params.get_param("kundekartotek.brreg_revalidate_last_id"), str(second.id))
        self.assertEqual(third.brreg_state, "not_checked")

        self.Monitor._cron_brreg_revalidate(batch_size=1)
        self.assertEqual(third.brreg_status, "bankrupt")
        self.assertEqual(third.payment_class, "risk")
        self.assertNotEqual(first.brreg_state, "ok")
        self.assertEqual(params.get_param("kundekartotek.brreg_revalidate_last_id"), "0", "a finished pass starts over")
