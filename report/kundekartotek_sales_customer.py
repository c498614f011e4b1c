# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, fields, models
from odoo.tools import SQL


class KundekartotekSalesCustomer(models.Model):
    """Customers ranked by revenue and by margin per company and year, with their Pareto share.

    Built on the sales analysis' rows (the same revenue, cost and margin) and ranked with window functions in
    PostgreSQL. The cumulative share is the share of the year's revenue made by this customer and every customer
    ranked before it: the customers up to 80 % are the "vital few". Per year, because a rank needs a fixed period
    and the pivot cannot rank; the key figures' own top list covers any period.
    """

    _name = "kundekartotek.sales.customer"
    _description = "Customers by Revenue"
    _auto = False
    _order = "company_id, invoice_year desc, revenue_rank"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    invoice_year = fields.Char(string="Year", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    revenue = fields.Monetary(readonly=True, currency_field="currency_id")
    margin = fields.Monetary(readonly=True, currency_field="currency_id", help="Lines with a known cost only.")
    revenue_rank = fields.Integer(string="Rank by revenue", readonly=True, aggregator="min")
    margin_rank = fields.Integer(string="Rank by margin", readonly=True, aggregator="min")
    revenue_share = fields.Float(string="Share of revenue (%)", readonly=True, aggregator="sum")
    cumulative_share = fields.Float(
        string="Cumulative share (%)",
        readonly=True,
        aggregator="max",
        help="Share of the year's revenue made by this customer and all ranked before it (Pareto).",
    )

    @property
    def _table_query(self):
        # The id is the customer's first invoice line of the year (unique, and stable as long as that line is):
        # every window below is partitioned by company and year, so PostgreSQL pushes a filter on the year (or
        # the company) down into the lines and ranks that year only. A row number over all rows, as before, kept
        # it from doing so: every year of every company was ranked to show one.
        return SQL(
            """
            WITH customer AS (
                SELECT MIN(id) AS id, company_id, currency_id, invoice_year, partner_id,
                       SUM(revenue) AS revenue, COALESCE(SUM(margin), 0) AS margin
                  FROM (%s) AS line
                 GROUP BY company_id, currency_id, invoice_year, partner_id
            )
            SELECT id,
                   company_id, currency_id, invoice_year, partner_id, revenue, margin,
                   RANK() OVER year_by_revenue AS revenue_rank,
                   RANK() OVER (PARTITION BY company_id, invoice_year ORDER BY margin DESC) AS margin_rank,
                   100 * revenue / NULLIF(SUM(revenue) OVER year, 0) AS revenue_share,
                   100 * SUM(revenue) OVER (year_by_revenue ROWS UNBOUNDED PRECEDING)
                       / NULLIF(SUM(revenue) OVER year, 0) AS cumulative_share
              FROM customer
            WINDOW year AS (PARTITION BY company_id, invoice_year),
                   year_by_revenue AS (PARTITION BY company_id, invoice_year ORDER BY revenue DESC, partner_id)
            """,
            self.env["kundekartotek.sales.analysis"]._kk_query(),
        )

    def action_open_move_lines(self):
        """The customer's invoice lines of that year and company."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "Invoice lines of %(customer)s, %(year)s", customer=self.partner_id.display_name, year=self.invoice_year
            ),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": [
                ("id", "in", self.env["kundekartotek.sales.analysis"].search(self._kk_lines_domain()).move_line_id.ids)
            ],
            "context": {"create": False},
        }

    def _kk_lines_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("invoice_year", "=", self.invoice_year),
            ("partner_id", "=", self.partner_id.id),
        ]
