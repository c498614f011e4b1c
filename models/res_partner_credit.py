# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import logging
from collections import defaultdict
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero
from odoo.tools.misc import formatLang

from ..lib.values import is_text_or_empty
from .kundekartotek_customer_category import kk_may_edit_credit
from .selections import CREDIT_POLICIES

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "kundekartotek.group_manager"
# The fields of a customer that decide whether its invoices are blocked. use_partner_credit_limit is core's switch
# between the customer's own limit and the company default: unticking it writes credit_limit.
CREDIT_FIELDS = ("credit_policy", "credit_limit", "customer_category_id", "use_partner_credit_limit")
# Key in the transaction's data (never the context, which every RPC caller controls) of the overrides the override
# wizard grants to documents without override fields of their own (sale orders), for the time of its call.
OVERRIDE_GRANTS = "kundekartotek.credit_override_grants"


@contextmanager
def credit_override_granted(env, document, partner, amount):
    """Let ``document`` of ``partner`` pass the credit check for up to ``amount`` inside this block.

    Only the override wizard opens it, after checking the user's group and logging the override. The grant lives in
    the transaction's data: no RPC caller can put it there, and it ends with the block.
    """
    grants = env.cr.precommit.data.setdefault(OVERRIDE_GRANTS, {})
    key = (document._name, document.id)
    grants[key] = (partner.id, amount)
    try:
        yield
    finally:
        grants.pop(key, None)


