# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The upsert (and so the import) searches the register for duplicates of its new customers once, not twice, and in
one search for all of them: the answers found for the warnings are the ones ``create`` applies; and they are never
reused for a later customer."""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from .common import make_role_user


@tagged("post_install", "-at_install")
class TestUpsertDuplicateSearchOnce(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.kk_duplicate_policy = "warn"
        cls.manager = make_role_user(cls.env, "manager", login="kk_speed_manager")
        cls.existing = cls.env["res.partner"].create(
            {"name": "Fjordlys Regnskap AS", "is_company": True, "email": "post@fjordlys-regnskap.no"}
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.manager)

    def _count_searches(self, records):
        """``(results, searches)``: each search the names of the customers it searched for."""
        Partner = type(self.env["res.partner"])
        real = Partner._kk_likely_duplicates_many
        calls = []

        def counting(partners, vals_list, limit=5):
            calls.append([vals.get("name") for vals in vals_list])
            return real(partners, vals_list, limit=limit)

        with patch.object(Partner, "_kk_likely_duplicates_many", counting):
            results = self.Partner.kk_upsert(records)
        return results, calls

    def test_one_search_per_new_customer_and_the_warning_is_noted(self):
        record = {"name": "Fjordlys Regnskap A/S", "is_company": True, "email": "post@fjordlys-regnskap.no"}
        results, calls = self._count_searches([record])
        self.assertEqual(calls, [["Fjordlys Regnskap A/S"]])
        self.assertEqual(results[0]["status"], "created")
        self.assertIn(f"Possible duplicate of customer {self.existing.id}", results[0]["warnings"][-1])
        created = self.env["res.partner"].browse(results[0]["id"])
        notes = created.message_ids.filtered(lambda m: "looks like a customer already" in (m.body or ""))
        self.assertEqual(len(notes), 1, "create applied the answer the upsert found: the warn policy's note")

    def test_the_new_customers_of_a_call_are_searched_for_in_one_search(self):
        records = [
            {"name": "Fjordlys Regnskap A/S", "is_company": True, "email": "post@fjordlys-regnskap.no"},
            {"name": "Havgull Fiskeutstyr AS", "is_company": True, "email": "post@havgull.no"},
            {"name": "Fjordlys Regnskap", "is_company": True, "email": "regnskap@fjordlys-regnskap.no"},
        ]
        results, calls = self._count_searches(records)
        self.assertEqual(calls, [[record["name"] for record in records]])
        self.assertEqual([result["status"] for result in results], ["created"] * 3)
        warned = [any(f"customer {self.existing.id}" in warning for warning in r["warnings"]) for r in results]
        self.assertEqual(warned, [True, False, True])
        notes = [
            self.env["res.partner"].browse(result["id"]).message_ids.filtered(lambda m: "looks like" in (m.body or ""))
            for result in results
        ]
        self.assertEqual([len(note) for note in notes], [1, 0, 1], "create applied each record's own answer")

    def test_the_same_values_sent_again_are_checked_against_the_first(self):
        """A keyless customer sent twice: the second call's check, and its note, see the customer the first made."""
        record = {"name": "Havgull Fiskeutstyr AS", "is_company": True, "email": "post@havgull.no"}
        first, calls = self._count_searches([record])
        second, more = self._count_searches([dict(record)])
        self.assertEqual((calls, more), ([[record["name"]]], [[record["name"]]]))
        self.assertTrue(any(f"customer {first[0]['id']}" in warning for warning in second[0]["warnings"]), second)
        created = self.env["res.partner"].browse(second[0]["id"])
        self.assertIn(
            f"id {first[0]['id']}", created.message_ids.filtered(lambda m: "looks like" in (m.body or "")).body
        )
