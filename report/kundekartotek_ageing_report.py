# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib.ageing import buckets

# Totals per customer: the amount open and its spread over the buckets (lib.ageing keys).
KEYS = ("residual", "not_due", "b1", "b2", "b3", "b4")
# The context keys a row's figures depend on. A row's id is its journal item's whatever the date, so the ORM cache
# must keep values apart per date, reference, edges and companies (as it does per company for company-dependent
# fields): without it a row read as of one date in a transaction showed that date's figures for any later date.
FIGURES_CONTEXT = ("kk_as_of", "kk_age_by", "kk_edges", "kk_company_ids", "allowed_company_ids")
# lib.ageing states a bucket as comparisons; these are the only operators it uses, written here once as SQL.
SQL_OPERATORS = {">=": SQL(">="), "<=": SQL("<=")}


def bucket_condition(days, bucket):
    """The SQL condition of a lib.ageing bucket on the expression ``days`` (``days >= 1 AND days <= 30``)."""
    return SQL(" AND ").join(SQL("%s %s %s", days, SQL_OPERATORS[op], limit) for op, limit in bucket.conditions())


# What the ageing query reads, flushed before it runs (an entry's state reaches its lines as ``parent_state``).
AGEING_READS = {
    "account.move": ["state"],
    "account.move.line": [
        "account_id",
        "amount_residual",
        "amount_residual_currency",
        "company_currency_id",
        "company_id",
        "currency_id",
        "date",
        "date_maturity",
        "invoice_date",
        "move_id",
        "parent_state",
        "partner_id",
    ],
    "account.partial.reconcile": [
        "amount",
        "credit_amount_currency",
        "credit_move_id",
        "debit_amount_currency",
        "debit_move_id",
        "kk_credit_date",
        "kk_debit_date",
        "max_date",
    ],
    "account.account": ["account_type"],
}


