# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.tools import SQL

from ..models.selections import CUSTOMER_TYPES, VALUE_TIERS

MONTHS = [(f"{month:02d}", f"{month:02d}") for month in range(1, 13)]


class KundekartotekSalesAnalysis(models.Model):
    """One row per product line of a posted customer invoice or credit note: who bought what, when, and its margin.

    A SQL view (as core's ``account.invoice.report``) so that pivot and graph group hundreds of thousands of lines
    in PostgreSQL. Revenue is the line's untaxed amount in company currency, ``-balance`` (a credit note's lines
    are negative), the same sum as the key figures' revenue. Cost is the product's cost price (``standard_price``)
    in the line's company *today*, times the quantity in the product's unit: the module does not depend on
    stock, so there is no cost-of-goods line to read (docs/kpi.md). A product without a cost price (or 0, e.g.
    services) has no cost and no margin. The customer's category, type and tier are today's.
    """

    _name = "kundekartotek.sales.analysis"
    _description = "Sales Analysis"
    _auto = False
    _order = "invoice_date desc, id desc"
    _rec_name = "move_line_id"

    move_line_id = fields.Many2one("account.move.line", string="Invoice line", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit note")], string="Document", readonly=True
    )
    invoice_date = fields.Date(readonly=True)
    invoice_year = fields.Char(string="Year", readonly=True)
    invoice_month = fields.Selection(MONTHS, string="Month of the year", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_category_id = fields.Many2one("kundekartotek.customer.category", string="Category", readonly=True)
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product category", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    revenue = fields.Monetary(readonly=True, currency_field="currency_id")
    cost = fields.Monetary(readonly=True, currency_field="currency_id")
    margin = fields.Monetary(readonly=True, currency_field="currency_id")

    def init(self):
        """Covering partial indexes on customer invoices and on invoice lines: the sales analysis, the ranking and
        the key figures read them from the indexes alone, never from the two largest tables of the database.

        ``account_move_kk_sales_idx`` holds the posted customer invoices and credit notes by invoice date, with
        what the rows need of the entry (the key figures' settlements: payment state and total).
        ``account_move_line_kk_sales_idx`` holds every line of a posted entry that has an invoice date (invoices,
        credit notes, bills, receipts; not payments or miscellaneous entries), by entry, with what the rows need
        of the line (the key figures' settlements: the receivable items, by account). Their predicates use the
        line's stored copies of its entry's state and invoice date (``parent_state``, ``invoice_date``), so the
        queries repeat those conditions. Without them a 12-month key-figure report read the journal-item table
        (1.26 million rows at 500 000 receivable lines) four times over; the cost on posting is measured by
        ``bench/ageing_index_cost.py --indexes kpi`` (docs/benchmarks.md). ``create_index`` cannot write
        ``INCLUDE``; a change of the columns needs a new index name.
        """
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS account_move_kk_sales_idx
                       ON account_move (invoice_date, company_id)
                  INCLUDE (id, commercial_partner_id, move_type, invoice_user_id, payment_state, amount_total_signed)
                    WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"""
            )
        )
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS account_move_line_kk_sales_idx
                       ON account_move_line (move_id)
                  INCLUDE (id, display_type, account_id, balance, quantity, product_id, product_uom_id)
                    WHERE parent_state = 'posted' AND invoice_date IS NOT NULL"""
            )
        )
        return super().init()

    @property
    def _table_query(self):
        return self._kk_query()

    @api.model
    def _kk_query(self):
        """The rows as SQL, also the base of the customer ranking (``kundekartotek.sales.customer``)."""
        # The cost price is company-dependent: a JSON object by company id on the product.
        price = SQL("NULLIF((product.standard_price ->> move.company_id::text)::numeric, 0)")
        sign = SQL("CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END")
        # The quantity in the product's own unit, the unit its cost price is for.
        quantity = SQL("line.quantity / line_uom.factor * product_uom.factor")
        cost = SQL("%s * %s * %s", sign, quantity, price)
        return SQL(
            """
            SELECT line.id AS id,
                   line.id AS move_line_id,
                   line.move_id,
                   move.move_type,
                   move.invoice_date,
                   to_char(move.invoice_date, 'YYYY') AS invoice_year,
                   to_char(move.invoice_date, 'MM') AS invoice_month,
                   move.company_id,
                   company.currency_id,
                   move.commercial_partner_id AS partner_id,
                   partner.customer_category_id,
                   partner.customer_type,
                   partner.value_tier,
                   line.product_id,
                   template.categ_id AS product_categ_id,
                   move.invoice_user_id AS user_id,
                   %(sign)s * line.quantity AS quantity,
                   -line.balance AS revenue,
                   %(cost)s AS cost,
                   -line.balance - %(cost)s AS margin
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN res_company company ON company.id = move.company_id
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
              LEFT JOIN product_product product ON product.id = line.product_id
              LEFT JOIN product_template template ON template.id = product.product_tmpl_id
              LEFT JOIN uom_uom line_uom ON line_uom.id = line.product_uom_id
              LEFT JOIN uom_uom product_uom ON product_uom.id = template.uom_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND line.display_type = 'product'
               AND line.parent_state = 'posted'
               AND line.invoice_date IS NOT NULL
            """,
            sign=sign,
            cost=cost,
        )

    def action_open_move_lines(self):
        """The invoice lines behind the rows chosen (list button, or a pivot cell's rows)."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoice lines"),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_line_id.ids)],
            "context": {"create": False},
        }
