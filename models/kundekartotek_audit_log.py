# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import hashlib
import hmac
import json
import logging
import threading
from datetime import datetime
from urllib.parse import urlsplit

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL

from .delayed_look import DelayedLook, look_of

_logger = logging.getLogger(__name__)

# One advisory lock for the whole chain, held from the moment a transaction extends the chain until it ends: entries
# are chained one transaction after the other, never two on the same predecessor.
CHAIN_LOCK = 2026112801
# A PostgreSQL sequence holding the transaction id of the last transaction that extended the chain. Sequences are
# outside MVCC: a writer holding the lock reads the value its predecessor set, whatever its own snapshot.
WRITER_SEQUENCE = "kundekartotek_audit_writer_seq"
GENESIS = "0" * 64
# The entries a transaction made, kept in its precommit data until they are handed to the chain.
PENDING = "kundekartotek.audit.pending"
# Set when a transaction queued entries in QUEUE_TABLE (see _kk_queue). Kept in its postcommit data, which lives as
# long as the transaction (the precommit data is emptied each time the precommit hooks run, at every savepoint).
QUEUED = "kundekartotek.audit.queued"
# Set in a transaction's postcommit data when it registered the look at the queue after its commit.
SEAL_AFTER_COMMIT = "kundekartotek.audit.seal_after_commit"
# Entries committed but not yet chained: a table of the chain's own (not a model: nothing but the chain reads or
# writes it), written by the user's transaction, emptied by the sealer (see _kk_seal_queue).
QUEUE_TABLE = "kundekartotek_audit_queue"
# The queue rows waiting to be chained, as the sealer selects them: through the partial index on the id of waiting
# rows (see init), which the condition on id makes the planner take whatever its estimate of the table.
WAITING = SQL("NOT rejected AND id > 0")


def _waiting_rows(limit=None):
    """The sealer's select of waiting queue rows, oldest first (``limit``: at most that many)."""
    query = SQL("SELECT * FROM %s WHERE %s ORDER BY id", SQL.identifier(QUEUE_TABLE), WAITING)
    return SQL("%s LIMIT %s", query, limit) if limit else query


class _ProcessSealer(DelayedLook):
    """The threads of this process that seal the queue of one database: one seals at a time; the others only say
    they committed entries (``pending``), and the sealing thread looks again before it leaves. ``timer``: the look
    scheduled after a commit (see :meth:`KundekartotekAuditLog._kk_seal_after_commit`), one at a time."""

    def __init__(self):
        super().__init__(
            "kundekartotek.audit.log",
            "_kk_seal_passes",
            lambda: SEAL_DELAY,
            "The audit trail could not chain its queued entries now; the next commit or the scheduled job will.",
        )
        self.lock = threading.Lock()
        self.pending = False


def _process_sealer(dbname):
    return look_of(_ProcessSealer, dbname)


