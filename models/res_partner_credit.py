# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import logging

from odoo import _, api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

from .kundekartotek_customer_category import CREDIT_POLICIES

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "kundekartotek.group_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_policy = fields.Selection(
        CREDIT_POLICIES,
        tracking=True,
        help="What happens when an invoice would take this customer over its credit limit. Empty: the policy of "
        "the customer category applies, or else the company's.",
    )
    credit_policy_effective = fields.Selection(
        CREDIT_POLICIES,
        string="Credit policy in force",
        compute="_compute_credit_policy_effective",
        help="The policy that applies: the customer's own, else its category's, else the company's.",
    )
    discount_percent = fields.Float(
        string="Discount (%)",
        digits="Discount",
        tracking=True,
        help="Agreed discount, between 0 and 100, proposed on every new line of this customer's invoices. "
        "A discount typed on a line wins.",
    )
    prepayment_required = fields.Boolean(
        compute="_compute_prepayment_required",
        store=True,
        help="Risk customers pay in advance: set by the payment class Risk.",
    )

    @api.depends_context("company")
    @api.depends("credit_policy", "customer_category_id.credit_policy")
    def _compute_credit_policy_effective(self):
        company_policy = self.env.company.kk_credit_policy or "warn"
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.credit_policy_effective = (
                commercial.credit_policy or commercial.customer_category_id.credit_policy or company_policy
            )

    @api.depends("payment_class")
    def _compute_prepayment_required(self):
        for partner in self:
            partner.prepayment_required = partner.payment_class == "risk"

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

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered(lambda p: p.payment_class == "cash")._kk_apply_cash_terms()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if vals.get("payment_class") == "cash":
            self._kk_apply_cash_terms()
        return res

    def _kk_apply_cash_terms(self):
        """Give cash customers immediate payment terms, unless they have terms of their own.

        "Of their own" means set and different from the company-wide default, the fallback Odoo shows for a
        company dependent field; a term handed down by the customer category counts as their own.
        """
        immediate = self.env.ref("account.account_payment_term_immediate", raise_if_not_found=False)
        if not immediate:
            return
        field = self._fields["property_payment_term_id"]
        fallback = field.get_company_dependent_fallback(self)
        for partner in self:
            current = partner.property_payment_term_id
            if not current or current == fallback:
                partner.property_payment_term_id = immediate

    def _kk_check_credit(self, amount, document):
        """Apply the customer's credit policy to ``amount`` (company currency) about to be added by ``document``.

        Used both by invoice posting and, when the sale app is installed, by sale-order confirmation, so the two
        judge a customer the same way. Returns a warning message to log on the document when the policy is "warn"
        and the limit is exceeded, an empty string when nothing is to be said; raises when the policy is "block"
        and the document carries no manager override.

        The balance is core's ``credit`` (open receivable from posted journal items, one SQL query) read as
        superuser for the document's company: the check must judge the real balance even for a user who may not
        read it. The limit is core's ``credit_limit`` as the ORM resolves it (the customer's own, else the
        company default of Invoicing settings); 0 means no limit.
        """
        self.ensure_one()
        company = document.company_id or self.env.company
        partner = self.commercial_partner_id.sudo().with_company(company)
        policy = partner.credit_policy_effective
        limit = partner.credit_limit
        if policy == "none" or limit <= 0 or amount <= 0:
            return ""
        total = partner.credit + amount
        currency = company.currency_id
        if float_compare(total, limit, precision_rounding=currency.rounding) <= 0:
            return ""
        values = {
            "partner": partner.display_name,
            "total": formatLang(self.env, total, currency_obj=currency),
            "limit": formatLang(self.env, limit, currency_obj=currency),
        }
        is_invoice = document._name == "account.move"
        if policy == "warn":
            if is_invoice:
                return _("This invoice takes %(partner)s to %(total)s, over its credit limit of %(limit)s.", **values)
            return _("This order takes %(partner)s to %(total)s, over its credit limit of %(limit)s.", **values)
        if is_invoice and document._kk_credit_override_covers():
            return ""
        if not is_invoice and self.env.context.get("kk_credit_override_reason"):
            if self.env.user.has_group(MANAGER_GROUP):
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

    def _register_hook(self):
        """Check credit at sale-order confirmation when the sale app is installed, without depending on it.

        ``sale`` is not a dependency (the module works with Invoicing only), so ``sale.order`` cannot be
        inherited. Once the registry is complete, the final ``sale.order`` class is given a wrapper around
        ``action_confirm``; the registry builds new classes on every reload, so the patch never stacks.
        """
        res = super()._register_hook()
        if "sale.order" in self.env:
            _kk_patch_sale_order(type(self.env["sale.order"]))
        return res


def _kk_patch_sale_order(cls):
    """Wrap ``action_confirm`` of the registry class ``cls`` (sale.order) with the credit check."""
    if getattr(cls, "_kk_credit_patched", False):
        return
    original = cls.action_confirm

    @functools.wraps(original)
    def action_confirm(self, *args, **kwargs):
        warnings = {}
        for order in self:
            amount = order.currency_id._convert(
                order.amount_total, order.company_id.currency_id, order.company_id, order.date_order
            )
            partner = order.partner_id.with_context(kk_credit_interactive=not self.env.su)
            message = partner._kk_check_credit(amount, order)
            if message:
                warnings[order] = message
        res = original(self, *args, **kwargs)
        for order, message in warnings.items():
            order.message_post(body=message)
        return res

    cls.action_confirm = action_confirm
    cls._kk_credit_patched = True
    _logger.debug("kundekartotek: credit check added to sale.order.action_confirm")
