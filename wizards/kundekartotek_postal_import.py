# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import binascii

from odoo import _, fields, models
from odoo.exceptions import UserError


class KundekartotekPostalImport(models.TransientModel):
    _name = "kundekartotek.postal.import"
    _description = "Import Postal Code Register"

    register_file = fields.Binary(
        string="Register file",
        required=True,
        help="Posten's postal code register, postnummerregister-ansi.txt (TAB-separated, Windows-1252).",
    )
    filename = fields.Char()

    def action_import(self):
        """Import the uploaded register and tell the user what changed."""
        self.ensure_one()
        try:
            content = base64.b64decode(self.register_file or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(_("The uploaded file could not be read. Upload the register file again.")) from error
        summary = self.env["kundekartotek.postal.code"]._import_register(content)
        message = _(
            "%(created)s postal codes added, %(updated)s updated, %(retired)s archived.",
            created=summary["created"],
            updated=summary["updated"],
            retired=summary["retired"],
        )
        if summary["rejected"]:
            message += " " + _(
                "Lines not understood and skipped: %(lines)s.", lines=", ".join(map(str, summary["rejected"][:20]))
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Postal code register imported"),
                "message": message,
                "sticky": bool(summary["rejected"]),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
