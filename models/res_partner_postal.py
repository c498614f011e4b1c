# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models

from ..lib import postal


class ResPartner(models.Model):
    """Norwegian addresses checked against Posten's postal code register (once a register has been imported)."""

    _inherit = "res.partner"

    postal_warning = fields.Char(
        compute="_compute_postal_warning",
        help="What is wrong with a Norwegian address according to Posten's postal code register.",
    )

    postal_city_suggestion = fields.Char(compute="_compute_postal_warning")

    @api.depends("zip", "city", "street", "country_id")
    def _compute_postal_warning(self):
        """Check the postcode against Posten's register (only once a register has been imported)."""
        # sudo: Posten's register is reference data every user may look up
        PostalCode = self.env["kundekartotek.postal.code"].sudo()
        register_loaded = bool(PostalCode.search_count([], limit=1))
        known = {}
        if register_loaded:
            zips = {partner.zip.strip() for partner in self if partner.zip}
            known = {record.code: record for record in PostalCode.search([("code", "in", list(zips))])}
        for partner in self:
            partner.postal_warning = False
            partner.postal_city_suggestion = False
            if not register_loaded or not partner.zip or partner.country_id.code != "NO":
                continue
            code = partner.zip.strip()
            reason, suggestion = postal.check_address(known.get(code), partner.city, partner.street)
            if reason:
                partner.postal_warning = partner._kk_postal_message(reason, code, suggestion)
                partner.postal_city_suggestion = suggestion

    def _kk_postal_message(self, reason, code, register_city):
        """The translated sentence for a reason of :func:`lib.postal.check_address`."""
        self.ensure_one()
        if reason == postal.REASON_UNKNOWN:
            return _("Postal code %(zip)s is not in Posten's register.", zip=code)
        if reason == postal.REASON_SERVICE:
            return _("Postal code %(zip)s is a service code and cannot be used in an address.", zip=code)
        if reason == postal.REASON_PO_BOX_ONLY:
            return _("Postal code %(zip)s is for PO boxes only; a street address needs another postal code.", zip=code)
        return _(
            "Postal code %(zip)s belongs to %(city)s, not %(typed)s.", zip=code, city=register_city, typed=self.city
        )

    @api.onchange("zip", "country_id")
    def _onchange_zip_fill_city(self):
        """Fill the postal town from the register when a Norwegian postcode is typed and the town is empty."""
        if self.zip and not self.city and self.country_id.code == "NO":
            # sudo: as above
            entry = self.env["kundekartotek.postal.code"].sudo().search([("code", "=", self.zip.strip())], limit=1)
            if entry:
                self.city = entry.city

    def action_kk_use_postal_city(self):
        """Apply the postal town the register gives for the postcode (the fix offered with the warning)."""
        for partner in self.filtered("postal_city_suggestion"):
            partner.city = partner.postal_city_suggestion
