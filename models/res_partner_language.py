# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models

from ..lib.values import is_int

NORWEGIAN_LANG = "nb_NO"


class ResPartner(models.Model):
    """Customers of a Norwegian company read Norwegian: statements and reminders go out in the customer's language.

    Core gives a new partner the language of the user who creates it (often English on a fresh database, or for
    imports and integrations). A new partner that is Norwegian — its country is Norway, or it has none and the
    company is Norwegian — gets Bokmål when that language is active, unless a language was given (``lang`` in the
    values or ``default_lang`` in the context), or it has a parent (core: a contact takes its company's language).
    The module does not install Bokmål itself: loading a language is the administrator's choice (Settings →
    Languages); ``make run`` databases have it.
    """

    _inherit = "res.partner"

    @api.model
    def _kk_norwegian_lang(self, country_id=None):
        """``nb_NO`` when a partner of ``country_id`` (or none, with a Norwegian company) should read Norwegian.

        Every new partner asks, so the answer costs as little as it can: the installed languages are cached, and
        countries are compared by id (see :meth:`_kk_company_country_id`).
        """
        return self._kk_bokmal_installed() and self._kk_norwegian_by_country(country_id)

    @api.model
    def _kk_bokmal_installed(self):
        # Core's cached map of the active languages by code, asked without building a stand-in for a language that
        # is not there (``_get_code`` does: half of this question's cost on a database without Bokmål), nor a list of
        # them all (``get_installed``).
        return NORWEGIAN_LANG in self.env["res.lang"]._get_active_by("code")

    @api.model
    def _kk_norwegian_by_country(self, country_id):
        """:meth:`_kk_norwegian_lang` once Bokmål is known to be installed."""
        country_id = country_id or self._kk_company_country_id(self.env.company)
        return NORWEGIAN_LANG if country_id and country_id == self._kk_norway_id() else False

    @api.model
    def _kk_core_default_lang(self):
        """The language core gives a new partner: the database's default (set when a language is loaded), else the
        user's (``res.partner.default_get``)."""
        return self.env["ir.default"]._get_model_defaults("res.partner").get("lang") or self.env.lang

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "lang" in fields_list and "default_lang" not in self.env.context and not values.get("parent_id"):
            lang = self._kk_norwegian_lang(values.get("country_id"))
            if lang:
                values["lang"] = lang
        return values

    def _kk_create(self, vals_list):
        # Without Bokmål installed there is nothing to decide: core's default is every new partner's language.
        if "default_lang" not in self.env.context and self._kk_bokmal_installed():
            for vals in vals_list:
                if "lang" in vals or vals.get("parent_id"):
                    continue
                country_id = vals.get("country_id")
                lang = self._kk_norwegian_by_country(country_id if is_int(country_id) else None)
                # Set either way: otherwise the ORM's defaults (default_get above) would judge by the company alone.
                vals["lang"] = lang or self._kk_core_default_lang()
        return super()._kk_create(vals_list)
