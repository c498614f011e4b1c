# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer API (``kk_upsert``, ``kk_lookup``, ``kk_cards``) called over XML-RPC on the running test server, as an
integration does, by ordinary users of the register's groups."""

import xmlrpc.client
from datetime import timedelta
from unittest.mock import patch

from stdnum.no import fodselsnummer as stdnum_fnr
from stdnum.no import orgnr as stdnum_orgnr

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tests.common import Transport

from ..models import res_partner_api

PASSWORD = "kk_api_pw"


def orgnr(start):
    """The first valid organisation number from ``start`` (eight digits) on."""
    number = int(start)
    while True:
        for digit in range(10):
            if stdnum_orgnr.is_valid(f"{number}{digit}"):
                return f"{number}{digit}"
        number += 1


def fodselsnummer(first9):
    first = stdnum_fnr.calc_check_digit1(first9)
    return first9 + first + stdnum_fnr.calc_check_digit2(first9 + first)


def make_api_user(env, login, extra=()):
    groups = ["kundekartotek.group_user", "account.group_account_invoice", *extra]
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": login,
                "login": login,
                "password": PASSWORD,
                "email": f"{login}@kundekartotek.example",
                "groups_id": [Command.set([env.ref(group).id for group in groups])],
            }
        )
    )


@tagged("post_install", "-at_install")
class TestCustomerApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.norway = env.ref("base.no")
        cls.clerk = make_api_user(env, "kk_api_clerk")
        cls.reader = make_api_user(env, "kk_api_reader", extra=["kundekartotek.group_personal_id"])
        cls.manager = make_api_user(env, "kk_api_manager", extra=["kundekartotek.group_manager"])
        cls.orgnr_a = orgnr("91357924")
        cls.orgnr_b = orgnr(str(int(cls.orgnr_a[:8]) + 1))
        cls.orgnr_c = orgnr(str(int(cls.orgnr_b[:8]) + 1))
        cls.fnr = fodselsnummer("150585123")

    def setUp(self):
        super().setUp()
        self.rpc = xmlrpc.client.ServerProxy(
            self.xmlrpc_url + "object", transport=Transport(self.cr), allow_none=True, use_builtin_types=True
        )

    def call(self, user, method, *args, **kwargs):
        return self.rpc.execute_kw(self.env.cr.dbname, user.id, PASSWORD, "res.partner", method, list(args), kwargs)

    def company(self, number, name="Fjellheim Bygg AS", **extra):
        return {"name": name, "is_company": True, "country_id": self.norway.id, "company_registry": number, **extra}

    def partners(self, number):
        return self.env["res.partner"].with_context(active_test=False).search([("company_registry", "=", number)])

    # Upsert ----------------------------------------------------------------------------------------------------------
    def test_upsert_twice_changes_nothing_the_second_time(self):
        records = [self.company(self.orgnr_a, email="post@fjellheim.example")]
        first = self.call(self.clerk, "kk_upsert", records)
        self.assertEqual(first[0]["status"], "created", first)
        partner = self.env["res.partner"].browse(first[0]["id"])
        self.assertTrue(partner.ref, "a created customer is numbered")
        self.assertEqual(first[0]["customer_number"], partner.ref)
        written = partner.write_date
        audit = self.env["kundekartotek.audit.log"].sudo().search_count([("partner_id", "=", partner.id)])

        second = self.call(self.clerk, "kk_upsert", records)
        self.assertEqual(
            [(r["id"], r["status"], r["customer_number"]) for r in second], [(partner.id, "unchanged", partner.ref)]
        )
        partner.invalidate_recordset()
        self.assertEqual(partner.write_date, written)
        self.assertEqual(
            self.env["kundekartotek.audit.log"].sudo().search_count([("partner_id", "=", partner.id)]), audit
        )
        self.assertEqual(len(self.partners(self.orgnr_a)), 1)

    def test_orgnr_typed_any_way_matches_and_compares_normalised(self):
        created = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a)])[0]
        spaced = f"NO {self.orgnr_a[:3]} {self.orgnr_a[3:6]} {self.orgnr_a[6:]} MVA"
        again = self.call(self.clerk, "kk_upsert", [self.company(spaced)])[0]
        self.assertEqual(
            (again["id"], again["status"], again["matched_by"]), (created["id"], "unchanged", ["company_registry"])
        )
        renamed = self.call(self.clerk, "kk_upsert", [self.company(spaced, name="Fjellheim Bygg og Anlegg AS")])[0]
        self.assertEqual((renamed["id"], renamed["status"]), (created["id"], "updated"))
        self.assertEqual(self.env["res.partner"].browse(created["id"]).name, "Fjellheim Bygg og Anlegg AS")

    def test_external_reference_per_source(self):
        shop = {"source": "shop", "ref": "C-1001"}
        created = self.call(self.clerk, "kk_upsert", [{"name": "Kari Nordmann", "external_ref": shop}])[0]
        self.assertEqual(created["status"], "created")
        again = self.call(self.clerk, "kk_upsert", [{"name": "Kari Nordmann", "external_ref": shop}])[0]
        self.assertEqual(
            (again["id"], again["status"], again["matched_by"]), (created["id"], "unchanged", ["external_ref"])
        )
        moved = self.call(
            self.clerk, "kk_upsert", [{"email": "kari@nordmann.example", "external_ref": dict(shop, ref=" C-1001 ")}]
        )[0]
        self.assertEqual((moved["id"], moved["status"]), (created["id"], "updated"))
        # The same key of another source is another customer.
        crm = self.call(
            self.clerk, "kk_upsert", [{"name": "Kari N.", "external_ref": {"source": "crm", "ref": "C-1001"}}]
        )
        self.assertNotEqual(crm[0]["id"], created["id"])
        refs = self.env["kundekartotek.external.ref"].search([("ref", "=", "C-1001")])
        self.assertEqual(sorted(refs.mapped("source")), ["crm", "shop"])

    def test_external_reference_added_to_a_customer_found_by_orgnr(self):
        created = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a)])[0]
        linked = self.call(
            self.clerk, "kk_upsert", [self.company(self.orgnr_a, external_ref={"source": "crm", "ref": "L-7"})]
        )[0]
        self.assertEqual((linked["id"], linked["status"]), (created["id"], "updated"))
        self.assertEqual(self.call(self.clerk, "kk_lookup", {"source": "crm", "ref": "L-7"})[0]["id"], created["id"])

    def test_keys_naming_different_customers_are_an_error(self):
        first = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a)])[0]
        second = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_b, name="Annen AS")])[0]
        clash = self.call(
            self.clerk, "kk_upsert", [self.company(self.orgnr_b, name="Annen AS", ref=first["customer_number"])]
        )[0]
        self.assertEqual(clash["status"], "error")
        self.assertIn(str(first["id"]), clash["message"])
        self.assertIn(str(second["id"]), clash["message"])

    def test_records_of_one_call_sharing_a_key_are_one_customer(self):
        results = self.call(
            self.clerk,
            "kk_upsert",
            [self.company(self.orgnr_a), self.company(f"NO {self.orgnr_a} MVA", email="ny@fjellheim.example")],
        )
        self.assertEqual([r["status"] for r in results], ["created", "updated"])
        self.assertEqual(results[0]["id"], results[1]["id"])
        self.assertEqual(self.partners(self.orgnr_a).email, "ny@fjellheim.example")

    def test_per_record_errors_do_not_stop_the_rest(self):
        bad = self.orgnr_c[:8] + str((int(self.orgnr_c[8]) + 1) % 10)
        results = self.call(
            self.clerk,
            "kk_upsert",
            [self.company(self.orgnr_a), self.company(bad, name="Feil AS"), self.company(self.orgnr_b, name="B AS")],
        )
        self.assertEqual([r["status"] for r in results], ["created", "error", "created"])
        self.assertIn("check digit", results[1]["message"])
        self.assertFalse(results[1]["id"])
        self.assertFalse(self.partners(bad))
        self.assertEqual(len(self.partners(self.orgnr_a) | self.partners(self.orgnr_b)), 2)

    def test_atomic_saves_nothing_when_one_record_fails(self):
        bad = self.orgnr_c[:8] + str((int(self.orgnr_c[8]) + 1) % 10)
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(
                self.clerk,
                "kk_upsert",
                [self.company(self.orgnr_a), self.company(bad, name="Feil AS")],
                atomic=True,
            )
        self.assertEqual(caught.exception.faultCode, 2)
        self.assertIn("Record 1:", caught.exception.faultString)
        self.assertIn("Nothing was saved", caught.exception.faultString)
        self.assertFalse(self.partners(self.orgnr_a))
        ok = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a)], atomic=True)
        self.assertEqual(ok[0]["status"], "created")

    def test_bad_types_are_an_error_per_record_and_change_nothing(self):
        created = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a)])[0]
        partner = self.env["res.partner"].browse(created["id"])
        results = self.call(
            self.clerk,
            "kk_upsert",
            [
                self.company(self.orgnr_a, customer_type="nonsense"),
                self.company(self.orgnr_a, credit_limit="many"),
                {"name": "Heltall AS", "company_registry": 988077917},
                {"name": "Ukjent", "no_such_field": 1},
                "not a dict",
                {"name": "Feil nøkkel", "external_ref": {"source": "shop"}},
            ],
        )
        self.assertEqual([r["status"] for r in results], ["error"] * 6, results)
        self.assertIn("Customer Type", results[0]["message"])
        self.assertIn("not as int", results[2]["message"])
        self.assertIn("no_such_field", results[3]["message"])
        self.assertIn("external_ref", results[5]["message"])
        partner.invalidate_recordset()
        self.assertNotEqual(partner.customer_type, "nonsense")
        self.assertFalse(self.env["res.partner"].search([("name", "in", ["Heltall AS", "Ukjent", "Feil nøkkel"])]))
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(self.clerk, "kk_upsert", {"name": "not a list"})
        self.assertEqual(caught.exception.faultCode, 2)

    def test_credit_fields_need_the_rights_the_form_needs(self):
        refused = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a, credit_limit=5000.0)])[0]
        self.assertEqual(refused["status"], "error")
        self.assertIn("Credit", refused["message"])
        self.assertFalse(self.partners(self.orgnr_a))
        created = self.call(self.manager, "kk_upsert", [self.company(self.orgnr_a, credit_limit=5000.0)])[0]
        self.assertEqual(created["status"], "created")
        # The value the customer already has is no change, whoever sends it.
        same = self.call(self.clerk, "kk_upsert", [self.company(self.orgnr_a, credit_limit=5000)])[0]
        self.assertEqual(same["status"], "unchanged")

    def test_fodselsnummer_only_for_its_readers(self):
        person = {"name": "Per Apitesen", "country_id": self.norway.id, "fodselsnummer": self.fnr}
        refused = self.call(self.clerk, "kk_upsert", [person])[0]
        self.assertEqual(refused["status"], "error")
        self.assertNotIn(self.fnr, refused["message"])
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Per Apitesen")]))
        created = self.call(self.reader, "kk_upsert", [person])[0]
        self.assertEqual(created["status"], "created")
        spaced = dict(person, fodselsnummer=f"{self.fnr[:6]} {self.fnr[6:]}")
        again = self.call(self.reader, "kk_upsert", [spaced])[0]
        self.assertEqual(
            (again["id"], again["status"], again["matched_by"]), (created["id"], "unchanged", ["fodselsnummer"])
        )

    # Lookup ----------------------------------------------------------------------------------------------------------
    def test_lookup_by_number_orgnr_and_reference(self):
        created = self.call(
            self.clerk, "kk_upsert", [self.company(self.orgnr_a, external_ref={"source": "shop", "ref": "C-9"})]
        )[0]
        spaced = f"{self.orgnr_a[:3]} {self.orgnr_a[3:6]} {self.orgnr_a[6:]}"
        for key, how in [
            (created["customer_number"], "customer_number"),
            (spaced, "company_registry"),
            (f"NO{self.orgnr_a}MVA", "company_registry"),
            ({"source": "shop", "ref": "C-9"}, "external_ref"),
        ]:
            found = self.call(self.clerk, "kk_lookup", key)
            self.assertEqual([(f["id"], f["matched_by"]) for f in found], [(created["id"], how)], key)
        self.assertEqual(self.call(self.clerk, "kk_lookup", self.orgnr_b), [])
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(self.clerk, "kk_lookup", 12345)
        self.assertEqual(caught.exception.faultCode, 2)

    # Cards -----------------------------------------------------------------------------------------------------------
    def test_cards_balance_ageing_and_personal_id_left_out(self):
        env = self.env
        customer = env["res.partner"].create(self.company(self.orgnr_a, customer_rank=1))
        person = env["res.partner"].create(
            {"name": "Per Apitesen", "country_id": self.norway.id, "fodselsnummer": self.fnr, "customer_rank": 1}
        )
        journal = env["account.journal"].search(
            [*env["account.journal"]._check_company_domain(env.company), ("type", "=", "sale")], limit=1
        )
        today = fields.Date.today()
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=45),
                "invoice_date_due": today - timedelta(days=40),
                "invoice_line_ids": [
                    Command.create({"name": "Arbeid", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        cards = self.call(self.clerk, "kk_cards", [customer.id, person.id])
        by_id = {card["id"]: card for card in cards}
        card = by_id[customer.id]
        self.assertEqual(card["customer_number"], customer.ref)
        self.assertEqual(card["company_registry"], self.orgnr_a)
        self.assertAlmostEqual(card["credit"], 1000.0)
        self.assertAlmostEqual(card["overdue_amount"], 1000.0)
        self.assertAlmostEqual(card["ageing"]["b2"], 1000.0)
        self.assertAlmostEqual(card["ageing"]["residual"], 1000.0)
        self.assertIn("credit_policy_effective", card)
        self.assertEqual(by_id[person.id]["ageing"]["residual"], 0.0)
        # Not a reader of national identity numbers: the key is left out and the number is nowhere in the answer.
        self.assertNotIn("fodselsnummer", by_id[person.id])
        self.assertTrue(by_id[person.id]["fodselsnummer_masked"])
        self.assertNotIn(self.fnr, repr(cards))
        read = self.call(self.reader, "kk_cards", [person.id])
        self.assertEqual(read[0]["fodselsnummer"], self.fnr)
        # By domain, within the caller's record rules.
        found = self.call(self.clerk, "kk_cards", [["company_registry", "=", self.orgnr_a]])
        self.assertEqual([c["id"] for c in found], [customer.id])
        for bad in ([["no_such_field", "=", 1]], [customer.id, "x"], "not a list"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.call(self.clerk, "kk_cards", bad)
            self.assertEqual(caught.exception.faultCode, 2, caught.exception.faultString[-300:])


@tagged("post_install", "-at_install")
class TestCustomerApiBatch(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_api_user(cls.env, "kk_api_batch_clerk")
        norway = cls.env.ref("base.no")
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Kort {i:02d} AS", "is_company": True, "country_id": norway.id, "customer_rank": 1}
                for i in range(20)
            ]
        )

    def _queries(self, partners):
        partners.env.invalidate_all()
        before = self.env.cr.sql_log_count
        cards = partners._kk_cards()
        self.assertEqual(len(cards), len(partners))
        return self.env.cr.sql_log_count - before

    def test_cards_cost_the_same_queries_for_1_and_20_customers(self):
        Partner = self.env["res.partner"].with_user(self.clerk)
        self._queries(Partner.browse(self.customers[:1].ids))  # warm the caches of groups, rules and fields
        one = self._queries(Partner.browse(self.customers[1:2].ids))
        twenty = self._queries(Partner.browse(self.customers.ids))
        self.assertEqual(one, twenty)

    def test_unchanged_upsert_costs_the_same_queries_for_1_and_20_customers(self):
        """Keys are looked up per kind for the whole call, and the customers read together, not one by one.

        (No many2one values: the input guard checks that each id exists, one query per value.)
        """
        Partner = self.env["res.partner"].with_user(self.clerk)
        records = [{"name": customer.name, "ref": customer.ref, "is_company": True} for customer in self.customers]

        def queries(batch):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            results = Partner.kk_upsert(batch)
            self.assertEqual({r["status"] for r in results}, {"unchanged"})
            return self.env.cr.sql_log_count - before

        queries(records[:1])  # warm the caches of groups, rules and fields
        self.assertEqual(queries(records[1:2]), queries(records))

    def test_record_limit_per_call(self):
        Partner = self.env["res.partner"].with_user(self.clerk)
        with patch.object(res_partner_api, "MAX_UPSERT_RECORDS", 2):
            self.assertEqual(len(Partner.kk_upsert([{"name": "Grense 1"}])), 1)
            self.assertEqual(len(Partner.kk_upsert([{"name": "Grense 2"}, {"name": "Grense 3"}])), 2)
            with self.assertRaises(ValidationError) as caught:
                Partner.kk_upsert([{"name": "Grense 4"}, {"name": "Grense 5"}, {"name": "Grense 6"}])
        self.assertIn("at most 2", caught.exception.args[0])
        self.assertFalse(self.env["res.partner"].search([("name", "in", ["Grense 4", "Grense 5", "Grense 6"])]))
