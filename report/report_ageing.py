# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.ageing import parse_edges


class ReportKundekartotekAgeing(models.AbstractModel):
    """Values for the ageing PDF: the wizard passes its options as ``data``, the totals come from the SQL view.

    ``rows`` are plain tuples ``(partner_id, ref, name, values)`` sorted by name, ``values`` and ``total`` dicts
    by bucket key and ``residual`` (``kundekartotek.ageing.report._kk_report_rows``).
    """

    _name = "report.kundekartotek.report_ageing"
    _description = "Receivables Ageing PDF"

    @api.model
    def _kk_options(self, data):
        """The wizard's options from ``data["kk_options"]``, checked: they come back from the browser's URL.

        Only the four known keys are kept (the rest of the URL cannot steer the report), companies are limited to
        the user's own, and a hand-edited date or bucket list ends in a clear message instead of a server error.
        """
        options = (data or {}).get("kk_options")
        options = options if isinstance(options, dict) else {}
        try:
            as_of = fields.Date.to_date(options.get("kk_as_of")) or fields.Date.context_today(self)
            edges = ",".join(map(str, parse_edges(options.get("kk_edges"))))
        except (TypeError, ValueError) as error:
            raise UserError(
                _("The ageing options of this report are not valid. Open the ageing wizard and print again.")
            ) from error
        age_by = options.get("kk_age_by") if options.get("kk_age_by") in ("due", "invoice") else "due"
        requested = options.get("kk_company_ids")
        requested = [cid for cid in requested if isinstance(cid, int)] if isinstance(requested, list) else []
        companies = self.env.user.company_ids.filtered(lambda company: company.id in requested) or self.env.company
        return {
            "kk_as_of": fields.Date.to_string(as_of),
            "kk_age_by": age_by,
            "kk_edges": edges,
            "kk_company_ids": companies.ids,
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        options = self._kk_options(data)
        report = self.env["kundekartotek.ageing.report"].with_context(**options)
        rows, total = report._kk_report_rows()
        labels = list(report._kk_bucket_labels().values())
        companies = self.env["res.company"].browse(options["kk_company_ids"])
        return {
            "doc_ids": docids,
            "doc_model": "kundekartotek.ageing.report",
            "docs": companies[:1],
            "company": companies[:1],
            "as_of": fields.Date.to_date(options["kk_as_of"]),
            "age_by": options["kk_age_by"],
            "labels": labels,
            "rows": rows,
            "total": total,
            "currency": companies[:1].currency_id,
        }