class KundekartotekAgeingReport(models.Model):
    """Open receivable items as of a date, one row per journal item, with its residual spread over the buckets.

    A SQL view rather than Python: at 500 000 receivable lines the work must stay in PostgreSQL. The date, the
    reference date (due or invoice date) and the bucket edges come from the context (``kk_as_of``, ``kk_age_by``,
    ``kk_edges``), so the same model serves the list, the pivot, the PDF and the XLSX. The buckets' conditions are
    generated from ``lib.ageing``, the rule the Python side uses too.

    The residual as of the date is Odoo's residual today plus the reconciliations dated after the date
    (``max_date``) on items dated on or before it: a payment made after the date does not reduce the item yet.
    Only two kinds of item can be open on the date: those open today (a covering partial index on open items,
    created in ``init``) and those a later reconciliation reopens (an index on ``max_date`` that carries the
    matched items' dates, see ``account_partial_reconcile.py``). Neither visits the journal items' table for more
    than the rows it returns. Figures in docs/benchmarks.md.
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
    days_overdue = fields.Integer(readonly=True, aggregator="max", depends_context=FIGURES_CONTEXT)
    bucket = fields.Selection(
        [(bucket.key, bucket.label) for bucket in buckets()],
        string="Age",
        readonly=True,
        depends_context=FIGURES_CONTEXT,
    )
    customer_ref = fields.Char(related="partner_id.commercial_partner_id.ref", string="Customer number")
    age_label = fields.Char(
        string="Days overdue",
        compute="_compute_age_label",
        help="How long the item has been overdue on the as-of date; items not due yet say so.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    residual_currency = fields.Monetary(
        currency_field="currency_id", string="Open (currency)", readonly=True, depends_context=FIGURES_CONTEXT
    )
    residual = fields.Monetary(
        currency_field="company_currency_id", string="Open", readonly=True, depends_context=FIGURES_CONTEXT
    )
    not_due = fields.Monetary(
        currency_field="company_currency_id", string="Not due", readonly=True, depends_context=FIGURES_CONTEXT
    )
    b1 = fields.Monetary(
        currency_field="company_currency_id", string="1–30", readonly=True, depends_context=FIGURES_CONTEXT
    )
    b2 = fields.Monetary(
        currency_field="company_currency_id", string="31–60", readonly=True, depends_context=FIGURES_CONTEXT
    )
    b3 = fields.Monetary(
        currency_field="company_currency_id", string="61–90", readonly=True, depends_context=FIGURES_CONTEXT
    )
    b4 = fields.Monetary(
        currency_field="company_currency_id", string="Over 90", readonly=True, depends_context=FIGURES_CONTEXT
    )

    def init(self):
        """The covering index on open items that the view reads them from (one per item, not per page).

        Open receivable items are spread over the whole journal-item table, one per page or so: read through
        Odoo's partial index they cost a page each. This index holds every column the view needs of an item that
        is open today, so they come from the index alone. Its predicate is the view's own (``parent_state``,
        ``amount_residual``), so PostgreSQL can use it; it also holds other accounts' open items (bank lines keep
        a residual), since an index predicate cannot name the receivable accounts. The cost on posting is
        measured by ``bench/ageing_index_cost.py``. ``create_index`` cannot write ``INCLUDE``; a change of
        the columns needs a new index name.
        """
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS account_move_line_kk_ageing_open_idx
                       ON account_move_line (account_id, date)
                  INCLUDE (id, partner_id, company_id, move_id, date_maturity, invoice_date, currency_id,
                           company_currency_id, amount_residual, amount_residual_currency)
                    WHERE parent_state = 'posted' AND amount_residual <> 0"""
            )
        )
        return super().init()

    @property
    def _table_query(self):
        # The view reads journal items and reconciliations in SQL: write what the ORM still holds in memory first,
        # or an invoice posted or paid in the same transaction would be missing from the figures.
        for model, fnames in AGEING_READS.items():
            self.env[model].flush_model(fnames)
        context = self.env.context
        as_of = fields.Date.to_date(context.get("kk_as_of")) or fields.Date.context_today(self)
        ranges = buckets(context.get("kk_edges"))
        # aml.invoice_date is core's stored copy of the entry's invoice date: no join to account_move.
        reference = (
            SQL("COALESCE(aml.invoice_date, aml.date)")
            if context.get("kk_age_by") == "invoice"
            else SQL("COALESCE(aml.date_maturity, aml.date)")
        )
        company_ids = tuple(context.get("kk_company_ids") or self.env.companies.ids)
        days = SQL("aged.days_overdue")
        conditions = [(bucket.key, bucket_condition(days, bucket)) for bucket in ranges]
        bucket_key = SQL(
            "CASE %s END", SQL(" ").join(SQL("WHEN %s THEN %s", condition, key) for key, condition in conditions)
        )
        amounts = SQL(", ").join(
            SQL("CASE WHEN %s THEN aged.residual ELSE 0 END AS %s", condition, SQL.identifier(key))
            for key, condition in conditions
        )
        columns = SQL(
            """aml.id, aml.partner_id, aml.company_id, aml.move_id, aml.account_id, aml.date,
               COALESCE(aml.date_maturity, aml.date) AS date_maturity, aml.currency_id, aml.company_currency_id,
               %s AS reference""",
            reference,
        )
        return SQL(
            """
            WITH receivable AS (
                SELECT id FROM account_account WHERE account_type = 'asset_receivable'
            ), later AS (
                -- What reconciliations dated after the date took off items dated on or before it, per item.
                SELECT side.line_id, SUM(side.amount) AS amount, SUM(side.amount_currency) AS amount_currency
                  FROM account_partial_reconcile partial
                 CROSS JOIN LATERAL (
                        VALUES (partial.debit_move_id, partial.kk_debit_date, partial.amount,
                                partial.debit_amount_currency),
                               (partial.credit_move_id, partial.kk_credit_date, -partial.amount,
                                -partial.credit_amount_currency)
                       ) AS side(line_id, date, amount, amount_currency)
                 WHERE partial.max_date > %(as_of)s
                   AND (partial.kk_debit_date <= %(as_of)s OR partial.kk_credit_date <= %(as_of)s)
                   AND side.date <= %(as_of)s
                 GROUP BY side.line_id
            ), items AS (
                -- Open today (the covering index's predicate), plus what later reconciliations took off.
                SELECT %(columns)s,
                       aml.amount_residual + COALESCE(later.amount, 0) AS residual,
                       aml.amount_residual_currency + COALESCE(later.amount_currency, 0) AS residual_currency
                  FROM account_move_line aml
                  LEFT JOIN later ON later.line_id = aml.id
                 WHERE aml.account_id IN (SELECT id FROM receivable)
                   AND aml.parent_state = 'posted'
                   AND aml.amount_residual <> 0
                   AND aml.date <= %(as_of)s
                   AND aml.company_id IN %(company_ids)s
                UNION ALL
                -- Settled today, reopened by reconciliations dated after the date.
                SELECT %(columns)s, later.amount, later.amount_currency
                  FROM later
                  JOIN account_move_line aml ON aml.id = later.line_id
                 WHERE aml.account_id IN (SELECT id FROM receivable)
                   AND aml.parent_state = 'posted'
                   AND COALESCE(aml.amount_residual, 0) = 0
                   AND aml.date <= %(as_of)s
                   AND aml.company_id IN %(company_ids)s
            ), aged AS (
                SELECT items.*, %(as_of)s::date - items.reference AS days_overdue
                  FROM items
                 WHERE items.residual <> 0
            )
            SELECT aged.id, aged.id AS move_line_id, aged.partner_id, aged.company_id, aged.move_id,
                   aged.account_id, aged.date, aged.date_maturity, aged.currency_id, aged.company_currency_id,
                   aged.residual, aged.residual_currency, aged.days_overdue, %(bucket_key)s AS bucket, %(amounts)s
              FROM aged
            """,
            as_of=as_of,
            company_ids=company_ids,
            columns=columns,
            bucket_key=bucket_key,
            amounts=amounts,
        )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Name the bucket columns after the edges in use (``1–14`` …), in lists, pivots and exports alike."""
        result = super().fields_get(allfields, attributes)
        labels = self._kk_bucket_labels()
        for key, label in labels.items():
            if key in result and "string" in result[key]:
                result[key]["string"] = label
        if "selection" in result.get("bucket", {}):
            result["bucket"]["selection"] = list(labels.items())
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
    def _kk_grouped_query(self, domain=None):
        """The one grouped query behind the reports' totals: ``(customer, bucket, open amount)``.

        It runs over the view as the user may read it: ``_search`` adds the access check and the record rules, so
        the companies a context names are limited to the user's. Grouped by customer and bucket, one sum per group
        (rather than five per customer), which keeps the aggregate small.
        """
        query = self._search(domain or [])
        partner, bucket, residual = (SQL.identifier(query.table, name) for name in ("partner_id", "bucket", "residual"))
        query.groupby = SQL("%s, %s", partner, bucket)
        return query.select(partner, bucket, SQL("SUM(%s)", residual))

    @api.model
    def _kk_grouped(self, domain=None):
        """``({partner_id: values}, total)``: the open amount and its buckets per customer and overall.

        Plain dicts from one query (``_kk_grouped_query``): no row records, nothing read through the ORM.
        """
        self.env.cr.execute(self._kk_grouped_query(domain))
        per_partner = {}
        for partner_id, key, amount in self.env.cr.fetchall():
            values = per_partner.get(partner_id)
            if values is None:
                values = per_partner[partner_id] = dict.fromkeys(KEYS, 0.0)
            values[key] = amount
            values["residual"] += amount
        total = {key: sum(values[key] for values in per_partner.values()) for key in KEYS}
        return per_partner, total

    @api.model
    def _kk_report_rows(self, domain=None):
        """Rows of the PDF and the workbook: ``([(partner_id, ref, name, values)], total)``, sorted by name.

        Plain tuples with the names of all customers read in one query: building partner records and their display
        names for tens of thousands of customers took longer than the ageing itself. The name is core's stored
        ``complete_name`` (what ``display_name`` shows without address or e-mail options), read as it is for the
        customers of rows the user may read, as ``read()`` gives many2one names.
        """
        per_partner, total = self._kk_grouped(domain)
        partner_ids = [partner_id for partner_id in per_partner if partner_id]
        names = {}
        if partner_ids:
            self.env["res.partner"].flush_model(["ref", "complete_name"])
            self.env.cr.execute(SQL("SELECT id, ref, complete_name FROM res_partner WHERE id = ANY(%s)", partner_ids))
            names = {partner_id: (ref or "", name or "") for partner_id, ref, name in self.env.cr.fetchall()}
        without = ("", _("Without customer"))
        rows = [(partner_id, *names.get(partner_id, without), values) for partner_id, values in per_partner.items()]
        rows.sort(key=lambda row: row[2].lower())
        return rows, total

    @api.depends("days_overdue")
    @api.depends_context(*FIGURES_CONTEXT, "lang")
    def _compute_age_label(self):
        for row in self:
            days = row.days_overdue
            row.age_label = _("Not due") if days <= 0 else _("%(days)s days", days=days)

    def action_kk_open_customer_items(self):
        """The customer's open items today (due date, open amount), where its card, statement and reminder are."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id.action_kk_open_receivables()

    def action_kk_open_customer(self):
        """The customer's card: statement, ledger and reminder at its top."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.commercial_partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_move(self):
        """Drill down from an ageing row to its invoice, credit note or payment entry."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
