# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The upsert (and so the import) searches the register for duplicates of a new customer once, not twice: the
answer found for the warnings is the one ``create`` applies; and it is never reused for a later customer."""

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
        Partner = type(self.env["res.partner"])
        real = Partner._kk_likely_duplicates
        calls = []

        def counting(partners, vals, limit=5):
            calls.append(vals.get("name"))
            return real(partners, vals, limit=limit)

        with patch.object(Partner, "_kk_likely_duplicates", counting):
            results = self.Partner.kk_upsert(records)
        return results, calls

    def test_one_search_per_new_customer_and_the_warning_is_noted(self):
        record = {"name": "Fjordlys Regnskap A/S", "is_company": True, "email": "post@fjordlys-regnskap.no"}
        results, calls = self._count_searches([record])
        self.assertEqual(calls, ["Fjordlys Regnskap A/S"])
        self.assertEqual(results[0]["status"], "created")
        self.assertIn(f"Possible duplicate of customer {self.existing.id}", results[0]["warnings"][-1])
        created = self.env["res.partner"].browse(results[0]["id"])
        notes = created.message_ids.filtered(lambda m: "looks like a customer already" in (m.body or ""))
        self.assertEqual(len(notes), 1, "create applied the answer the upsert found: the warn policy's note")

    def test_the_same_values_sent_again_are_checked_against_the_first(self):
        """A keyless customer sent twice: the second call's check, and its note, see the customer the first made."""
        record = {"name": "Havgull Fiskeutstyr AS", "is_company": True, "email": "post@havgull.no"}
        first, calls = self._count_searches([record])
        second, more = self._count_searches([dict(record)])
        self.assertEqual((len(calls), len(more)), (1, 1))
        self.assertTrue(any(f"customer {first[0]['id']}" in warning for warning in second[0]["warnings"]), second)
        created = self.env["res.partner"].browse(second[0]["id"])
        self.assertIn(
            f"id {first[0]['id']}", created.message_ids.filtered(lambda m: "looks like" in (m.body or "")).body
        )
