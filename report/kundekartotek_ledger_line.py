# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL

# The context keys the figures depend on: an entry's row keeps its journal item's id whatever the period, so the ORM
# cache must keep the running balance apart per period and companies.
PERIOD_CONTEXT = ("kk_ledger_from", "kk_ledger_to", "kk_company_ids", "allowed_company_ids")
# Row ids: entries 4 × journal item; opening and closing rows 4 × (customer × 1000 + company) + 1 or + 2.
ROW_FACTOR = 4
COMPANY_SLOTS = 1000


class KundekartotekLedgerLine(models.Model):
    """The customer ledger on screen: per customer and company, an opening row, the period's receivable entries with
    a running balance, and a closing row, as the PDF (``report.kundekartotek.report_ledger``) shows them.

    A SQL view like the ageing: the period comes from the context (``kk_ledger_from``, ``kk_ledger_to``), so one
    query serves every period. The opening row carries the opening balance as its amount, so a customer group's sum
    of amounts is its closing balance; the closing row carries no amount, only the balance. Items without a customer
    are on nobody's specification (the PDF shows them as the difference to the general ledger).
    """

    _name = "kundekartotek.ledger.line"
    _description = "Customer Ledger Line"
    _auto = False
    _order = "partner_id, company_id, position, id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_ref = fields.Char(related="partner_id.ref", string="Customer number")
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(
        [("opening", "Opening balance"), ("entry", "Entry"), ("closing", "Closing balance")],
        readonly=True,
    )
    position = fields.Integer(readonly=True, depends_context=PERIOD_CONTEXT)
    date = fields.Date(readonly=True, depends_context=PERIOD_CONTEXT)
    move_id = fields.Many2one("account.move", string="Voucher", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal item", readonly=True)
    label = fields.Char(string="Text", readonly=True, depends_context=(*PERIOD_CONTEXT, "lang"))
    date_maturity = fields.Date(string="Due date", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(currency_field="company_currency_id", readonly=True, depends_context=PERIOD_CONTEXT)
    balance = fields.Monetary(
        currency_field="company_currency_id", readonly=True, aggregator=None, depends_context=PERIOD_CONTEXT
    )

    @property
    def _table_query(self):
        # Journal items are read in SQL: write what the ORM still holds, or an entry posted in this transaction
        # would be missing.
        self.env["account.move.line"].flush_model(
            ["partner_id", "date", "balance", "move_id", "name", "date_maturity", "account_id", "parent_state"]
        )
        self.env["account.move.line"].flush_model(["company_id", "company_currency_id"])
        self.env["account.move"].flush_model(["ref"])
        self.env["account.account"].flush_model(["account_type"])
        context = self.env.context
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(context.get("kk_ledger_to")) or today
        date_from = fields.Date.to_date(context.get("kk_ledger_from")) or date_to.replace(day=1)
        company_ids = tuple(context.get("kk_company_ids") or self.env.companies.ids)
        labels = dict(self._fields["kind"]._description_selection(self.env))
        return SQL(
            """
            WITH items AS (
                SELECT aml.id, aml.partner_id, aml.company_id, aml.company_currency_id, aml.date, aml.move_id,
                       COALESCE(NULLIF(aml.name, ''), am.ref, '') AS label, aml.date_maturity, aml.balance
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.partner_id IS NOT NULL
                   AND aml.company_id IN %(company_ids)s
                   AND aml.date <= %(date_to)s
            ), opening AS (
                SELECT partner_id, company_id, company_currency_id, SUM(balance) AS amount
                  FROM items
                 WHERE date < %(date_from)s
                 GROUP BY partner_id, company_id, company_currency_id
            ), period AS (
                SELECT items.*,
                       ROW_NUMBER() OVER customer AS position,
                       SUM(items.balance) OVER customer AS running
                  FROM items
                 WHERE items.date >= %(date_from)s
                WINDOW customer AS (PARTITION BY items.partner_id, items.company_id ORDER BY items.date, items.id)
            ), customers AS (
                SELECT COALESCE(opening.partner_id, moved.partner_id) AS partner_id,
                       COALESCE(opening.company_id, moved.company_id) AS company_id,
                       COALESCE(opening.company_currency_id, moved.company_currency_id) AS company_currency_id,
                       COALESCE(opening.amount, 0) AS opening,
                       COALESCE(moved.amount, 0) AS moved
                  FROM opening
                  FULL JOIN (
                        SELECT partner_id, company_id, company_currency_id, SUM(balance) AS amount
                          FROM period
                         GROUP BY partner_id, company_id, company_currency_id
                       ) moved
                    ON moved.partner_id = opening.partner_id AND moved.company_id = opening.company_id
                 WHERE moved.partner_id IS NOT NULL OR opening.amount <> 0
            )
            SELECT (customers.partner_id::bigint * %(slots)s + customers.company_id) * %(factor)s + 1 AS id,
                   customers.partner_id, customers.company_id, customers.company_currency_id,
                   'opening' AS kind, 0 AS position, %(date_from)s::date AS date, NULL::integer AS move_id,
                   NULL::integer AS move_line_id, %(opening_label)s AS label, NULL::date AS date_maturity,
                   customers.opening AS amount, customers.opening AS balance
              FROM customers
            UNION ALL
            SELECT period.id::bigint * %(factor)s, period.partner_id, period.company_id, period.company_currency_id,
                   'entry', period.position, period.date, period.move_id, period.id, period.label,
                   period.date_maturity, period.balance, customers.opening + period.running
              FROM period
              JOIN customers
                ON customers.partner_id = period.partner_id AND customers.company_id = period.company_id
            UNION ALL
            SELECT (customers.partner_id::bigint * %(slots)s + customers.company_id) * %(factor)s + 2,
                   customers.partner_id, customers.company_id, customers.company_currency_id,
                   'closing', 2147483647, %(date_to)s::date, NULL, NULL, %(closing_label)s, NULL,
                   NULL, customers.opening + customers.moved
              FROM customers
            """,
            company_ids=company_ids,
            date_from=date_from,
            date_to=date_to,
            slots=COMPANY_SLOTS,
            factor=ROW_FACTOR,
            opening_label=labels["opening"],
            closing_label=labels["closing"],
        )

    @api.model
    def _kk_totals(self, domain=None):
        """``{partner_id: (opening, closing)}`` over the rows the user may read, summed over companies: what the
        PDF's customer heading and last row show, for the tests and the screen to compare with."""
        totals = {}
        for row in self.search_fetch(
            [*(domain or []), ("kind", "in", ("opening", "closing"))], ["partner_id", "kind", "balance"]
        ):
            opening, closing = totals.get(row.partner_id.id, (0.0, 0.0))
            if row.kind == "opening":
                opening += row.balance
            else:
                closing += row.balance
            totals[row.partner_id.id] = (opening, closing)
        return totals

    def action_open_move(self):
        """The voucher behind an entry row (opening and closing rows have none)."""
        self.ensure_one()
        if not self.move_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
