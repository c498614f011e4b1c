# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib.ageing import buckets


class KundekartotekAgeingReport(models.Model):
    """Open receivable items as of a date, one row per journal item, with its residual spread over the buckets.

    A SQL view rather than Python: at 500 000 receivable lines the work must stay in PostgreSQL. The date, the
    reference date (due or invoice date) and the bucket edges come from the context (``kk_as_of``, ``kk_age_by``,
    ``kk_edges``), so the same model serves the list, the pivot, the PDF and the XLSX. The residual as of the date
    is the line's balance less the partial reconciliations dated on or before it (``max_date``), so payments made
    after the date do not reduce it.

    Only lines that can be open as of the date are read: those not reconciled now (Odoo's partial index on
    unreconciled lines finds them) and those with a reconciliation dated after the date (found by id). A line
    reconciled now with no reconciliation after the date was already settled on it. At 500 000 receivable lines this
    keeps the grouped query of the PDF and the workbook under half a second (``bench/bench_ageing.sh``).
    """

    _name = "kundekartotek.ageing.report"
    _description = "Receivables Ageing"
    _auto = False
    _order = "partner_id, date_maturity, id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal entry", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal item", readonly=True)
    account_id = fields.Many2one("account.account", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    residual_currency = fields.Monetary(currency_field="currency_id", string="Open (currency)", readonly=True)
    residual = fields.Monetary(currency_field="company_currency_id", string="Open", readonly=True)
    not_due = fields.Monetary(currency_field="company_currency_id", string="Not due", readonly=True)
    b1 = fields.Monetary(currency_field="company_currency_id", string="1–30", readonly=True)
    b2 = fields.Monetary(currency_field="company_currency_id", string="31–60", readonly=True)
    b3 = fields.Monetary(currency_field="company_currency_id", string="61–90", readonly=True)
    b4 = fields.Monetary(currency_field="company_currency_id", string="Over 90", readonly=True)

    @property
    def _table_query(self):
        # The view reads journal items, entries and reconciliations in SQL: write what the ORM still holds in memory
        # first, or an invoice posted or paid in the same transaction would be missing from the figures.
        for model in ("account.move", "account.move.line", "account.partial.reconcile"):
            self.env[model].flush_model()
        context = self.env.context
        as_of = fields.Date.to_date(context.get("kk_as_of")) or fields.Date.context_today(self)
        first, second, third = (bucket.last_day for bucket in buckets(context.get("kk_edges"))[1:4])
        reference = (
            SQL("COALESCE(am.invoice_date, aml.date)")
            if context.get("kk_age_by") == "invoice"
            else (SQL("COALESCE(aml.date_maturity, aml.date)"))
        )
        company_ids = tuple(context.get("kk_company_ids") or self.env.companies.ids)
        return SQL(
            """
            WITH later AS (
                SELECT debit_move_id AS line_id
                  FROM account_partial_reconcile
                 WHERE max_date > %(as_of)s AND company_id IN %(company_ids)s
                UNION
                SELECT credit_move_id
                  FROM account_partial_reconcile
                 WHERE max_date > %(as_of)s AND company_id IN %(company_ids)s
            ), receivable AS (
                SELECT id FROM account_account WHERE account_type = 'asset_receivable'
            ), candidates AS (
                SELECT aml.id, aml.partner_id, aml.company_id, aml.move_id, aml.account_id, aml.date,
                       aml.date_maturity, aml.currency_id, aml.company_currency_id, aml.balance, aml.amount_currency
                  FROM account_move_line aml
                 WHERE aml.account_id IN (SELECT id FROM receivable)
                   AND aml.reconciled IS NOT TRUE
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(as_of)s
                   AND aml.company_id IN %(company_ids)s
                UNION ALL
                SELECT aml.id, aml.partner_id, aml.company_id, aml.move_id, aml.account_id, aml.date,
                       aml.date_maturity, aml.currency_id, aml.company_currency_id, aml.balance, aml.amount_currency
                  FROM account_move_line aml
                 WHERE aml.id = ANY(ARRAY(SELECT line_id FROM later))
                   AND aml.account_id IN (SELECT id FROM receivable)
                   AND aml.reconciled
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(as_of)s
                   AND aml.company_id IN %(company_ids)s
            ), applied AS (
                SELECT line_id, SUM(amount) AS amount, SUM(amount_currency) AS amount_currency
                  FROM (
                        SELECT debit_move_id AS line_id, amount, debit_amount_currency AS amount_currency
                          FROM account_partial_reconcile
                         WHERE max_date <= %(as_of)s AND debit_move_id IN (SELECT id FROM candidates)
                        UNION ALL
                        SELECT credit_move_id, -amount, -credit_amount_currency
                          FROM account_partial_reconcile
                         WHERE max_date <= %(as_of)s AND credit_move_id IN (SELECT id FROM candidates)
                       ) partials
                 GROUP BY line_id
            ), items AS (
                SELECT aml.id, aml.partner_id, aml.company_id, aml.move_id, aml.account_id, aml.date,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       aml.currency_id, aml.company_currency_id,
                       aml.balance - COALESCE(applied.amount, 0) AS residual,
                       aml.amount_currency - COALESCE(applied.amount_currency, 0) AS residual_currency,
                       %(as_of)s::date - %(reference)s AS days_overdue
                  FROM candidates aml
                  JOIN account_move am ON am.id = aml.move_id
                  LEFT JOIN applied ON applied.line_id = aml.id
            )
            SELECT id, id AS move_line_id, partner_id, company_id, move_id, account_id, date, date_maturity,
                   currency_id, company_currency_id, residual, residual_currency, days_overdue,
                   CASE WHEN days_overdue <= 0 THEN residual ELSE 0 END AS not_due,
                   CASE WHEN days_overdue BETWEEN 1 AND %(first)s THEN residual ELSE 0 END AS b1,
                   CASE WHEN days_overdue BETWEEN %(first)s + 1 AND %(second)s THEN residual ELSE 0 END AS b2,
                   CASE WHEN days_overdue BETWEEN %(second)s + 1 AND %(third)s THEN residual ELSE 0 END AS b3,
                   CASE WHEN days_overdue > %(third)s THEN residual ELSE 0 END AS b4
              FROM items
             WHERE residual <> 0
            """,
            as_of=as_of,
            company_ids=company_ids,
            reference=reference,
            first=first,
            second=second,
            third=third,
        )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Name the bucket columns after the edges in use (``1–14`` …), in lists, pivots and exports alike."""
        result = super().fields_get(allfields, attributes)
        for key, label in self._kk_bucket_labels().items():
            if key in result and "string" in result[key]:
                result[key]["string"] = label
        return result

    @api.model
    def _kk_bucket_labels(self):
        """Translated column headings of the five buckets for the edges in the context, in bucket order.

        One place for the list, the pivot, the PDF and the workbook, so their headings never disagree.
        """
        ranges = buckets(self.env.context.get("kk_edges"))
        labels = {bucket.key: bucket.label for bucket in ranges}
        labels["not_due"] = _("Not due")
        labels["b4"] = _("Over %(days)s", days=ranges[3].last_day)
        return labels

    @api.model
    def _kk_totals(self, domain=None):
        """Totals per customer and overall: ``(rows, total)``; one grouped query over the view."""
        aggregates = ["residual:sum", "not_due:sum", "b1:sum", "b2:sum", "b3:sum", "b4:sum"]
        rows = self._read_group(domain or [], ["partner_id"], aggregates)
        keys = ("residual", "not_due", "b1", "b2", "b3", "b4")
        per_partner = [(partner, dict(zip(keys, values, strict=True))) for partner, *values in rows]
        total = {key: sum(values[key] for _partner, values in per_partner) for key in keys}
        return per_partner, total

    def action_open_move(self):
        """Drill down from an ageing row to its invoice, credit note or payment entry."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
