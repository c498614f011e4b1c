# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"


class ResPartner(models.Model):
    """Payment behaviour (betalingsanalyse), from posted receivable items and their reconciliations."""

    _inherit = "res.partner"

    pay_days_avg = fields.Float(
        string="Average days to pay",
        compute="_compute_payment_behaviour",
        groups=ACCOUNTING_GROUPS,
        digits=(16, 1),
        help="Average number of days from invoice date to full payment, invoices paid in the last 12 months.",
    )
    pay_days_weighted = fields.Float(
        string="Days to pay (amount-weighted)",
        compute="_compute_payment_behaviour",
        groups=ACCOUNTING_GROUPS,
        digits=(16, 1),
        help="Days to pay weighted by invoice amount: large invoices count more.",
    )
    pay_on_time_share = fields.Float(
        string="Paid on time",
        compute="_compute_payment_behaviour",
        groups=ACCOUNTING_GROUPS,
        help="Share of the invoices paid in the last 12 months that were paid by their due date.",
    )
    pay_days_late_avg = fields.Float(
        string="Average days late",
        compute="_compute_payment_behaviour",
        groups=ACCOUNTING_GROUPS,
        digits=(16, 1),
        help="Average days past the due date, counting invoices paid on time as 0.",
    )
    pay_days_avg_previous = fields.Float(
        string="Average days to pay, previous 12 months",
        compute="_compute_payment_behaviour",
        groups=ACCOUNTING_GROUPS,
        digits=(16, 1),
        help="The same average for invoices paid 13 to 24 months ago, to compare against.",
    )
    pay_invoice_count = fields.Integer(
        string="Invoices paid (12 months)", compute="_compute_payment_behaviour", groups=ACCOUNTING_GROUPS
    )

    overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_overdue_amount",
        groups="account.group_account_invoice,account.group_account_readonly",
        help="Open receivable amount past its due date, in company currency, from posted journal items.",
    )

    def _compute_payment_behaviour(self):
        today = fields.Date.context_today(self)
        last = self._kk_payment_behaviour(today - relativedelta(months=12), today)
        previous = self._kk_payment_behaviour(today - relativedelta(months=24), today - relativedelta(months=12))
        for partner in self:
            figures = last.get(partner.commercial_partner_id.id, {})
            partner.pay_days_avg = figures.get("days_avg", 0.0)
            partner.pay_days_weighted = figures.get("days_weighted", 0.0)
            partner.pay_on_time_share = figures.get("on_time_share", 0.0)
            partner.pay_days_late_avg = figures.get("days_late_avg", 0.0)
            partner.pay_invoice_count = figures.get("count", 0)
            partner.pay_days_avg_previous = previous.get(partner.commercial_partner_id.id, {}).get("days_avg", 0.0)

    @api.model
    def _kk_payment_behaviour(self, date_from, date_to, partner_ids=None):
        """Figures per commercial partner for invoices fully paid between two dates, in one SQL query.

        An invoice's payment date is the latest reconciliation (``max_date``) of its receivable line; SQL rather
        than the ORM because the analysis issue runs it for 20 000 customers at once.
        """
        partner_ids = partner_ids or self.commercial_partner_id.ids
        if not partner_ids:
            return {}
        # The query reads these in SQL: write what the ORM still holds for them, and only for them.
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "balance",
                "date",
                "date_maturity",
                "move_id",
                "account_id",
                "parent_state",
                "reconciled",
                "company_id",
            ]
        )
        self.env["account.move"].flush_model(["invoice_date", "move_type"])
        self.env["account.account"].flush_model(["account_type"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.env.cr.execute(
            SQL(
                """
                WITH paid AS (
                    SELECT aml.partner_id,
                           aml.balance,
                           COALESCE(am.invoice_date, aml.date) AS invoice_date,
                           COALESCE(aml.date_maturity, aml.date) AS due_date,
                           (SELECT MAX(apr.max_date) FROM account_partial_reconcile apr
                             WHERE apr.debit_move_id = aml.id) AS paid_on
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      JOIN account_account account ON account.id = aml.account_id
                     WHERE account.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND am.move_type = 'out_invoice'
                       AND aml.reconciled
                       AND aml.balance > 0
                       AND aml.partner_id IN %(partner_ids)s
                       AND aml.company_id IN %(company_ids)s
                )
                SELECT partner_id,
                       COUNT(*),
                       AVG(paid_on - invoice_date),
                       SUM((paid_on - invoice_date) * balance) / NULLIF(SUM(balance), 0),
                       AVG(CASE WHEN paid_on <= due_date THEN 1.0 ELSE 0.0 END),
                       AVG(GREATEST(paid_on - due_date, 0))
                  FROM paid
                 WHERE paid_on > %(date_from)s AND paid_on <= %(date_to)s
                 GROUP BY partner_id
                """,
                partner_ids=tuple(partner_ids),
                company_ids=tuple(self.env.companies.ids),
                date_from=date_from,
                date_to=date_to,
            )
        )
        return {
            partner_id: {
                "count": count,
                "days_avg": float(days_avg or 0),
                "days_weighted": float(days_weighted or 0),
                "on_time_share": float(on_time or 0),
                "days_late_avg": float(days_late or 0),
            }
            for partner_id, count, days_avg, days_weighted, on_time, days_late in self.env.cr.fetchall()
        }

    def _compute_overdue_amount(self):
        """Sum open receivable items past due in one grouped query, not one query per partner."""
        today = fields.Date.context_today(self)
        commercial = self.commercial_partner_id
        amounts = dict(
            self.env["account.move.line"]._read_group(
                [
                    ("partner_id", "in", commercial.ids),
                    ("company_id", "child_of", self.env.company.root_id.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("date_maturity", "<", today),
                ],
                ["partner_id"],
                ["amount_residual:sum"],
            )
        )
        for partner in self:
            partner.overdue_amount = amounts.get(partner.commercial_partner_id, 0.0)

    def action_kk_open_receivables(self):
        """Open the customer's open receivable items (overdue only with ``kk_overdue`` in the context)."""
        self.ensure_one()
        domain = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
        ]
        name = _("Open items of %(partner)s", partner=self.commercial_partner_id.display_name)
        if self.env.context.get("kk_overdue"):
            domain.append(("date_maturity", "<", fields.Date.context_today(self)))
            name = _("Overdue items of %(partner)s", partner=self.commercial_partner_id.display_name)
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("kundekartotek.account_move_line_view_list_open_items").id, "list"),
                (False, "form"),
            ],
            "domain": domain,
            "context": {"create": False, "search_default_group_by_move": False},
        }
