# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..lib.identifiers import (
    REASON_CHARACTERS,
    REASON_CHECKSUM,
    REASON_LENGTH,
    InvalidIdentifier,
    compact_fodselsnummer,
    compact_orgnr,
    is_ascii_digits,
    mask_fodselsnummer,
    mva_number,
    orgnr_from_mva,
    validate_fodselsnummer,
    validate_orgnr,
)
from ..lib.values import is_text_or_empty


class ResPartner(models.Model):
    """Norwegian identifiers on the card: organisation number, fødselsnummer, VAT registration, and finding a
    customer by its number however it is typed."""

    _inherit = "res.partner"

    fodselsnummer = fields.Char(
        string="National identity number",
        groups="kundekartotek.group_personal_id",
        copy=False,
        # The duplicate search looks a person's number up; few partners have one (as the org number's core index)
        index="btree_not_null",
        tracking=False,  # the chatter must not show it to people outside the group
        help="Fødselsnummer or D-number (11 digits) of a private customer. Store it only when the customer gave it "
        "and you need it, for example for debt collection.",
        prefetch="kundekartotek",
    )

    fodselsnummer_masked = fields.Char(
        string="National identity number (masked)",
        compute="_compute_fodselsnummer_masked",
        compute_sudo=True,
        help="The birth date part of the national identity number; the personal digits are hidden.",
    )

    mva_registered = fields.Boolean(
        string="Registered for VAT",
        compute="_compute_mva_registered",
        inverse="_inverse_mva_registered",
        store=True,
        tracking=True,
        help="Registered in the Norwegian VAT register (Merverdiavgiftsregisteret). Ticking it sets the VAT number "
        "to NO<organisation number>MVA; unticking it clears a Norwegian VAT number.",
        prefetch="kundekartotek",
    )

    orgnr_search = fields.Char(
        string="Organisation number (search)",
        compute="_compute_orgnr_search",
        search="_search_orgnr_search",
        help="Finds customers by organisation number however it is typed.",
    )

    @api.depends("country_id")
    def _compute_partner_company_registry_placeholder(self):
        """Show a Norwegian organisation number as the example on Norwegian partners."""
        res = super()._compute_partner_company_registry_placeholder()
        for partner in self.filtered(lambda p: p.country_id.code == "NO"):
            partner.partner_company_registry_placeholder = "988 077 917"
        return res

    @api.depends("fodselsnummer")
    def _compute_fodselsnummer_masked(self):
        for partner in self:
            partner.fodselsnummer_masked = mask_fodselsnummer(partner.fodselsnummer) if partner.fodselsnummer else False

    @api.depends("vat")
    def _compute_mva_registered(self):
        for partner in self:
            partner.mva_registered = bool(orgnr_from_mva(partner.vat))

    def _inverse_mva_registered(self):
        for partner in self:
            if partner.mva_registered and not orgnr_from_mva(partner.vat):
                if not partner.company_registry:
                    raise ValidationError(
                        _(
                            "%(partner)s cannot be registered for VAT without an organisation number: "
                            "enter the organisation number first.",
                            partner=partner.display_name,
                        )
                    )
                partner.vat = mva_number(partner.company_registry)
            elif not partner.mva_registered and orgnr_from_mva(partner.vat):
                partner.vat = False

    # Core's step returns nothing, and the marker below must come after it (core sets its own): no value to return.
    def _add_precomputed_values(self, vals_list):  # pylint: disable=missing-return
        """Whether a new partner is registered for VAT follows from its VAT number: set in the values instead of
        computed (in the row's INSERT, not in an UPDATE after it; docs/benchmarks.md, session 14), when the number is
        plain text or empty. A value the caller gave is kept and goes through the inverse, as before.

        The field is marked as precomputed, as core marks its own (``__precomputed__``): a value the module derived
        from the VAT number has nothing to give back to it, so core does not call the inverse for it.
        """
        super()._add_precomputed_values(vals_list)
        field = self._fields["mva_registered"]
        for vals in vals_list:
            vat = vals.get("vat")
            if "mva_registered" not in vals and is_text_or_empty(vat):
                vals["mva_registered"] = bool(orgnr_from_mva(vat))
                vals.setdefault("__precomputed__", set()).add(field)

    def _compute_orgnr_search(self):
        for partner in self:
            partner.orgnr_search = partner.company_registry

    def _search_orgnr_search(self, operator, value):
        if operator not in ("ilike", "=", "like") or not isinstance(value, str):
            return [("company_registry", operator, value)]
        compact = compact_orgnr(value)
        return [("company_registry", operator, compact or value)]

    @api.constrains("fodselsnummer", "is_company")
    def _check_fodselsnummer(self):
        """A national identity number belongs to a person and must pass both MOD11 check digits."""
        # sudo: the constraint checks the stored number, which the writer need not be allowed to read
        for partner in self.sudo():
            if not partner.fodselsnummer:
                continue
            if partner.is_company:
                raise ValidationError(
                    _(
                        "%(partner)s is a company: a national identity number belongs to a private person. "
                        "Use the organisation number for companies.",
                        partner=partner.display_name,
                    )
                )
            try:
                validate_fodselsnummer(partner.fodselsnummer)
            except InvalidIdentifier as error:
                raise ValidationError(partner._kk_fodselsnummer_error_message(error)) from error

    @api.constrains("vat", "company_registry")
    def _check_mva_matches_orgnr(self):
        """The Norwegian VAT number is the organisation number with NO and MVA around it: they must agree."""
        for partner in self:
            in_vat = orgnr_from_mva(partner.vat)
            if in_vat and partner.company_registry and partner._kk_is_norwegian():
                if in_vat != compact_orgnr(partner.company_registry):
                    raise ValidationError(
                        _(
                            "The VAT number %(vat)s of %(partner)s does not belong to its organisation number "
                            "%(orgnr)s. A Norwegian VAT number is NO + the organisation number + MVA.",
                            vat=partner.vat,
                            partner=partner.display_name,
                            orgnr=partner.company_registry,
                        )
                    )

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

    def _kk_create(self, vals_list):
        for vals in vals_list:
            self._kk_check_registry_type(vals)
            if not vals.get("company_registry") and orgnr_from_mva(vals.get("vat")):
                vals["company_registry"] = orgnr_from_mva(vals["vat"])
            if vals.get("fodselsnummer"):
                vals["fodselsnummer"] = compact_fodselsnummer(vals["fodselsnummer"])
            if vals.get("company_registry") and self._kk_is_norwegian_vals(vals):
                vals.update(self._kk_orgnr_vals(vals["company_registry"]))
        return super()._kk_create(vals_list)

    def write(self, vals):
        self._kk_check_registry_type(vals)
        if vals.get("fodselsnummer"):
            vals = dict(vals, fodselsnummer=compact_fodselsnummer(vals["fodselsnummer"]))
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
        return res

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
            if is_ascii_digits(compact) and len(compact) == 9 and compact != value:
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
        # Peppol/EHF participant id 0192:<orgnr>, when account_edi_ubl_cii is installed.
        if "peppol_endpoint" in self._fields:
            vals.update(peppol_eas="0192", peppol_endpoint=compact)
        return vals

    @api.model
    def _kk_check_registry_type(self, vals):
        """Refuse a number sent as an integer: leading zeros would be lost and the check digit misread."""
        message = self._kk_guard_own_reason(self._fields["company_registry"], vals.get("company_registry"))
        if message:
            raise ValidationError(message)

    @api.model
    def _kk_guard_own_reason(self, field, value):
        """The input guard's hook: the organisation number keeps its own message for a value that is not text."""
        if field.name == "company_registry" and value and not isinstance(value, str):
            return _(
                "The organisation number must be sent as text, for example “988077917”, not as %(type)s.",
                type=type(value).__name__,
            )
        return None

    def _kk_is_norwegian(self):
        """Whether Norwegian rules apply: the partner is in Norway; or it has no country and its commercial partner
        (for a contact) or else its company is.

        A contact's organisation number is its commercial partner's (a commercial field core copies down), so a
        contact without an address of its own is judged by that partner's country: core copies the number to a new
        contact of a Belgian company before it copies the address.
        """
        self.ensure_one()
        country = (
            self.country_id
            or self.parent_id.commercial_partner_id.country_id
            or (self.company_id or self.env.company).country_id
        )
        return country.code == "NO"

    @api.model
    def _kk_is_norwegian_vals(self, vals):
        """Same as :meth:`_kk_is_norwegian` for values about to be written.

        Every new customer with an organisation number asks: countries are compared by id, without reading them.
        """
        country_id = self.env["res.country"].browse(vals.get("country_id")).id
        if not country_id:
            country_id = self.browse(vals.get("parent_id")).commercial_partner_id.country_id.id
        if not country_id:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            country_id = self._kk_company_country_id(company)
        return bool(country_id) and country_id == self._kk_norway_id()

    @api.model
    def _kk_norway_id(self):
        """The id of Norway, from its XML id (cached): comparing ids reads no country."""
        return self.env["ir.model.data"]._xmlid_to_res_id("base.no")

    @api.model
    def _kk_company_country_id(self, company):
        """The id of ``company``'s country, reading only that column of its partner (``company.country_id`` would
        fetch the partner's whole row to compute the company's address)."""
        # sudo: the country of a company the caller works in (its address is on every document it sends)
        partner = company.partner_id.sudo()
        partner.fetch(["country_id"])
        return partner.country_id.id

    def _kk_fodselsnummer_error_message(self, error):
        """A translated message for a wrong national identity number; it never repeats the number itself."""
        self.ensure_one()
        if error.reason == REASON_CHARACTERS:
            return _("The national identity number of %(partner)s may contain only digits.", partner=self.display_name)
        if error.reason == REASON_LENGTH:
            return _(
                "The national identity number of %(partner)s has %(length)s digits; it must have 11.",
                partner=self.display_name,
                length=len(error.number),
            )
        if error.reason == REASON_CHECKSUM:
            return _(
                "The national identity number of %(partner)s is not valid: its check digits do not match.",
                partner=self.display_name,
            )
        return _(
            "The national identity number of %(partner)s does not start with a valid birth date (DDMMYY).",
            partner=self.display_name,
        )

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
