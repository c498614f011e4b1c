# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "kundekartotek.group_manager"


class KundekartotekTierPreview(models.TransientModel):
    """What the categorisation rules would change, shown before anything is written."""

    _name = "kundekartotek.tier.preview"
    _description = "Customer Categorisation Preview"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="The company whose rules and revenue are used.",
    )
    line_ids = fields.One2many("kundekartotek.tier.preview.line", "preview_id", string="Changes")
    line_count = fields.Integer(compute="_compute_line_count", string="Changes found")
    previewed = fields.Boolean(readonly=True)

    @api.depends("line_ids")
    def _compute_line_count(self):
        for preview in self:
            preview.line_count = len(preview.line_ids)

    def _kk_check_manager(self):
        # The wizard model is for managers; the check is repeated here because the buttons write customers.
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a Kundekartotek manager may categorise customers."))
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(_("You may not categorise the customers of %(company)s.", company=self.company_id.name))

    def action_preview(self):
        """List what the rules would change now, and keep the wizard open on that list."""
        self.ensure_one()
        self._kk_check_manager()
        proposals = self.env["res.partner"].with_company(self.company_id)._kk_tier_proposals(self.company_id)
        Partner = self.env["res.partner"]
        labels = {
            name: dict(Partner._fields[name]._description_selection(self.env))
            for name in ("value_tier", "payment_class")
        }
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {
                    "partner_id": proposal["partner_id"],
                    "field_name": proposal["field"],
                    "old_value": proposal["old"] or False,
                    "new_value": proposal["new"],
                    "old_label": labels[proposal["field"]].get(proposal["old"], ""),
                    "new_label": labels[proposal["field"]].get(proposal["new"], ""),
                    "reason": proposal["reason"],
                }
            )
            for proposal in proposals
        ]
        self.previewed = True
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Categorise customers"),
        }

    def action_apply(self):
        """Write the previewed changes (each still from the value shown) and say how many were made."""
        self.ensure_one()
        self._kk_check_manager()
        if not self.previewed:
            raise UserError(_("Preview the changes first: nothing is applied unseen."))
        proposals = [
            {"partner_id": line.partner_id.id, "field": line.field_name, "old": line.old_value, "new": line.new_value}
            for line in self.line_ids
        ]
        changed = self.env["res.partner"].with_company(self.company_id)._kk_tier_apply(proposals)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%(count)s values changed.", count=changed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
