# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models

ACCESS_KINDS = [
    ("read_personal_id", "Read national identity number"),
    ("export_personal_id", "Exported national identity number"),
    ("access_request", "Right of access export"),
]


class KundekartotekAccessLog(models.Model):
    """Append-only log of who read or exported a person's sensitive data, and when.

    The audit trail records changes; this log records reads: a fødselsnummer sent to a user (form, list, XML-RPC
    ``read``), a spreadsheet export with the fødselsnummer, a right of access export. Rows are written only by
    :meth:`_kk_log`, as superuser, from the read the current user just made; no access rule grants create, write or
    unlink, and ``write``/``unlink`` refuse even for the superuser.
    """

    _name = "kundekartotek.access.log"
    _inherit = "kundekartotek.append.only"
    _description = "Personal Data Access Log"
    _order = "id desc"
    _log_access = False  # logged_at and user_id are the content, set once

    logged_at = fields.Datetime(string="When", readonly=True, required=True, index=True)
    user_id = fields.Many2one("res.users", string="Who", readonly=True, required=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Person", readonly=True, ondelete="set null", index=True)
    subject_id = fields.Integer(
        string="Person ID",
        readonly=True,
        index=True,
        help="The database id of the person, kept when the customer card itself is deleted.",
    )
    kind = fields.Selection(ACCESS_KINDS, readonly=True, required=True)
    detail = fields.Char(readonly=True)
    origin = fields.Selection(
        [("ui", "User interface"), ("api", "API"), ("import", "Import"), ("cron", "Scheduled job"), ("other", "Other")],
        readonly=True,
    )

    def _kk_permanent_message(self):
        return _("The access log cannot be changed: entries are permanent.")

    @api.model
    def _kk_log(self, partners, kind, detail=False):
        """Record that the current user read or exported ``kind`` data of each of ``partners``.

        Called by the module's own code right after the read, never with values from the caller: who and when are
        taken from the environment. Reads made as superuser (the module's own work) are not logged.
        """
        if not partners or self.env.su:
            return self.browse()
        stamp = {
            "logged_at": fields.Datetime.now(),
            "user_id": self.env.uid,
            "kind": kind,
            "detail": detail,
            "origin": self.env["kundekartotek.audit.log"]._kk_origin(),
        }
        # sudo: the log is append-only and nobody writes it directly; the ids are the partners just read by the caller
        return self.sudo().create([dict(stamp, partner_id=pid, subject_id=pid) for pid in partners.ids])