def pays_in_advance(payment_class):
    """Whether a customer of ``payment_class`` pays in advance: risk customers do."""
    return payment_class == "risk"


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_policy = fields.Selection(
        CREDIT_POLICIES,
        tracking=True,
        help="What happens when an invoice would take this customer over its credit limit. Empty: the policy of "
        "the customer category applies, or else the company's.",
        prefetch="kundekartotek",
    )
    credit_policy_effective = fields.Selection(
        CREDIT_POLICIES,
        string="Credit policy in force",
        compute="_compute_credit_policy_effective",
        help="The policy that applies: the customer's own, else its category's, else the company's.",
    )
    kk_credit_editable = fields.Boolean(
        string="May change credit settings",
        compute="_compute_kk_credit_editable",
        help="Whether you may change the credit policy, credit limit and category (managers only).",
    )
    discount_percent = fields.Float(
        string="Discount (%)",
        digits="Discount",
        tracking=True,
        help="Agreed discount, between 0 and 100, proposed on every new line of this customer's invoices. "
        "A discount typed on a line wins.",
        prefetch="kundekartotek",
    )
    prepayment_required = fields.Boolean(
        compute="_compute_prepayment_required",
        store=True,
        precompute=True,
        help="Risk customers pay in advance: set by the payment class Risk.",
        prefetch="kundekartotek",
    )

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.credit_policy",
        "commercial_partner_id.customer_category_id.credit_policy",
    )
    def _compute_credit_policy_effective(self):
        company_policy = self.env.company.kk_credit_policy or "warn"
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.credit_policy_effective = (
                commercial.credit_policy or commercial.customer_category_id.credit_policy or company_policy
            )

    @api.depends_context("uid")
    def _compute_kk_credit_editable(self):
        self.kk_credit_editable = kk_may_edit_credit(self.env)

    def _add_precomputed_values(self, vals_list):
        """Whether a new customer pays in advance follows from its values: set there instead of computed (in the
        row's INSERT, not in an UPDATE after it; docs/benchmarks.md, session 13). Core computes it for a payment
        class that is not plain text."""
        for vals in vals_list:
            payment_class = vals.get("payment_class")
            if is_text_or_empty(payment_class):
                vals["prepayment_required"] = pays_in_advance(payment_class)
        return super()._add_precomputed_values(vals_list)

    @api.depends("payment_class")
    def _compute_prepayment_required(self):
        for partner in self:
            partner.prepayment_required = pays_in_advance(partner.payment_class)

    @api.constrains("discount_percent")
    def _check_discount_percent(self):
        for partner in self:
            if not 0.0 <= partner.discount_percent <= 100.0:
                raise ValidationError(
                    _(
                        "Discount of %(partner)s: %(value)s is not a valid percentage. Enter a discount from 0 to 100.",
                        partner=partner.display_name,
                        value=partner.discount_percent,
                    )
                )

    def _kk_create(self, vals_list):
        self._kk_check_credit_fields_create(vals_list)
        partners = super()._kk_create(vals_list)
        partners.filtered(lambda p: p.payment_class == "cash")._kk_apply_cash_terms()
        return partners

    def write(self, vals):
        self._kk_check_credit_fields_write(vals)
        res = super().write(vals)
        if vals.get("payment_class") == "cash":
            self._kk_apply_cash_terms()
        return res

    # Who may change the credit settings ---------------------------------------------------------------------
    def _kk_credit_value(self, name, value):
        """``value`` for field ``name`` in one comparable form (an id, a float, a string or False)."""
        field = self._fields[name]
        if isinstance(value, models.BaseModel):
            value = value.id
        if field.type == "float":
            return float(value or 0.0)
        if field.type == "boolean":
            return bool(value)
        return value or False

    def _kk_credit_default(self, name):
        """The value a new customer gets when nobody chooses: no policy, no category, the company's limit."""
        if name == "credit_limit":
            return self._kk_credit_value(name, self._fields[name].get_company_dependent_fallback(self))
        return self._kk_credit_value(name, False)

    def _kk_credit_refusal(self, name, partner_name):
        return AccessError(
            _(
                "%(field)s of %(partner)s decides whether its invoices are blocked: only a Kundekartotek manager or "
                "an accounting manager may change it.",
                field=self._fields[name]._description_string(self.env),
                partner=partner_name,
            )
        )

    @api.model
    def _kk_check_credit_fields_create(self, vals_list):
        """Refuse a new customer whose credit settings are not the defaults, unless a manager creates it.

        A contact may carry its company's values (Odoo copies the commercial fields onto contacts). Defaults sent in
        the context (``default_credit_policy``) count as sent values: the caller chose them.
        """
        context = self.env.context
        sent = [
            name for name in CREDIT_FIELDS if f"default_{name}" in context or any(name in vals for vals in vals_list)
        ]
        if not sent or kk_may_edit_credit(self.env):
            return
        for vals in vals_list:
            parent = self.browse(vals.get("parent_id")).exists()
            # sudo: the parent's values are compared, never shown, and only of a parent the caller may read: else
            # the answer (refused or not) would tell the credit settings of another company's customer.
            parent = parent.sudo() if parent and parent.has_access("read") else self.browse()
            commercial = parent.commercial_partner_id if parent and not vals.get("is_company") else None
            for name in sent:
                if name in vals:
                    value = vals[name]
                elif f"default_{name}" in context:
                    value = context[f"default_{name}"]
                else:
                    continue
                value = self._kk_credit_value(name, value)
                if value == self._kk_credit_default(name):
                    continue
                if commercial and value == self._kk_credit_value(name, commercial[name]):
                    continue
                raise self._kk_credit_refusal(name, vals.get("name") or _("a new partner"))

    def _kk_check_credit_fields_write(self, vals):
        """Refuse a change of the credit policy, credit limit or category by anyone but a manager.

        Writing the value a partner already has is no change (imports and Odoo's own syncs rewrite values); a
        contact may take its company's value (Odoo copies the commercial fields onto contacts).
        """
        names = [name for name in CREDIT_FIELDS if name in vals]
        if not names or kk_may_edit_credit(self.env):
            return
        # sudo: compares with the values these partners have; super().write checks the caller's right to write them
        for partner in self.sudo():
            commercial = partner.commercial_partner_id
            for name in names:
                value = self._kk_credit_value(name, vals[name])
                if value == self._kk_credit_value(name, partner[name]):
                    continue
                if commercial != partner and value == self._kk_credit_value(name, commercial[name]):
                    continue
                raise self._kk_credit_refusal(name, partner.display_name)

    def _kk_apply_cash_terms(self):
        """Give cash customers immediate payment terms, unless they have terms of their own.

        "Of their own" means set and different from the company-wide default, the fallback Odoo shows for a
        company dependent field; a term handed down by the customer category counts as their own.
        """
        if not self:
            return
        immediate = self.env.ref("account.account_payment_term_immediate", raise_if_not_found=False)
        if not immediate:
            return
        field = self._fields["property_payment_term_id"]
        fallback = field.get_company_dependent_fallback(self)
        for partner in self:
            current = partner.property_payment_term_id
            if not current or current == fallback:
                partner.property_payment_term_id = immediate

    # The credit check --------------------------------------------------------------------------------------------
    def _kk_credit_to_invoice(self, company):
        """Confirmed sale orders not invoiced yet, in ``company``'s currency: what sale's ``credit_to_invoice`` counts.

        Same orders and amounts as sale's ``res.partner._compute_credit_to_invoice``, which only computes when the
        company ticks *Sales Credit Limit* (core's banner); here the credit policy is the switch, so the orders
        count whatever that setting says. Read as superuser: the check judges what is owed, not what one may see.
        """
        self.ensure_one()
        if "sale.order" not in self.env:
            return 0.0
        orders = (
            self.env["sale.order"]
            # sudo: the check judges what is owed, not what the poster may see (sales orders of other salespeople)
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_invoice_id", "any", [("commercial_partner_id", "=", self.id)]),
                    ("order_line", "any", [("untaxed_amount_to_invoice", ">", 0)]),
                    ("state", "=", "sale"),
                ]
            )
        )
        today = fields.Date.context_today(self)
        return sum(
            currency._convert(sum(group.mapped("amount_to_invoice")), company.currency_id, company, today)
            for currency, group in orders.grouped("currency_id").items()
        )

    def _kk_credit_status(self, company, amount, exclude_amount=0.0):
        """Judge ``amount`` (company currency) about to be added to this customer's receivable in ``company``.

        The one rule behind the invoice's warning, invoice posting and sale-order confirmation. It counts what
        core's credit-limit warning counts (``account.move._build_credit_warning_message``): the open receivable
        (core ``credit``, posted items), confirmed sale orders not invoiced yet (``credit_to_invoice``) less
        ``exclude_amount`` (the part of this invoice that comes from those orders), plus ``amount``. The
        commercial partner's policy and limit apply; a limit of 0 means no limit.

        Returns None when there is nothing to check (policy *none*, no limit, nothing added), else a dict with
        ``policy``, ``limit``, ``total`` and ``over`` (True when ``total`` is above ``limit``).
        """
        self.ensure_one()
        # sudo: _origin: in a form the invoice's customer is a new-record copy, whose balance cannot be read.
        partner = self.commercial_partner_id._origin.sudo().with_company(company._origin)
        currency = company.currency_id
        policy = partner.credit_policy_effective
        limit = partner.credit_limit
        if policy == "none" or float_is_zero(limit, precision_rounding=currency.rounding):
            return None
        if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:
            return None
        # Both are computed without dependencies: read them afresh, other documents may have been posted since.
        partner.invalidate_recordset(["credit"])
        total = partner.credit + partner._kk_credit_to_invoice(company) - exclude_amount + amount
        return {
            "policy": policy,
            "limit": limit,
            "total": total,
            "over": float_compare(total, limit, precision_rounding=currency.rounding) > 0,
        }

    def _kk_check_credit(self, amount, document, exclude_amount=0.0):
        """Apply the customer's credit policy to ``amount`` (company currency) about to be added by ``document``.

        Returns a warning to log on the document when the policy is *warn* and the limit is exceeded, an empty
        string when nothing is to be said; raises when the policy is *block* and no manager's override covers the
        document. Context keys only choose the kind of refusal (a manager at the screen is offered the override
        wizard); none of them lets a document through.
        """
        self.ensure_one()
        company = document.company_id or self.env.company
        partner = self.commercial_partner_id
        status = partner._kk_credit_status(company, amount, exclude_amount)
        if not status or not status["over"]:
            return ""
        currency = company.currency_id
        values = {
            "partner": partner.display_name,
            "total": formatLang(self.env, status["total"], currency_obj=currency),
            "limit": formatLang(self.env, status["limit"], currency_obj=currency),
        }
        is_invoice = document._name == "account.move"
        if status["policy"] == "warn":
            if is_invoice:
                return _("This invoice takes %(partner)s to %(total)s, over its credit limit of %(limit)s.", **values)
            return _("This order takes %(partner)s to %(total)s, over its credit limit of %(limit)s.", **values)
        if partner._kk_credit_override_covers(document):
            return ""
        if is_invoice:
            message = _(
                "Posting this invoice would take %(partner)s to %(total)s, over its credit limit of %(limit)s. "
                "Ask a manager to override with a reason, or register a payment first.",
                **values,
            )
        else:
            message = _(
                "Confirming %(document)s would take %(partner)s to %(total)s, over its credit limit of %(limit)s. "
                "Ask a manager to override with a reason, or register a payment first.",
                document=document.display_name,
                **values,
            )
        # Only a person at the screen gets the button to the wizard; crons and other programmatic posting (which
        # catch UserError, e.g. the auto-post cron) get a plain UserError.
        if self.env.context.get("kk_credit_interactive") and self.env.user.has_group(MANAGER_GROUP):
            raise RedirectWarning(
                message,
                self.env.ref("kundekartotek.kundekartotek_credit_override_action").id,
                _("Override with a reason"),
                {"default_res_model": document._name, "default_res_id": document.id},
            )
        raise UserError(message)

    def _kk_credit_override_covers(self, document):
        """Whether a manager's override lets ``document`` of this customer through: given for this customer, this
        document and at least its present total.

        An invoice carries its override (customer, amount, who, when, why); a sale order has no fields of ours, so
        its override is granted by the wizard for the time of its call (:func:`credit_override_granted`).
        """
        self.ensure_one()
        if document._name == "account.move":
            return document._kk_credit_override_covers()
        grant = self.env.cr.precommit.data.get(OVERRIDE_GRANTS, {}).get((document._name, document.id))
        if not grant:
            return False
        partner_id, granted = grant
        rounding = document.company_id.currency_id.rounding
        amount = kk_sale_order_amount(document)
        return partner_id == self.id and float_compare(amount, granted, precision_rounding=rounding) <= 0

    def _kk_log_credit_override(self, document, amount, reason):
        """Record a manager's override: a note in the document's chatter and an entry in the audit trail."""
        self.ensure_one()
        currency = (document.company_id or self.env.company).currency_id
        amount_text = formatLang(self.env, amount, currency_obj=currency)
        document.message_post(
            body=_(
                "Credit limit of %(partner)s overridden by %(user)s for %(amount)s: %(reason)s",
                partner=self.display_name,
                user=self.env.user.name,
                amount=amount_text,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env["kundekartotek.audit.log"]._kk_append(
            [
                {
                    "res_model": self._name,
                    "res_id": self.id,
                    "partner_id": self.id,
                    "record_name": self.display_name,
                    "action": "credit_override",
                    "field_name": "credit_limit",
                    "field_label": _("Credit limit overridden"),
                    "old_value": _("%(document)s: %(amount)s", document=document.display_name, amount=amount_text),
                    "new_value": reason,
                }
            ]
        )

    def _register_hook(self):
        """Check credit at sale-order confirmation when the sale app is installed, without depending on it.

        ``sale`` is not a dependency (the module works with Invoicing only), so ``sale.order`` cannot be
        inherited. Once the registry is complete, the final ``sale.order`` class gets the check in ``write`` (every
        way to state *sale* goes there, ``action_confirm`` included); the registry builds new classes on every
        reload, so the patch never stacks.
        """
        res = super()._register_hook()
        if "sale.order" in self.env:
            _kk_patch_sale_order(type(self.env["sale.order"]))
        return res


def kk_sale_order_amount(order):
    """The order's total in company currency at the order's rate, as core's own credit warning on orders."""
    return order.amount_total / (order.currency_rate or 1.0)


def _kk_sale_order_credit_check(orders):
    """Check the orders about to be confirmed; returns the warnings to log once they are confirmed."""
    warnings = {}
    running = defaultdict(float)
    for order in orders.filtered(lambda o: o.state in ("draft", "sent")):
        # The invoice address's customer is the one whose receivable grows (and whose orders sale counts).
        partner = (order.partner_invoice_id or order.partner_id).commercial_partner_id
        if not partner:
            continue
        amount = kk_sale_order_amount(order)
        key = (partner.id, order.company_id.id)
        running[key] += amount
        message = partner._kk_check_credit(running[key], order)
        if message:
            warnings[order] = message
    return warnings


def _kk_patch_sale_order(cls):
    """Give the registry class ``cls`` (sale.order) the credit check: in ``write`` to state *sale*."""
    if cls.__dict__.get("_kk_credit_patched"):
        return
    original_write = cls.write
    original_confirm = cls.action_confirm

    @functools.wraps(original_write)
    def write(self, vals):
        warnings = _kk_sale_order_credit_check(self) if vals.get("state") == "sale" else {}
        res = original_write(self, vals)
        for order, message in warnings.items():
            order.message_post(body=message, subtype_xmlid="mail.mt_note")
        return res

    @functools.wraps(original_confirm)
    def action_confirm(self, *args, **kwargs):
        # The button: a refused manager gets the way to the override wizard (superuser flows, such as online
        # payment, get a plain UserError).
        return original_confirm(self.with_context(kk_credit_interactive=not self.env.su), *args, **kwargs)

    cls.write = write
    cls.action_confirm = action_confirm
    cls._kk_credit_patched = True
    _logger.debug("kundekartotek: credit check added to sale.order")
