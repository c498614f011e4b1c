# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from ..models.selections import CUSTOMER_TYPES, PAYMENT_CLASSES, VALUE_TIERS


class KundekartotekCustomerAnalysis(models.Model):
    """One row per customer with what an accountant groups and sums: open balance, overdue amount and the revenue
    of the last twelve months, by type, tier, payment class, category or country.

    Balance and overdue count what the customer list and the card count (posted, unreconciled receivable items of
    the customer in the companies the user works in); revenue is the sales analysis' (``kundekartotek.sales.analysis``,
    the key figures' definition), read from its query rather than computed a second time. A SQL view, so the pivot
    groups thousands of customers in PostgreSQL; the companies are the user's active ones (``env.companies``, which
    the web client's company switcher sets and the ORM checks).
    """

    _name = "kundekartotek.customer.analysis"
    _description = "Customer Analysis"
    _auto = False
    _order = "balance desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_ref = fields.Char(string="Customer number", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    customer_category_id = fields.Many2one("kundekartotek.customer.category", string="Category", readonly=True)
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    payment_class = fields.Selection(PAYMENT_CLASSES, readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    balance = fields.Monetary(currency_field="currency_id", readonly=True, help="Open receivable today.")
    overdue = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Open receivable whose due date has passed (before today)."
    )
    revenue = fields.Monetary(
        string="Revenue, 12 months",
        currency_field="currency_id",
        readonly=True,
        help="Invoices less credit notes, untaxed, dated within the last twelve months (today included).",
    )

    @property
    def _table_query(self):
        self.env["account.move.line"].flush_model(
            ["partner_id", "account_id", "parent_state", "reconciled", "date_maturity", "amount_residual", "company_id"]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "customer_rank", "active", "ref", "company_id", "country_id"]
        )
        today = fields.Date.context_today(self)
        company_ids = tuple(self.env.companies.ids)
        return SQL(
            """
            WITH receivable AS (
                SELECT partner.commercial_partner_id AS partner_id,
                       SUM(aml.amount_residual) AS balance,
                       SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity < %(today)s) AS overdue
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
                   AND aml.company_id IN %(company_ids)s
                 GROUP BY partner.commercial_partner_id
            ), sales AS (
                SELECT line.partner_id, SUM(line.revenue) AS revenue
                  FROM (%(sales)s) AS line
                 WHERE line.invoice_date > %(year_ago)s AND line.invoice_date <= %(today)s
                   AND line.company_id IN %(company_ids)s
                 GROUP BY line.partner_id
            )
            SELECT partner.id, partner.id AS partner_id, partner.ref AS customer_ref, partner.company_id,
                   partner.country_id, partner.customer_category_id, partner.customer_type, partner.value_tier,
                   partner.payment_class, %(currency_id)s AS currency_id, 1 AS customer_count,
                   COALESCE(receivable.balance, 0) AS balance, COALESCE(receivable.overdue, 0) AS overdue,
                   COALESCE(sales.revenue, 0) AS revenue
              FROM res_partner partner
              LEFT JOIN receivable ON receivable.partner_id = partner.id
              LEFT JOIN sales ON sales.partner_id = partner.id
             WHERE partner.active
               AND partner.customer_rank > 0
               AND partner.id = partner.commercial_partner_id
               AND (partner.company_id IS NULL OR partner.company_id IN %(company_ids)s)
            """,
            today=today,
            year_ago=today - relativedelta(years=1),
            company_ids=company_ids,
            currency_id=self.env.company.currency_id.id,
            sales=self.env["kundekartotek.sales.analysis"]._kk_query(),
        )
