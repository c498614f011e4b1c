# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import hashlib
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL

# One advisory lock for the whole chain: entries are hashed one after the other, never two on the same predecessor.
CHAIN_LOCK = 2026112801
GENESIS = "0" * 64
HASHED_FIELDS = (
    "logged_at",
    "user_id",
    "res_model",
    "res_id",
    "action",
    "field_name",
    "old_value",
    "new_value",
    "origin",
)


class KundekartotekAuditLog(models.Model):
    """Append-only, hash-chained trail of changes to customer master data.

    Rows are written by the module's own code (as superuser, from the change a user just made) and never changed:
    ``write`` and ``unlink`` refuse for everyone, access rules grant no create/write/unlink, and each row's hash
    covers the previous row's hash, so a row edited directly in SQL breaks the chain at that row.
    """

    _name = "kundekartotek.audit.log"
    _description = "Customer Audit Trail"
    _order = "id desc"
    _log_access = False  # logged_at and user_id below are part of the hashed content, set once

    logged_at = fields.Datetime(string="When", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Who", readonly=True, ondelete="restrict")
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Integer(string="Record", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null", index=True)
    record_name = fields.Char(string="Name", readonly=True, help="The record's name when the entry was written.")
    action = fields.Selection(
        [
            ("create", "Created"),
            ("write", "Changed"),
            ("archive", "Archived"),
            ("unarchive", "Restored"),
            ("unlink", "Deleted"),
            ("merge", "Merged"),
            ("anonymise", "Anonymised"),
        ],
        readonly=True,
        required=True,
    )
    field_name = fields.Char(string="Field", readonly=True)
    field_label = fields.Char(string="Field label", readonly=True)
    old_value = fields.Text(readonly=True)
    new_value = fields.Text(readonly=True)
    origin = fields.Selection(
        [("ui", "User interface"), ("api", "API"), ("import", "Import"), ("cron", "Scheduled job"), ("other", "Other")],
        readonly=True,
    )
    previous_hash = fields.Char(readonly=True)
    entry_hash = fields.Char(readonly=True, index=True)

    def write(self, vals):
        if self:
            raise UserError(_("The audit trail cannot be changed: entries are permanent."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The audit trail cannot be changed: entries are permanent."))

    @api.model
    def _kk_origin(self):
        """Where a change came from: the web client, an integration, an import or a scheduled job."""
        context = self.env.context
        if context.get("import_file"):
            return "import"
        if context.get("cron_id"):
            return "cron"
        if request:
            path = request.httprequest.path or ""
            if path.startswith(("/xmlrpc", "/jsonrpc", "/json/")):
                return "api"
            return "ui"
        return "other"

    @staticmethod
    def _kk_hash(previous_hash, values):
        payload = json.dumps([previous_hash, [values.get(name) for name in HASHED_FIELDS]], default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @api.model
    def _kk_append(self, entries):
        """Append entries (dicts of field values) to the chain, in one locked stretch of this transaction."""
        if not entries:
            return self
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", CHAIN_LOCK))
        self.env.cr.execute(SQL("SELECT entry_hash FROM kundekartotek_audit_log ORDER BY id DESC LIMIT 1"))
        row = self.env.cr.fetchone()
        previous = row[0] if row else GENESIS
        now = fields.Datetime.now()
        user_id = self.env.uid
        origin = self._kk_origin()
        to_create = []
        for entry in entries:
            values = {"logged_at": now, "user_id": user_id, "origin": origin, **entry}
            for name in ("old_value", "new_value", "field_name"):
                values.setdefault(name, False)
            values["previous_hash"] = previous
            values["entry_hash"] = previous = self._kk_hash(previous, self._kk_hashable(values))
            to_create.append(values)
        return self.sudo().create(to_create)

    @api.model
    def _kk_hashable(self, values):
        """The hashed values in one canonical form, whether they come from a dict to create or a stored row."""
        result = {name: values.get(name) or False for name in HASHED_FIELDS}
        result["logged_at"] = fields.Datetime.to_string(values["logged_at"])
        user = values.get("user_id")
        result["user_id"] = user.id if isinstance(user, models.BaseModel) else user
        return result

    @api.model
    def action_verify_chain(self):
        """Recompute every hash in order; report the first entry that does not match (changed in SQL)."""
        self.check_access("read")
        previous = GENESIS
        broken = self.browse()
        count, last_id = 0, 0
        Log = self.sudo()
        while not broken:
            # In batches, in id order: the chain can hold millions of entries.
            entries = Log.search([("id", ">", last_id)], order="id", limit=5000)
            if not entries:
                break
            for entry in entries:
                values = self._kk_hashable({name: entry[name] for name in HASHED_FIELDS})
                if entry.previous_hash != previous or entry.entry_hash != self._kk_hash(previous, values):
                    broken = entry
                    break
                previous = entry.entry_hash
                count += 1
            last_id = entries[-1].id
            entries.invalidate_recordset()
        if broken:
            message = _(
                "The audit trail has been tampered with: entry %(entry)s of %(date)s does not match its hash.",
                entry=broken.id,
                date=broken.logged_at,
            )
            kind = "danger"
        else:
            message = _("The audit trail is intact: %(count)s entries verified.", count=count)
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Audit trail"), "message": message, "type": kind, "sticky": bool(broken)},
        }
