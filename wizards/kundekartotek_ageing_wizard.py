# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.ageing import parse_edges


class KundekartotekAgeingWizard(models.TransientModel):
    _name = "kundekartotek.ageing.wizard"
    _description = "Receivables Ageing Options"

    as_of = fields.Date(
        string="As of", required=True, default=fields.Date.context_today, help="Items and payments up to this date."
    )
    age_by = fields.Selection(
        [("due", "Due date"), ("invoice", "Invoice date")],
        string="Age by",
        required=True,
        default="due",
        help="Count the days from the due date (usual) or from the invoice date.",
    )
    edges = fields.Char(
        string="Bucket limits",
        required=True,
        default="30,60,90",
        help="Three increasing numbers of days, separated by commas: 30,60,90 gives 1–30, 31–60, 61–90 and over 90.",
    )
    company_ids = fields.Many2many(
        "res.company", string="Companies", required=True, default=lambda self: self.env.companies
    )

    @api.constrains("edges")
    def _check_edges(self):
        for wizard in self:
            try:
                parse_edges(wizard.edges)
            except ValueError as error:
                raise ValidationError(
                    _(
                        "The bucket limits “%(edges)s” are not valid: give three increasing whole numbers of days "
                        "separated by commas, for example 30,60,90.",
                        edges=wizard.edges,
                    )
                ) from error

    def _report_context(self):
        self.ensure_one()
        return {
            "kk_as_of": fields.Date.to_string(self.as_of),
            "kk_age_by": self.age_by,
            "kk_edges": ",".join(map(str, parse_edges(self.edges))),
            "kk_company_ids": self.company_ids.ids,
        }

    def action_open(self):
        """Show the ageing on screen: one line per open item, grouped by customer, with a pivot view."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Receivables ageing as of %(date)s", date=fields.Date.to_string(self.as_of)),
            "res_model": "kundekartotek.ageing.report",
            "view_mode": "list,pivot",
            "context": {**self._report_context(), "search_default_group_partner": 1},
        }

    def action_print_pdf(self):
        """The ageing as a PDF with the company header (QWeb through wkhtmltopdf).

        The options travel under ``kk_options``, never under ``context``: the web client sends ``data`` as the
        ``options`` query argument of ``/report/download``, and the report route JSON-decodes a ``context`` key a
        second time (a dict there ends in a TypeError in the browser).
        """
        self.ensure_one()
        return self.env.ref("kundekartotek.action_report_ageing").report_action(
            None, data={"kk_options": self._report_context()}, config=False
        )

    def action_export_xlsx(self):
        """The ageing as an Excel workbook, downloaded by the browser."""
        self.ensure_one()
        content = self.env["kundekartotek.ageing.xlsx"]._build(self._report_context())
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"aldersfordelt-reskontro-{fields.Date.to_string(self.as_of)}.xlsx",
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
