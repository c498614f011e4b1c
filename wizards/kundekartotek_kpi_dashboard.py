# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models


class KundekartotekKpiDashboard(models.TransientModel):
    """The key figures on screen: a period and companies, the figures with their trend, charts and top customers.

    The summary is the PDF's own template rendered into an HTML field, so screen and paper cannot differ; it is
    computed again whenever the period or the companies change. Every figure comes from ``kundekartotek.kpi``,
    which refuses users without accounting read rights.
    """

    _name = "kundekartotek.kpi.dashboard"
    _description = "Key Figures"

    # Twelve months by default: this month and the eleven before it.
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=11),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_ids = fields.Many2many(
        "res.company", string="Companies", required=True, default=lambda self: self.env.companies
    )
    summary = fields.Html(compute="_compute_summary", sanitize=False)

    @api.depends("date_from", "date_to", "company_ids")
    def _compute_summary(self):
        Report = self.env["report.kundekartotek.report_kpi"]
        for dashboard in self:
            if not dashboard.date_from or not dashboard.date_to or not dashboard.company_ids:
                dashboard.summary = False
                continue
            result = dashboard._kk_result()
            dashboard.summary = self.env["ir.qweb"]._render("kundekartotek.kpi_summary", Report._kk_values(result))

    def _kk_result(self):
        self.ensure_one()
        return self.env["kundekartotek.kpi"]._kk_compute(self.date_from, self.date_to, self.company_ids.ids)

    def _kk_options(self):
        self.ensure_one()
        return {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "company_ids": self.company_ids.ids,
        }

    def action_open_customers(self):
        """The figures per customer (both periods' active customers) in pivot, graph and list."""
        self.ensure_one()
        lines = self.env["kundekartotek.kpi.customer"]._kk_fill(self, self._kk_result())
        return {
            "type": "ir.actions.act_window",
            "name": _("Key figures per customer"),
            "res_model": "kundekartotek.kpi.customer",
            "view_mode": "pivot,graph,list",
            "domain": [("id", "in", lines.ids)],
            "context": {"create": False},
        }

    def action_print_pdf(self):
        """The key figures as a PDF; the options travel as ``data`` (see the ageing wizard for why not context)."""
        self.ensure_one()
        return self.env.ref("kundekartotek.action_report_kpi").report_action(
            None, data={"kk_options": self._kk_options()}, config=False
        )

    def action_export_xlsx(self):
        """The key figures as an Excel workbook, downloaded by the browser."""
        self.ensure_one()
        content = self.env["kundekartotek.kpi.xlsx"]._build(self._kk_result())
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"nokkeltall-{self.date_from}-{self.date_to}.xlsx",
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
