# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.brreg import BrregError, parse_unit
from ..models.res_partner_brreg import BRREG_STATUSES


class KundekartotekBrregLookupLine(models.TransientModel):
    _name = "kundekartotek.brreg.lookup.line"
    _description = "Brønnøysund Look-up Result"
    _order = "sequence, id"

    wizard_id = fields.Many2one("kundekartotek.brreg.lookup", required=True, ondelete="cascade")
    sequence = fields.Integer()
    orgnr = fields.Char(string="Organisation number", readonly=True)
    name = fields.Char(readonly=True)
    form_code = fields.Char(string="Form code", readonly=True)
    form_name = fields.Char(string="Organisation form", readonly=True)
    municipality = fields.Char(readonly=True)
    status = fields.Selection(BRREG_STATUSES, readonly=True)
    unit_data = fields.Json(help="The register's answer for this unit, as received.")

    @api.depends("name", "orgnr")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.name} ({line.orgnr})" if line.orgnr else line.name

    def action_select(self):
        """Choose this unit (row button) and show what applying it would change."""
        self.ensure_one()
        self.wizard_id.line_id = self
        return self.wizard_id._kk_reopen()

    def _kk_unit(self):
        """The :class:`lib.brreg.Unit` this line was made from, rebuilt from the stored answer (no new request).

        A stored answer that is not a unit (lines can be written over RPC) is a clear error, not a crash.
        """
        self.ensure_one()
        try:
            return parse_unit(self.unit_data)
        except BrregError as error:
            raise UserError(
                _("The register's answer for this result cannot be read. Search again; nothing was changed.")
            ) from error
