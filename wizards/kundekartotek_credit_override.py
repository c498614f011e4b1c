# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class KundekartotekCreditOverride(models.TransientModel):
    _name = "kundekartotek.credit.override"
    _description = "Credit Limit Override"

    res_model = fields.Char(string="Document model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True, readonly=True)
    document_name = fields.Char(string="Document name", compute="_compute_document")
    credit_warning = fields.Text(compute="_compute_document")
    reason = fields.Text(
        required=True,
        help="Why this customer may go over its credit limit, for example “payment promised by 15 March, agreed "
        "with the CFO”. Saved on the document and in its chatter.",
    )

    @api.depends("res_model", "res_id")
    def _compute_document(self):
        for wizard in self:
            document = wizard._kk_document()
            wizard.document_name = document.display_name
            wizard.credit_warning = document.kk_credit_warning if document._name == "account.move" else False

    def action_confirm(self):
        """Record who overrode, when and why, then post (or confirm) the document."""
        self.ensure_one()
        if not self.env.user.has_group("kundekartotek.group_manager"):
            raise AccessError(_("Only a Kundekartotek manager may override a customer's credit limit."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Reason: write why this customer may go over its credit limit."))
        document = self._kk_document()
        body = _(
            "Credit limit overridden by %(user)s: %(reason)s",
            user=self.env.user.name,
            reason=reason,
        )
        if document._name == "account.move":
            document.write(
                {
                    "kk_credit_override_reason": reason,
                    "kk_credit_override_user_id": self.env.user.id,
                    "kk_credit_override_date": fields.Datetime.now(),
                    "kk_credit_override_amount": document.amount_total_signed,
                }
            )
            document.message_post(body=body, subtype_xmlid="mail.mt_note")
            document.action_post()
            return {"type": "ir.actions.act_window_close"}
        # sale.order (sale is not a dependency): the reason goes to the chatter and rides along in the context.
        document.message_post(body=body, subtype_xmlid="mail.mt_note")
        document.with_context(kk_credit_override_reason=reason).action_confirm()
        return {"type": "ir.actions.act_window_close"}

    def _kk_document(self):
        self.ensure_one()
        if self.res_model not in ("account.move", "sale.order") or self.res_model not in self.env:
            raise UserError(_("A credit override applies to a customer invoice or a sale order."))
        return self.env[self.res_model].browse(self.res_id).exists()
