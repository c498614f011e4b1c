# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class KundekartotekImportIssue(models.Model):
    """One problem found in a row of an imported file, by the dry run or by the import itself."""

    _name = "kundekartotek.import.issue"
    _description = "Customer Import Problem"
    _order = "run_id, row, id"

    run_id = fields.Many2one("kundekartotek.import.run", required=True, ondelete="cascade", index=True)
    stage = fields.Selection([("dry_run", "Dry run"), ("import", "Import")], required=True)
    row = fields.Integer(help="Row number in the file; the heading is row 1.")
    column = fields.Char()
    value = fields.Char(help="The value as read (national identity numbers are masked).")
    problem = fields.Char(required=True)
