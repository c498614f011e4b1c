# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import postal

_logger = logging.getLogger(__name__)

REGISTER_URL = "https://www.bring.no/postnummerregister-ansi.txt"


class KundekartotekPostalCode(models.Model):
    _name = "kundekartotek.postal.code"
    _description = "Norwegian Postal Code"
    _order = "code"
    _rec_name = "code"
    _rec_names_search = ["code", "city"]

    code = fields.Char(required=True, size=4, index=True, help="Four-digit postal code (postnummer).")
    city = fields.Char(required=True, help="Postal town (poststed) as Posten writes it.")
    municipality_number = fields.Char(size=4, help="Municipality number (kommunenummer).")
    municipality = fields.Char(help="Municipality name (kommunenavn).")
    category = fields.Selection(
        [
            ("G", "Street addresses"),
            ("P", "PO boxes"),
            ("B", "Street addresses and PO boxes"),
            ("F", "Several uses"),
            ("S", "Service code (not for addresses)"),
        ],
        required=True,
    )
    active = fields.Boolean(default=True, help="Cleared when the code is no longer in Posten's register.")

    _sql_constraints = [("code_uniq", "unique(code)", "A postal code can only be registered once.")]

    @api.depends("code", "city")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"{record.code} {record.city}"

    @api.model
    def _import_register(self, content):
        """Create, update and retire postal codes from the register file; returns a summary dict.

        Codes missing from a complete file are archived rather than deleted: partners may still carry them.
        """
        codes, rejected = postal.parse_register(content)
        if not codes:
            raise UserError(
                _("The file holds no postal codes. Upload Posten's register file (postnummerregister-ansi.txt).")
            )
        existing = {record.code: record for record in self.with_context(active_test=False).search([])}
        to_create, updated = [], 0
        for entry in codes:
            values = {
                "code": entry.code,
                "city": entry.city,
                "municipality_number": entry.municipality_number,
                "municipality": entry.municipality,
                "category": entry.category,
                "active": True,
            }
            record = existing.pop(entry.code, None)
            if record is None:
                to_create.append(values)
            elif any(record[name] != value for name, value in values.items()):
                record.write(values)
                updated += 1
        self.create(to_create)
        retired = self.browse([record.id for record in existing.values() if record.active])
        retired.write({"active": False})
        summary = {"created": len(to_create), "updated": updated, "retired": len(retired), "rejected": rejected}
        _logger.info("Postal register imported: %s", summary)
        return summary

    @api.model
    def _cron_download_register(self):
        """Download Posten's register and import it; a failed download changes nothing and is retried next run."""
        # sudo: the cron reads the download address, a system parameter
        url = self.env["ir.config_parameter"].sudo().get_param("kundekartotek.postal_register_url", REGISTER_URL)
        try:
            content = postal.download_register(url, requests.get)
        except postal.RegisterUnavailable as error:
            _logger.warning("Postal register download from %s failed: %s", url, error)
            return False
        try:
            return self._import_register(content)
        except UserError as error:
            _logger.warning("Postal register from %s not imported: %s", url, error)
            return False
