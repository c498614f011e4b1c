# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib import kpi

# Who reads the key figures: accounting readers (auditors, accountants; account.group_account_user implies it) and
# the invoicing administrator, whose Invoicing-only database has no reader group. Not the billing clerk
# (account.group_account_invoice): core shows no accounting reports to that group. docs/kpi.md.
KPI_GROUPS = ("account.group_account_readonly", "account.group_account_manager")
# The figures of a period, in the order the dashboard, the PDF and the workbook show them.
FIGURES = (
    "revenue",
    "active_customers",
    "average_revenue",
    "paid_invoices",
    "days_to_pay",
    "days_to_pay_weighted",
    "average_receivable",
    "turnover",
    "dso",
    "clv",
    "average_yearly_revenue",
    "average_relationship_years",
    "new_customers",
    "lost_customers",
    "retained_customers",
)
TOP_CUSTOMERS = 10


class KundekartotekKpi(models.AbstractModel):
    """The key figures (nøkkeltall) of a period: one service behind the dashboard, the PDF, the workbook and RPC.

    Sums are read in PostgreSQL (a handful of grouped queries, whatever the number of customers) and the
    arithmetic is ``lib.kpi``'s, so every output shows the same figures by the same definitions (docs/kpi.md).
    The queries bypass record rules: they are limited to companies the user may work in and to users with
    accounting read rights (``KPI_GROUPS``), who may read every journal item of those companies anyway.
    """

    _name = "kundekartotek.kpi"
    _description = "Customer Key Figures"

    @api.model
    def get_kpis(self, date_from, date_to, company_ids=None):
        """The key figures for ``date_from``..``date_to`` (ISO dates, both included) as a plain dict.

        Public (XML-RPC, docs/api.md). ``company_ids``: some of the caller's companies (default: the companies
        of the context, else the current one); their figures are added up, so they must share one currency.
        Figures that cannot be computed are ``False`` (XML-RPC has no ``None``).
        """
        try:
            date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except (TypeError, ValueError) as error:
            raise UserError(_("Give the period as two dates, YYYY-MM-DD.")) from error
        if not date_from or not date_to:
            raise UserError(_("Give the period as two dates, YYYY-MM-DD."))
        result = self._kk_compute(date_from, date_to, company_ids)
        return _none_to_false(result)

    @api.model
    def _kk_check_access(self):
        """Refuse users without accounting read rights: the figures sum every customer's invoices."""
        if not any(self.env.user.has_group(group) for group in KPI_GROUPS):
            raise AccessError(_("Only users with accounting read rights may read the key figures."))

    @api.model
    def _kk_companies(self, company_ids=None):
        """The companies asked for, each one the user's own; one currency between them."""
        if company_ids is None:
            companies = self.env.companies
        else:
            if not isinstance(company_ids, list | tuple) or not all(isinstance(cid, int) for cid in company_ids):
                raise UserError(_("Give the companies as a list of ids."))
            companies = self.env["res.company"].browse(company_ids)
            if not companies or companies - self.env.user.company_ids:
                raise AccessError(_("You may only read the key figures of your own companies."))
        if len(companies.currency_id) > 1:
            raise UserError(
                _(
                    "The companies %(names)s keep their books in different currencies; choose companies with one "
                    "currency.",
                    names=", ".join(companies.mapped("name")),
                )
            )
        return companies

    @api.model
    def _kk_compute(self, date_from, date_to, company_ids=None):
        """Every figure of the period and of the previous one, the trend, months, customers (docs/kpi.md)."""
        self._kk_check_access()
        if date_to < date_from:
            raise UserError(_("The period ends before it starts."))
        companies = self._kk_companies(company_ids)
        previous_from, previous_to = kpi.previous_period(date_from, date_to)
        for model in ("account.move", "account.move.line", "account.partial.reconcile", "account.account"):
            self.env[model].flush_model()
        company_filter = tuple(companies.ids)
        receivable = self._kk_receivable_accounts()
        revenue_rows, monthly = self._kk_revenue_rows(date_from, date_to, previous_from, previous_to, company_filter)
        settlements = self._kk_settlements(previous_from, date_to, date_from, company_filter, receivable)
        current_points = kpi.balance_dates(date_from, date_to)
        previous_points = kpi.balance_dates(previous_from, previous_to)
        balances = self._kk_receivable_balances(current_points + previous_points, company_filter, receivable)

        current = self._kk_period(
            revenue_rows, settlements, [balances[p] for p in current_points], date_from, date_to, "current"
        )
        previous = self._kk_period(
            revenue_rows, settlements, [balances[p] for p in previous_points], previous_from, previous_to, "previous"
        )
        flows = kpi.customer_flows(current["_active"], previous["_active"])
        for key in ("new", "lost", "retained"):
            current["figures"][f"{key}_customers"] = len(flows[key])
        status = {partner: key for key, partners in flows.items() for partner in partners}
        customers = self._kk_customers(revenue_rows, current, previous, status)
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "previous_from": fields.Date.to_string(previous_from),
            "previous_to": fields.Date.to_string(previous_to),
            "period_days": kpi.period_days(date_from, date_to),
            "company_ids": companies.ids,
            "currency": companies.currency_id.name,
            "figures": current["figures"],
            "previous": previous["figures"],
            "trend": {key: kpi.change(current["figures"][key], previous["figures"][key]) for key in FIGURES},
            "monthly_revenue": [
                {"month": fields.Date.to_string(month), "revenue": monthly.get(month, 0.0)}
                for month in kpi.months(date_from, date_to)
            ],
            "balances": [
                {"date": fields.Date.to_string(point), "balance": balances[point]} for point in current_points
            ],
            "customers": customers,
            "top_customers": customers[:TOP_CUSTOMERS],
        }

    # --- reads (SQL: one grouped query each, whatever the number of customers) ---

    @api.model
    def _kk_receivable_accounts(self):
        """The ids of the receivable accounts, read first so that PostgreSQL sees the ids it filters on.

        Given as a subquery, the planner cannot tell how many journal items they hold (it guessed 700 of 500 000)
        and chose nested loops that cost seconds (docs/benchmarks.md).
        """
        self.env.cr.execute(SQL("SELECT id FROM account_account WHERE account_type = 'asset_receivable'"))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _kk_revenue_rows(self, date_from, date_to, previous_from, previous_to, company_ids):
        """Per commercial partner: revenue of the period, of the previous one, and the history up to each end;
        and the period's revenue per month. ``(rows, {first day of month: revenue})``.

        Revenue = -balance of the product lines of posted customer invoices and credit notes by invoice date
        (their untaxed amount in company currency; a credit note's lines have the opposite sign). One pass over
        the lines for the customers and the months (``GROUPING SETS``); the lines and entries come from the
        covering indexes of ``kundekartotek.sales.analysis`` (``init``), never from the tables. The line's
        ``parent_state`` and ``invoice_date`` are core's stored copies of its entry's state and invoice date:
        repeated here so that PostgreSQL may use the line index, whose predicate they are.
        """
        month = SQL("date_trunc('month', move.invoice_date)::date")
        self.env.cr.execute(
            SQL(
                """
                SELECT GROUPING(move.commercial_partner_id) = 1,
                       move.commercial_partner_id,
                       %(month)s,
                       SUM(-line.balance) FILTER (WHERE move.invoice_date BETWEEN %(from)s AND %(to)s),
                       SUM(-line.balance) FILTER (WHERE move.invoice_date BETWEEN %(pfrom)s AND %(pto)s),
                       SUM(-line.balance),
                       MIN(move.invoice_date),
                       MAX(move.invoice_date),
                       SUM(-line.balance) FILTER (WHERE move.invoice_date <= %(pto)s),
                       MAX(move.invoice_date) FILTER (WHERE move.invoice_date <= %(pto)s)
                  FROM account_move move
                  JOIN account_move_line line ON line.move_id = move.id
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.invoice_date <= %(to)s
                   AND move.company_id IN %(companies)s
                   AND line.display_type = 'product'
                   AND line.parent_state = 'posted'
                   AND line.invoice_date IS NOT NULL
                 GROUP BY GROUPING SETS ((move.commercial_partner_id), (%(month)s))
                """,
                month=month,
                **{
                    "from": date_from,
                    "to": date_to,
                    "pfrom": previous_from,
                    "pto": previous_to,
                    "companies": company_ids,
                },
            )
        )
        rows, monthly = {}, {}
        for (
            is_month,
            partner,
            month_start,
            current,
            previous,
            total,
            first,
            last,
            before,
            last_before,
        ) in self.env.cr.fetchall():
            if is_month:
                if current is not None:  # a month of the period (the others have no line in it)
                    monthly[month_start] = float(current)
                continue
            rows[partner] = {
                "current": float(current or 0.0),
                "previous": float(previous or 0.0),
                "history": {
                    "current": (float(total), first, last),
                    "previous": (float(before or 0.0), first, last_before),
                },
            }
        return rows, monthly

    @api.model
    def _kk_settlements(self, date_from, date_to, split, company_ids, receivable):
        """Customer invoices fully paid whose settling reconciliation is dated in the range: sums per period
        (settled from ``split`` on = current) and, for the current period, per customer.

        Paid = core's ``payment_state`` *paid* or *in payment* (every receivable item reconciled; an invoice
        cancelled by its own reversal is *reversed*, not paid). The settling date is the latest ``max_date`` of
        the reconciliations of its receivable items: the later of the invoice's and the payment's dates
        (``kk_debit_date``/``kk_credit_date``). Only reconciliations dated from ``date_from`` on can be that
        latest one, so only those are read (the ageing's index on ``max_date`` holds them, with the item), and
        an invoice whose latest one falls after ``date_to`` was settled after the range, whichever of its items
        were reconciled in it. The items come from the invoice-line index, the invoices from the entry index
        (``kundekartotek.sales.analysis.init``). Returns ``{"current"|"previous": {"total": kpi.Settlements,
        "by_partner": {partner: kpi.Settlements}}}``, ``by_partner`` empty for the previous period (only its
        total is shown).
        """
        result = {which: {"total": kpi.Settlements(), "by_partner": {}} for which in ("current", "previous")}
        if not receivable:
            return result
        current = SQL("settled.settled_on >= %s", split)
        self.env.cr.execute(
            SQL(
                """
                WITH settled AS (
                    SELECT line.move_id, MAX(partial.max_date) AS settled_on
                      FROM account_partial_reconcile partial
                      JOIN account_move_line line ON line.id = partial.debit_move_id
                     WHERE partial.max_date >= %(from)s
                       AND line.account_id = ANY(%(receivable)s)
                       AND line.parent_state = 'posted'
                       AND line.invoice_date IS NOT NULL
                     GROUP BY line.move_id
                )
                SELECT GROUPING(move.commercial_partner_id) = 1,
                       move.commercial_partner_id,
                       %(current)s,
                       COUNT(*),
                       SUM(settled.settled_on - move.invoice_date),
                       SUM((settled.settled_on - move.invoice_date) * move.amount_total_signed),
                       SUM(move.amount_total_signed)
                  FROM settled
                  JOIN account_move move ON move.id = settled.move_id
                 WHERE settled.settled_on <= %(to)s
                   AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state IN ('paid', 'in_payment')
                   AND move.company_id IN %(companies)s
                 GROUP BY GROUPING SETS ((%(current)s), (%(current)s, move.commercial_partner_id))
                HAVING GROUPING(move.commercial_partner_id) = 1 OR %(current)s
                """,
                current=current,
                receivable=receivable,
                companies=company_ids,
                **{"from": date_from, "to": date_to},
            )
        )
        for is_total, partner, is_current, count, days, weighted, amount in self.env.cr.fetchall():
            sums = kpi.Settlements(count, float(days), float(weighted), float(amount))
            which = result["current" if is_current else "previous"]
            if is_total:
                which["total"] = sums
            else:
                which["by_partner"][partner] = sums
        return result

    @api.model
    def _kk_receivable_balances(self, points, company_ids, receivable):
        """The receivable balance at the close of each date: every posted receivable item dated on or before it.

        One pass: each item falls in the bucket of the first date on or after its own (``width_bucket`` over the
        days after the dates), the buckets are added up in order (exact, in PostgreSQL), and a date without items
        of its own keeps the balance of the one before.
        """
        points = sorted(set(points))
        balances = dict.fromkeys(points, 0.0)
        if not receivable:
            return balances
        bucket = SQL("width_bucket(line.date, %s::date[])", [point + datetime.timedelta(days=1) for point in points])
        self.env.cr.execute(
            SQL(
                """
                SELECT %(bucket)s, SUM(SUM(line.balance)) OVER (ORDER BY %(bucket)s)
                  FROM account_move_line line
                 WHERE line.parent_state = 'posted'
                   AND line.account_id = ANY(%(receivable)s)
                   AND line.company_id IN %(companies)s
                   AND line.date <= %(last)s
                 GROUP BY %(bucket)s
                """,
                bucket=bucket,
                receivable=receivable,
                companies=company_ids,
                last=points[-1],
            )
        )
        cumulative = dict(self.env.cr.fetchall())
        running = 0.0
        for index, point in enumerate(points):
            running = float(cumulative.get(index, running))
            balances[point] = running
        return balances

    # --- arithmetic (lib.kpi) ---

    @api.model
    def _kk_period(self, revenue_rows, settlements, balances, date_from, date_to, which):
        """The figures of one period from the rows read; ``which`` picks the period's columns."""
        active = {partner for partner, row in revenue_rows.items() if row[which] != 0}
        revenue = sum(row[which] for row in revenue_rows.values())
        paid = settlements[which]["total"]
        mean_days, weighted_days = kpi.days_to_pay(paid)
        histories = {}
        for partner, row in revenue_rows.items():
            history = row["history"][which]
            if history[0] != 0 and history[2]:
                histories[partner] = kpi.Lifetime(*history)
        clv, average_yearly, average_years, per_customer = kpi.lifetime_value(histories)
        turnover = kpi.turnover(revenue, balances)
        figures = {
            "revenue": revenue,
            "active_customers": len(active),
            "average_revenue": kpi.ratio(revenue, len(active)),
            "paid_invoices": paid.count,
            "days_to_pay": mean_days,
            "days_to_pay_weighted": weighted_days,
            "average_receivable": kpi.ratio(sum(balances), len(balances)),
            "turnover": turnover,
            "dso": kpi.dso(kpi.period_days(date_from, date_to), turnover),
            "clv": clv,
            "average_yearly_revenue": average_yearly,
            "average_relationship_years": average_years,
            "new_customers": None,
            "lost_customers": None,
            "retained_customers": None,
        }
        return {
            "figures": figures,
            "_active": active,
            "_paid": settlements[which]["by_partner"],
            "_histories": histories,
            "_clv": per_customer,
        }

    @api.model
    def _kk_customers(self, revenue_rows, current, previous, status):
        """One entry per customer active in either period, by revenue of the period (largest first)."""
        partner_ids = current["_active"] | previous["_active"]
        # Read in SQL: the ORM's display names cost seconds at 20 000 customers, and a commercial partner's display
        # name is its name. Read past the partner rules: the customers on invoices the reader may read (its own
        # companies, checked above).
        self.env["res.partner"].flush_model(["name", "ref"])
        self.env.cr.execute(SQL("SELECT id, name, ref FROM res_partner WHERE id = ANY(%s)", list(partner_ids) or [0]))
        names = {partner_id: (name or "", ref or "") for partner_id, name, ref in self.env.cr.fetchall()}
        histories, paid_by_partner, clv = current["_histories"], current["_paid"], current["_clv"]
        nothing_paid = kpi.Settlements()
        customers = []
        for partner_id in partner_ids:
            row = revenue_rows[partner_id]
            history = histories.get(partner_id)
            mean_days, weighted_days = kpi.days_to_pay(paid_by_partner.get(partner_id, nothing_paid))
            name, ref = names[partner_id]
            customers.append(
                {
                    "partner_id": partner_id,
                    "name": name,
                    "ref": ref,
                    "revenue": row["current"],
                    "previous_revenue": row["previous"],
                    "trend": kpi.change(row["current"], row["previous"]),
                    "status": status.get(partner_id, ""),
                    "paid_invoices": paid_by_partner[partner_id].count if partner_id in paid_by_partner else 0,
                    "days_to_pay": mean_days,
                    "days_to_pay_weighted": weighted_days,
                    "yearly_revenue": history.yearly_revenue if history else None,
                    "relationship_years": history.years if history else None,
                    "clv": clv.get(partner_id),
                }
            )
        customers.sort(key=lambda customer: (-customer["revenue"], customer["name"], customer["partner_id"]))
        return customers

    @api.model
    def _kk_formulas(self):
        """The formula behind every figure, as the footnotes and tooltips word it (docs/kpi.md)."""
        return {
            "revenue": _(
                "Untaxed amount of posted customer invoices minus posted credit notes, by invoice date in the period"
            ),
            "active_customers": _("Customers (commercial partners) with revenue ≠ 0 in the period"),
            "average_revenue": _("Revenue / active customers"),
            "paid_invoices": _("Customer invoices fully paid by a reconciliation dated in the period"),
            "days_to_pay": _("Mean of (date of the settling reconciliation − invoice date) over the invoices paid"),
            "days_to_pay_weighted": _("The same mean, each invoice weighted by its total"),
            "average_receivable": _("Mean receivable balance at the start of the period and at each month-end in it"),
            "turnover": _("Revenue / average receivable balance"),
            "dso": _("Days in the period / receivables turnover"),
            "clv": _("Average yearly revenue per customer × average relationship length in years"),
            "average_yearly_revenue": _(
                "Mean over customers of revenue to the period's end / years from first to last invoice (at least 1)"
            ),
            "average_relationship_years": _("Mean years from first to last invoice (at least 1) over customers"),
            "new_customers": _("Active in the period and not in the previous period of equal length"),
            "lost_customers": _("Active in the previous period and not in this one"),
            "retained_customers": _("Active in both periods"),
            "customer_clv": _("A customer's yearly revenue × (average relationship length − its own, at least 0)"),
        }

    @api.model
    def _kk_labels(self):
        """Short names of the figures, in FIGURES order."""
        return {
            "revenue": _("Revenue"),
            "active_customers": _("Active customers"),
            "average_revenue": _("Average revenue per active customer"),
            "paid_invoices": _("Invoices paid"),
            "days_to_pay": _("Average days to pay"),
            "days_to_pay_weighted": _("Average days to pay, amount-weighted"),
            "average_receivable": _("Average receivable balance"),
            "turnover": _("Receivables turnover"),
            "dso": _("DSO (days)"),
            "clv": _("Customer lifetime value"),
            "average_yearly_revenue": _("Average yearly revenue per customer"),
            "average_relationship_years": _("Average relationship length (years)"),
            "new_customers": _("New customers"),
            "lost_customers": _("Lost customers"),
            "retained_customers": _("Retained customers"),
        }


def _none_to_false(value):
    """``value`` with every ``None`` as ``False``, sets as sorted lists: what XML-RPC can carry."""
    if isinstance(value, dict):
        return {key: _none_to_false(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_none_to_false(item) for item in value]
    if isinstance(value, set):
        return sorted(value)
    return False if value is None else value
