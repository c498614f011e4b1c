# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import _, api, fields, models


class KundekartotekAnonymise(models.TransientModel):
    """Erase a customer's or a contact person's personal data once bookkeeping no longer needs it, or restrict
    processing of the customer until then."""

    _name = "kundekartotek.anonymise"
    _description = "Anonymise Customer"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        help="A customer is erased with its contacts and addresses; a contact person alone.",
    )
    is_contact = fields.Boolean(
        string="Contact person only",
        compute="_compute_facts",
        help="Only this person's data is erased; the company and its other contacts stay as they are.",
    )
    restricted = fields.Boolean(related="partner_id.commercial_partner_id.kk_restricted")
    retention_until = fields.Date(
        string="Retained until",
        compute="_compute_facts",
        help="End of the fiscal year of the latest bookkeeping document, plus 5 years. For a contact person, "
        "the documents addressed to the person.",
    )
    earliest_date = fields.Date(
        string="Earliest erasure date",
        compute="_compute_facts",
        help="The first day on which the data may be erased, if nothing else stands in the way.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_facts")
    open_balance = fields.Monetary(
        compute="_compute_facts",
        help="Sum of the unsettled receivable and payable items, all companies.",
    )
    allowed = fields.Boolean(compute="_compute_facts")
    refusal = fields.Text(string="Why not", compute="_compute_facts")
    sub_company_ids = fields.Many2many(
        "res.partner",
        string="Sub-companies not included",
        compute="_compute_facts",
        help="Companies below this customer are customers of their own, with their own documents and retention: "
        "they are not erased with it. Erase each of them from its own card.",
    )

    @api.model
    def default_get(self, fields_list):
        """Open on the partner the wizard was started from (``active_id``): a customer, or one contact person."""
        res = super().default_get(fields_list)
        context = self.env.context
        if "partner_id" in fields_list and not res.get("partner_id"):
            if context.get("active_model") == "res.partner" and context.get("active_id"):
                res["partner_id"] = context["active_id"]
        return res

    @api.depends("partner_id")
    def _compute_facts(self):
        for wizard in self:
            partner = wizard.partner_id
            facts = partner._kk_subject_facts().get(partner.id, {}) if partner else {}
            refusals = partner._kk_erasure_refusals(facts={partner.id: facts}) if partner else {}
            retention_until = facts.get("retention_until") or False
            wizard.is_contact = bool(partner) and partner.commercial_partner_id != partner
            wizard.retention_until = retention_until
            wizard.earliest_date = retention_until and retention_until + timedelta(days=1)
            wizard.currency_id = self.env.company.currency_id
            wizard.open_balance = facts.get("open_balance", 0.0)
            wizard.allowed = bool(partner) and not refusals
            wizard.refusal = "\n".join(refusals.get(partner.id, [])) or False
            wizard.sub_company_ids = partner._kk_sub_companies() if partner else False

    def action_anonymise(self):
        """Erase the personal data (refused with the reasons when it may not be erased yet)."""
        self.ensure_one()
        self.partner_id._kk_check_privacy_officer()
        self.partner_id.check_access("write")
        is_contact = self.is_contact
        self.partner_id._kk_anonymise()
        if is_contact:
            message = _("The contact person's data was erased; the company and its documents are kept.")
        else:
            message = _("The personal data was erased; invoices and journal items are kept.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Personal data erased"),
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_restrict(self):
        """Restrict processing of the customer instead, while the data must still be kept."""
        self.ensure_one()
        self.partner_id.commercial_partner_id.action_kk_restrict()
        return {"type": "ir.actions.act_window_close"}
