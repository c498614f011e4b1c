# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class KundekartotekRenumber(models.TransientModel):
    _name = "kundekartotek.renumber"
    _description = "Change Customer Number"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade")
    current_number = fields.Char(related="partner_id.ref", string="Current number")
    new_number = fields.Char(
        help="The customer's new number. Leave empty to give the next number of the company's numbering scheme.",
    )
    reason = fields.Text(
        required=True,
        help="Why the number changes; it is kept in the customer's chatter with the old and the new number.",
    )

    @api.model
    def default_get(self, fields_list):
        """Open on the customer the wizard was started from (button on the card or ``active_id``)."""
        res = super().default_get(fields_list)
        if "partner_id" in fields_list and not res.get("partner_id"):
            if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_id"):
                res["partner_id"] = self.env.context["active_id"]
        return res

    def action_confirm(self):
        """Renumber the customer and log old number, new number and reason in its chatter."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if partner.customer_number_locked:
            raise UserError(
                _(
                    "The customer number %(number)s of %(partner)s can no longer change: the customer has journal "
                    "items that carry it. Keep the number, or create a new customer.",
                    number=partner.ref,
                    partner=partner.display_name,
                )
            )
        new_number = (self.new_number or "").strip()
        if new_number and new_number == partner.ref:
            raise UserError(
                _(
                    "%(number)s is already the customer number of %(partner)s: enter a different number, or leave "
                    "it empty to take the next one from the numbering scheme.",
                    number=new_number,
                    partner=partner.display_name,
                )
            )
        partner = partner.with_context(kk_renumber_reason=self.reason)
        if new_number:
            partner.write({"ref": new_number})
        else:
            old = partner.ref
            partner._kk_check_renumber_allowed()
            partner.with_context(kk_number_internal=True).write({"ref": False})
            partner._kk_assign_customer_number(raise_without_scheme=True)
            partner._kk_log_renumber(old, partner.ref, self.reason)
        return {"type": "ir.actions.act_window_close"}
