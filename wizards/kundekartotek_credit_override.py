# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.res_partner_credit import MANAGER_GROUP, credit_override_granted, kk_sale_order_amount


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
        """Record who overrode, when and why, then post (or confirm) the document.

        The only way to an override: the invoice's override fields are written here as superuser (refused from
        anyone else), and a sale order is let through for the time of this call only.
        """
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a Kundekartotek manager may override a customer's credit limit."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Reason: write why this customer may go over its credit limit."))
        document = self._kk_document()
        if not document:
            raise UserError(_("The document to override no longer exists."))
        document.check_access("write")
        if document._name == "account.move":
            document._kk_record_credit_override(reason)
            document.action_post()
            # Logged once posted, so that the trail names the invoice by its number.
            partner = document.commercial_partner_id
            partner._kk_log_credit_override(document, document.kk_credit_override_amount, reason)
            return {"type": "ir.actions.act_window_close"}
        # sale.order (sale is not a dependency, the order has no fields of ours): logged, then let through once.
        partner = (document.partner_invoice_id or document.partner_id).commercial_partner_id
        amount = kk_sale_order_amount(document)
        partner._kk_log_credit_override(document, amount, reason)
        with credit_override_granted(self.env, document, partner, amount):
            document.action_confirm()
        return {"type": "ir.actions.act_window_close"}

    def _kk_document(self):
        self.ensure_one()
        if self.res_model not in ("account.move", "sale.order") or self.res_model not in self.env:
            raise UserError(_("A credit override applies to a customer invoice or a sale order."))
        return self.env[self.res_model].browse(self.res_id).exists()
