# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from .kundekartotek_import_run import IMPORT_TARGETS


class KundekartotekImportColumn(models.Model):
    """One column of an uploaded file and what it is imported as (empty: not imported)."""

    _name = "kundekartotek.import.column"
    _description = "Customer Import Column"
    _order = "run_id, position"

    run_id = fields.Many2one("kundekartotek.import.run", required=True, ondelete="cascade", index=True)
    position = fields.Integer(required=True, help="The column's place in the file, from 0.")
    column = fields.Char(readonly=True)
    sample = fields.Char(readonly=True, help="The value of the first row, to recognise the column.")
    target = fields.Selection(IMPORT_TARGETS, help="Leave empty to skip the column.")
