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
        """Renumber the customer and log old number, new number and reason in its chatter and the audit trail."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        # The wizard model is for managers, but the check is repeated here: a wizard record made for someone else
        # gives nothing away. It also refuses numbers that journal items carry.
        partner._kk_check_renumber_allowed()
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
        partner._kk_renumber(new_number, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
