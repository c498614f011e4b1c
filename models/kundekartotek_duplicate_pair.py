# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import itertools
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..lib import duplicates as dup
from .res_partner_duplicates import DUP_COLUMNS, TRIGRAM_OPERATOR

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "kundekartotek.group_manager"
# Trigram similarity of two name keys in one postcode from which the scan scores the pair. A pair without a shared
# exact key needs a name similarity of at least 0.95 to reach LIKELY (name 0.6 + address 0.5); such names share far
# more than 0.4 of their trigrams (the benchmark's recall checks it).
SCAN_TRIGRAM_THRESHOLD = 0.4
# A value (phone, e-mail, name word ...) shared by more partners than this is a switchboard, an accountant's address or
# a common word, not evidence: its group is skipped (pairs of it are still found through the names).
MAX_GROUP = 50
# Partners per batch of the name self-join and of the reads.
BATCH = 5000


class KundekartotekDuplicatePair(models.Model):
    """Two customers that are likely one: found by the scan, reviewed by a manager (merge, or not a duplicate).

    Only likely pairs (score at or above ``lib.duplicates.LIKELY``) are stored. "Not a duplicate" is remembered:
    a rescan never reopens such a pair, whatever the score. ``partner_a_id`` is always the lower id, so a pair is
    stored once (unique constraint).
    """

    _name = "kundekartotek.duplicate.pair"
    _description = "Possible Duplicate Customers"
    _order = "cluster_key, score desc, id"
    _rec_name = "partner_a_id"

    partner_a_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True, readonly=True)
    partner_b_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True, readonly=True)
    partner_a_ref = fields.Char(related="partner_a_id.ref", string="Customer number A")
    partner_b_ref = fields.Char(related="partner_b_id.ref", string="Customer number B")
    score = fields.Float(digits=(3, 4), readonly=True, aggregator="max", help="0 to 1: how likely the two are one.")
    reason_codes = fields.Char(readonly=True, help="Comma-separated reason codes of lib.duplicates (for integrations).")
    reasons = fields.Char(compute="_compute_reasons", help="Why the two look alike.")
    cluster_key = fields.Char(
        readonly=True,
        index=True,
        help="Pairs that share a customer, directly or through other pairs, form a cluster; its key is the lowest "
        "customer id in it.",
    )
    cluster_partner_id = fields.Many2one(
        "res.partner", string="Cluster", readonly=True, ondelete="set null", help="The cluster's first customer."
    )
    state = fields.Selection(
        [("open", "Open"), ("not_duplicate", "Not a duplicate"), ("merged", "Merged")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    _sql_constraints = [
        ("pair_uniq", "UNIQUE (partner_a_id, partner_b_id)", "A pair of customers is listed once."),
        ("pair_order", "CHECK (partner_a_id < partner_b_id)", "The first customer of a pair has the lower id."),
    ]

    @api.depends("reason_codes")
    def _compute_reasons(self):
        partners = self.env["res.partner"]
        for pair in self:
            pair.reasons = partners._kk_reasons_text((pair.reason_codes or "").split(",") if pair.reason_codes else [])

    # ----------------------------------------------------------------------------------------------------------------
    # Actions
    # ----------------------------------------------------------------------------------------------------------------

    def action_scan(self):
        """Scan the whole register for likely duplicates and refresh the pairs (managers; safe over RPC).

        The records it is called on do not matter (the list's header button passes the selection, XML-RPC
        ``[[]]``): the scan always covers the whole register. Returns a client notification with the counts; over
        XML-RPC read the pairs afterwards with ``search_read`` (docs/api.md).
        """
        self._kk_check_manager()
        # sudo: the scan compares every customer; the caller was checked a manager by _kk_check_manager
        stats = self.sudo()._kk_scan()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Duplicate scan"),
                "message": _(
                    "%(pairs)s likely duplicate pairs (%(new)s new) in %(clusters)s clusters.",
                    pairs=stats["pairs"],
                    new=stats["new"],
                    clusters=stats["clusters"],
                ),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_not_duplicate(self):
        """Mark the pairs as not duplicates: remembered, a rescan never reopens them."""
        self._kk_check_manager()
        # sudo: pairs are written by the module only; manager and read right on these pairs checked by _kk_check_manager
        self.filtered(lambda pair: pair.state == "open").sudo().write({"state": "not_duplicate"})
        # sudo: recomputes the cluster keys of the pairs checked above
        self.sudo()._kk_update_clusters()
        return True

    def action_reopen(self):
        """Undo "not a duplicate": the pair is open again (and the next scan scores it again)."""
        self._kk_check_manager()
        # sudo: pairs are written by the module only; manager and read right on these pairs checked by _kk_check_manager
        self.filtered(lambda pair: pair.state == "not_duplicate").sudo().write({"state": "open"})
        # sudo: recomputes the cluster keys of the pairs checked above
        self.sudo()._kk_update_clusters()
        return True

    def action_merge(self):
        """Open Odoo's merge wizard on the two customers of the pair."""
        self.ensure_one()
        return self._kk_merge_action(self.partner_a_id | self.partner_b_id)

    def action_merge_cluster(self):
        """Open the merge wizard on every customer of the pair's cluster (open pairs only)."""
        self.ensure_one()
        pairs = (
            self.search([("cluster_key", "=", self.cluster_key), ("state", "=", "open")]) if self.cluster_key else self
        )
        return self._kk_merge_action(pairs.partner_a_id | pairs.partner_b_id | self.partner_a_id | self.partner_b_id)

    # ----------------------------------------------------------------------------------------------------------------
    # Business methods
    # ----------------------------------------------------------------------------------------------------------------

    @api.model
    def _cron_kk_scan(self):
        """Weekly scan (ir_cron_kk_duplicate_scan)."""
        # sudo: the weekly cron compares every customer
        self.sudo()._kk_scan()

    @api.model
    def _kk_check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only register managers may scan for duplicates or review them."))
        # The pairs the caller named must be theirs to read (company rule): the actions then write as superuser.
        self.check_access("read")

    def _kk_merge_action(self, partners):
        partners = partners.exists().filtered("active")
        if len(partners) < 2:
            raise UserError(_("Fewer than two of these customers are left: there is nothing to merge."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge customers"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "active_id": partners[:1].id,
            },
        }

    @api.model
    def _kk_scan(self, trigram=None):
        """Find every likely pair of the register, then upsert the pairs and recompute the clusters.

        Candidates come from PostgreSQL (groups of equal exact keys; names by trigram similarity, or by a shared
        name word without pg_trgm), so the Python scoring only sees pairs that share something; each is scored by
        ``lib.duplicates``. Runs as superuser (``action_scan`` checks the caller): it compares all companies' customers,
        each with those of its own company and shared ones.
        """
        started = time.perf_counter()
        partners = self.env["res.partner"]
        partners.flush_model(DUP_COLUMNS)
        self.env["res.partner.bank"].flush_model(["partner_id", "sanitized_acc_number", "active"])
        self.flush_model()
        if trigram is None:
            trigram = partners._kk_has_trigram()
        candidates = self._kk_exact_candidates()
        exact_seconds = time.perf_counter() - started
        candidates |= self._kk_name_candidates(trigram)
        candidate_seconds = time.perf_counter() - started
        ids = sorted({pid for pair in candidates for pid in pair})
        keys = {}
        for start in range(0, len(ids), BATCH):
            for row in partners._kk_dup_partner_dicts(ids[start : start + BATCH]):
                keys[row["id"]] = row
        companies = self._kk_companies(ids)
        likely = {}
        for a, b in candidates:
            if a not in keys or b not in keys:
                continue
            if companies.get(a) and companies.get(b) and companies[a] != companies[b]:
                continue
            score, reasons = dup.score_pair(keys[a], keys[b])
            if dup.is_likely(score):
                likely[(a, b)] = (score, reasons, companies.get(a) or companies.get(b))
        scored_seconds = time.perf_counter() - started
        stats = self._kk_store(likely)
        stats["clusters"] = self._kk_update_clusters()
        _logger.info(
            "kundekartotek: duplicate scan: %s candidates, %s likely pairs, %.1f s (exact keys %.1f s, names %.1f s,"
            " scoring %.1f s, storing %.1f s)",
            len(candidates),
            len(likely),
            time.perf_counter() - started,
            exact_seconds,
            candidate_seconds - exact_seconds,
            scored_seconds - candidate_seconds,
            time.perf_counter() - scored_seconds - started,
        )
        return stats

    @api.model
    def _kk_scope(self, alias):
        return SQL("%(p)s.active AND %(p)s.parent_id IS NULL", p=SQL.identifier(alias))

    @api.model
    def _kk_pairs_of_groups(self, query):
        """Every pair within each group of ids the query returns (one array per row, groups of 2 to MAX_GROUP)."""
        self.env.cr.execute(query)
        pairs = set()
        for (members,) in self.env.cr.fetchall():
            pairs.update(itertools.combinations(sorted(set(members)), 2))
        return pairs

    @api.model
    def _kk_exact_candidates(self):
        """Pairs sharing an organisation number, fødselsnummer, VAT number, e-mail, phone or bank account."""
        scope = self._kk_scope("p")
        keyed = [
            SQL("SELECT p.id, p.company_registry AS k FROM res_partner p WHERE p.company_registry <> '' AND %s", scope),
            SQL("SELECT p.id, p.fodselsnummer AS k FROM res_partner p WHERE p.fodselsnummer <> '' AND %s", scope),
            SQL("SELECT p.id, p.vat AS k FROM res_partner p WHERE p.vat <> '' AND %s", scope),
            SQL("SELECT p.id, p.kk_dup_email AS k FROM res_partner p WHERE p.kk_dup_email <> '' AND %s", scope),
            SQL(
                "SELECT p.id, ph.k FROM res_partner p, LATERAL (VALUES (p.kk_dup_phone), (p.kk_dup_mobile)) ph(k)"
                " WHERE ph.k <> '' AND %s",
                scope,
            ),
            SQL(
                "SELECT p.id, b.sanitized_acc_number AS k FROM res_partner p JOIN res_partner_bank b"
                " ON b.partner_id = p.id WHERE b.sanitized_acc_number <> '' AND %s",
                scope,
            ),
        ]
        pairs = set()
        for query in keyed:
            pairs |= self._kk_pairs_of_groups(
                SQL(
                    "SELECT array_agg(id) FROM (%s) AS keyed GROUP BY k HAVING count(*) BETWEEN 2 AND %s",
                    query,
                    MAX_GROUP,
                )
            )
        return pairs

    @api.model
    def _kk_name_candidates(self, trigram):
        """Pairs that can only be likely through their names: the same name key, or a similar name at the same
        address (postcode and house number).

        Why not every pair of similar names: without a shared exact key, ``lib.duplicates`` scores a pair at or above
        LIKELY only when the names are the same company name (same key) or nearly the same name at the same address
        (name 0.6 + address 0.5), and the same address implies the same postcode and house number
        (``lib.duplicates.same_address``). Other pairs of similar names would all be scored below the threshold, so
        the scan does not fetch them: a self-join of the whole register over the trigram index costs minutes at
        100 000 customers, the join per postcode and house number seconds. With pg_trgm the names there are
        compared by its similarity operator; without it (the fallback), pairs in a postcode sharing a name word are
        scored.
        """
        scope_a, scope_b = self._kk_scope("a"), self._kk_scope("b")
        # The same name key counts on its own for companies only (persons of one name are namesakes).
        pairs = self._kk_pairs_of_groups(
            SQL(
                "SELECT array_agg(a.id) FROM res_partner a WHERE a.is_company AND a.kk_dup_key <> '' AND %s"
                " GROUP BY a.kk_dup_key HAVING count(*) BETWEEN 2 AND %s",
                scope_a,
                MAX_GROUP,
            )
        )
        cr = self.env.cr
        if not trigram:
            return pairs | self._kk_pairs_of_groups(
                SQL(
                    "SELECT array_agg(a.id) FROM res_partner a, unnest(string_to_array(a.kk_dup_key, ' ')) AS word"
                    " WHERE a.kk_dup_key <> '' AND a.zip <> '' AND length(word) > 1 AND %s GROUP BY a.zip, word"
                    " HAVING count(*) BETWEEN 2 AND %s",
                    scope_a,
                    MAX_GROUP,
                )
            )
        cr.execute(SQL("SET LOCAL pg_trgm.similarity_threshold = %s", SCAN_TRIGRAM_THRESHOLD))
        cr.execute(
            SQL(
                """
                SELECT a.id, b.id
                  FROM res_partner a
                  JOIN res_partner b ON b.zip = a.zip AND b.id > a.id
                       AND substring(b.street from '[0-9]+') = substring(a.street from '[0-9]+')
                       AND b.kk_dup_key %s a.kk_dup_key
                 WHERE a.zip <> %s AND a.kk_dup_key <> '' AND %s AND %s
                """,
                TRIGRAM_OPERATOR,
                "",  # a parameter, so that psycopg2 reads the operator's "%%" as "%"
                scope_a,
                scope_b,
            )
        )
        pairs.update(cr.fetchall())
        return pairs

    @api.model
    def _kk_companies(self, ids):
        self.env.cr.execute(SQL("SELECT id, company_id FROM res_partner WHERE id = ANY(%s)", ids))
        return dict(self.env.cr.fetchall())

    @api.model
    def _kk_store(self, likely):
        """Upsert the likely pairs; open pairs no longer likely are removed; reviewed pairs are never touched."""
        cr = self.env.cr
        # A customer archived since (Odoo's merge archives or deletes the merged ones): its open pairs are done.
        cr.execute(
            SQL(
                "UPDATE kundekartotek_duplicate_pair d SET state = 'merged' FROM res_partner a, res_partner b"
                " WHERE d.state = 'open' AND a.id = d.partner_a_id AND b.id = d.partner_b_id"
                " AND NOT (a.active AND b.active)"
            )
        )
        cr.execute(SQL("SELECT partner_a_id, partner_b_id, state FROM kundekartotek_duplicate_pair"))
        existing = {(a, b): state for a, b, state in cr.fetchall()}
        stale = [pair for pair, state in existing.items() if state == "open" and pair not in likely]
        if stale:
            cr.execute(
                SQL(
                    "DELETE FROM kundekartotek_duplicate_pair WHERE state = 'open'"
                    " AND (partner_a_id, partner_b_id) IN (SELECT * FROM unnest(%s::int[], %s::int[]))",
                    [a for a, _b in stale],
                    [b for _a, b in stale],
                )
            )
        rows = [
            SQL("(%s::int, %s::int, %s::float8, %s::varchar, %s::int)", a, b, score, ",".join(reasons), company)
            for (a, b), (score, reasons, company) in sorted(likely.items())
            if existing.get((a, b), "open") == "open"
        ]
        for start in range(0, len(rows), BATCH):
            cr.execute(
                SQL(
                    """
                    INSERT INTO kundekartotek_duplicate_pair
                           (partner_a_id, partner_b_id, score, reason_codes, company_id, state,
                            create_uid, write_uid, create_date, write_date)
                    SELECT v.a, v.b, v.score, v.reasons, v.company, 'open', %s, %s, now() at time zone 'UTC',
                           now() at time zone 'UTC'
                      FROM (VALUES %s) AS v(a, b, score, reasons, company)
                        ON CONFLICT (partner_a_id, partner_b_id) DO UPDATE
                       SET score = excluded.score, reason_codes = excluded.reason_codes,
                           company_id = excluded.company_id, write_uid = excluded.write_uid,
                           write_date = excluded.write_date
                     WHERE kundekartotek_duplicate_pair.state = 'open'
                    """,
                    self.env.uid,
                    self.env.uid,
                    SQL(", ").join(rows[start : start + BATCH]),
                )
            )
        self.invalidate_model()
        return {"pairs": len(rows), "new": sum(1 for pair in likely if pair not in existing), "removed": len(stale)}

    @api.model
    def _kk_update_clusters(self):
        """Clusters are the connected components of the open pairs; each pair gets its component's key."""
        cr = self.env.cr
        self.flush_model()
        cr.execute(SQL("SELECT id, partner_a_id, partner_b_id FROM kundekartotek_duplicate_pair WHERE state = 'open'"))
        rows = cr.fetchall()
        roots = dup.clusters((a, b) for _id, a, b in rows)
        values = [SQL("(%s, %s)", pair_id, roots[a]) for pair_id, a, _b in rows]
        cr.execute(
            SQL(
                "UPDATE kundekartotek_duplicate_pair SET cluster_key = NULL, cluster_partner_id = NULL"
                " WHERE state <> 'open' AND cluster_key IS NOT NULL"
            )
        )
        for start in range(0, len(values), BATCH):
            cr.execute(
                SQL(
                    "UPDATE kundekartotek_duplicate_pair p SET cluster_key = lpad(v.root::text, 10, '0'),"
                    " cluster_partner_id = v.root FROM (VALUES %s) AS v(id, root) WHERE p.id = v.id",
                    SQL(", ").join(values[start : start + BATCH]),
                )
            )
        self.invalidate_model(["cluster_key", "cluster_partner_id"])
        return len(set(roots.values()))
