# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class KundekartotekLedgerWizard(models.TransientModel):
    _name = "kundekartotek.ledger.wizard"
    _description = "Customer Ledger Options"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=4),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        help="Leave empty for every customer: the report then also reconciles with the general ledger.",
    )
    company_ids = fields.Many2many(
        "res.company", string="Companies", required=True, default=lambda self: self.env.companies
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(_("The period must start before it ends."))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_ids"):
            values["partner_ids"] = [fields.Command.set(self.env.context["active_ids"])]
        return values

    def _data(self):
        self.ensure_one()
        return {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "partner_ids": self.partner_ids.commercial_partner_id.ids,
            "company_ids": self.company_ids.ids,
        }

    def action_print_pdf(self):
        """The customer ledger (kundespesifikasjon) as a PDF."""
        self.ensure_one()
        return self.env.ref("kundekartotek.action_report_ledger").report_action(None, data=self._data(), config=False)

    def action_open(self):
        """The ledger on screen as the PDF has it: per customer an opening balance, the period's entries with a
        running balance (each opening its voucher) and a closing balance."""
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        context = {
            "kk_ledger_from": fields.Date.to_string(self.date_from),
            "kk_ledger_to": fields.Date.to_string(self.date_to),
            "kk_company_ids": self.company_ids.ids,
        }
        if len(partners) != 1:
            context["search_default_group_partner"] = 1
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "Customer ledger %(date_from)s – %(date_to)s",
                date_from=format_date(self.env, self.date_from),
                date_to=format_date(self.env, self.date_to),
            ),
            "res_model": "kundekartotek.ledger.line",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [("partner_id", "in", partners.ids)] if partners else [],
            "context": context,
        }
