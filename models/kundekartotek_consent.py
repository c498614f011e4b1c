# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CONSENT_PURPOSES = [
    ("email", "Marketing by e-mail"),
    ("sms", "Marketing by SMS"),
]
CONSENT_STATES = [("given", "Given"), ("withdrawn", "Withdrawn")]
CONSENT_SOURCES = [
    ("web_form", "Web form"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("paper", "Paper form"),
    ("in_person", "In person"),
    ("import", "Import"),
]


class KundekartotekConsent(models.Model):
    """One event in a person's marketing consent history: consent given or withdrawn, for one purpose.

    The history is the proof the controller must be able to show (GDPR art. 7(1)), so an event is never changed or
    deleted: a mistake is corrected by recording a new event. The person's current status per purpose is the
    latest event (by the date it was given or withdrawn), computed on the partner.
    """

    _name = "kundekartotek.consent"
    _inherit = "kundekartotek.append.only"
    _description = "Marketing Consent Event"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, readonly=True, ondelete="cascade", index=True
    )
    purpose = fields.Selection(CONSENT_PURPOSES, required=True, readonly=True)
    state = fields.Selection(CONSENT_STATES, string="Consent", required=True, readonly=True)
    date = fields.Datetime(
        required=True,
        readonly=True,
        default=fields.Datetime.now,
        help="When the person gave or withdrew consent (the date on a paper form may be earlier than today).",
    )
    source = fields.Selection(CONSENT_SOURCES, required=True, readonly=True)
    text_version = fields.Char(
        string="Text version",
        readonly=True,
        help="Which version of the consent text the person agreed to, e.g. “Nyhetsbrev 2026-01”.",
    )
    wording = fields.Text(readonly=True, help="The consent text as the person saw it, when it is not on file.")
    note = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        readonly=True,
        ondelete="restrict",
        default=lambda s: s.env.user,
    )

    @api.constrains("date")
    def _check_date(self):
        now = fields.Datetime.now()
        for consent in self:
            if consent.date > now:
                raise ValidationError(_("A consent cannot be given or withdrawn in the future."))

    @api.constrains("state", "text_version", "wording")
    def _check_text(self):
        """Consent is only valid for a known text: say which version the person agreed to."""
        for consent in self:
            if consent.state == "given" and not (consent.text_version or consent.wording):
                raise ValidationError(
                    _(
                        "Say which consent text %(partner)s agreed to: fill in the text version or the wording.",
                        partner=consent.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Who recorded it is the user doing it, whatever the caller sends (the superuser may import history).
        if not self.env.su:
            for vals in vals_list:
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def _kk_permanent_message(self):
        return _("A consent event cannot be changed or deleted: record a new one (e.g. a withdrawal) instead.")
