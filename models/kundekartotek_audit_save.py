# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL

# The columns that make entries one save: one person (who, how) wrote one record at one moment (the stamp is taken
# once per write call, to the second). What the trail stores and hashes is untouched: a save is a view over it.
SAVE_KEY = ("logged_at", "user_id", "res_model", "res_id", "action", "origin")


def _key(record):
    """A save's or an entry's key, as plain values."""
    return tuple(value.id if isinstance(value, models.BaseModel) else value for value in (record[n] for n in SAVE_KEY))


class KundekartotekAuditSave(models.Model):
    """The audit trail as a reader wants it: one row per save, with the fields it changed inside.

    A SQL view over ``kundekartotek.audit.log`` grouped by who, when, which record, what and from where. The trail
    itself keeps one hashed entry per field (verification checks each); grouping is a display concern only, so
    nothing about the chain changes. Two saves of the same record by the same person in the same second show as one.
    The view's id is the lowest entry id of the save. Record rules bind it as they bind the entries (the customer's
    company), and the entries inside are read through the entries' own rules.
    """

    _name = "kundekartotek.audit.save"
    _description = "Customer Audit Trail: Saves"
    _auto = False
    _order = "last_sequence desc, id desc"

    logged_at = fields.Datetime(string="When", readonly=True)
    user_id = fields.Many2one("res.users", string="Who", readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Integer(string="Record", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    record_name = fields.Char(string="Name", readonly=True)
    action = fields.Selection(
        lambda self: self.env["kundekartotek.audit.log"]._fields["action"].selection, readonly=True
    )
    origin = fields.Selection(
        lambda self: self.env["kundekartotek.audit.log"]._fields["origin"].selection, readonly=True
    )
    entry_count = fields.Integer(string="Fields", readonly=True)
    first_sequence = fields.Integer(string="From entry", readonly=True)
    last_sequence = fields.Integer(string="To entry", readonly=True)
    summary = fields.Char(string="What", compute="_compute_entries")
    entry_ids = fields.One2many("kundekartotek.audit.log", compute="_compute_entries", string="Changes")

    @property
    def _table_query(self):
        key = SQL(", ").join(SQL.identifier(name) for name in SAVE_KEY)
        return SQL(
            "SELECT MIN(id) AS id, %(key)s, MAX(partner_id) AS partner_id, MAX(record_name) AS record_name, "
            "COUNT(*) AS entry_count, MIN(sequence) AS first_sequence, MAX(sequence) AS last_sequence "
            "FROM kundekartotek_audit_log GROUP BY %(key)s",
            key=key,
            # The trail writes its entries at commit: reading the saves writes what this transaction queued first.
            to_flush=self.env["kundekartotek.audit.log"]._fields["sequence"],
        )

    @api.depends_context("lang")
    def _compute_entries(self):
        """The save's entries, read with the reader's rights; the summary names the fields in the reader's language."""
        Log = self.env["kundekartotek.audit.log"]
        domain = ["|"] * (len(self) - 1)
        for save in self:
            domain += ["&"] * (len(SAVE_KEY) - 1) + list(zip(SAVE_KEY, ["="] * len(SAVE_KEY), _key(save), strict=True))
        by_key = {}
        for entry in Log.search(domain, order="sequence, id") if self else Log:
            by_key[_key(entry)] = by_key.get(_key(entry), Log) | entry
        for save in self:
            found = by_key.get(_key(save), Log)
            save.entry_ids = found
            labels = [label for label in dict.fromkeys(found.mapped("field_display")) if label]
            save.summary = ", ".join(labels) or dict(self._fields["action"]._description_selection(self.env)).get(
                save.action, ""
            )

    def action_verify_chain(self):
        """The trail's own verification (whole chain, whatever is selected)."""
        return self.env["kundekartotek.audit.log"].action_verify_chain()

    def action_kk_open_partner(self):
        """The customer card the save is about."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
