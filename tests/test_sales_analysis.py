# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import make_role_user
from .kpi_common import DATE_FROM, DATE_TO, KpiCommon
from .receivables_common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestSalesAnalysis(ReceivablesCommon):
    """Lines, cost and margin of the sales analysis, and the customer ranking with its Pareto share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")
        cls.big = cls.env["res.partner"].create({"name": "Stor Kunde AS", "is_company": True, "value_tier": "a"})
        cls.small = cls.env["res.partner"].create({"name": "Liten Kunde AS", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Kari", "parent_id": cls.big.id})
        # product_a: cost 800 per unit; product_b: cost 160 per dozen, sold here by the unit.
        cls.invoice = cls._move(
            "out_invoice",
            cls.contact,
            "2026-02-10",
            [(cls.product_a, 2, 1000.0, cls.uom_unit), (cls.product_b, 24, 20.0, cls.uom_unit), (None, 1, 500.0, None)],
        )
        cls.refund = cls._move("out_refund", cls.big, "2026-03-01", [(cls.product_a, 1, 1000.0, cls.uom_unit)])
        cls.eur_invoice = cls._move(
            "out_invoice", cls.small, "2026-03-05", [(cls.product_a, 1, 1200.0, cls.uom_unit)], cls.eur
        )
        cls.old = cls._move("out_invoice", cls.small, "2025-06-01", [(None, 1, 100.0, None)])
        cls.Analysis = cls.env["kundekartotek.sales.analysis"]

    @classmethod
    def _move(cls, move_type, partner, date, lines, currency=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "currency_id": (currency or cls.env.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Linje",
                            "product_id": product.id if product else False,
                            "quantity": quantity,
                            "price_unit": price,
                            "product_uom_id": uom.id if uom else False,
                            "tax_ids": [],
                        }
                    )
                    for product, quantity, price, uom in lines
                ],
            }
        )
        move.action_post()
        return move

    def _rows(self, move):
        return self.Analysis.search([("move_id", "=", move.id)])

    def test_invoice_lines_with_cost_and_margin(self):
        rows = {row.product_id: row for row in self._rows(self.invoice)}
        self.assertEqual(len(rows), 3)  # the receivable line is not a product line
        a, b, no_product = rows[self.product_a], rows[self.product_b], rows[self.env["product.product"]]
        self.assertEqual(a.partner_id, self.big)  # the commercial partner, not the contact
        self.assertEqual(a.value_tier, "a")
        self.assertEqual((a.quantity, a.revenue, a.cost, a.margin), (2, 2000, 1600, 400))
        # 24 units = 2 dozen at 160.
        self.assertEqual((b.revenue, b.cost, b.margin), (480, 320, 160))
        self.assertEqual((no_product.revenue, no_product.cost, no_product.margin), (500, 0, 0))
        self.assertEqual((a.invoice_year, a.invoice_month, a.product_categ_id), ("2026", "02", self.product_a.categ_id))

    def test_unknown_cost_is_no_cost_not_zero(self):
        row = self._rows(self.invoice).filtered(lambda line: not line.product_id)
        # NULL in the view, so a pivot's sum leaves the line out rather than counting a cost of 0.
        self.env.cr.execute(
            SQL("SELECT cost, margin FROM (%s) AS view WHERE id = %s", self.Analysis._table_query, row.id)
        )
        self.assertEqual(self.env.cr.fetchall(), [(None, None)])
        both = self.Analysis._read_group([("move_id", "=", self.invoice.id)], [], ["revenue:sum", "cost:sum"])
        self.assertEqual(both, [(2980, 1920)])

    def test_credit_note_is_negative(self):
        [row] = self._rows(self.refund)
        self.assertEqual((row.quantity, row.revenue, row.cost, row.margin), (-1, -1000, -800, -200))

    def test_foreign_currency_in_company_currency(self):
        [row] = self._rows(self.eur_invoice)
        self.assertEqual((row.revenue, row.cost, row.margin), (600, 800, -200))  # 1200 EUR at 2 per unit

    def test_drill_to_the_invoice_lines(self):
        rows = self._rows(self.invoice)
        action = rows.action_open_move_lines()
        self.assertEqual(action["res_model"], "account.move.line")
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(lines, self.invoice.invoice_line_ids)

    def test_customers_ranked_with_pareto_share(self):
        Ranking = self.env["kundekartotek.sales.customer"]
        rows = Ranking.search([("company_id", "=", self.env.company.id), ("invoice_year", "=", "2026")])
        by_partner = {row.partner_id: row for row in rows}
        big, small = by_partner[self.big], by_partner[self.small]
        # Big: 2000 + 480 + 500 − 1000 = 1980, margin 400 + 160 − 200 = 360; small: 600, margin −200.
        self.assertEqual((big.revenue, big.margin, big.revenue_rank, big.margin_rank), (1980, 360, 1, 1))
        self.assertEqual((small.revenue, small.margin, small.revenue_rank, small.margin_rank), (600, -200, 2, 2))
        self.assertAlmostEqual(big.revenue_share, 100 * 1980 / 2580)
        self.assertAlmostEqual(big.cumulative_share, 100 * 1980 / 2580)
        self.assertAlmostEqual(small.cumulative_share, 100.0)
        old = Ranking.search([("partner_id", "=", self.small.id), ("invoice_year", "=", "2025")])
        self.assertEqual((old.revenue, old.revenue_rank, old.cumulative_share), (100, 1, 100))
        lines = self.env["account.move.line"].search(small.action_open_move_lines()["domain"])
        self.assertEqual(lines, self.eur_invoice.invoice_line_ids)

    def test_seasonality_groups_by_month_across_years(self):
        groups = self.Analysis.read_group(
            [("partner_id", "in", (self.big + self.small).ids)],
            ["revenue:sum"],
            ["invoice_month", "invoice_year"],
            lazy=False,
        )
        found = {(group["invoice_month"], group["invoice_year"]): group["revenue"] for group in groups}
        self.assertEqual(found, {("02", "2026"): 2980, ("03", "2026"): -400, ("06", "2025"): 100})

    def test_only_accounting_readers(self):
        clerk = make_role_user(self.env, "user", login="kk_sales_clerk", extra=("account.group_account_invoice",))
        for model in ("kundekartotek.sales.analysis", "kundekartotek.sales.customer"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(clerk).search([])
        reader = make_role_user(self.env, "auditor", login="kk_sales_reader")
        self.assertEqual(len(self.Analysis.with_user(reader).search([("move_id", "=", self.invoice.id)])), 3)


@tagged("post_install", "-at_install")
class TestSalesAgreesWithKpis(KpiCommon):
    def test_revenue_of_the_period_is_the_key_figure(self):
        groups = self.env["kundekartotek.sales.analysis"].read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("invoice_date", ">=", DATE_FROM),
                ("invoice_date", "<=", DATE_TO),
            ],
            ["revenue:sum"],
            [],
        )
        self.assertAlmostEqual(groups[0]["revenue"], self.kpis()["figures"]["revenue"])

    def test_a_reader_of_one_company_sees_only_its_rows(self):
        reader = make_role_user(self.env, "auditor", login="kk_sales_one_company")
        rows = self.env["kundekartotek.sales.analysis"].with_user(reader).search([("partner_id", "=", self.alfa.id)])
        self.assertNotIn(self.company_2, rows.company_id)
        self.assertIn(
            self.company_2,
            self.env["kundekartotek.sales.analysis"].search([("partner_id", "=", self.alfa.id)]).company_id,
        )
