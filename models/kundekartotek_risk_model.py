# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import risk

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "kundekartotek.group_manager"


class KundekartotekRiskModel(models.Model):
    """The payment-risk model of one company: a logistic regression trained on the company's own history.

    Written only by the training (weekly cron, or a manager's *Retrain* as superuser after the group check): no
    access line grants write or create, so what the card shows always comes from the company's own data.
    """

    _name = "kundekartotek.risk.model"
    _description = "Payment Risk Model"
    _order = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    model_data = fields.Json(readonly=True, help="Means, scales and coefficients of the fitted model.")
    trained_at = fields.Datetime(readonly=True)
    late_days = fields.Integer(string="Late after (days)", readonly=True)
    row_count = fields.Integer(string="Invoices learned from", readonly=True)
    late_count = fields.Integer(string="Of which late", readonly=True)
    train_auc = fields.Float(string="AUC on the training invoices", digits=(4, 3), readonly=True)
    train_brier = fields.Float(string="Brier score on the training invoices", digits=(5, 4), readonly=True)
    note = fields.Char(readonly=True, help="Why no model could be trained, when none could.")
    coefficients = fields.Text(
        compute="_compute_coefficients", help="The weight of each feature, per standard deviation."
    )

    _sql_constraints = [("company_uniq", "unique(company_id)", "One payment-risk model per company.")]

    @api.depends("model_data")
    def _compute_coefficients(self):
        labels = self._kk_feature_labels()
        for record in self:
            data = record.model_data
            if not data:
                record.coefficients = False
                continue
            intercept = f"{data['intercept']:+.3f}"  # babel cannot read an f-string inside _()
            lines = [_("Intercept: %(value)s", value=intercept)]
            for key, coef in zip(data["features"], data["coefficients"], strict=True):
                lines.append(f"{labels.get(key, key)}: {coef:+.3f}")
            record.coefficients = "\n".join(lines)

    @api.model
    def _kk_feature_labels(self):
        return {
            "days_late_avg": _("Average days late"),
            "late_share": _("Share paid late"),
            "no_history": _("No payment history"),
            "overdue_log": _("Overdue balance"),
            "age_years": _("Relationship age"),
            "size_log": _("Invoice size"),
        }

    @api.model
    def _kk_history(self, company):
        """Every posted customer-invoice receivable item of the company and its branches, as ``risk.Invoice``.

        One SQL query (a company's whole history; the ORM would load every line): commercial partner, invoice date,
        due date, amount in company currency, and the settlement date of items fully paid — the latest of their
        reconciliations (``max_date``, the later of ``kk_debit_date`` and ``kk_credit_date``). An invoice with
        instalments counts each instalment with its own due date.
        """
        self.env["account.move.line"].flush_model(
            ["balance", "date", "date_maturity", "move_id", "account_id", "parent_state", "reconciled", "company_id"]
        )
        self.env["account.move"].flush_model(["invoice_date", "move_type", "commercial_partner_id"])
        self.env["account.account"].flush_model(["account_type"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT am.commercial_partner_id,
                       COALESCE(am.invoice_date, aml.date),
                       COALESCE(aml.date_maturity, aml.date),
                       aml.balance,
                       CASE WHEN aml.reconciled THEN
                           (SELECT MAX(apr.max_date) FROM account_partial_reconcile apr
                             WHERE apr.debit_move_id = aml.id)
                       END
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND am.move_type = 'out_invoice'
                   AND aml.balance > 0
                   AND am.commercial_partner_id IS NOT NULL
                   AND aml.company_id IN %(companies)s
                """,
                companies=tuple(company._kk_tier_branches().ids),
            )
        )
        return [risk.Invoice(*row) for row in self.env.cr.fetchall()]

    @api.model
    def _kk_train(self, company, today=None):
        """Fit the company's model on its history as known today, store it, and score its customers."""
        today = today or fields.Date.context_today(self)
        history = self._kk_history(company)
        late_days = company.kk_risk_late_days
        rows = risk.training_rows(history, late_days, today)
        values = {
            "company_id": company.id,
            "trained_at": fields.Datetime.now(),
            "late_days": late_days,
            "row_count": len(rows),
            "late_count": sum(row[1] for row in rows),
        }
        try:
            model = risk.fit([row[0] for row in rows], [row[1] for row in rows])
        except ValueError:
            model = None
            values.update(
                model_data=False,
                train_auc=0.0,
                train_brier=0.0,
                note=_(
                    "Not enough history: at least %(count)s invoices with a known outcome, some paid late and some "
                    "in time.",
                    count=risk.MIN_ROWS,
                ),
            )
        else:
            labels = [row[1] for row in rows]
            scores = [risk.predict(model, row[0]) for row in rows]
            values.update(
                model_data=model,
                train_auc=risk.auc(labels, scores),
                train_brier=risk.brier(labels, scores),
                note=False,
            )
        # sudo: the model record is written by training only (cron, or a manager checked in action_kk_retrain)
        record = self.sudo().search([("company_id", "=", company.id)])
        if record:
            record.write(values)
        else:
            # sudo: as above
            record = self.sudo().create(values)
        _logger.info("Payment-risk model of %s trained on %s invoices", company.name, len(rows))
        if model:
            self.env["res.partner"]._kk_risk_score(company, model, history, today)
        return record

    @api.model
    def _cron_kk_retrain(self):
        """Weekly: retrain every company's model on its history and score its customers again."""
        # sudo: the weekly cron trains every company's model
        for company in self.env["res.company"].sudo().search([("active", "=", True)], order="id"):
            self._kk_train(company)

    @api.model
    def action_kk_retrain(self):
        """Retrain the current company's model now (managers), and say what came out."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a Kundekartotek manager may retrain the payment-risk model."))
        record = self._kk_train(self.env.company)
        message = record.note or _(
            "Trained on %(rows)s invoices (%(late)s late); customers scored.",
            rows=record.row_count,
            late=record.late_count,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "warning" if record.note else "success", "message": message, "sticky": False},
        }
