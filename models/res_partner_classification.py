# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from .kundekartotek_customer_category import CATEGORY_DEFAULT_FIELDS
from .selections import CUSTOMER_TYPES, PAYMENT_CLASSES, VALUE_TIERS


def proposed_customer_type(is_company, company_registry):
    """The type proposed for a partner without a parent: companies and holders of an organisation number are
    businesses, the others private persons."""
    return "business" if is_company or company_registry else "private"


class ResPartner(models.Model):
    """Classification of customers: type, value tier, payment class and category with its accounting defaults."""

    _inherit = "res.partner"

    customer_type = fields.Selection(
        CUSTOMER_TYPES,
        compute="_compute_customer_type",
        recursive=True,
        store=True,
        readonly=False,
        tracking=True,
        help="Business, private person or public sector. Proposed from the organisation number and whether the "
        "partner is a company; change it when the proposal is wrong.",
    )

    value_tier = fields.Selection(
        VALUE_TIERS,
        tracking=True,
        help="Value segment: A for the most important customers, C for the least.",
        prefetch="kundekartotek",
    )

    payment_class = fields.Selection(
        PAYMENT_CLASSES,
        default="credit",
        tracking=True,
        help="Cash: pays immediately. Credit: invoiced with payment terms. Risk: asked to pay in advance.",
        prefetch="kundekartotek",
    )

    customer_category_id = fields.Many2one(
        "kundekartotek.customer.category",
        string="Customer category",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="Groups customers; the category hands its receivable account, payment terms, fiscal position and "
        "pricelist to the customer unless they are set on the customer.",
        prefetch="kundekartotek",
    )

    @api.depends("is_company", "company_registry", "parent_id.customer_type")
    def _compute_customer_type(self):
        """Contact persons always carry the type of their company; other partners get a proposal they can change.

        A contact is not a customer of its own (its invoices go to the commercial partner), so its type follows
        the company's, also when the company's type changes later. A company or person keeps a type set by hand or
        by the Brønnøysund look-up (public bodies cannot be told apart by the number alone: the look-up sets them
        from the organisation form, KOMM, STAT, FYLK, ...); without one, companies are businesses, persons private.
        """
        for partner in self:
            if partner.parent_id and not partner.is_company:
                partner.customer_type = partner.parent_id.customer_type
            elif partner.customer_type and (partner._origin.id or partner.customer_type == "public"):
                # Saved, or public sector (never a proposal): the type stays. In a form that is not saved yet, a
                # business or private type is the proposal of a moment ago, and follows "Company" / "Person".
                continue
            else:
                partner.customer_type = proposed_customer_type(partner.is_company, partner.company_registry)

    def _add_precomputed_values(self, vals_list):
        """The proposed type of a new partner without a parent (a company, or a person on its own), from its values
        as :meth:`_compute_customer_type` proposes it: set in the values instead of computed (in the row's INSERT,
        not in an UPDATE after it; docs/benchmarks.md, session 13). A type given is kept; a contact's follows its
        company's, computed."""
        for vals in vals_list:
            if "customer_type" not in vals and not vals.get("parent_id"):
                vals["customer_type"] = proposed_customer_type(vals.get("is_company"), vals.get("company_registry"))
        return super()._add_precomputed_values(vals_list)

    def _kk_create(self, vals_list):
        partners = super()._kk_create(vals_list)
        partners.filtered("customer_category_id")._kk_apply_category_defaults()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if vals.get("customer_category_id"):
            self._kk_apply_category_defaults()
        return res

    def _kk_apply_category_defaults(self, replace_values=None):
        """Give each partner its category's accounting defaults where the partner has none of its own.

        A partner "has its own" value when it differs from the company-wide default (Odoo's fallback for company
        dependent fields) and, with ``replace_values`` (the category's previous values), from those too.
        """
        partners = self.filtered("customer_category_id")
        if not partners:
            return
        Partner = self.env["res.partner"]
        for name in CATEGORY_DEFAULT_FIELDS:
            field = Partner._fields.get(name)
            if not field:
                continue
            # The pricelist is a computed field in 18.0, not company dependent: it has no fallback of its own.
            fallback = field.get_company_dependent_fallback(Partner) if field.company_dependent else None
            for partner in partners:
                new_value = partner.customer_category_id[name]
                current = partner[name]
                replaceable = not current or current == fallback
                if replace_values and name in replace_values:
                    replaceable = replaceable or current == replace_values[name]
                if new_value and replaceable and current != new_value:
                    partner[name] = new_value
