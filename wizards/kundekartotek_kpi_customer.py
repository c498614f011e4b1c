# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

STATUSES = [("new", "New"), ("lost", "Lost"), ("retained", "Retained")]


class KundekartotekKpiCustomer(models.TransientModel):
    """The key figures of one customer for the dashboard's period, for pivot and graph.

    Transient rows filled from ``kundekartotek.kpi`` (so per-customer figures follow the same definitions as the
    totals); the figures depend on the period, which a stored model could not key.
    """

    _name = "kundekartotek.kpi.customer"
    _description = "Key Figures per Customer"
    _order = "revenue desc, id"

    dashboard_id = fields.Many2one("kundekartotek.kpi.dashboard", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    revenue = fields.Monetary(readonly=True)
    previous_revenue = fields.Monetary(string="Revenue, previous period", readonly=True)
    status = fields.Selection(STATUSES, readonly=True, help="New, lost or retained against the previous period.")
    paid_invoices = fields.Integer(string="Invoices paid", readonly=True)
    # No total: a mean of means would mislead, and customers without paid invoices hold 0.
    days_to_pay = fields.Float(string="Average days to pay", readonly=True, aggregator=None, digits=(16, 1))
    yearly_revenue = fields.Monetary(readonly=True, help="Revenue to the period's end / years since the first invoice.")
    clv = fields.Monetary(
        string="Lifetime value",
        readonly=True,
        help="Yearly revenue × (average relationship length − the customer's own, at least 0).",
    )

    @api.model
    def _kk_fill(self, dashboard, result):
        """Replace the dashboard's rows by the customers of ``result``; returns the new rows."""
        self.search([("dashboard_id", "=", dashboard.id)]).unlink()
        currency = self.env["res.company"].browse(result["company_ids"]).currency_id[:1]
        return self.create(
            [
                {
                    "dashboard_id": dashboard.id,
                    "partner_id": customer["partner_id"],
                    "currency_id": currency.id,
                    "revenue": customer["revenue"],
                    "previous_revenue": customer["previous_revenue"],
                    "status": customer["status"] or False,
                    "paid_invoices": customer["paid_invoices"],
                    "days_to_pay": customer["days_to_pay"] or 0.0,
                    "yearly_revenue": customer["yearly_revenue"] or 0.0,
                    "clv": customer["clv"] or 0.0,
                }
                for customer in result["customers"]
            ]
        )
