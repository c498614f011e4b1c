# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class KundekartotekImportTemplate(models.Model):
    """A saved mapping of a customer list's columns to the register's fields, for files from the same system."""

    _name = "kundekartotek.import.template"
    _description = "Customer Import Mapping"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, help="For example: Tripletex customer list.")
    company_id = fields.Many2one("res.company", help="Empty: shared by all companies.")
    source = fields.Char(
        help="Name of the system the files come from (tripletex, visma, shop). External references read from "
        "the file are stored under this name, so that a later file of the same system finds its customers."
    )
    line_ids = fields.One2many("kundekartotek.import.template.line", "template_id", string="Columns", copy=True)
    active = fields.Boolean(default=True)
