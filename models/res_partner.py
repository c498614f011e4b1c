# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..lib.identifiers import (
    REASON_CHARACTERS,
    REASON_LENGTH,
    InvalidIdentifier,
    compact_orgnr,
    validate_orgnr,
)
from .kundekartotek_customer_category import (
    CATEGORY_DEFAULT_FIELDS,
    CUSTOMER_TYPES,
    PAYMENT_CLASSES,
    VALUE_TIERS,
)


class ResPartner(models.Model):
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
    )
    payment_class = fields.Selection(
        PAYMENT_CLASSES,
        default="credit",
        tracking=True,
        help="Cash: pays immediately. Credit: invoiced with payment terms. Risk: asked to pay in advance.",
    )
    customer_category_id = fields.Many2one(
        "kundekartotek.customer.category",
        string="Customer category",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="Groups customers; the category hands its receivable account, payment terms, fiscal position and "
        "pricelist to the customer unless they are set on the customer.",
    )

    @api.depends("country_id")
    def _compute_partner_company_registry_placeholder(self):
        """Show a Norwegian organisation number as the example on Norwegian partners."""
        res = super()._compute_partner_company_registry_placeholder()
        for partner in self.filtered(lambda p: p.country_id.code == "NO"):
            partner.partner_company_registry_placeholder = "988 077 917"
        return res

    @api.depends("is_company", "company_registry", "parent_id.customer_type")
    def _compute_customer_type(self):
        """Propose a type: contacts follow their company, companies are businesses, persons are private.

        Public bodies cannot be told apart by the number alone; the Brønnøysund look-up sets them from the
        organisation form (KOMM, STAT, FYLK, ...), and a user can always pick the type by hand.
        """
        for partner in self:
            if partner.customer_type:
                continue
            if partner.parent_id:
                partner.customer_type = partner.parent_id.customer_type
            elif partner.is_company or partner.company_registry:
                partner.customer_type = "business"
            else:
                partner.customer_type = "private"

    @api.constrains("company_registry", "country_id")
    def _check_company_registry_orgnr(self):
        """Refuse a Norwegian partner's organisation number that fails the MOD11 check.

        The check runs on the stored (compact) value, so a number is judged the same way whether it came from the
        form, an import or XML-RPC.
        """
        for partner in self:
            if not partner.company_registry or not partner._kk_is_norwegian():
                continue
            try:
                validate_orgnr(partner.company_registry)
            except InvalidIdentifier as error:
                raise ValidationError(partner._kk_orgnr_error_message(error)) from error

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kk_check_registry_type(vals)
            if vals.get("company_registry") and self._kk_is_norwegian_vals(vals):
                vals.update(self._kk_orgnr_vals(vals["company_registry"]))
        partners = super().create(vals_list)
        partners.filtered("customer_category_id")._kk_apply_category_defaults()
        return partners

    def write(self, vals):
        self._kk_check_registry_type(vals)
        if not vals.get("company_registry"):
            res = super().write(vals)
        elif "country_id" in vals:
            norwegian = self._kk_is_norwegian_vals(vals)
            res = super().write(dict(vals, **self._kk_orgnr_vals(vals["company_registry"])) if norwegian else vals)
        else:
            # Without a new country, each partner keeps its own: compact only the Norwegian ones.
            norwegian = self.filtered(lambda p: p._kk_is_norwegian())
            res = True
            if norwegian:
                res = super(ResPartner, norwegian).write(dict(vals, **self._kk_orgnr_vals(vals["company_registry"])))
            if self - norwegian:
                res = super(ResPartner, self - norwegian).write(vals) and res
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

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Hide l10n_no's Brønnøysund number field: it mirrors the organisation number, which the card shows."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for node in arch.xpath("//field[@name='l10n_no_bronnoysund_number']"):
                node.set("invisible", "1")
        return arch, view

    @api.model
    def _search_display_name(self, operator, value):
        """Find a partner by its organisation number however it is typed (``988 077 917``, ``NO988077917MVA``)."""
        domain = super()._search_display_name(operator, value)
        if isinstance(value, str) and operator in ("ilike", "=ilike", "like", "=like", "="):
            compact = compact_orgnr(value)
            if compact.isdigit() and len(compact) == 9 and compact != value:
                domain = expression.OR([domain, [("company_registry", "=", compact)]])
        return domain

    def _get_company_registry_labels(self):
        labels = super()._get_company_registry_labels()
        labels["NO"] = _("Organisation number")
        return labels

    @api.model
    def _kk_orgnr_vals(self, number):
        """Values that store a Norwegian organisation number: compact, and mirrored into ``l10n_no``'s field.

        ``l10n_no`` (when installed) reads ``l10n_no_bronnoysund_number`` for the Peppol endpoint ``0192:<orgnr>``;
        keeping it equal to the organisation number spares the user typing the number twice.
        """
        compact = compact_orgnr(number)
        vals = {"company_registry": compact}
        if "l10n_no_bronnoysund_number" in self._fields and len(compact) <= 9:
            vals["l10n_no_bronnoysund_number"] = compact
        return vals

    @api.model
    def _kk_check_registry_type(self, vals):
        """Refuse a number sent as an integer: leading zeros would be lost and the check digit misread."""
        value = vals.get("company_registry")
        if value and not isinstance(value, str):
            raise ValidationError(
                _(
                    "The organisation number must be sent as text, for example “988077917”, not as %(type)s.",
                    type=type(value).__name__,
                )
            )

    def _kk_is_norwegian(self):
        """Whether Norwegian rules apply: the partner is in Norway, or has no country and its company is."""
        self.ensure_one()
        country = self.country_id or (self.company_id or self.env.company).country_id
        return country.code == "NO"

    @api.model
    def _kk_is_norwegian_vals(self, vals):
        """Same as :meth:`_kk_is_norwegian` for values about to be written."""
        country = self.env["res.country"].browse(vals.get("country_id"))
        if not country:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            country = company.country_id
        return country.code == "NO"

    def _kk_orgnr_error_message(self, error):
        """Word a translated message that tells the user what is wrong with the number and how to fix it."""
        self.ensure_one()
        if error.reason == REASON_CHARACTERS:
            message = _(
                "The organisation number “%(number)s” of %(partner)s may contain only digits "
                "(spaces are allowed), for example 988 077 917.",
                number=error.number,
                partner=self.display_name,
            )
        elif error.reason == REASON_LENGTH:
            message = _(
                "The organisation number “%(number)s” of %(partner)s has %(length)s digits; "
                "a Norwegian organisation number has 9, for example 988 077 917.",
                number=error.number,
                partner=self.display_name,
                length=len(error.number),
            )
        else:
            message = _(
                "The organisation number “%(number)s” of %(partner)s is not valid: its check digit "
                "does not match (MOD11). Check the number in the Brønnøysund Register Centre.",
                number=error.number,
                partner=self.display_name,
            )
        if not self.country_id:
            message += "\n" + _("If this customer is not Norwegian, set its country first.")
        return message
