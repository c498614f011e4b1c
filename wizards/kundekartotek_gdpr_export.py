# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import json

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

# The partner fields that hold personal data, in the order the export shows them. Fields of optional modules are
# skipped when absent.
PERSONAL_FIELDS = (
    "name",
    "title",
    "function",
    "is_company",
    "parent_id",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "email",
    "phone",
    "mobile",
    "website",
    "lang",
    "vat",
    "company_registry",
    "ref",
    "fodselsnummer",
    "customer_type",
    "legal_basis",
    "legal_basis_note",
    "marketing_consent_email",
    "marketing_consent_sms",
    "category_id",
    "bank_ids",
    "comment",
    "active",
    "create_date",
)
INVOICE_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt")
OFFICER_GROUP = "kundekartotek.group_privacy_officer"


def _text(value):
    """A value as the export shows it: dates in ISO format, records by name, nothing as an empty string."""
    if isinstance(value, models.BaseModel):
        return ", ".join(value.mapped("display_name"))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None or value is False else value


class KundekartotekGdprExport(models.TransientModel):
    """Right of access (GDPR art. 15) and data portability (art. 20): every personal datum the register holds about
    one person, as JSON and as a PDF, both built from :meth:`_kk_gather`.

    Privacy officers only. The data is gathered as superuser after that check and the officer's own read access to
    the person, because the export must be complete whatever the officer may see in accounting or the chatter.
    The files are attachments of this transient record, so they disappear with it.
    """

    _name = "kundekartotek.gdpr.export"
    _description = "Right of Access Export"

    partner_id = fields.Many2one("res.partner", string="Person", required=True, ondelete="cascade")
    json_file = fields.Binary(string="JSON", readonly=True, attachment=True)
    json_filename = fields.Char(readonly=True)
    pdf_file = fields.Binary(string="PDF", readonly=True, attachment=True)
    pdf_filename = fields.Char(readonly=True)

    @api.model
    def _kk_check_officer(self):
        if not self.env.user.has_group(OFFICER_GROUP):
            raise AccessError(_("Only a privacy officer may export a person's data."))

    @api.model
    def _kk_subject(self, partner_id):
        """The person to export, after checking the caller: a privacy officer who may read that person."""
        self._kk_check_officer()
        if isinstance(partner_id, models.BaseModel):
            partner_id = partner_id.id
        if not isinstance(partner_id, int) or isinstance(partner_id, bool):
            raise UserError(_("Give the person as a customer id (a number), not %(value)r.", value=partner_id))
        partner = self.env["res.partner"].with_context(active_test=False).browse(partner_id).exists()
        if not partner:
            raise UserError(self._kk_no_subject_message(partner_id))
        partner.check_access("read")
        return partner

    @api.model
    def _kk_no_subject_message(self, partner_id):
        return _("There is no customer with id %(id)s: nothing was exported.", id=partner_id)

    @api.model
    def _kk_guard_own_reason(self, field, value):
        """The input guard's hook: an unknown person keeps the export's own message."""
        if field.name == "partner_id" and isinstance(value, int) and not isinstance(value, bool) and value > 0:
            # sudo: only whether the person exists; the export itself checks the officer and the read right
            if not self.env["res.partner"].sudo().with_context(active_test=False).browse(value).exists():
                return self._kk_no_subject_message(value)
        return None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                self._kk_subject(vals["partner_id"])
            else:
                self._kk_check_officer()
        return super().create(vals_list)

    @api.model
    def export_partner_data(self, partner_id):
        """Return the right of access export of customer ``partner_id`` as a dict (the JSON document).

        For integrations (XML-RPC/JSON-RPC); privacy officers only. The export is recorded in the access log.
        """
        partner = self._kk_subject(partner_id)
        return self._kk_export(partner)

    def action_export(self):
        """Build the JSON and PDF files of the person's data and show them for download."""
        self.ensure_one()
        partner = self._kk_subject(self.partner_id.id)
        data = self._kk_export(partner)
        report = self.env.ref("kundekartotek.action_report_gdpr_export")
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(report, self.ids, data={"export": data})
        stem = f"innsyn-{partner.id}-{fields.Date.context_today(self)}"
        self.write(
            {
                "json_file": base64.b64encode(json.dumps(data, indent=2, ensure_ascii=False).encode()),
                "json_filename": stem + ".json",
                "pdf_file": base64.b64encode(pdf),
                "pdf_filename": stem + ".pdf",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _kk_export(self, partner):
        """Log the export, then gather (so the export shows its own access log entry)."""
        contacts = partner.with_context(active_test=False).child_ids
        self.env["kundekartotek.access.log"]._kk_log(
            partner, "access_request", _("JSON and PDF, %(count)s contacts included", count=len(contacts))
        )
        return self._kk_gather(partner)

    @api.model
    def _kk_gather(self, partner):
        """Every personal datum held about ``partner`` and its contacts, as a JSON-ready dict.

        The one source of both the JSON and the PDF. Employees are not named in the change and access history:
        the person is entitled to when and what (CJEU C-579/21), not to who in the company did it.
        """
        # sudo: the person's data everywhere; officer and read right on the person checked by _kk_subject
        partner = partner.sudo().with_context(active_test=False)
        people = partner | partner.child_ids
        Partner = self.env["res.partner"]
        names = [name for name in PERSONAL_FIELDS if name in Partner._fields]
        return {
            "generated_at": _text(fields.Datetime.now()),
            "controller": self.env.company.name,
            "labels": {name: Partner._fields[name]._description_string(self.env) for name in names},
            "person": self._kk_person(partner, names),
            "contacts": [self._kk_person(contact, names) for contact in partner.child_ids],
            "consents": self._kk_consents(people),
            "messages": self._kk_messages(people),
            "invoices": self._kk_invoices(people),
            "changes": self._kk_changes(people),
            "accesses": self._kk_accesses(people),
        }

    @api.model
    def _kk_person(self, partner, names):
        Readable = self.env["kundekartotek.readable"]
        values = {"id": partner.id}
        for name in names:
            field = partner._fields[name]
            value = partner[name]
            # Booleans and dates stay typed in the JSON (data portability: a machine reads them); everything else
            # reads as on the card, through the module's one formatter.
            if field.type == "boolean":
                value = bool(value)
            elif field.type == "html":
                value = html2plaintext(value or "")
            elif field.type == "one2many" and value._name == "res.partner.bank":
                value = ", ".join(value.mapped("acc_number"))
            elif field.type not in ("date", "datetime"):
                value = Readable._kk_text(field, value)
            values[name] = _text(value)
        return values

    @api.model
    def _kk_consents(self, people):
        # sudo: as _kk_gather: the people of a person the officer was checked for
        consents = self.env["kundekartotek.consent"].sudo().search([("partner_id", "in", people.ids)], order="date, id")
        selection = {
            name: dict(consents._fields[name]._description_selection(self.env))
            for name in ("purpose", "state", "source")
        }
        return [
            {
                "person_id": consent.partner_id.id,
                "date": _text(consent.date),
                "purpose": selection["purpose"][consent.purpose],
                "state": selection["state"][consent.state],
                "source": selection["source"][consent.source],
                "text_version": consent.text_version or "",
                "wording": consent.wording or "",
            }
            for consent in consents
        ]

    @api.model
    def _kk_messages(self, people):
        """Messages and notes on the person's cards, and messages the person wrote elsewhere (e-mails on invoices)."""
        messages = (
            self.env["mail.message"]
            # sudo: as _kk_gather
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("model", "=", "res.partner"),
                    ("res_id", "in", people.ids),
                    ("author_id", "in", people.ids),
                    ("message_type", "!=", "user_notification"),
                ],
                order="date, id",
            )
        )
        result = []
        for message in messages:
            changes = [
                {
                    "field": change["changedField"],
                    "old": _text(change["oldValue"]["value"]),
                    "new": _text(change["newValue"]["value"]),
                }
                for change in message.tracking_value_ids._tracking_value_format()
            ]
            body = html2plaintext(message.body or "")
            if not body and not changes and not message.subject:
                continue
            result.append(
                {
                    "date": _text(message.date),
                    "author": message.author_id.name or message.email_from or "",
                    "document": message.record_name or "",
                    "subject": message.subject or "",
                    "body": body,
                    "changes": changes,
                }
            )
        return result

    @api.model
    def _kk_invoices(self, people):
        """References to the person's invoices and credit notes (number, date, amount), not their accounting."""
        moves = (
            self.env["account.move"]
            # sudo: as _kk_gather
            .sudo()
            .search(
                [
                    "|",
                    ("partner_id", "in", people.ids),
                    ("commercial_partner_id", "in", people.ids),
                    ("move_type", "in", INVOICE_TYPES),
                    ("state", "!=", "draft"),
                    ("company_id", "in", self.env.user.company_ids.ids),
                ],
                order="invoice_date, id",
            )
        )
        move_types = dict(moves._fields["move_type"]._description_selection(self.env))
        return [
            {
                "number": move.name,
                "type": move_types[move.move_type],
                "date": _text(move.invoice_date),
                "due_date": _text(move.invoice_date_due),
                "amount": move.amount_total,
                "currency": move.currency_id.name,
                "state": dict(move._fields["state"]._description_selection(self.env))[move.state],
                "company": move.company_id.name,
            }
            for move in moves
        ]

    @api.model
    def _kk_changes(self, people):
        """The audit trail of the person's cards: what changed and when (the fødselsnummer is masked there)."""
        # sudo: as _kk_gather
        Log = self.env["kundekartotek.audit.log"].sudo()
        entries = Log.search([("res_model", "=", "res.partner"), ("res_id", "in", people.ids)], order="id")
        actions = dict(Log._fields["action"]._description_selection(self.env))
        return [
            {
                "date": _text(entry.logged_at),
                "person_id": entry.res_id,
                "action": actions.get(entry.action, ""),
                "field": entry.field_display or "",
                "old": entry.old_display or "",
                "new": entry.new_display or "",
            }
            for entry in entries
        ]

    @api.model
    def _kk_accesses(self, people):
        """When the person's fødselsnummer was read or their data exported."""
        # sudo: as _kk_gather
        Log = self.env["kundekartotek.access.log"].sudo()
        entries = Log.search([("subject_id", "in", people.ids)], order="id")
        kinds = dict(Log._fields["kind"]._description_selection(self.env))
        origins = dict(Log._fields["origin"]._description_selection(self.env))
        return [
            {
                "date": _text(entry.logged_at),
                "person_id": entry.subject_id,
                "kind": kinds[entry.kind],
                "origin": origins.get(entry.origin, ""),
                "detail": entry.detail or "",
            }
            for entry in entries
        ]
