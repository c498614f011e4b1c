# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What creating one customer costs in SQL statements, the commit's work included.

A clerk creates a Norwegian company customer with organisation number and address, as an integration or the
Customers menu would: the module checks the values, marks it for the duplicate search after the commit (the warn
policy over the API), gives a language and a customer number,
queues the Brønnøysund check and writes the audit trail at commit. ``bench/create_profile.py`` lists the statements;
a change that adds one per customer (a re-read of what is in the cache, a flush of its own) fails here.
"""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged, warmup

from odoo.addons.base.models.res_partner import Partner as CorePartner

from .common import make_role_user

# Statements of one creation and its commit work (the audit trail), counted with a warm cache of rules, fields and
# settings, as a running server has it. Before 2026-12-02 the same creation took 25 (docs/benchmarks.md); 19 until
# the customer number went into the values the customer is created with (2026-12-03); 19 again since the module's
# company settings have a prefetch group of their own (2026-12-03: the Brønnøysund queue reads one of them, in a
# query of its own, and every other read of a company in Odoo no longer loads them); 18 since the warn policy's
# duplicate search of a customer created over the API is made after the commit (2026-12-03); 19 since the customers
# waiting for that search are a table's rows, not a column of res_partner (one insert in the creation; the look no
# longer rewrites each customer's row and every index entry of it to clear the mark).
CREATE_STATEMENTS = 19


@tagged("post_install", "-at_install")
class TestCreationCost(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(cls.env, "user", login="kk_cost_clerk")
        cls.norway = cls.env.ref("base.no")

    @warmup
    def test_one_norwegian_company_customer(self):
        Partner = self.env["res.partner"].with_user(self.clerk)
        Log = self.env["kundekartotek.audit.log"]
        with self.assertQueryCount(CREATE_STATEMENTS):
            partner = Partner.create(
                {
                    "name": "Kostnadsmåling Fjordvik AS",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_registry": "939 099 603",
                    "country_id": self.norway.id,
                    "street": "Kaigata 4",
                    "zip": "5003",
                    "city": "Bergen",
                    "email": "post@fjordvik-kostnad.example",
                }
            )
            # What the commit does before it commits: the audit trail is chained and written here.
            self.env.cr.precommit.run()
        # The work counted is the whole work: number, register queue and trail are there.
        self.assertTrue(partner.ref)
        self.assertEqual(partner.company_registry, "939099603")
        self.assertEqual(partner.brreg_state, "queued")
        entries = Log.sudo().search([("res_id", "=", partner.id), ("res_model", "=", "res.partner")])
        self.assertIn("company_registry", entries.mapped("field_name"))
        self.assertIn(partner.ref, entries.mapped("new_value"))

    def _defaults_asked(self, vals_list, **context):
        """How many times Odoo's own ``default_get`` of partners ran for one ``create`` of ``vals_list``."""
        calls = []
        core = CorePartner.default_get

        def counting(partners, fields_list):
            calls.append(sorted(fields_list))
            return core(partners, fields_list)

        with patch.object(CorePartner, "default_get", counting):
            partners = self.env["res.partner"].with_user(self.clerk).with_context(**context).create(vals_list)
        return partners, len(calls)

    def test_a_batch_asks_for_its_defaults_once_per_set_of_fields(self):
        vals_list = [{"name": f"Parti {number} AS", "is_company": True, "customer_rank": 1} for number in range(20)]
        vals_list[5]["email"] = "post@parti5.example"  # another set of fields given: its defaults are asked apart
        partners, asked = self._defaults_asked(vals_list, tz="Europe/Oslo")
        self.assertEqual(asked, 2)
        self.assertEqual(set(partners.mapped("tz")), {"Europe/Oslo"}, "each partner has the defaults")
        self.assertEqual(set(partners.mapped("type")), {"contact"})
        _partner, asked = self._defaults_asked(vals_list[:1])
        self.assertEqual(asked, 1)
        _partners, asked = self._defaults_asked(vals_list[:2])
        self.assertEqual(asked, 1, "from two partners on, a batch")
        self.assertNotIn("kundekartotek.partner.batch_defaults", self.env.cr.precommit.data, "forgotten after")
