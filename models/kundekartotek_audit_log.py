# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import hashlib
import json
import threading
from urllib.parse import urlsplit

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
            ("credit_override", "Credit override"),
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
            return "api" if path.startswith(("/xmlrpc", "/jsonrpc", "/json/")) else "ui"
        # XML-RPC and /jsonrpc calls run through odoo.http.dispatch_rpc, which hides the request while the model
        # method runs; the serving thread still carries the URL it is answering.
        path = urlsplit(getattr(threading.current_thread(), "url", "") or "").path
        if path.startswith(("/xmlrpc", "/jsonrpc")):
            return "api"
        return "other"

    @staticmethod
    def _kk_hash(previous_hash, values):
        payload = json.dumps([previous_hash, [values.get(name) for name in HASHED_FIELDS]], default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @api.model
    def _kk_append(self, entries):
        """Queue entries (dicts of field values) for this transaction; they are chained and written at commit.

        Writing them one statement per partner write would cost more than the write itself. Instead they are
        stamped now (who, when, origin) and inserted together just before the commit, or earlier when something in
        the same transaction reads the trail (see :meth:`flush_model`). A rolled back change leaves no entry.
        """
        if not entries:
            return
        stamp = {"logged_at": fields.Datetime.now(), "user_id": self.env.uid, "origin": self._kk_origin()}
        pending = self.env.cr.precommit.data.setdefault("kundekartotek.audit.pending", [])
        if not pending:
            self.env.cr.precommit.add(self.sudo()._kk_write_pending)
        pending.extend({**stamp, **entry} for entry in entries)

    def _kk_write_pending(self):
        """Chain and insert the queued entries: one lock, one read of the last hash, multi-row inserts."""
        pending = self.env.cr.precommit.data.pop("kundekartotek.audit.pending", [])
        if not pending:
            return
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", CHAIN_LOCK))
        self.env.cr.execute(SQL("SELECT entry_hash FROM kundekartotek_audit_log ORDER BY id DESC LIMIT 1"))
        row = self.env.cr.fetchone()
        previous = row[0] if row else GENESIS
        columns = (*HASHED_FIELDS, "partner_id", "record_name", "field_label", "previous_hash", "entry_hash")
        # A partner created and deleted in this same transaction keeps its entries, without the link.
        partner_ids = tuple({entry["partner_id"] for entry in pending if entry.get("partner_id")})
        existing = set()
        if partner_ids:
            self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE id IN %s", partner_ids))
            existing = {partner_id for (partner_id,) in self.env.cr.fetchall()}
        rows = []
        for entry in pending:
            values = {name: entry.get(name) or None for name in columns}
            if values["partner_id"] not in existing:
                values["partner_id"] = None
            values["previous_hash"] = previous
            values["entry_hash"] = previous = self._kk_hash(previous, self._kk_hashable(entry))
            rows.append(SQL("(%s)", SQL(", ").join(SQL("%s", values[name]) for name in columns)))
        # Plain SQL: the rows are final and the ORM's per-record work would dominate the cost (bench/).
        for start in range(0, len(rows), 1000):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO kundekartotek_audit_log (%s) VALUES %s",
                    SQL(", ").join(SQL.identifier(name) for name in columns),
                    SQL(", ").join(rows[start : start + 1000]),
                )
            )
        self.invalidate_model()

    def flush_model(self, fnames=None):
        """Before anything reads the trail, write what this transaction queued, so that it reads complete."""
        if self.env.cr.precommit.data.get("kundekartotek.audit.pending"):
            self.sudo()._kk_write_pending()
        return super().flush_model(fnames)

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
