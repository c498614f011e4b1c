# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

from ..models.res_partner_brreg import register_writes
from ..models.res_partner_risk import risk_writes


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        """Record the merge in the audit trail before the sources' links move and the sources are deleted.

        Core's merge ends by deleting the sources, which the trail records as deletions; without a merge entry
        nobody could tell later that a deleted customer lives on in another. Every entry points to the customer
        that remains, so the card of that customer shows where its history came from.
        """
        describe = "{} [{}] (#{})".format
        entries = [
            {
                "res_model": "res.partner",
                "res_id": source.id,
                "partner_id": dst_partner.id,
                "record_name": source.display_name,
                "action": "merge",
                "old_value": describe(source.display_name, source.ref or "", source.id),
                "new_value": describe(dst_partner.display_name, dst_partner.ref or "", dst_partner.id),
            }
            for source in src_partners
        ]
        entries.append(
            {
                "res_model": "res.partner",
                "res_id": dst_partner.id,
                "partner_id": dst_partner.id,
                "record_name": dst_partner.display_name,
                "action": "merge",
                "old_value": ", ".join(describe(p.display_name, p.ref or "", p.id) for p in src_partners),
                "new_value": describe(dst_partner.display_name, dst_partner.ref or "", dst_partner.id),
            }
        )
        self.env["kundekartotek.audit.log"]._kk_append(entries)
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _update_values(self, src_partners, dst_partner):
        """Core copies every stored field of the sources, the register's suggestion and the risk scores too, which
        only the register check and the scoring may write: the merge carries them over like the other fields."""
        with register_writes(self.env), risk_writes(self.env):
            return super()._update_values(src_partners, dst_partner)
