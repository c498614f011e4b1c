# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

OVERRIDE_FIELDS = (
    "kk_credit_override_reason",
    "kk_credit_override_user_id",
    "kk_credit_override_date",
    "kk_credit_override_amount",
)


class AccountMove(models.Model):
    _inherit = "account.move"

    kk_prepayment_required = fields.Boolean(
        string="Prepayment required",
        related="commercial_partner_id.prepayment_required",
        help="The customer is a risk customer and should pay before delivery.",
    )
    kk_credit_warning = fields.Text(
        string="Credit warning",
        compute="_compute_kk_credit_warning",
        help="Why posting this invoice goes over the customer's credit limit.",
    )
    kk_credit_blocked = fields.Boolean(
        string="Blocked by credit policy",
        compute="_compute_kk_credit_warning",
        help="Posting is refused until a manager overrides with a reason.",
    )
    kk_credit_override_reason = fields.Text(
        string="Credit override reason",
        copy=False,
        readonly=True,
        tracking=True,
        help="Why a manager let this invoice be posted over the customer's credit limit.",
    )
    kk_credit_override_user_id = fields.Many2one(
        "res.users", string="Credit override by", copy=False, readonly=True, tracking=True
    )
    kk_credit_override_date = fields.Datetime(string="Credit override on", copy=False, readonly=True)
    kk_credit_override_amount = fields.Monetary(
        string="Credit override amount",
        currency_field="company_currency_id",
        copy=False,
        readonly=True,
        help="Invoice total (company currency) the override was given for; a larger total needs a new override.",
    )

    @api.depends("state", "move_type", "partner_id", "amount_total_signed", "company_id")
    def _compute_kk_credit_warning(self):
        for move in self:
            move.kk_credit_warning = False
            move.kk_credit_blocked = False
            if move.state != "draft" or move.move_type != "out_invoice" or not move.partner_id:
                continue
            partner = move.commercial_partner_id.sudo().with_company(move.company_id)
            policy = partner.credit_policy_effective
            limit = partner.credit_limit
            if policy == "none" or limit <= 0:
                continue
            # move.id may be a NewId in a form: then nothing of this invoice is posted yet either.
            total = partner.credit + move.amount_total_signed
            if float_compare(total, limit, precision_rounding=move.company_currency_id.rounding) <= 0:
                continue
            move.kk_credit_warning = move._kk_credit_message(partner, total, limit)
            move.kk_credit_blocked = policy == "block" and not move._kk_credit_override_covers()

    @api.model_create_multi
    def create(self, vals_list):
        if any(name in vals for vals in vals_list for name in OVERRIDE_FIELDS):
            self._kk_check_override_rights()
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in OVERRIDE_FIELDS):
            self._kk_check_override_rights()
        return super().write(vals)

    def _post(self, soft=True):
        """Apply the customer's credit policy before anything is posted.

        Checked before ``super()`` so a blocked invoice leaves nothing half-posted. Several invoices of one
        customer posted together count one on top of the other. Credit notes and vendor bills are never checked.
        """
        warnings = {}
        running = defaultdict(float)
        for move in self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "draft" and m.partner_id):
            partner = move.commercial_partner_id
            key = (partner.id, move.company_id.id)
            amount = running[key] + move.amount_total_signed
            message = partner._kk_check_credit(amount, move)
            running[key] = amount
            if message:
                warnings[move] = message
        posted = super()._post(soft=soft)
        for move, message in warnings.items():
            if move in posted:
                move.message_post(body=message, subtype_xmlid="mail.mt_note")
        return posted

    def action_post(self):
        """Posting from the button: a manager refused by the credit policy is offered the override wizard."""
        return super(AccountMove, self.with_context(kk_credit_interactive=True)).action_post()

    def action_kk_credit_override(self):
        """Open the override wizard for this invoice (managers only, see the wizard)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.kundekartotek_credit_override_action")
        action["context"] = {"default_res_model": self._name, "default_res_id": self.id}
        return action

    def _kk_credit_override_covers(self):
        """Whether a manager's override lets this invoice be posted: given, and for at least the current total."""
        self.ensure_one()
        move = self.sudo()
        if not move.kk_credit_override_date:
            return False
        return (
            float_compare(
                move.amount_total_signed,
                move.kk_credit_override_amount,
                precision_rounding=move.company_currency_id.rounding,
            )
            <= 0
        )

    def _kk_credit_message(self, partner, total, limit):
        """Message shown on the draft invoice when it goes over the limit."""
        self.ensure_one()
        currency = self.company_currency_id
        return _(
            "Posting this invoice takes %(partner)s to %(total)s, over its credit limit of %(limit)s.",
            partner=partner.display_name,
            total=formatLang(self.env, total, currency_obj=currency),
            limit=formatLang(self.env, limit, currency_obj=currency),
        )

    def _kk_check_override_rights(self):
        """Only a customer-register manager may record a credit override, whatever the entry point (RPC, import)."""
        if self.env.su or self.env.user.has_group("kundekartotek.group_manager"):
            return
        raise AccessError(_("Only a Kundekartotek manager may override a customer's credit limit."))
