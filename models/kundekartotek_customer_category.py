# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .selections import CREDIT_POLICIES

# Who may change what decides whether a customer's invoices are blocked (policies, limits, categories).
CREDIT_EDITOR_GROUPS = ("kundekartotek.group_manager", "account.group_account_manager")

# Accounting defaults a category hands to its customers ("automatisk kontering"): partner field → category field.
CATEGORY_DEFAULT_FIELDS = (
    "property_account_receivable_id",
    "property_payment_term_id",
    "property_account_position_id",
    "property_product_pricelist",
)


def kk_may_edit_credit(env):
    """Whether the current user may change what decides a credit block: the credit policies, limits and categories."""
    return env.su or any(env.user.has_group(group) for group in CREDIT_EDITOR_GROUPS)


class KundekartotekCustomerCategory(models.Model):
    _name = "kundekartotek.customer.category"
    _description = "Customer Category"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code shown in lists and exports, for example ENGROS.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the category between all companies.",
    )
    color = fields.Integer()
    description = fields.Text()
    partner_ids = fields.One2many("res.partner", "customer_category_id", string="Customers")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Number of customers")
    credit_policy = fields.Selection(
        CREDIT_POLICIES,
        help="What happens when an invoice would take a customer of this category over its credit limit. "
        "Empty: the company's policy applies. A policy set on the customer wins over this one.",
    )
    property_account_receivable_id = fields.Many2one(
        "account.account",
        company_dependent=True,
        string="Receivable account",
        domain="[('account_type', '=', 'asset_receivable'), ('deprecated', '=', False)]",
        help="Receivable account given to the customers of this category, unless set on the customer.",
    )
    property_payment_term_id = fields.Many2one(
        "account.payment.term",
        company_dependent=True,
        string="Payment terms",
        help="Payment terms given to the customers of this category, unless set on the customer.",
    )
    property_account_position_id = fields.Many2one(
        "account.fiscal.position",
        company_dependent=True,
        string="Fiscal position",
        help="Fiscal position (VAT mapping) given to the customers of this category, unless set on the customer.",
    )
    property_product_pricelist = fields.Many2one(
        "product.pricelist",
        company_dependent=True,
        string="Pricelist",
        help="Pricelist given to the customers of this category, unless set on the customer.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A category code must be unique per company."),
    ]

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("customer_category_id", "in", self.ids)], ["customer_category_id"], ["__count"]
            )
        )
        for category in self:
            category.partner_count = counts.get(category, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("credit_policy") for vals in vals_list):
            self._kk_check_credit_policy_rights()
        return super().create(vals_list)

    def write(self, vals):
        """Hand changed accounting defaults on to customers that still carried the category's previous value."""
        new_policy = vals.get("credit_policy") or False
        if "credit_policy" in vals and any(category.credit_policy != new_policy for category in self):
            self._kk_check_credit_policy_rights()
        changed = [name for name in CATEGORY_DEFAULT_FIELDS if name in vals]
        previous = {category: {name: category[name] for name in changed} for category in self} if changed else {}
        res = super().write(vals)
        for category, old_values in previous.items():
            category.partner_ids._kk_apply_category_defaults(old_values)
        return res

    def _kk_check_credit_policy_rights(self):
        """The category's policy decides whether its customers' invoices are blocked: managers only, from every
        entry point (access rights allow writing categories to managers today; this holds whatever they become)."""
        if not kk_may_edit_credit(self.env):
            raise AccessError(
                _(
                    "The credit policy of a customer category decides whether invoices are blocked: only a "
                    "Kundekartotek manager or an accounting manager may set it."
                )
            )

    def action_view_customers(self):
        """Open the customers of this category."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.res_partner_action_customer")
        action["domain"] = [("customer_category_id", "=", self.id)]
        action["context"] = {"default_customer_category_id": self.id}
        return action
