# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import hashlib
import hmac
import json

from odoo import api, fields, models
from odoo.tools import SQL, config

from .kundekartotek_audit_log import GENESIS

# Server configuration option (odoo.conf, [options]) holding the key that signs the seals. Without it the database's
# own secret (ir.config_parameter database.secret) is used: see docs/security.md for what each protects against.
KEY_OPTION = "kundekartotek_audit_key"


@functools.lru_cache(maxsize=8)
def _fingerprint(key):
    """The fingerprint of a signing key, kept per key (every commit that writes the trail asks)."""
    return hmac.new(key, b"kundekartotek.audit.seal", hashlib.sha256).hexdigest()[:16]


class KundekartotekAuditSeal(models.Model):
    """The signed head of the audit chain, one row per transaction that extended it.

    The newest row is the chain's head: the place (``sequence``) and hash of its newest entry. Each row is signed
    with an HMAC over that place, that hash, the time and the previous row's signature, with a key from the server
    configuration, so rows cannot be made or changed in the database without the key, and the seals are a chain of
    their own. Deleting the newest entries, or adding entries in SQL, leaves entries and seals disagreeing.
    """

    _name = "kundekartotek.audit.seal"
    _inherit = ["kundekartotek.append.only"]
    _description = "Audit Trail Seal"
    _order = "sequence desc"
    _log_access = False  # sealed_at is signed, set once

    sequence = fields.Integer(string="Sealed entry", readonly=True, required=True)
    entry_hash = fields.Char(readonly=True, required=True)
    sealed_at = fields.Datetime(readonly=True, required=True)
    key_id = fields.Char(string="Key", readonly=True, help="Fingerprint of the key the seal was signed with.")
    previous_signature = fields.Char(readonly=True)
    signature = fields.Char(readonly=True, required=True)

    _sql_constraints = [
        ("sequence_uniq", "unique(sequence)", "The chain can be sealed only once at each entry."),
    ]

    @api.model
    def _kk_key(self):
        """The signing key and its fingerprint: the server option if set, else the database secret."""
        # sudo: the signing key is a system parameter; it is used, never returned
        key = config.get(KEY_OPTION) or self.env["ir.config_parameter"].sudo().get_param("database.secret") or ""
        key = str(key).encode()
        return key, _fingerprint(key)

    @staticmethod
    def _kk_signature(key, seal):
        payload = json.dumps(
            [
                seal["sequence"],
                seal["entry_hash"],
                fields.Datetime.to_string(seal["sealed_at"]),
                seal["previous_signature"] or "",
            ],
            separators=(",", ":"),
        )
        return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()

    @api.model
    def _kk_head_query(self):
        """The newest seal: the chain's head (sequence, hash, signature)."""
        return SQL(
            "SELECT sequence, entry_hash, signature FROM kundekartotek_audit_seal ORDER BY sequence DESC LIMIT 1"
        )

    @api.model
    def _kk_read_head(self, cr):
        cr.execute(self._kk_head_query())
        return cr.fetchone() or (0, GENESIS, "")

    @api.model
    def _kk_fresh_cursor(self):
        """A cursor that reads what is committed now, one statement at a time, or ``None`` where the chain's own
        transaction sees everything there is (see :meth:`_kk_head`).

        Opened before the chain lock is taken: taking a connection from the pool resets it (two round trips), and
        every round trip made while the lock is held delays every other writer. In autocommit, the read is a
        single statement, with no transaction to begin or end.
        """
        if self.env.registry.in_test_mode() or not self.env.registry.ready:
            return None
        cr = self.env.registry.cursor()
        cr._cnx.autocommit = True
        return cr

    @api.model
    def _kk_close_fresh_cursor(self, cr):
        if cr is not None:
            # Back to a transaction before the connection returns to the pool (a new cursor sets it again anyway).
            cr._cnx.autocommit = False
            cr.close()

    @api.model
    def _kk_head(self, own=None, current=False, fresh_cr=None):
        """The chain's head (sequence, hash, signature) as it is now, for a caller holding the chain lock.

        Read twice: in this transaction, which sees what it wrote itself (``own``, when the caller read it already
        with its lock), and in a new transaction, which sees what others committed after this one's snapshot was
        taken (REPEATABLE READ: a transaction that waited for the lock would otherwise build on the head it saw
        when it started, and fork the chain). While the lock is held nobody else extends the chain, so whichever
        read is further along is the head. In test mode every request shares the test's transaction, which then
        sees everything; while modules load (install, upgrade) the table may not even exist outside this
        transaction, and the unique places still refuse a fork. ``current``: the caller knows that the chain's last
        writer committed before this transaction's snapshot (``kundekartotek.audit.log._kk_write_pending``), so
        its own read is the head and the second one is not needed. ``fresh_cr``: a cursor of
        :meth:`_kk_fresh_cursor` the caller opened before taking the lock.
        """
        own = tuple(own) if own else self._kk_read_head(self.env.cr)
        if current or self.env.registry.in_test_mode() or not self.env.registry.ready:
            return own
        cr = fresh_cr or self._kk_fresh_cursor()
        try:
            fresh = self._kk_read_head(cr)
        finally:
            if fresh_cr is None:
                self._kk_close_fresh_cursor(cr)
        return max(tuple(own), tuple(fresh))

    @api.model
    def _kk_seal_insert(self, sequence, entry_hash, previous_signature):
        """The statement that seals the chain at entry ``sequence``, and the seal's signature. The caller holds the
        chain lock."""
        key, key_id = self._kk_key()
        seal = {
            "sequence": sequence,
            "entry_hash": entry_hash,
            "sealed_at": fields.Datetime.now(),
            "key_id": key_id,
            "previous_signature": previous_signature or None,
        }
        seal["signature"] = self._kk_signature(key, seal)
        names = list(seal)
        insert = SQL(
            "INSERT INTO kundekartotek_audit_seal (%s) VALUES (%s)",
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL(", ").join(SQL("%s", seal[name]) for name in names),
        )
        return insert, seal["signature"]

    @api.model
    def _kk_seal(self, sequence, entry_hash, previous_signature):
        """Seal the chain at entry ``sequence``; return the seal's signature. The caller holds the chain lock."""
        insert, signature = self._kk_seal_insert(sequence, entry_hash, previous_signature)
        self.env.cr.execute(insert)
        self.invalidate_model()
        return signature
