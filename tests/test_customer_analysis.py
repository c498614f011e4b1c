# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Customer Analysis sums what an accountant asks about (balance, overdue, twelve months' revenue), not a count of
partners by country; the customer list opens on customers, nothing else."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .receivables_common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestCustomerAnalysis(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.today = today = fields.Date.context_today(Partner)
        year_ago = today - relativedelta(years=1)
        cls.customer = Partner.create({"name": "Analyse AS", "is_company": True, "value_tier": "a"})
        cls.idle = Partner.create({"name": "Stille Analyse AS", "is_company": True, "customer_rank": 1})
        cls.supplier = Partner.create({"name": "Leverandør Analyse AS", "is_company": True, "supplier_rank": 1})
        first = cls._invoice(cls.customer, 1000, today - timedelta(days=40), today - timedelta(days=1))  # due yesterday
        cls._pay(first, 200, today)
        cls._invoice(cls.customer, 500, today, today)  # due today: not overdue yet
        cls._invoice(cls.customer, 300, year_ago, year_ago + timedelta(days=14))  # a year ago: not in the revenue
        cls._invoice(cls.customer, 70, year_ago + timedelta(days=1), year_ago + timedelta(days=15))  # in it
        cls._invoice(cls.customer, 100, today, today, move_type="out_refund")

    def _row(self, partner):
        return self.env["kundekartotek.customer.analysis"].search([("partner_id", "=", partner.id)])

    def test_balance_overdue_and_revenue_of_a_customer(self):
        row = self._row(self.customer)
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.balance, 800 + 500 + 300 + 70 - 100)
        self.assertAlmostEqual(row.balance, self.customer.credit, msg="the card's balance")
        self.assertAlmostEqual(row.overdue, 800 + 300 + 70, msg="due yesterday is overdue, due today is not")
        self.assertAlmostEqual(row.revenue, 1000 + 500 + 70 - 100, msg="the twelve months start the day after")
        self.assertEqual((row.value_tier, row.customer_type, row.customer_count), ("a", "business", 1))

    def test_only_customers_each_once_and_summed_by_group(self):
        self.assertTrue(self._row(self.idle))
        self.assertEqual((self._row(self.idle).balance, self._row(self.idle).revenue), (0, 0))
        self.assertFalse(self._row(self.supplier), "a supplier is not a customer")
        Analysis = self.env["kundekartotek.customer.analysis"]
        groups = Analysis._read_group(
            [("partner_id", "in", (self.customer | self.idle).ids)],
            ["value_tier"],
            ["customer_count:sum", "balance:sum", "overdue:sum"],
        )
        self.assertEqual(sorted(groups, key=str), sorted([("a", 1, 1570, 1170), (False, 1, 0, 0)], key=str))

    def test_menu_opens_the_analysis_with_figures(self):
        action = self.env.ref("kundekartotek.res_partner_action_report")
        self.assertEqual(action.res_model, "kundekartotek.customer.analysis")
        pivot = etree.fromstring(self.env["kundekartotek.customer.analysis"].get_view(view_type="pivot")["arch"])
        measures = {node.get("name") for node in pivot.xpath("//field[@type='measure']")}
        self.assertLessEqual({"balance", "overdue", "revenue", "customer_count"}, measures)

    def test_customer_list_opens_on_customers_only(self):
        action = self.env.ref("kundekartotek.res_partner_action_customer")
        context = safe_eval(action.context)
        defaults = {key for key, value in context.items() if key.startswith("search_default_") and value}
        self.assertEqual(defaults, {"search_default_kk_customers"})
        arch = etree.fromstring(self.env["res.partner"].get_view(view_type="search")["arch"])
        [node] = arch.xpath("//filter[@name='kk_customers']")
        domain = safe_eval(node.get("domain"))
        found = self.env["res.partner"].search(domain + [("id", "in", (self.customer | self.idle | self.supplier).ids)])
        self.assertEqual(found, self.customer | self.idle)
