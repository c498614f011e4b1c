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
    "kk_credit_override_partner_id",
)
# Customer documents that raise the customer's receivable by their total.
CREDIT_MOVE_TYPES = ("out_invoice", "out_receipt")
# What _post writes together with the state; any other value sent with state "posted" is written first (as a
# draft), so the check judges the invoice as it will be posted.
POSTING_VALUES = {"state", "posted_before"}


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
    kk_credit_override_partner_id = fields.Many2one(
        "res.partner",
        string="Credit override for",
        copy=False,
        readonly=True,
        help="The customer the override was given for; another customer needs a new override.",
    )

    @api.depends(
        "state",
        "move_type",
        "partner_id",
        "amount_total_signed",
        "tax_totals",
        "company_id",
        "line_ids.balance",
        "line_ids.account_id",
        "line_ids.partner_id",
        "kk_credit_override_date",
        "kk_credit_override_amount",
        "kk_credit_override_partner_id",
    )
    def _compute_kk_credit_warning(self):
        for move in self:
            move.kk_credit_warning = False
            move.kk_credit_blocked = False
            if move.state != "draft":
                continue
            # move.id may be a NewId in a form: then nothing of this invoice is posted yet either.
            for partner, amount in move._kk_credit_amounts().items():
                exclude = move._kk_credit_exclude_amount() if partner == move.commercial_partner_id else 0.0
                status = partner._kk_credit_status(move.company_id, amount, exclude)
                if not status or not status["over"]:
                    continue
                move.kk_credit_warning = move._kk_credit_message(partner, status["total"], status["limit"])
                move.kk_credit_blocked = status["policy"] == "block" and not move._kk_credit_override_covers()
                break

    @api.model_create_multi
    def create(self, vals_list):
        if any(name in vals for vals in vals_list for name in OVERRIDE_FIELDS):
            self._kk_check_override_rights()
        return super().create(vals_list)

    def write(self, vals):
        """Check the credit policy on every way to *posted* (``_post`` writes the state, and so may any caller);
        an override lasts only while its invoice stays posted."""
        if any(name in vals for name in OVERRIDE_FIELDS):
            self._kk_check_override_rights()
        if vals.get("state") != "posted":
            # sudo: the override fields are the module's; super().write checks the caller's right on these moves
            overridden = self.sudo().filtered("kk_credit_override_date") if vals.get("state") else self.browse()
            res = super().write(vals)
            # Reset to draft (button_draft writes the state) or cancelled: the override is spent.
            if overridden:
                overridden.write(dict.fromkeys(OVERRIDE_FIELDS, False))
            return res
        if set(vals) - POSTING_VALUES:
            # Lines, customer or amounts sent together with the state: write them first, then judge the result.
            self.write({name: value for name, value in vals.items() if name not in POSTING_VALUES})
            vals = {name: value for name, value in vals.items() if name in POSTING_VALUES}
        warnings = self.filtered(lambda m: m.state != "posted")._kk_apply_credit_policy()
        res = super().write(vals)
        for move, message in warnings.items():
            move.message_post(body=message, subtype_xmlid="mail.mt_note")
        return res

    def action_post(self):
        """Posting from the button: a manager refused by the credit policy is offered the override wizard."""
        return super(AccountMove, self.with_context(kk_credit_interactive=True)).action_post()

    def action_kk_credit_override(self):
        """Open the override wizard for this invoice (managers only, see the wizard)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.kundekartotek_credit_override_action")
        action["context"] = {"default_res_model": self._name, "default_res_id": self.id}
        return action

    def _kk_credit_amounts(self):
        """What posting this move adds to customers' receivables: {commercial partner: amount in company currency}.

        Customer invoices and receipts add their total to their customer. A journal entry typed by hand adds what
        it debits to receivable accounts, per customer; entries that Odoo makes itself (payments, bank statement
        lines, exchange differences, cash basis, reversals) are not sales and are never checked.
        """
        self.ensure_one()
        if self.move_type in CREDIT_MOVE_TYPES:
            if not self.partner_id:
                return {}
            return {self.commercial_partner_id: self._kk_credit_document_amount()}
        if self.move_type != "entry" or self._kk_is_system_entry():
            return {}
        amounts = defaultdict(float)
        for line in self.line_ids:
            if line.account_id.account_type == "asset_receivable" and line.partner_id:
                amounts[line.partner_id.commercial_partner_id] += line.balance
        return {partner: amount for partner, amount in amounts.items() if amount > 0}

    def _kk_credit_document_amount(self):
        """The invoice's total in company currency, as core's credit warning reads it: from ``tax_totals``, which
        is right in a form too (``amount_total_signed`` waits for the receivable line, made when it is saved)."""
        self.ensure_one()
        totals = self.tax_totals or {}
        key = "total_amount_currency" if self.currency_id == self.company_currency_id else "total_amount"
        return totals.get(key, 0.0)

    def _kk_is_system_entry(self):
        self.ensure_one()
        return bool(
            self.origin_payment_id
            or self.statement_line_id
            or self.tax_cash_basis_rec_id
            or self.tax_cash_basis_origin_move_id
            or self.reversed_entry_id
            or self.journal_id == self.company_id.currency_exchange_journal_id
        )

    def _kk_credit_exclude_amount(self):
        """The part of this invoice that confirmed sale orders already count (core's rule, extended by sale)."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            return 0.0
        # sudo: sale's amounts of this invoice's orders, which the check must count whatever the poster may read
        return self.sudo()._get_partner_credit_warning_exclude_amount()

    def _kk_apply_credit_policy(self):
        """Apply the customers' credit policies to these moves, about to be posted; return the warnings to log.

        Several moves of one customer posted together count one on top of the other.
        """
        warnings = {}
        running = defaultdict(float)
        for move in self:
            for partner, amount in move._kk_credit_amounts().items():
                key = (partner.id, move.company_id.id)
                running[key] += amount
                exclude = move._kk_credit_exclude_amount() if partner == move.commercial_partner_id else 0.0
                message = partner._kk_check_credit(running[key], move, exclude)
                if message:
                    warnings[move] = message
        return warnings

    def _kk_credit_override_covers(self):
        """Whether a manager's override lets this invoice be posted: given for this customer and at least for the
        current total."""
        self.ensure_one()
        # sudo: reads the override fields of the move being checked; nothing is written here
        move = self.sudo()
        if not move.kk_credit_override_date or move.kk_credit_override_partner_id != move.commercial_partner_id._origin:
            return False
        return (
            float_compare(
                move._kk_credit_document_amount(),
                move.kk_credit_override_amount,
                precision_rounding=move.company_currency_id.rounding,
            )
            <= 0
        )

    def _kk_record_credit_override(self, reason):
        """Bind a manager's override to this invoice, its customer and its total (the override wizard's job)."""
        self.ensure_one()
        # sudo: the override wizard's job; it checked the manager group (kundekartotek_credit_override.py)
        self.sudo().write(
            {
                "kk_credit_override_reason": reason,
                "kk_credit_override_user_id": self.env.user.id,
                "kk_credit_override_date": fields.Datetime.now(),
                "kk_credit_override_amount": self._kk_credit_document_amount(),
                "kk_credit_override_partner_id": self.commercial_partner_id.id,
            }
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
        """The override fields are written only by the override wizard (as superuser, after it checked the user),
        so that every override is logged; no RPC call, import or form may set them."""
        if self.env.su:
            return
        raise AccessError(_("A credit override is given by a Kundekartotek manager through the override wizard."))
