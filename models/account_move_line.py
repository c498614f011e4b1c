# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # In 18.0 core ``discount`` is a plain field with default 0: made computed (stored, editable, precomputed) so
    # that a new line proposes the customer's agreed discount, as sale does from its pricelist. A value given in
    # ``create`` or typed by the user wins; choosing another product proposes the agreed discount again. Core's
    # ``default=0.0`` is removed: a default would fill the value before the precompute could propose anything.
    discount = fields.Float(
        default=None,
        compute="_compute_discount",
        store=True,
        readonly=False,
        precompute=True,
    )

    # The customer's agreement is read when a line gets its product or its invoice gets its customer, not when the
    # agreement changes later: a new agreement must not rewrite the lines of invoices already made.
    @api.depends("product_id", "display_type", "move_id.partner_id")
    def _compute_discount(self):
        for line in self:
            move = line.move_id
            agreed = move.partner_id.commercial_partner_id.discount_percent
            if agreed and line.display_type == "product" and move.is_sale_document():
                line.discount = agreed
            else:
                # No agreement: behave as core (keep what the line has, 0 for a new line).
                line.discount = line.discount or 0.0
