# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

BRREG_ENRICHMENT_MODES = [
    ("off", "Off"),
    ("suggest", "Suggest"),
    ("automatic", "Automatic"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_brreg_enrichment = fields.Selection(
        BRREG_ENRICHMENT_MODES,
        string="Brønnøysund enrichment",
        default="suggest",
        required=True,
        help="What happens when a Norwegian customer is saved with a new organisation number. Off: nothing. "
        "Suggest: the customer is checked in the Brønnøysund register in the background and the card proposes the "
        "register's data. Automatic: the register's data is written to the customer and noted in its chatter.",
        prefetch="kundekartotek",
    )
    kk_brreg_block_credit_on_risk = fields.Boolean(
        string="Block credit on bankruptcy or winding-up",
        help="When the register reports a customer bankrupt, being wound up or deleted, also set its credit policy "
        "to Block, so that no new invoice can be posted without a manager's override.",
        prefetch="kundekartotek",
    )