# How long a committed entry waits, at most, for the look that chains it (plus the look itself): the look after a
# commit is made by a thread of the process this many seconds later, and chains what every commit of the meantime
# queued, so a busy server makes one pass per interval instead of one per commit (docs/benchmarks.md). 0: the
# committing thread looks at once, after its commit (the chain's concurrency tests use it, to see each look).
SEAL_DELAY = 0.5
# A transaction with at least this many entries (a batch: an import, a mass update) chains them itself, as before the
# queue: queueing them would write and read every entry twice, and such transactions are few, so the lock they hold
# to their commit delays little.
CHAIN_IN_TRANSACTION = 200
# A sealer chains at most this many queue rows per transaction (a row holds the entries of one customer in one
# transaction, fewer than CHAIN_IN_TRANSACTION: a creation's are one row), and looks again at most this many times per
# commit.
SEAL_BATCH = 1000
SEAL_ROUNDS = 10
HASH_FORMAT = 2
# What each entry's hash covers (format 2): every stored column the trail shows or filters on, and the entry's place
# in the chain. The customer is covered through logged_partner: the database empties partner_id when that customer
# is deleted, and a merge moves it to the customer that remains, which must not break the chain; verification checks
# partner_id against logged_partner and the merges recorded in the chain instead.
HASHED_FIELDS = (
    "sequence",
    "logged_at",
    "user_id",
    "res_model",
    "res_id",
    "logged_partner",
    "record_name",
    "action",
    "field_name",
    "field_label",
    "old_value",
    "new_value",
    "origin",
)
# What a queued entry carries, signed with the seals' key (see _kk_queue); the sealer gives it its place.
QUEUED_FIELDS = tuple(name for name in HASHED_FIELDS if name != "sequence")
# Format 1 (18.0.1.0.0): chained in id order, no place in the chain, customer, name and field label not covered.
LEGACY_HASHED_FIELDS = (
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
COLUMNS = (
    *HASHED_FIELDS,
    "partner_id",
    "previous_hash",
    "entry_hash",
)
# A verification lists this many problems at most; a badly damaged trail would otherwise give one per entry.
MAX_FINDINGS = 50


def _canonical_values(row, names):
    """The values of ``names`` in ``row``, in that order, in one form whether they come from the dict being inserted
    or from the stored row (a date and time as text, an empty value as ``None``)."""
    return [
        fields.Datetime.to_string(value) if isinstance(value, datetime) else (value or None)
        for value in map(row.get, names)
    ]


def _queued_text(entry):
    """The text a queue row is signed over: its entry, or list of entries, as JSON, keys sorted (a jsonb column keeps
    no order of keys; it keeps a list's)."""
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _queued_signature(key, entry, text=None):
    """The signature of a queue row's entry or list of entries (as :func:`_queued_text`, or ``text`` when the caller
    has it) with the seals' key."""
    return hmac.new(key, (text or _queued_text(entry)).encode(), hashlib.sha256).hexdigest()


class KundekartotekAuditLog(models.Model):
    """Append-only, hash-chained trail of changes to customer master data.

    Rows are written by the module's own code (as superuser, from the change a user just made) and never changed:
    ``create``, ``write`` and ``unlink`` refuse for everyone, access rules grant no create/write/unlink. Each row has
    its place in the chain (``sequence``) and a hash over the previous row's hash and its own columns; every
    transaction that extends the chain also writes a signed seal of its newest row (``kundekartotek.audit.seal``).
    A row edited, deleted or added directly in SQL is found by :meth:`action_verify_chain`.
    """

    _name = "kundekartotek.audit.log"
    _inherit = ["kundekartotek.append.only"]
    _description = "Customer Audit Trail"
    _order = "sequence desc, id desc"
    _log_access = False  # logged_at and user_id below are part of the hashed content, set once

    sequence = fields.Integer(
        string="No.", readonly=True, help="The entry's place in the chain: each entry follows the one numbered before."
    )
    logged_at = fields.Datetime(string="When", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Who", readonly=True, ondelete="restrict")
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Integer(string="Record", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null", index=True)
    logged_partner = fields.Integer(
        string="Customer id",
        readonly=True,
        help="Database id of the customer the entry was linked to when it was written; the hash covers it. Customer "
        "follows a merge and is emptied when the customer is deleted; this stays.",
    )
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
            ("reseal", "Re-sealed"),
        ],
        readonly=True,
        required=True,
    )
    field_name = fields.Char(string="Technical field name", readonly=True)
    field_label = fields.Char(string="Field label", readonly=True)
    old_value = fields.Text(readonly=True)
    new_value = fields.Text(readonly=True)
    origin = fields.Selection(
        [("ui", "User interface"), ("api", "API"), ("import", "Import"), ("cron", "Scheduled job"), ("other", "Other")],
        readonly=True,
    )
    previous_hash = fields.Char(readonly=True)
    entry_hash = fields.Char(readonly=True, index=True)
    # What the trail shows a reader: computed from the stored columns, never stored, so the hash and what it covers
    # stay as written. Labels in the reader's language, values formatted as on the card.
    field_display = fields.Char(string="Field", compute="_compute_display")
    old_display = fields.Char(string="Before", compute="_compute_display")
    new_display = fields.Char(string="After", compute="_compute_display")

    _sql_constraints = [
        ("sequence_uniq", "unique(sequence)", "Two audit entries cannot hold the same place in the chain."),
    ]

    @api.depends("res_model", "field_name", "field_label", "old_value", "new_value", "action")
    @api.depends_context("lang")
    def _compute_display(self):
        Readable = self.env["kundekartotek.readable"]
        for entry in self:
            model = self.env[entry.res_model] if entry.res_model in self.env else None
            field = model._fields.get(entry.field_name) if model is not None and entry.field_name else None
            if not field:
                entry.field_display = entry.field_label or entry.field_name or ""
                entry.old_display, entry.new_display = entry.old_value or "", entry.new_value or ""
                continue
            entry.field_display = field._description_string(self.env)
            # A creation has no "before": an empty old value there is nothing, not "No".
            entry.old_display = "" if entry.action == "create" else Readable._kk_stored_text(field, entry.old_value)
            entry.new_display = Readable._kk_stored_text(field, entry.new_value)

    @api.model_create_multi
    def create(self, vals_list):
        """Refused: entries are written by the chain itself (:meth:`_kk_append`), which gives each its place."""
        if vals_list:
            self.browse().check_access("create")
            raise UserError(self._kk_permanent_message())
        return super().create(vals_list)

    def _kk_permanent_message(self):
        return _("The audit trail cannot be changed: entries are permanent.")

    def action_verify_chain(self):
        """Verify the whole chain, whatever is selected, and say what was found in a notification.

        A list-header button: the web client sends the selected ids (``/web/dataset/call_button``), or none, and the
        answer is about the whole trail either way. Only readers of the trail may run it; it reads as superuser
        because the chain runs through the entries of every company.
        """
        self.browse().check_access("read")
        # sudo: the chain runs through every company's entries; the caller's read right was checked just above
        result = self.sudo()._kk_verify()
        if result["findings"]:
            lines = [self._kk_finding_message(finding) for finding in result["findings"][:10]]
            if result["problems"] > len(lines):
                lines.append(_("And %(count)s more.", count=result["problems"] - len(lines)))
            message = _("The audit trail has been tampered with. %(problems)s", problems=" ".join(lines))
            kind = "danger"
        else:
            message = _(
                "The audit trail is intact: %(count)s entries verified, sealed up to entry %(sequence)s "
                "(seal %(seal)s).",
                count=result["count"],
                sequence=result["sequence"],
                seal=result["signature"][:16] or "-",
            )
            if result["waiting"]:
                message = " ".join((message, _("%(count)s newer entries wait to be chained.", count=result["waiting"])))
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Audit trail"), "message": message, "type": kind, "sticky": kind == "danger"},
        }

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
    def _kk_hash(previous_hash, row):
        """SHA-256 of the previous entry's hash and this entry's hashed columns (format 2)."""
        values = _canonical_values(row, HASHED_FIELDS)
        payload = json.dumps([HASH_FORMAT, previous_hash, values], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()

    @staticmethod
    def _kk_legacy_hash(previous_hash, row):
        """The hash of format 1, to check a trail of 18.0.1.0.0 before it is re-sealed."""
        values = {name: row.get(name) or False for name in LEGACY_HASHED_FIELDS}
        values["logged_at"] = fields.Datetime.to_string(row["logged_at"])
        payload = json.dumps([previous_hash, [values[name] for name in LEGACY_HASHED_FIELDS]], default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @api.model
    def _kk_append(self, entries):
        """Queue entries (dicts of field values) for this transaction; they are handed to the chain at commit.

        Writing them one statement per partner write would cost more than the write itself. Instead they are
        stamped now (who, when, origin) and written together just before the commit (:meth:`_kk_write_pending`), or
        chained at once when something in the same transaction reads the trail (:meth:`flush_model`). A rolled back
        change leaves no entry.
        """
        if not entries:
            return
        stamp = {"logged_at": fields.Datetime.now(), "user_id": self.env.uid, "origin": self._kk_origin()}
        pending = self.env.cr.precommit.data.setdefault(PENDING, [])
        if not pending:
            # sudo: the trail is written by the module only; the entries describe the caller's own changes
            self.env.cr.precommit.add(self.sudo()._kk_write_pending)
        pending.extend({**stamp, **entry} for entry in entries)

    def _kk_chains_at_commit(self):
        """Whether this transaction chains its own entries before its commit, instead of queueing them.

        While modules load (install, upgrade) nothing runs after the commit with a ready registry, and in test mode
        (tours, HTTP tests) every request shares the test's transaction and nothing is committed: there the entries
        are chained in the transaction that made them, as the trail did before the queue.
        """
        registry = self.env.registry
        return registry.in_test_mode() or not registry.ready

    def _kk_write_pending(self):
        """Precommit: hand this transaction's entries to the chain.

        A serving transaction only queues them (:meth:`_kk_queue`): it takes no lock and waits for nobody, and after
        its commit it chains what is queued (:meth:`_kk_seal_after_commit`); one with :data:`CHAIN_IN_TRANSACTION`
        entries or more chains them itself (:meth:`_kk_chain_own`). Chaining in the transaction itself held
        the chain lock from the precommit through the commit, so every writer waited for the commit of the one
        before: measured in docs/benchmarks.md, it kept concurrent creation at 0.69 of plain Odoo's speed.
        """
        pending = self.env.cr.precommit.data.pop(PENDING, [])
        if not pending:
            return
        if self._kk_chains_at_commit() or len(pending) >= CHAIN_IN_TRANSACTION:
            self._kk_chain_own(pending)
        else:
            self._kk_queue(pending)

    def _kk_queue(self, pending):
        """Write ``pending`` to the queue table in one statement, one signed row per run of entries of the same
        customer (a creation's entries are one row), and arrange the look after the commit.

        The signature is an HMAC with the seals' key over the row's entries as queued: the sealer chains only
        entries it verifies, so a row put in the queue in SQL is never taken into the chain (verification reports
        it). Runs of consecutive entries keep the transaction's order in the chain. The customer link is the
        customer's id if it exists (a customer created and deleted in the same transaction has none); the database
        keeps it up to date until the entries are chained (``ondelete``, merges). One row instead of one per entry:
        the rows, their index entries and the link's checks were the largest part of the database's work for a
        creation under concurrency (docs/benchmarks.md, session 12).
        """
        key = self.env["kundekartotek.audit.seal"]._kk_key()[0]
        runs = []  # [(customer id or None, [entry values, ...]), ...]
        for entry in pending:
            values = dict(zip(QUEUED_FIELDS, _canonical_values(entry, QUEUED_FIELDS), strict=True))
            values["logged_partner"] = entry.get("partner_id") or None
            if runs and runs[-1][0] == values["logged_partner"]:
                runs[-1][1].append(values)
            else:
                runs.append((values["logged_partner"], [values]))
        partners, texts, signatures = [], [], []
        for partner_id, entries in runs:
            text = _queued_text(entries)
            partners.append(partner_id)
            texts.append(text)
            signatures.append(_queued_signature(key, entries, text))
        # One array per column, whatever the number of rows (see _kk_insert_rows).
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (partner_id, entry, signature)"
                " SELECT p.id, v.entry, v.signature FROM unnest(%s::int[], %s::jsonb[], %s::text[])"
                " WITH ORDINALITY AS v(partner, entry, signature, number)"
                " LEFT JOIN res_partner p ON p.id = v.partner ORDER BY v.number",
                SQL.identifier(QUEUE_TABLE),
                partners,
                texts,
                signatures,
            )
        )
        self.env.cr.postcommit.data[QUEUED] = True
        self._kk_seal_later()

    def _kk_seal_later(self, held_lock=False):
        """Look at the queue once this transaction has committed (once per transaction); ``held_lock``: it holds the
        chain lock, so also once it has rolled back (a sealer that tried the lock meanwhile left its entries to it).
        That look is made at once, in this thread: a rollback is rare, and a test's transaction ends with one, after
        which no look of its may run on in a thread of its own.
        """
        cr = self.env.cr
        if not cr.postcommit.data.get(SEAL_AFTER_COMMIT):
            cr.postcommit.data[SEAL_AFTER_COMMIT] = True
            cr.postcommit.add(self._kk_seal_after_commit)
        if held_lock and not cr.postrollback.data.get(SEAL_AFTER_COMMIT):
            cr.postrollback.data[SEAL_AFTER_COMMIT] = True
            cr.postrollback.add(self._kk_seal_passes)

    def _kk_seal_after_commit(self):
        """Postcommit: have what is queued chained, :data:`SEAL_DELAY` seconds from now by a thread of this process
        (:class:`_ProcessSealer`), or at once when the delay is 0 (:meth:`_kk_seal_passes`). Never raises: the
        transaction is committed, its entries are safe in the queue, and a later look or the scheduled job chains
        them."""
        if SEAL_DELAY > 0:
            _process_sealer(self.env.cr.dbname).schedule(self.env.cr.dbname)
        else:
            self._kk_seal_passes()

    def _kk_seal_passes(self):
        """Chain what is queued; never raises.

        In a threaded server the threads of one process take turns: a thread that finds another of this process
        sealing leaves its entries to it (as one that does not get the chain lock leaves them to its holder, see
        :meth:`_kk_seal_queue`), and the sealing thread looks again once it is done. So a busy server seals many
        requests' entries in one pass instead of opening a cursor per request to find the lock taken. A thread
        makes at most :data:`SEAL_ROUNDS` passes; what is left waits for the next look or the scheduled job.
        """
        sealer = _process_sealer(self.env.cr.dbname)
        sealer.pending = True
        for _pass in range(SEAL_ROUNDS):
            if not sealer.pending or not sealer.lock.acquire(blocking=False):
                return
            try:
                sealer.pending = False
                self._kk_seal_queue()
            except Exception:  # noqa: BLE001 - after the commit; the entries wait in the queue
                _logger.warning(
                    "The audit trail could not chain its queued entries now; the next commit or the scheduled job "
                    "will.",
                    exc_info=True,
                )
                return
            finally:
                sealer.lock.release()

    @api.model
    def _cron_kk_seal_audit(self):
        """Scheduled job: chain what is queued and was left there (a server stopped between a commit and the
        look after it, or a sealer that gave up)."""
        return self._kk_seal_queue()

    @api.model
    def _kk_seal_queue(self, rounds=SEAL_ROUNDS):
        """Chain the committed entries of the queue, in a cursor of its own; return how many were chained.

        The cursor reads at READ COMMITTED, so that each statement sees what is committed when it runs: after the
        lock is granted, the head and the queue as the previous sealer left them. An empty queue costs one
        statement and no lock. The lock is only *tried*: a sealer that does not get it leaves, because the one
        holding it looks at the queue again after its own commit, without the lock (so it sees every entry
        committed before the other's try), and chains what it finds. A sealer holding the lock chains at most
        :data:`SEAL_BATCH` entries per transaction and looks again at most ``rounds`` times; what it leaves is
        chained by the next commit or the scheduled job.
        """
        chained = 0
        with self.env.registry.cursor() as cr:
            # A new cursor sets REPEATABLE READ again on the pooled connection.
            cr._cnx.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            Log = api.Environment(cr, SUPERUSER_ID, {})[self._name]
            for _round in range(rounds):
                # One statement: is anything queued, and if so, is the chain free (the lock is taken only then).
                cr.execute(
                    SQL(
                        "SELECT pg_try_advisory_xact_lock(%s) WHERE EXISTS (%s)",
                        CHAIN_LOCK,
                        _waiting_rows(),
                    )
                )
                row = cr.fetchone()
                if not row or not row[0]:
                    break
                chained += Log._kk_chain_queue()
                # The sealer's own cursor, never a request's: each round's chaining is committed (and the lock
                # released) before it looks again.
                cr.commit()  # pylint: disable=invalid-commit
        return chained

    def _kk_chain_queue(self):
        """Chain the oldest committed entries of the queue at the head. The caller holds the lock, at READ COMMITTED
        (see :meth:`_kk_seal_queue`). Entries whose signature does not verify are marked rejected and stay where
        verification finds them."""
        cr = self.env.cr
        Seal = self.env["kundekartotek.audit.seal"]
        # The head and the oldest queued entries in one statement (every round trip is made under the lock).
        cr.execute(
            SQL(
                """SELECT head.sequence, head.entry_hash, head.signature,
                          (SELECT json_agg(json_build_array(q.id, q.partner_id, q.entry, q.signature) ORDER BY q.id)
                             FROM (%s) AS q)
                     FROM (SELECT) AS one
                LEFT JOIN (%s) AS head ON TRUE""",
                _waiting_rows(SEAL_BATCH),
                Seal._kk_head_query(),
            )
        )
        *head, rows = cr.fetchone()
        if not head[0]:
            head = (0, GENESIS, "")
            if self._kk_reseal():
                head = Seal._kk_read_head(cr)
        entries, taken, rejected = self._kk_queued_entries(rows or [])
        if rejected:
            cr.execute(SQL("UPDATE %s SET rejected = TRUE WHERE id = ANY(%s)", SQL.identifier(QUEUE_TABLE), rejected))
            _logger.warning("The audit trail's queue holds %s entries it did not write: not chained.", len(rejected))
        if entries:
            # A queue row's customer link is kept current by the database (deleted: empty; merged: moved).
            existing = {entry["partner_id"] for entry in entries if entry["partner_id"]}
            self._kk_chain(entries, tuple(head), existing=existing, taken=taken)
        return len(entries)

    def _kk_queued_entries(self, rows):
        """The entries of queue rows ``(id, partner_id, entry, signature)`` whose signature verifies, in order, with
        their row's current customer link; the ids taken; the ids rejected.

        A row's ``entry`` is the list of its entries (one row per run of entries of a customer), or one entry (rows
        queued before 18.0.1.2.0); the signature covers it as a whole."""
        key = self.env["kundekartotek.audit.seal"]._kk_key()[0]
        entries, taken, rejected = [], [], []
        for queue_id, partner_id, entry, signature in rows:
            if not hmac.compare_digest(_queued_signature(key, entry), signature or ""):
                rejected.append(queue_id)
                continue
            for item in entry if isinstance(entry, list) else [entry]:
                entries.append({**item, "partner_id": partner_id})
            taken.append(queue_id)
        return entries, taken, rejected

    def _kk_chain_own(self, pending=()):
        """Chain, in this transaction, the entries it made: those still pending and those it already queued.

        The chain lock is then held until this transaction ends. Odoo's transactions run at REPEATABLE READ: a
        transaction that waited for the lock does not see, in its own snapshot, what the transaction it waited for
        has just committed. The head is therefore read as committed now (:meth:`kundekartotek.audit.seal._kk_head`);
        the unique place (``sequence``) of every entry and seal makes the database refuse a second entry at the
        same place, so a fork is an error, never silent.
        """
        queued = self.env.cr.postcommit.data.pop(QUEUED, False)
        if not pending and not queued:
            return
        Seal = self.env["kundekartotek.audit.seal"]
        partner_ids = sorted({entry["partner_id"] for entry in pending if entry.get("partner_id")})
        fresh_cr = Seal._kk_fresh_cursor()
        try:
            self._kk_chain_pending(list(pending), partner_ids, fresh_cr, queued)
        finally:
            Seal._kk_close_fresh_cursor(fresh_cr)
        if not self._kk_chains_at_commit():
            # Entries others queued while this transaction held the lock are chained when it ends.
            self._kk_seal_later(held_lock=True)

    def _kk_chain_pending(self, pending, partner_ids, fresh_cr, queued=False):
        """Take the chain lock, find the head and chain onto it this transaction's queued entries (``queued``: it
        queued some), then ``pending`` (see :meth:`_kk_chain_own`)."""
        Seal = self.env["kundekartotek.audit.seal"]
        # One statement takes the lock, reads the head as this transaction sees it, which of the customers the
        # entries name still exist, whether the last writer of the chain committed before this transaction's
        # snapshot (then that head is the head, and no second transaction is needed to read it: the lock is held
        # from here to the commit, so every round trip here delays every other writer), and the entries this
        # transaction queued. The lock is taken in the materialised CTE, before the row is produced.
        own = SQL("NULL::json")
        if queued:
            own = SQL(
                "(SELECT json_agg(json_build_array(q.id, q.partner_id, q.entry, q.signature) ORDER BY q.id)"
                " FROM %s q WHERE q.txid = txid_current())",
                SQL.identifier(QUEUE_TABLE),
            )
        self.env.cr.execute(
            SQL(
                """WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(%s))
                   SELECT head.sequence, head.entry_hash, head.signature,
                          ARRAY(SELECT id FROM res_partner WHERE id = ANY(%s)),
                          COALESCE(txid_visible_in_snapshot(pg_sequence_last_value(to_regclass(%s)),
                                                            txid_current_snapshot()), FALSE),
                          %s
                     FROM locked
                LEFT JOIN (%s) AS head ON TRUE""",
                CHAIN_LOCK,
                partner_ids,
                WRITER_SEQUENCE,
                own,
                Seal._kk_head_query(),
            )
        )
        *head, existing, current, own_rows = self.env.cr.fetchone()
        head = Seal._kk_head(head if head[0] else None, current=current, fresh_cr=fresh_cr)
        if not head[0] and self._kk_reseal():
            head = Seal._kk_head()
        queued_entries, taken, _rejected = self._kk_queued_entries(own_rows or [])
        existing = set(existing) | {entry["partner_id"] for entry in queued_entries if entry["partner_id"]}
        if queued_entries or pending:  # what it queued may have been rolled back with a savepoint
            self._kk_chain(queued_entries + pending, head, existing=existing, taken=taken)

    def _kk_lock_chain(self):
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", CHAIN_LOCK))

    def _kk_chain(self, entries, head, existing=None, taken=()):
        """Insert ``entries`` after ``head`` (sequence, hash, signature), seal the last. The caller holds the lock.

        ``existing``: the ids of the customers named by the entries that still exist, when the caller knows them.
        An entry that carries ``logged_partner`` (a queued one) keeps it; the others log their customer if it
        exists. ``taken``: the ids of the queue rows these entries came from, removed in the same statement.
        """
        sequence, previous, signature = head
        cr = self.env.cr
        # A partner created and deleted in this same transaction keeps its entries, without the link.
        partner_ids = tuple({entry["partner_id"] for entry in entries if entry.get("partner_id")})
        if existing is None:
            existing = set()
            if partner_ids:
                cr.execute(SQL("SELECT id FROM res_partner WHERE id IN %s", partner_ids))
                existing = {partner_id for (partner_id,) in cr.fetchall()}
        rows = []
        for entry in entries:
            sequence += 1
            values = {name: entry.get(name) or None for name in COLUMNS}
            values["sequence"] = sequence
            if values["partner_id"] not in existing:
                values["partner_id"] = None
            if "logged_partner" not in entry:
                values["logged_partner"] = values["partner_id"]
            values["previous_hash"] = previous
            values["entry_hash"] = previous = self._kk_hash(previous, values)
            rows.append(values)
        # Plain SQL: the rows are final and the ORM's per-record work would dominate the cost (bench/). The seal
        # goes in the same statement as the last rows.
        # The same statement records this transaction as the chain's last writer (see _kk_chain_own), and removes
        # the queue rows the entries came from.
        Seal = self.env["kundekartotek.audit.seal"]
        seal, _signature = Seal._kk_seal_insert(sequence, previous, signature)
        writer = SQL(
            "SELECT setval(writer, txid_current()) FROM to_regclass(%s) AS writer WHERE writer IS NOT NULL",
            WRITER_SEQUENCE,
        )
        steps = [SQL("seal AS (%s)", seal)]
        if taken:
            steps.append(SQL("taken AS (DELETE FROM %s WHERE id = ANY(%s))", SQL.identifier(QUEUE_TABLE), list(taken)))
        for start in range(0, len(rows), 1000):
            insert = self._kk_insert_rows(rows[start : start + 1000])
            if start + 1000 >= len(rows):
                insert = SQL("WITH entries AS (%s), %s %s", insert, SQL(", ").join(steps), writer)
            cr.execute(insert)
        if not rows:
            cr.execute(SQL("WITH %s %s", SQL(", ").join(steps), writer))
        Seal.invalidate_model()
        self.invalidate_model()

    def _kk_insert_rows(self, rows):
        """The statement inserting ``rows`` (dicts of :data:`COLUMNS`): one array per column, whatever the number of
        rows (a statement of one placeholder per value costs more to build than the insert costs to run)."""
        return SQL(
            "INSERT INTO kundekartotek_audit_log (%s) SELECT * FROM unnest(%s)",
            SQL(", ").join(SQL.identifier(name) for name in COLUMNS),
            SQL(", ").join(
                SQL("%s::%s[]", [row[name] for row in rows], SQL(self._fields[name].column_type[1])) for name in COLUMNS
            ),
        )

    def init(self):
        res = super().init()
        self.env.cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s MINVALUE 0 START 0", SQL.identifier(WRITER_SEQUENCE)))
        self.env.cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %s (
                       id bigserial PRIMARY KEY,
                       txid bigint NOT NULL DEFAULT txid_current(),
                       partner_id integer REFERENCES res_partner(id) ON DELETE SET NULL,
                       entry jsonb NOT NULL,
                       signature varchar NOT NULL,
                       rejected boolean NOT NULL DEFAULT FALSE
                   )""",
                SQL.identifier(QUEUE_TABLE),
            )
        )
        # Every row is deleted moments after it is written: the table holds mostly dead rows until a vacuum (measured:
        # 480 pages after 800 customers by 8 clients, 2 ms for a scan that finds nothing). The sealer reads the
        # waiting rows through their own index only (WAITING), and autovacuum is asked to come after 1 000
        # deletions, not after a fifth of the table.
        for name, definition in (
            ("txid_idx", SQL("(txid)")),
            ("partner_idx", SQL("(partner_id)")),
            ("waiting_idx", SQL("(id) WHERE NOT rejected")),
        ):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s %s",
                    SQL.identifier(f"{QUEUE_TABLE}_{name}"),
                    SQL.identifier(QUEUE_TABLE),
                    definition,
                )
            )
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)",
                SQL.identifier(QUEUE_TABLE),
            )
        )
        return res

    def flush_model(self, fnames=None):
        """Before anything reads the trail, chain what this transaction made, so that it reads complete."""
        cr = self.env.cr
        if cr.precommit.data.get(PENDING) or cr.postcommit.data.get(QUEUED):
            # sudo: chains the entries this transaction made (the caller's own changes), nothing the caller names
            self.sudo()._kk_chain_own(cr.precommit.data.pop(PENDING, []))
        return super().flush_model(fnames)

    def _kk_reseal(self):
        """Bring a trail of format 1 (18.0.1.0.0) into the current format, once, and record that in the trail.

        Format 1 chained the entries in id order, without a place, and its hash left out the customer, the name and
        the field label. The entries are first checked in format 1 and what was found is written in the re-seal
        entry, so re-sealing never hides an earlier change; then each gets its place (id order, the order it was
        chained in), its hash in the current format and the chain a seal. Nothing happens once the chain has a
        place or a seal: from then on a row without a place was not written by the chain, and verification reports
        it instead of taking it in. Returns whether anything was re-sealed.
        """
        cr = self.env.cr
        self._kk_lock_chain()
        cr.execute(
            SQL(
                "SELECT EXISTS (SELECT 1 FROM kundekartotek_audit_log WHERE sequence IS NOT NULL)"
                " OR EXISTS (SELECT 1 FROM kundekartotek_audit_seal)"
            )
        )
        if cr.fetchone()[0]:
            return False
        columns = SQL(", ").join(SQL.identifier(name) for name in ("id", *LEGACY_HASHED_FIELDS, *COLUMNS[-3:]))
        legacy_previous, legacy_broken, count = GENESIS, None, 0
        sequence, previous, last_id = 0, GENESIS, 0
        while True:
            cr.execute(
                SQL(
                    "SELECT %s, record_name, field_label FROM kundekartotek_audit_log"
                    " WHERE sequence IS NULL AND id > %s ORDER BY id LIMIT 5000",
                    columns,
                    last_id,
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            updates = []
            for row in rows:
                if legacy_broken is None and (
                    row["previous_hash"] != legacy_previous
                    or row["entry_hash"] != self._kk_legacy_hash(legacy_previous, row)
                ):
                    legacy_broken = row["id"]
                legacy_previous = row["entry_hash"]
                sequence += 1
                row.update(sequence=sequence, logged_partner=row["partner_id"])
                entry_hash = self._kk_hash(previous, row)
                updates.append(
                    SQL("(%s, %s, %s, %s, %s)", row["id"], sequence, row["partner_id"], previous, entry_hash)
                )
                previous = entry_hash
            count += len(rows)
            last_id = rows[-1]["id"]
            cr.execute(
                SQL(
                    "UPDATE kundekartotek_audit_log AS log SET sequence = v.sequence, logged_partner = v.partner,"
                    " previous_hash = v.previous, entry_hash = v.hash"
                    " FROM (VALUES %s) AS v(id, sequence, partner, previous, hash) WHERE log.id = v.id",
                    SQL(", ").join(updates),
                )
            )
        if not count:
            return False
        cr.execute(
            SQL(
                "SELECT count(*) FROM (SELECT previous_hash FROM kundekartotek_audit_log"
                " WHERE id <= %s GROUP BY previous_hash HAVING count(*) > 1) AS forks",
                last_id,
            )
        )
        forks = cr.fetchone()[0]
        if legacy_broken is None and not forks:
            found = _("Format 1: %(count)s entries, chain intact.", count=count)
        else:
            found = _(
                "Format 1: %(count)s entries; first entry not matching its hash: %(entry)s; "
                "predecessors shared by more than one entry: %(forks)s.",
                count=count,
                entry=legacy_broken or "-",
                forks=forks,
            )
        signature = self.env["kundekartotek.audit.seal"]._kk_seal(sequence, previous, "")
        stamp = {"logged_at": fields.Datetime.now(), "user_id": self.env.uid, "origin": self._kk_origin()}
        entry = {
            **stamp,
            "res_model": self._name,
            "record_name": _("Audit trail"),
            "action": "reseal",
            "old_value": found,
            "new_value": _(
                "Format %(format)s: %(count)s entries re-sealed in id order.", format=HASH_FORMAT, count=count
            ),
        }
        self._kk_chain([entry], (sequence, previous, signature))
        return True

    def _kk_verify(self, batch_size=5000):
        """Walk the whole chain in its order; return what holds and what does not.

        Each entry is checked on its own (its place follows the one before, its previous hash is that entry's hash,
        its own hash matches its columns, its customer link matches the hashed customer id), so one change is
        reported where it is and does not hide the next. Seals are checked alongside: signed with the key, each
        naming the one before, each matching the entry it sealed; the newest seal must name the newest entry.
        Returns a dict: ``count`` entries verified, the head's ``sequence`` and ``signature``, ``findings`` (dicts
        with a ``kind``, at most :data:`MAX_FINDINGS`) and the number of ``problems`` in all.
        """
        self.flush_model()
        cr = self.env.cr
        state = {
            "count": 0,
            "sequence": 0,
            "hash": GENESIS,
            "seal_sequence": 0,
            "signature": "",
            "findings": [],
            "problems": 0,
        }
        state["key"], state["key_id"] = self.env["kundekartotek.audit.seal"]._kk_key()
        self._kk_verify_outside(state)
        self._kk_verify_queue(state)
        # Merging customers moves the link of the merged customer's entries to the one that remains (core's merge
        # updates every foreign key). The chain's own merge entries, hashed like the rest, say which moved where.
        cr.execute(
            SQL(
                "SELECT res_id, logged_partner FROM kundekartotek_audit_log WHERE action = 'merge'"
                " AND res_model = 'res.partner' AND sequence IS NOT NULL AND res_id <> logged_partner"
            )
        )
        state["merged"] = dict(cr.fetchall())
        columns = SQL(", ").join(SQL.identifier(name) for name in ("id", *COLUMNS))
        while True:
            cr.execute(
                SQL(
                    "SELECT %s FROM kundekartotek_audit_log WHERE sequence > %s ORDER BY sequence LIMIT %s",
                    columns,
                    state["sequence"],
                    batch_size,
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            hashes = self._kk_verify_entries(rows, state)
            self._kk_verify_seals(hashes, state)
        cr.execute(SQL("SELECT max(sequence) FROM kundekartotek_audit_seal"))
        sealed = cr.fetchone()[0] or 0
        if sealed > state["sequence"]:
            self._kk_found(state, "tail", last=state["sequence"], sealed=sealed)
        elif state["seal_sequence"] < state["sequence"]:
            self._kk_found(state, "unsealed", first=state["seal_sequence"] + 1, last=state["sequence"])
        return {name: state[name] for name in ("count", "sequence", "signature", "waiting", "findings", "problems")}

    @staticmethod
    def _kk_found(state, kind, **values):
        state["problems"] += 1
        if len(state["findings"]) < MAX_FINDINGS:
            state["findings"].append({"kind": kind, **values})

    def _kk_verify_outside(self, state):
        """Rows without a place (not written by the chain, which gives every row its place) and forks."""
        cr = self.env.cr
        cr.execute(SQL("SELECT id FROM kundekartotek_audit_log WHERE sequence IS NULL ORDER BY id"))
        outside = [entry_id for (entry_id,) in cr.fetchall()]
        if outside:
            self._kk_found(state, "outside", ids=outside[:10], count=len(outside))
        cr.execute(
            SQL(
                "SELECT array_agg(sequence ORDER BY sequence) FROM kundekartotek_audit_log WHERE sequence IS NOT NULL"
                " GROUP BY previous_hash HAVING count(*) > 1 ORDER BY min(sequence) LIMIT %s",
                MAX_FINDINGS,
            )
        )
        for (sequences,) in cr.fetchall():
            self._kk_found(state, "fork", sequences=sequences)

    def _kk_verify_queue(self, state):
        """Entries committed and waiting in the queue to be chained (counted, not a problem: the step after each
        commit chains them), and queue rows the trail did not write (their signature does not verify)."""
        self.env.cr.execute(
            SQL("SELECT id, partner_id, entry, signature FROM %s ORDER BY id", SQL.identifier(QUEUE_TABLE))
        )
        entries, _taken, rejected = self._kk_queued_entries(self.env.cr.fetchall())
        state["waiting"] = len(entries)
        if rejected:
            self._kk_found(state, "queue_forged", count=len(rejected))

    @staticmethod
    def _kk_merged_into(partner_id, merged):
        """The customer that ``partner_id`` lives on in after the merges recorded in the chain (itself if none)."""
        for _step in range(len(merged)):
            if partner_id not in merged:
                break
            partner_id = merged[partner_id]
        return partner_id

    def _kk_verify_entries(self, rows, state):
        """Check a batch of entries in chain order; return their hashes by place, for the seals."""
        expected = {row["id"]: self._kk_merged_into(row["logged_partner"], state["merged"]) for row in rows}
        deleted = {expected[row["id"]] for row in rows if expected[row["id"]] and not row["partner_id"]}
        if deleted:
            self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE id IN %s", tuple(deleted)))
            deleted -= {partner_id for (partner_id,) in self.env.cr.fetchall()}
        hashes = {}
        for row in rows:
            sequence, last = row["sequence"], state["sequence"]
            if sequence != last + 1:
                self._kk_found(state, "gap", first=last + 1, last=sequence - 1)
            if row["previous_hash"] != state["hash"]:
                self._kk_found(state, "link", sequence=sequence, previous=last)
            if row["entry_hash"] != self._kk_hash(row["previous_hash"], row):
                self._kk_found(state, "edited", sequence=sequence, date=row["logged_at"])
            partner, logged = row["partner_id"], expected[row["id"]]
            # The database empties the link when the customer is deleted; any other difference is a change.
            if (partner and partner != logged) or (not partner and logged and logged not in deleted):
                self._kk_found(state, "partner", sequence=sequence)
            hashes[sequence] = row["entry_hash"]
            state.update(sequence=sequence, hash=row["entry_hash"], count=state["count"] + 1)
        return hashes

    def _kk_verify_seals(self, hashes, state):
        """Check the seals up to the last entry checked (``hashes``: that batch's entry hashes by place)."""
        Seal = self.env["kundekartotek.audit.seal"]
        self.env.cr.execute(
            SQL(
                "SELECT sequence, entry_hash, sealed_at, key_id, previous_signature, signature"
                " FROM kundekartotek_audit_seal WHERE sequence > %s AND sequence <= %s ORDER BY sequence",
                state["seal_sequence"],
                state["sequence"],
            )
        )
        for seal in self.env.cr.dictfetchall():
            sequence = seal["sequence"]
            if (seal["previous_signature"] or "") != state["signature"]:
                self._kk_found(state, "seal_missing", sequence=sequence, previous=state["seal_sequence"])
            if seal["key_id"] != state["key_id"]:
                self._kk_found(state, "seal_key", sequence=sequence)
            elif seal["signature"] != Seal._kk_signature(state["key"], seal):
                self._kk_found(state, "seal_forged", sequence=sequence)
            if sequence in hashes and hashes[sequence] != seal["entry_hash"]:
                self._kk_found(state, "seal_hash", sequence=sequence)
            state.update(seal_sequence=sequence, signature=seal["signature"])

    @api.model
    def _kk_finding_message(self, finding):
        """One sentence for a finding of :meth:`_kk_verify`, for the notification."""
        kind = finding["kind"]
        if kind == "outside":
            return _(
                "%(count)s entries have no place in the chain (ids %(ids)s): they were not written by the trail.",
                count=finding["count"],
                ids=", ".join(map(str, finding["ids"])),
            )
        if kind == "queue_forged":
            return _(
                "%(count)s entries waiting to be chained were not written by the trail: their signature does not "
                "match.",
                **finding,
            )
        if kind == "fork":
            return _(
                "Entries %(entries)s follow the same entry: the chain forks there.",
                entries=", ".join(map(str, finding["sequences"])),
            )
        if kind == "gap" and finding["first"] == finding["last"]:
            return _("Entry %(first)s is missing: deleted.", **finding)
        if kind == "gap":
            return _("Entries %(first)s to %(last)s are missing: deleted.", **finding)
        if kind == "link":
            return _("Entry %(sequence)s does not follow entry %(previous)s: its previous hash differs.", **finding)
        if kind == "edited":
            return _("Entry %(sequence)s of %(date)s was changed after it was written.", **finding)
        if kind == "partner":
            return _("Entry %(sequence)s: its customer was changed after it was written.", **finding)
        if kind == "seal_missing":
            return _("The seals between entries %(previous)s and %(sequence)s were deleted.", **finding)
        if kind == "seal_key":
            return _("The seal of entry %(sequence)s was made with another key.", **finding)
        if kind == "seal_forged":
            return _("The seal of entry %(sequence)s is not genuine.", **finding)
        if kind == "seal_hash":
            return _("Entry %(sequence)s is not the entry that was sealed: the chain was rewritten.", **finding)
        if kind == "tail":
            return _(
                "The chain ends at entry %(last)s but was sealed up to entry %(sealed)s: the newest entries were "
                "deleted.",
                **finding,
            )
        return _(
            "Entries %(first)s to %(last)s were added after the last seal: not written by the trail.",
            **finding,
        )
