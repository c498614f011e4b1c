# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from ..models.selections import PAYMENT_CLASSES, VALUE_TIERS

RULE_VALUES = VALUE_TIERS + PAYMENT_CLASSES


class KundekartotekTierPreviewLine(models.TransientModel):
    """One change the categorisation rules would make: customer, field, old → new, and why."""

    _name = "kundekartotek.tier.preview.line"
    _description = "Customer Categorisation Change"
    _order = "id"

    preview_id = fields.Many2one("kundekartotek.tier.preview", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade")
    field_name = fields.Selection(
        [("value_tier", "Value tier"), ("payment_class", "Payment class")], string="Field", required=True
    )
    old_value = fields.Selection(RULE_VALUES)
    new_value = fields.Selection(RULE_VALUES, required=True)
    old_label = fields.Char(string="Old")
    new_label = fields.Char(string="New")
    reason = fields.Char(string="Why")
