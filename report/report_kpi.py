# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, formatLang

from ..lib.svg_chart import bar_chart
from ..models.kundekartotek_kpi import FIGURES

# How each figure is written: an amount in the company currency, a count, days, or a plain number.
KINDS = {
    "revenue": "money",
    "average_revenue": "money",
    "average_receivable": "money",
    "clv": "money",
    "average_yearly_revenue": "money",
    "active_customers": "count",
    "paid_invoices": "count",
    "new_customers": "count",
    "lost_customers": "count",
    "retained_customers": "count",
    "days_to_pay": "number",
    "days_to_pay_weighted": "number",
    "dso": "number",
    "turnover": "number",
    "average_relationship_years": "number",
}


class ReportKundekartotekKpi(models.AbstractModel):
    """Values for the key figures PDF ("Nøkkeltall") and the dashboard, which show the same tables.

    The figures come from ``kundekartotek.kpi`` (which checks the reader's rights); this model only words and
    draws them: numbers written in the user's language, trends, the formula behind each figure as a numbered
    footnote, and the bar charts as inline SVG.
    """

    _name = "report.kundekartotek.report_kpi"
    _description = "Key Figures PDF"

    @api.model
    def _kk_options(self, data):
        """The period and companies from ``data["kk_options"]``, checked: they come back from the browser's URL."""
        options = (data or {}).get("kk_options")
        options = options if isinstance(options, dict) else {}
        try:
            date_from = fields.Date.to_date(options.get("date_from"))
            date_to = fields.Date.to_date(options.get("date_to"))
        except (TypeError, ValueError) as error:
            raise UserError(
                _("The period of this report is not valid. Open the key figures and print again.")
            ) from error
        if not date_from or not date_to:
            raise UserError(_("The period of this report is not valid. Open the key figures and print again."))
        requested = options.get("company_ids")
        requested = [cid for cid in requested if isinstance(cid, int)] if isinstance(requested, list) else []
        return date_from, date_to, requested or None

    @api.model
    def _get_report_values(self, docids, data=None):
        date_from, date_to, company_ids = self._kk_options(data)
        result = self.env["kundekartotek.kpi"]._kk_compute(date_from, date_to, company_ids)
        companies = self.env["res.company"].browse(result["company_ids"])
        return {
            "doc_ids": docids,
            "doc_model": "res.company",
            "docs": companies[:1],
            "company": companies[:1],
            **self._kk_values(result),
        }

    @api.model
    def _kk_values(self, result):
        """The tables and charts of a result of ``kundekartotek.kpi._kk_compute``, ready to print."""
        companies = self.env["res.company"].browse(result["company_ids"])
        currency = companies.currency_id[:1]
        Kpi = self.env["kundekartotek.kpi"]
        labels, formulas = Kpi._kk_labels(), Kpi._kk_formulas()
        rows = [
            {
                "key": key,
                "note": number,
                "label": labels[key],
                "value": self._kk_format(result["figures"][key], KINDS[key], currency),
                "previous": self._kk_format(result["previous"][key], KINDS[key], currency),
                "trend": self._kk_trend(result["trend"][key]),
                "formula": formulas[key],
            }
            for number, key in enumerate(FIGURES, start=1)
        ]
        customers = [
            {
                "name": customer["name"],
                "ref": customer["ref"],
                "revenue": self._kk_format(customer["revenue"], "money", currency),
                "previous": self._kk_format(customer["previous_revenue"], "money", currency),
                "trend": self._kk_trend(customer["trend"]),
                "days_to_pay": self._kk_format(customer["days_to_pay"], "number", currency),
                "clv": self._kk_format(customer["clv"], "money", currency),
            }
            for customer in result["top_customers"]
        ]
        months = [(row["month"][:7], row["revenue"]) for row in result["monthly_revenue"]]
        balances = [
            (row["date"][:7] if row["date"] >= result["date_from"] else _("start"), row["balance"])
            for row in result["balances"]
        ]
        return {
            "result": result,
            "companies": companies,
            "currency": currency,
            "date_from": fields.Date.to_date(result["date_from"]),
            "date_to": fields.Date.to_date(result["date_to"]),
            "previous_from": fields.Date.to_date(result["previous_from"]),
            "previous_to": fields.Date.to_date(result["previous_to"]),
            "rows": rows,
            "customers": customers,
            "customer_clv_formula": formulas["customer_clv"],
            "chart_revenue": Markup(bar_chart(months, title=_("Revenue per month"))),
            "chart_balance": Markup(bar_chart(balances, title=_("Receivable balance at the start and month-ends"))),
        }

    @api.model
    def _kk_format(self, value, kind, currency):
        """A figure in the user's language; "–" when it cannot be computed."""
        if value is None or value is False:
            return "–"
        if kind == "money":
            return format_amount(self.env, value, currency)
        if kind == "count":
            return formatLang(self.env, value, digits=0)
        return formatLang(self.env, value, digits=1)

    @api.model
    def _kk_trend(self, change):
        """The change against the previous period as a signed percentage."""
        if change is None or change is False:
            return "–"
        return f"{'+' if change >= 0 else '−'}{formatLang(self.env, abs(change) * 100, digits=1)} %"
