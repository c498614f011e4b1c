# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ReportKundekartotekAgeing(models.AbstractModel):
    """Values for the ageing PDF: the wizard passes its options as ``data``, the totals come from the SQL view.

    ``rows`` are plain tuples ``(partner_id, ref, name, values)`` sorted by name, ``values`` and ``total`` dicts
    by bucket key and ``residual`` (``kundekartotek.ageing.report._kk_report_rows``).
    """

    _name = "report.kundekartotek.report_ageing"
    _description = "Receivables Ageing PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        context = data.get("context") or {}
        report = self.env["kundekartotek.ageing.report"].with_context(**context)
        rows, total = report._kk_report_rows()
        labels = list(report._kk_bucket_labels().values())
        companies = self.env["res.company"].browse(context.get("kk_company_ids") or self.env.company.ids)
        return {
            "doc_ids": docids,
            "doc_model": "kundekartotek.ageing.report",
            "docs": companies[:1],
            "company": companies[:1],
            "as_of": fields.Date.to_date(context.get("kk_as_of")) or fields.Date.context_today(self),
            "age_by": context.get("kk_age_by") or "due",
            "labels": labels,
            "rows": rows,
            "total": total,
            "currency": companies[:1].currency_id,
        }
