# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models

LEGAL_BASES = [
    ("contract", "Contract"),
    ("legal_obligation", "Legal obligation"),
    ("consent", "Consent"),
    ("legitimate_interest", "Legitimate interest"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "kundekartotek.personal.id.log.mixin"]

    # A recorded decision, not a figure derived from other fields: proposed once when the partner is created (see
    # create) and changed only by a person, never silently when the partner later moves between companies.
    legal_basis = fields.Selection(
        LEGAL_BASES,
        tracking=True,
        help="Why the register may hold this person's data (GDPR art. 6): a contract with the customer, a legal "
        "obligation such as bookkeeping, the person's consent, or a legitimate interest (e.g. a contact person at a "
        "business customer).",
        prefetch="kundekartotek",
    )
    # Prefetch group kk_privacy: see docs/architecture.md, "Prefetch groups on res.partner".
    legal_basis_note = fields.Char(
        prefetch="kk_privacy",
        tracking=True,
        help="What the legal basis rests on, e.g. the agreement, the act (bokføringsloven) or the interest weighed.",
    )
    consent_ids = fields.One2many("kundekartotek.consent", "partner_id", string="Consent history")
    marketing_consent_email = fields.Boolean(
        prefetch="kk_privacy",
        string="Marketing by e-mail",
        compute="_compute_marketing_consent",
        store=True,
        precompute=True,
        help="The latest recorded consent event for e-mail marketing is a consent given.",
    )
    marketing_consent_sms = fields.Boolean(
        prefetch="kk_privacy",
        string="Marketing by SMS",
        compute="_compute_marketing_consent",
        store=True,
        precompute=True,
        help="The latest recorded consent event for SMS marketing is a consent given.",
    )
    marketing_consent = fields.Boolean(
        compute="_compute_marketing_consent",
        store=True,
        precompute=True,
        help="The person currently consents to marketing by at least one channel.",
        prefetch="kundekartotek",
    )
    access_log_count = fields.Integer(compute="_compute_access_log_count", string="Access log entries")

    def _kk_create(self, vals_list):
        """Propose a legal basis: contact persons of a company are held on legitimate interest, the rest on contract.

        An explicit value (or a ``default_legal_basis`` in the context) is kept as given.
        """
        default = self.env.context.get("default_legal_basis")
        for vals in vals_list:
            if not vals.get("legal_basis") and not default:
                vals["legal_basis"] = "legitimate_interest" if vals.get("parent_id") else "contract"
        return super()._kk_create(vals_list)

    def _add_precomputed_values(self, vals_list):
        """A new partner created without consent events has none to follow: no marketing consent, set in the values
        instead of computed (in the row's INSERT, not in an UPDATE after it; docs/benchmarks.md, session 13)."""
        for vals in vals_list:
            if not vals.get("consent_ids"):
                vals.update(marketing_consent_email=False, marketing_consent_sms=False, marketing_consent=False)
        return super()._add_precomputed_values(vals_list)

    @api.depends("consent_ids.state", "consent_ids.purpose", "consent_ids.date")
    def _compute_marketing_consent(self):
        """Stored, so that lists filter on it at scale; consent events are append-only, so it follows each new one."""
        for partner in self:
            latest = {}
            for consent in partner.consent_ids.sorted(lambda c: (c.date, c._origin.id or 0)):
                latest[consent.purpose] = consent.state == "given"
            partner.marketing_consent_email = latest.get("email", False)
            partner.marketing_consent_sms = latest.get("sms", False)
            partner.marketing_consent = any(latest.values())

    def _compute_access_log_count(self):
        Log = self.env["kundekartotek.access.log"]
        counts = {}
        if Log.has_access("read"):
            counts = dict(Log._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.access_log_count = counts.get(partner, 0)

    def _kk_personal_id_people(self):
        return self

    def _kk_personal_id_notes(self, count):
        return {
            "read": False,
            "group": _("Grouped read"),
            "export": _("Spreadsheet export of %(count)s records", count=count),
        }

    def web_read(self, specification):
        """Run the form's read in a read/write transaction: it may have to write the access log.

        ``web_read`` is flagged read-only in core, which lets a database with a replica serve it from a read-only
        cursor; the insert of the access log entry would then fail and the request be retried.
        """
        return super().web_read(specification)

    web_read._readonly = False

    def action_kk_record_consent(self):
        """Open the consent wizard for this person (``default_state`` in the context: given or withdrawn)."""
        self.ensure_one()
        state = self.env.context.get("kk_consent_state") or "given"
        return {
            "type": "ir.actions.act_window",
            "name": _("Record consent") if state == "given" else _("Withdraw consent"),
            "res_model": "kundekartotek.consent.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id, "default_state": state},
        }

    def action_kk_open_access_log(self):
        """The access log of this person."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Access log of %(partner)s", partner=self.display_name),
            "res_model": "kundekartotek.access.log",
            "view_mode": "list,form",
            "domain": [("subject_id", "=", self.id)],
        }

    def action_kk_gdpr_export(self):
        """Open the right of access export for this person."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Right of access"),
            "res_model": "kundekartotek.gdpr.export",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
