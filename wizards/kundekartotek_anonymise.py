# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import _, api, fields, models


class KundekartotekAnonymise(models.TransientModel):
    """Erase a customer's personal data once bookkeeping no longer needs it, or restrict processing until then."""

    _name = "kundekartotek.anonymise"
    _description = "Anonymise Customer"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade")
    restricted = fields.Boolean(related="partner_id.kk_restricted")
    retention_until = fields.Date(
        string="Retained until",
        compute="_compute_facts",
        help="End of the fiscal year of the customer's latest bookkeeping document, plus 5 years.",
    )
    earliest_date = fields.Date(
        string="Earliest erasure date",
        compute="_compute_facts",
        help="The first day on which the customer may be anonymised, if nothing else stands in the way.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_facts")
    open_balance = fields.Monetary(
        compute="_compute_facts",
        help="Sum of the customer's unsettled receivable and payable items, all companies.",
    )
    allowed = fields.Boolean(compute="_compute_facts")
    refusal = fields.Text(string="Why not", compute="_compute_facts")

    @api.model
    def default_get(self, fields_list):
        """Open on the customer the wizard was started from (``active_id``), taken to its commercial partner."""
        res = super().default_get(fields_list)
        context = self.env.context
        if "partner_id" in fields_list and not res.get("partner_id"):
            if context.get("active_model") == "res.partner" and context.get("active_id"):
                res["partner_id"] = self.env["res.partner"].browse(context["active_id"]).commercial_partner_id.id
        return res

    @api.depends("partner_id")
    def _compute_facts(self):
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            facts = partner._kk_bookkeeping_facts().get(partner.id, {}) if partner else {}
            refusals = partner._kk_erasure_refusals(facts={partner.id: facts}) if partner else {}
            retention_until = facts.get("retention_until") or False
            wizard.retention_until = retention_until
            wizard.earliest_date = retention_until and retention_until + timedelta(days=1)
            wizard.currency_id = self.env.company.currency_id
            wizard.open_balance = facts.get("open_balance", 0.0)
            wizard.allowed = bool(partner) and not refusals
            wizard.refusal = "\n".join(refusals.get(partner.id, [])) or False

    def action_anonymise(self):
        """Erase the customer's personal data (refused with the reasons when it may not be erased yet)."""
        self.ensure_one()
        self.partner_id._kk_check_privacy_officer()
        self.partner_id.check_access("write")
        self.partner_id.commercial_partner_id._kk_anonymise()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Customer anonymised"),
                "message": _("The personal data was erased; invoices and journal items are kept."),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_restrict(self):
        """Restrict processing instead, while the data must still be kept."""
        self.ensure_one()
        self.partner_id.action_kk_restrict()
        return {"type": "ir.actions.act_window_close"}
