# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class KundekartotekMergeField(models.TransientModel):
    """One field on which the customers to merge differ, and whose value the survivor keeps."""

    _name = "kundekartotek.merge.field"
    _description = "Merge: value to keep"
    _order = "field_label, id"

    wizard_id = fields.Many2one("base.partner.merge.automatic.wizard", required=True, ondelete="cascade")
    field_name = fields.Char(required=True, readonly=True)
    field_label = fields.Char(string="Field", readonly=True)
    candidates = fields.Text(string="Values", readonly=True, help="Each customer's value, one per line.")
    partner_id = fields.Many2one(
        "res.partner",
        string="Keep value of",
        required=True,
        ondelete="cascade",
        help="The customer whose value the customer that remains keeps.",
    )
