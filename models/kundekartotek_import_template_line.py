# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from .kundekartotek_import_run import IMPORT_TARGETS


class KundekartotekImportTemplateLine(models.Model):
    _name = "kundekartotek.import.template.line"
    _description = "Customer Import Mapping Column"
    _order = "template_id, id"

    template_id = fields.Many2one("kundekartotek.import.template", required=True, ondelete="cascade", index=True)
    column = fields.Char(required=True, help="The column's heading in the file, as written there (case is ignored).")
    target = fields.Selection(IMPORT_TARGETS, required=True, help="What the column holds.")
