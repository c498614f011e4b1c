# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from ..models.kundekartotek_consent import CONSENT_PURPOSES, CONSENT_SOURCES, CONSENT_STATES


class KundekartotekConsentWizard(models.TransientModel):
    """Record that a person gave or withdrew marketing consent: one new event in the consent history."""

    _name = "kundekartotek.consent.wizard"
    _description = "Record Marketing Consent"

    partner_id = fields.Many2one("res.partner", string="Person", required=True, ondelete="cascade")
    purpose = fields.Selection(CONSENT_PURPOSES, required=True, default="email")
    state = fields.Selection(CONSENT_STATES, string="Consent", required=True, default="given")
    date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        help="When the person gave or withdrew consent; earlier than now for a form received by post.",
    )
    source = fields.Selection(CONSENT_SOURCES, required=True, default="phone")
    text_version = fields.Char(
        string="Text version", help="Which version of the consent text the person agreed to, e.g. “Nyhetsbrev 2026-01”."
    )
    wording = fields.Text(help="The consent text as the person saw it, when it is not on file.")
    note = fields.Char()

    def action_confirm(self):
        """Add the event to the person's consent history (checks are those of the consent itself)."""
        self.ensure_one()
        self.env["kundekartotek.consent"].create(
            {
                "partner_id": self.partner_id.id,
                "purpose": self.purpose,
                "state": self.state,
                "date": self.date,
                "source": self.source,
                "text_version": self.text_version,
                "wording": self.wording,
                "note": self.note,
            }
        )
        return {"type": "ir.actions.act_window_close"}
