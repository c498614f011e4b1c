# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class KundekartotekExternalRef(models.Model):
    """A customer's key in another system (web shop, CRM, the old accounting system).

    Integrations send the same customer again and again under their own key; ``res.partner.kk_upsert`` finds the
    customer by it, so a web shop that sends a customer twice updates one customer instead of creating two. One key
    per source and company names one customer (a unique index): the source decides what its keys mean.
    """

    _name = "kundekartotek.external.ref"
    _description = "External Customer Reference"
    _order = "source, ref"
    _check_company_auto = True

    source = fields.Char(
        required=True, index=True, help="The system the reference comes from, for example shop, crm or tripletex."
    )
    ref = fields.Char(string="Reference", required=True, help="The customer's key in that system, for example C-1001.")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, help="The company whose customer it is."
    )

    _sql_constraints = [
        (
            "source_ref_company_uniq",
            "unique(source, ref, company_id)",
            "This reference of this source already names a customer of the company.",
        )
    ]

    @api.depends("source", "ref")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"{record.source}: {record.ref}"
