# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
from datetime import date, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..lib.ageing import parse_edges


def period_end(preset, today):
    """The last month-, quarter- or year-end before ``today`` (``today`` itself for ``today``): the dates an
    accountant closes on."""
    if preset == "today":
        return today
    if preset == "year":
        return date(today.year - 1, 12, 31)
    if preset == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return date(today.year, first_month, 1) - timedelta(days=1)
    return today.replace(day=1) - timedelta(days=1)


class KundekartotekAgeingWizard(models.TransientModel):
    _name = "kundekartotek.ageing.wizard"
    _description = "Receivables Ageing Options"

    preset = fields.Selection(
        [
            ("month", "Last month-end"),
            ("quarter", "Last quarter-end"),
            ("year", "Last year-end"),
            ("today", "Today"),
            ("other", "Other date"),
        ],
        string="Period",
        default="month",
        help="Month-, quarter- and year-ends are the dates the books are closed on.",
    )
    as_of = fields.Date(
        string="As of",
        required=True,
        default=lambda self: period_end("month", fields.Date.context_today(self)),
        help="Items and payments up to this date.",
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

    @api.onchange("preset")
    def _onchange_preset(self):
        if self.preset and self.preset != "other":
            self.as_of = period_end(self.preset, fields.Date.context_today(self))

    @api.onchange("as_of")
    def _onchange_as_of(self):
        """A date typed by hand is an "other date" unless it is the preset's own."""
        if self.preset != "other" and self.as_of != period_end(self.preset, fields.Date.context_today(self)):
            self.preset = "other"

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
            "name": _("Receivables ageing as of %(date)s", date=format_date(self.env, self.as_of)),
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
