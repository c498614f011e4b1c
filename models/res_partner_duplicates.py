# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.http import request
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from ..lib import duplicates as dup
from ..lib.values import is_text_or_empty
from .delayed_look import DelayedLook, look_of

_logger = logging.getLogger(__name__)

TRIGRAM_INDEX = "res_partner_kk_dup_key_trgm_idx"
ZIP_INDEX = "res_partner_kk_dup_zip_idx"
# Trigram similarity of the name keys from which a partner is a candidate (pg_trgm's ``%``): below it, the names
# share too little for the name to count (lib.duplicates scores them below NAME_FLOOR).
TRIGRAM_THRESHOLD = 0.4
# At most this many similar names in one postcode are scored, the most similar first. A postcode where hundreds of
# names look alike (a street of "Fjordlys Regnskap 1 … 500") would otherwise make every new customer cost hundreds
# of scorings, and an import of such a register grow with the square of its size. With pg_trgm a true duplicate's
# name is among the most similar ones; without it, the names sharing the most words come first, ties by id. Exact
# keys (orgnr, e-mail, phone …) and the same name key are never capped.
NAME_CANDIDATES = 50
# Customers whose candidates one statement finds. Planning is paid once per statement, so a hundred customers cost
# little more per customer than a thousand; above a few hundred, the statement's estimated cost passes PostgreSQL's
# jit_above_cost (100 000 by default) and compiling it takes longer than running it (60 ms at 500 customers).
SEARCH_BATCH = 100
# The policy's note names at most this many likely duplicates.
NOTED_DUPLICATES = 3
# The *warn* policy's search for a customer created over the API (XML-RPC, JSON-RPC) is made after the commit, by a
# thread of the process this many seconds later, for every such customer of that moment in one search (see
# docs/architecture.md, "Duplicates"). 0: the committing thread looks at once, after its commit (the tests).
PENDING_DELAY = 0.5
# A look notes at most this many new customers; the next look or the scheduled job takes the rest.
PENDING_BATCH = 500
# The customers waiting for that search: a table of the look's own (not a model, and not a column of res_partner: the
# mark was set in the creation and cleared by the look, and clearing a column of res_partner rewrote the whole row and
# every index entry of it). No foreign key: the look drops the rows of customers deleted meanwhile (a merge deletes
# the merged ones), and a creation does not pay the key's check.
PENDING_TABLE = "kundekartotek_dup_pending"
# The partial index of the former column kk_dup_pending (18.0.1.1.0), dropped with it.
FORMER_PENDING_INDEX = "res_partner_kk_dup_pending_idx"
LOOK_AFTER_COMMIT = "kundekartotek.duplicates.look_after_commit"


@functools.lru_cache(maxsize=20000)
def _partner_keys(values, bank_accounts):
    """``lib.duplicates.partner_keys`` of one partner's row values, remembered: the keys are a function of the values
    alone, and the same candidates come back for every new customer of their postcode (the import's rows)."""
    names = ("name", "is_company", "orgnr", "fodselsnummer", "vat", "email", "phone", "mobile", "street", "zip")
    partner = dict(zip((*names, "country_code"), values, strict=True), bank_accounts=bank_accounts)
    return dup.partner_keys(partner)


# Fields whose values the check compares; a write of any other field never re-checks.
CHECKED_FIELDS = ("name", "company_registry", "fodselsnummer", "vat", "email", "phone", "mobile", "street", "zip")
PERSONAL_ID_GROUP = "kundekartotek.group_personal_id"
# pg_trgm's similarity operator. A "%%" in an SQL() with arguments is unescaped when it is composed; as an SQL() of
# its own it stays "%%" until psycopg2 reads it.
TRIGRAM_OPERATOR = SQL("%%")


# The partner columns the duplicate search and the candidates' keys read in SQL (_kk_candidate_query,
# _kk_dup_partner_dicts): flushed before it, and nothing else (a flush of the whole model looks at every field).
DUP_COLUMNS = [
    "name",
    "is_company",
    "company_registry",
    "fodselsnummer",
    "vat",
    "email",
    "phone",
    "mobile",
    "street",
    "zip",
    "country_id",
    "active",
    "parent_id",
    "company_id",
    "kk_dup_key",
    "kk_dup_email",
    "kk_dup_phone",
    "kk_dup_mobile",
]


def _contact_key(string):
    """A stored duplicate key of a contact detail (see ``_compute_kk_dup_keys``), indexed where set."""
    return fields.Char(
        prefetch="kk_duplicates",
        string=string,
        compute="_compute_kk_dup_keys",
        store=True,
        precompute=True,
        index="btree_not_null",
        copy=False,
    )


# What the duplicate keys are computed from, in _dup_keys' order.
DUP_KEY_SOURCES = ("name", "email", "phone", "mobile")


def _dup_keys(name, email, phone, mobile):
    """The stored duplicate keys of a partner with these values (False where there is none)."""
    return {
        "kk_dup_key": dup.normalise_name(name) or False,
        "kk_dup_email": dup.normalise_email(email) or False,
        "kk_dup_phone": dup.normalise_phone(phone) or False,
        "kk_dup_mobile": dup.normalise_phone(mobile) or False,
    }


class _PendingLook(DelayedLook):
    """The look at the customers waiting for the warn policy's search, for one database in this process."""

    def __init__(self):
        super().__init__(
            "res.partner",
            "_kk_note_pending_safely",
            lambda: PENDING_DELAY,
            "The duplicate search of new customers failed now; the next look or the scheduled job makes it.",
        )


def _pending_look(dbname):
    return look_of(_PendingLook, dbname)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Prefetch group kk_duplicates: see docs/architecture.md, "Prefetch groups on res.partner".
    kk_dup_key = fields.Char(
        prefetch="kk_duplicates",
        string="Duplicate key",
        compute="_compute_kk_dup_keys",
        store=True,
        precompute=True,
        index=True,
        copy=False,
        help="The name normalised for duplicate detection (legal form, case, punctuation, æøå and word order removed).",
    )
    kk_dup_email = _contact_key("Duplicate key: e-mail")
    kk_dup_phone = _contact_key("Duplicate key: phone")
    kk_dup_mobile = _contact_key("Duplicate key: mobile")
    kk_duplicate_warning = fields.Html(
        string="Possible duplicates",
        compute="_compute_kk_duplicate_warning",
        sanitize=False,
        help="Customers already in the register that look like this one.",
    )

    @api.depends("name", "email", "phone", "mobile")
    def _compute_kk_dup_keys(self):
        for partner in self:
            partner.update(_dup_keys(partner.name, partner.email, partner.phone, partner.mobile))

    def _add_precomputed_values(self, vals_list):
        """The duplicate keys of a new partner from its creation values, when they are plain text as the form and
        most integrations send them (else core computes them on a new record, the slower way it precomputes).

        Precomputed, the keys go into the row's INSERT: no computation after it, no column of the UPDATE core
        makes after the insert (docs/benchmarks.md, session 13). The values are the creation's final ones (defaults
        added, readonly precomputed keys a caller sent dropped), as the computation would read them.
        """
        for vals in vals_list:
            sources = [vals.get(name) for name in DUP_KEY_SOURCES]
            if all(is_text_or_empty(value) for value in sources):
                vals.update(_dup_keys(*sources))
        return super()._add_precomputed_values(vals_list)

    @api.depends(
        "name",
        "company_registry",
        "email",
        "phone",
        "mobile",
        "vat",
        "street",
        "zip",
        "is_company",
        "parent_id",
        "company_id",
    )
    def _compute_kk_duplicate_warning(self):
        for partner in self:
            partner.kk_duplicate_warning = False
            if partner.parent_id or not partner.name:
                continue
            values = {name: partner[name] for name in CHECKED_FIELDS if name != "fodselsnummer"}
            values.update(is_company=partner.is_company, company_id=partner.company_id.id)
            found = partner._origin._kk_likely_duplicates(values, limit=5) if partner._origin else None
            if found is None:
                found = self.browse()._kk_likely_duplicates(values, limit=5)
            if found:
                partner.kk_duplicate_warning = self._kk_duplicates_html(found)

    def init(self):
        """Enable pg_trgm when the database user may, and index the name keys with trigrams.

        Without the extension (a user that may not create it) the module still works: the candidate search falls
        back to exact keys and name prefixes (``_kk_has_trigram``). That is said at INFO: an install log must hold no
        WARNING, and the fallback is a supported set-up, not a fault.
        """
        super().init()
        cr = self.env.cr
        # Candidates by postcode (similar names at the same address), for the check and the scan. No "zip IS NOT
        # NULL" in the predicate: PostgreSQL 15 does not prove it from "zip = %s" on a varchar column and would
        # ignore the index.
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON res_partner (zip) WHERE parent_id IS NULL",
                SQL.identifier(ZIP_INDEX),
            )
        )
        cr.execute(SQL("CREATE TABLE IF NOT EXISTS %s (partner_id integer PRIMARY KEY)", SQL.identifier(PENDING_TABLE)))
        # From 18.0.1.1.0, where the mark was a column: the customers it marked still wait. Odoo drops the column,
        # and its index with it, once the module is updated.
        if column_exists(cr, "res_partner", "kk_dup_pending"):
            cr.execute(
                SQL(
                    "INSERT INTO %s (partner_id) SELECT id FROM res_partner WHERE kk_dup_pending"
                    " ON CONFLICT DO NOTHING",
                    SQL.identifier(PENDING_TABLE),
                )
            )
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(FORMER_PENDING_INDEX)))
        if not self._kk_has_trigram():
            try:
                with cr.savepoint(flush=False):
                    cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            except Exception as error:  # noqa: BLE001 - any refusal of the server means "not allowed"
                _logger.info("kundekartotek: pg_trgm not available (%s); duplicate search uses its fallback", error)
                return
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON res_partner USING gin (kk_dup_key gin_trgm_ops)",
                SQL.identifier(TRIGRAM_INDEX),
            )
        )

    # ----------------------------------------------------------------------------------------------------------------
    # CRUD
    # ----------------------------------------------------------------------------------------------------------------

    def _kk_create(self, vals_list):
        """Apply the company's duplicate policy to new customers (see docs/architecture.md, "Duplicates").

        The answers ``kk_upsert`` found just before are taken (``_kk_dup_recall``); the other values are searched
        for together, in one search (``_kk_policy_duplicates_many``), except those the *warn* policy notes after the
        commit (answered ``deferred``): they are written to the table of waiting customers and searched for by the
        look after it."""
        route = self._kk_duplicate_route()
        answers = [self._kk_dup_recall(vals) for vals in vals_list]
        missing = [index for index, answer in enumerate(answers) if answer is None]
        searched = self._kk_policy_duplicates_many([vals_list[index] for index in missing], route) if missing else []
        for index, answer in zip(missing, searched, strict=True):
            answers[index] = answer
        warnings = [self._kk_policy_check(vals, route, answer) for vals, answer in zip(vals_list, answers, strict=True)]
        partners = super()._kk_create(vals_list)
        for partner, found in zip(partners, warnings, strict=True):
            if found:
                partner._kk_post_duplicate_note(found)
        waiting = [partner.id for partner, answer in zip(partners, answers, strict=True) if answer[0] == "deferred"]
        if waiting:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (partner_id) SELECT unnest(%s::int[]) ON CONFLICT DO NOTHING",
                    SQL.identifier(PENDING_TABLE),
                    waiting,
                )
            )
            self._kk_look_after_commit()
        return partners

    # ----------------------------------------------------------------------------------------------------------------
    # Business methods
    # ----------------------------------------------------------------------------------------------------------------

    @api.model
    def _kk_has_trigram(self):
        """Whether pg_trgm's similarity operator is there, checked in the catalogue.

        Every new customer's duplicate check may ask, so a yes is remembered on the registry (per database and
        process; an extension is not dropped under a running server). A no is asked again: the registry that installs
        the module only gets the extension from this model's ``init``.
        """
        registry = self.env.registry
        if getattr(registry, "_kk_has_trigram", False):
            return True
        self.env.cr.execute(SQL("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
        found = bool(self.env.cr.fetchone())
        if found:
            registry._kk_has_trigram = True
        return found

    def _kk_likely_duplicates(self, vals, limit=5):
        """The likely duplicates of a customer described by ``vals`` (create or write values), best first.

        Returns ``[{"id": int, "score": float, "reasons": [reason codes]}]``, at most ``limit``, never one of
        ``self`` (the record being edited). On a single record, ``vals`` are read over its current values, as a
        write would leave them. The search of :meth:`_kk_likely_duplicates_many`, for one customer.
        """
        values = {}
        if len(self) == 1:
            values = {name: self[name] for name in CHECKED_FIELDS if name != "fodselsnummer"}
            if self._kk_may_compare_personal_id():
                values["fodselsnummer"] = self.fodselsnummer
            values.update(is_company=self.is_company, company_id=self.company_id.id)
        values.update(vals)
        return self._kk_likely_duplicates_many([values], limit=limit)[0]

    def _kk_likely_duplicates_many(self, vals_list, limit=5, own_ids=None):
        """The likely duplicates of each customer described by ``vals_list`` (create values): one list per values,
        each as :meth:`_kk_likely_duplicates` returns it, never one of ``self``.

        One search per ``SEARCH_BATCH`` customers, not one per customer: a single statement finds the candidates of
        all of them and reads their values (``_kk_candidate_query``, ``_kk_dup_partner_dicts``), and each customer is
        scored against its own candidates by ``lib.duplicates``. A search of one customer costs about as much to plan
        as to run, and an import or an upsert searches for every new customer. Only top-level partners (no parent)
        of each customer's company (else the user's current one), and shared ones, are compared; the fødselsnummer
        only for users who may read it; only partners the user may read are returned. ``own_ids``: the id of the
        partner each values describe (the look after the commit), never its own duplicate.
        """
        # Asked only when a fødselsnummer is sent: without one there is nothing to leave out.
        may_read_id = any("fodselsnummer" in vals for vals in vals_list) and self._kk_may_compare_personal_id()
        compared = {name for name in CHECKED_FIELDS if may_read_id or name != "fodselsnummer"}
        compared |= {"is_company", "company_id"}
        results = []
        for start in range(0, len(vals_list), SEARCH_BATCH):
            subjects = []
            for vals in vals_list[start : start + SEARCH_BATCH]:
                values = {key: value for key, value in vals.items() if key in compared}
                subjects.append((self._kk_dup_subject(values), values.get("company_id")))
            owners = own_ids[start : start + SEARCH_BATCH] if own_ids else None
            results += self._kk_score_candidates(subjects, limit, owners)
        return results

    def _kk_may_compare_personal_id(self):
        """Whether the search compares fødselsnumre: for users who may read them (else a warning or a refusal would
        tell whether a number is known)."""
        return self.env.su or self.env.user.has_group(PERSONAL_ID_GROUP)

    def _kk_score_candidates(self, subjects, limit, owners=None):
        """The likely duplicates of each of ``subjects`` (``(lib keys, company id)``), from one candidate search;
        ``owners``: the partner each subject is, left out of its own candidates."""
        found = [[] for _subject in subjects]
        query = self._kk_candidate_query(subjects)
        if query is None:
            return found
        # The candidates and their values in one statement, each with the subjects it is a candidate of.
        for candidate in self._kk_dup_partner_dicts(query):
            if candidate["id"] in self.ids:
                continue
            for index in candidate["subjects"]:
                if owners and owners[index] == candidate["id"]:
                    continue
                score, reasons = dup.score_pair(subjects[index][0], candidate)
                if dup.is_likely(score):
                    found[index].append({"id": candidate["id"], "score": score, "reasons": reasons})
        if not self.env.su:
            ids = {row["id"] for rows in found for row in rows}
            visible = set(self.browse(sorted(ids))._filtered_access("read").ids) if ids else set()
            found = [[row for row in rows if row["id"] in visible] for rows in found]
        for rows in found:
            rows.sort(key=lambda row: (-row["score"], row["id"]))
        return [rows[:limit] for rows in found]

    @api.model
    def _kk_dup_subject(self, values):
        """The lib's partner dict of create/write values (bank accounts are only compared by the scan)."""
        return dup.partner_keys(
            {
                "name": values.get("name"),
                "is_company": values.get("is_company"),
                "orgnr": values.get("company_registry"),
                "fodselsnummer": values.get("fodselsnummer"),
                "vat": values.get("vat"),
                "email": values.get("email"),
                "phone": values.get("phone"),
                "mobile": values.get("mobile"),
                "street": values.get("street"),
                "zip": values.get("zip"),
            }
        )

    @api.model
    def _kk_dup_scope(self, company):
        """SQL condition on ``p``: top-level, active partners shared or of ``company`` (an SQL expression)."""
        return SQL("p.active AND p.parent_id IS NULL AND (p.company_id IS NULL OR p.company_id = %s)", company)

    @api.model
    def _kk_candidate_ids(self, subject, company_id=None, exclude=(), trigram=None):
        """Ids of partners sharing an exact key with ``subject``, its name key, or a similar name in its postcode
        (see :meth:`_kk_candidate_query`)."""
        query = self._kk_candidate_query([(subject, company_id)], trigram)
        if query is None:
            return []
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall() if row[0] not in exclude]

    @api.model
    def _kk_candidate_query(self, subjects, trigram=None):
        """The query of rows ``(partner id, subject index)``: for each of ``subjects`` (``(lib keys, company id)``,
        the company None for the user's current one), the partners sharing an exact key with it, its name key, or a
        similar name in its postcode (through indexes); None when no subject has anything to look for.

        One statement for all subjects: their keys as a ``VALUES`` list joined ``LATERAL`` to the conditions, so
        PostgreSQL plans it once and runs it per subject with index scans. A key a subject lacks is NULL (or an
        empty list), which no partner equals. With pg_trgm a similar name is a trigram similarity of at least
        ``TRIGRAM_THRESHOLD``, at most ``NAME_CANDIDATES`` of them, the most similar first; without it (or with
        ``trigram=False``, which the tests use to force it) a shared name word, the most shared words first.
        """
        self.env["res.partner"].flush_model(DUP_COLUMNS)
        self.env["res.partner.bank"].flush_model(["partner_id", "sanitized_acc_number"])
        rows = []
        for index, (subject, company_id) in enumerate(subjects):
            if not (
                subject["orgnr"]
                or subject["vat"]
                or subject["email"]
                or subject["phones"]
                or subject["fodselsnummer"]
                or subject["name"]["key"]
            ):
                continue
            key = subject["name"]["key"] or None
            rows.append(
                SQL(
                    "(%s::int, %s::int, %s::text, %s::text, %s::text, %s::text[], %s::text, %s::text, %s::text,"
                    " %s::text[])",
                    index,
                    company_id or self.env.company.id,
                    subject["orgnr"] or None,
                    subject["vat"] or None,
                    subject["email"] or None,
                    sorted(subject["phones"]),
                    subject["fodselsnummer"] or None,
                    key,
                    (subject["zip"] or None) if key else None,
                    list(subject["name"]["tokens"]) if key else [],
                )
            )
        if not rows:
            return None
        scope = self._kk_dup_scope(SQL("s.company"))
        # The exact keys in one scan (PostgreSQL ORs their indexes): a UNION of one SELECT per key costs more to plan
        # than to run. Without a shared exact key, a pair is likely only with the same company name (same key) or
        # nearly the same name at the same address (lib.duplicates): so names are looked for there and nowhere else.
        # Only the keys some subject has: a key nobody has matches no partner, and each condition costs planning
        # time, which is most of the cost of a search for one customer.
        exact = [
            SQL(condition)
            for key, condition in (
                ("orgnr", "p.company_registry = s.orgnr"),
                ("vat", "p.vat = s.vat"),
                ("email", "p.kk_dup_email = s.email"),
                ("phones", "p.kk_dup_phone = ANY(s.phones) OR p.kk_dup_mobile = ANY(s.phones)"),
            )
            if any(subject[key] for subject, _company in subjects)
        ]
        if any(subject["name"]["key"] for subject, _company in subjects):
            exact.append(SQL("p.kk_dup_key = s.key"))
        queries = []
        if exact:
            queries.append(SQL("SELECT p.id FROM res_partner p WHERE (%s) AND %s", SQL(" OR ").join(exact), scope))
        if any(subject["fodselsnummer"] for subject, _company in subjects):
            # A SELECT of its own (its partial index, res_partner__fodselsnummer_index), run only for the subjects
            # that have one (a one-time filter).
            queries.append(
                SQL("SELECT p.id FROM res_partner p WHERE s.fnr IS NOT NULL AND p.fodselsnummer = s.fnr AND %s", scope)
            )
        if any(subject["zip"] and subject["name"]["key"] for subject, _company in subjects):
            if trigram is None:
                trigram = self._kk_has_trigram()
            if trigram:
                # similarity() rather than the operator: the postcode's index finds the few partners to compare.
                queries.append(
                    SQL(
                        "(SELECT p.id FROM res_partner p WHERE p.zip = s.zip AND similarity(p.kk_dup_key, s.key)"
                        " >= %(floor)s AND %(scope)s ORDER BY similarity(p.kk_dup_key, s.key) DESC, p.id"
                        " LIMIT %(cap)s)",
                        floor=TRIGRAM_THRESHOLD,
                        scope=scope,
                        cap=NAME_CANDIDATES,
                    )
                )
            else:
                # Without pg_trgm, the names sharing the most words come first.
                queries.append(
                    SQL(
                        "(SELECT p.id FROM res_partner p WHERE p.zip = s.zip"
                        " AND string_to_array(p.kk_dup_key, ' ') && s.tokens AND %(scope)s"
                        " ORDER BY cardinality(ARRAY(SELECT unnest(string_to_array(p.kk_dup_key, ' '))"
                        " INTERSECT SELECT unnest(s.tokens))) DESC, p.id LIMIT %(cap)s)",
                        scope=scope,
                        cap=NAME_CANDIDATES,
                    )
                )
        return SQL(
            "SELECT c.id, s.subject FROM (VALUES %s) AS s(subject, company, orgnr, vat, email, phones, fnr, key, zip,"
            " tokens) CROSS JOIN LATERAL (%s) AS c",
            SQL(", ").join(rows),
            SQL(" UNION ").join(queries),
        )

    @api.model
    def _kk_dup_partner_dicts(self, ids):
        """The lib's keys of partners ``ids`` read in one query (bank accounts aggregated): ``ids`` a list of ids, or
        a query of rows ``(partner id, subject index)`` (:meth:`_kk_candidate_query`), and then each dict also holds
        ``subjects``, the indexes of the subjects the partner is a candidate of."""
        columns = SQL(
            "p.id, p.name, p.is_company, p.company_registry, p.fodselsnummer, p.vat, p.email, p.phone, p.mobile,"
            " p.street, p.zip, c.code,"
            " ARRAY(SELECT b.sanitized_acc_number FROM res_partner_bank b WHERE b.partner_id = p.id)"
        )
        if isinstance(ids, SQL):
            query = SQL(
                "SELECT %s, w.subjects FROM (SELECT q.id, array_agg(q.subject) AS subjects FROM (%s) AS q(id, subject)"
                " GROUP BY q.id) AS w JOIN res_partner p ON p.id = w.id LEFT JOIN res_country c ON c.id = p.country_id",
                columns,
                ids,
            )
        else:
            query = SQL(
                "SELECT %s, NULL FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id"
                " WHERE p.id = ANY(%s)",
                columns,
                list(ids),
            )
        self.env.cr.execute(query)
        result = []
        for row in self.env.cr.fetchall():
            keys = dict(_partner_keys(row[1:12], tuple(row[12] or ())))
            keys["id"] = row[0]
            if row[13] is not None:
                keys["subjects"] = row[13]
            result.append(keys)
        return result

    def _kk_update_dup_keys(self):
        """Write the duplicate keys of partners inserted in SQL (the benchmark, migrations), in one UPDATE."""
        self.env.cr.execute(SQL("SELECT id, name, email, phone, mobile FROM res_partner WHERE id = ANY(%s)", self.ids))
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s)",
                pid,
                dup.normalise_name(name) or None,
                dup.normalise_email(email) or None,
                dup.normalise_phone(phone) or None,
                dup.normalise_phone(mobile) or None,
            )
            for pid, name, email, phone, mobile in self.env.cr.fetchall()
        ]
        if rows:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner p SET kk_dup_key = v.k, kk_dup_email = v.e, kk_dup_phone = v.ph,"
                    " kk_dup_mobile = v.m FROM (VALUES %s) AS v(id, k, e, ph, m) WHERE p.id = v.id",
                    SQL(", ").join(rows),
                )
            )
        self.invalidate_recordset(["kk_dup_key", "kk_dup_email", "kk_dup_phone", "kk_dup_mobile"])

    @api.model
    def _kk_reason_labels(self):
        """The reason codes of lib.duplicates as the user reads them."""
        return {
            dup.ORGNR: _("same organisation number"),
            dup.FODSELSNUMMER: _("same national identity number"),
            dup.VAT: _("same VAT number"),
            dup.EMAIL: _("same e-mail"),
            dup.PHONE: _("same phone"),
            dup.BANK_ACCOUNT: _("same bank account"),
            dup.NAME_EXACT: _("same name"),
            dup.NAME_SIMILAR: _("similar name"),
            dup.ADDRESS: _("same address"),
            dup.POSTCODE: _("same postcode"),
            dup.ORGNR_DIFFERS: _("different organisation numbers"),
            dup.FODSELSNUMMER_DIFFERS: _("different national identity numbers"),
        }

    @api.model
    def _kk_reasons_text(self, codes):
        labels = self._kk_reason_labels()
        return ", ".join(labels.get(code, code) for code in codes)

    @api.model
    def _kk_duplicates_html(self, found):
        """The form's alert: one line per likely duplicate, with a link to it."""
        partners = self.browse([row["id"] for row in found]).with_context(active_test=False)
        names = {partner.id: (partner.display_name, partner.ref) for partner in partners}
        lines = []
        for row in found:
            name, number = names[row["id"]]
            label = f"{name} ({number})" if number else name
            lines.append(
                Markup('<li><a href="/odoo/res.partner/%s">%s</a> — %s (%s)</li>')
                % (row["id"], label, self._kk_reasons_text(row["reasons"]), f"{row['score']:.2f}")
            )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            _("This customer may already be in the register:"),
            Markup("").join(lines),
        )

    @api.model
    def _kk_duplicate_route(self):
        """Where a creation comes from, for the duplicate policy: ``form``, ``import`` or ``api``.

        ``form`` only for the customer form's own save (``web_save`` of res.partner, dispatched by the web client's
        ``/web/dataset/call_kw`` route) outside an import: there the user has just seen the duplicate warning. Every
        other route (XML-RPC, JSON-RPC, imports, quick creation from a many2one, code) is ``api`` or ``import``, so a
        context key can only make the check stricter (``import_file`` turns a form save into an import), never skip
        it.
        """
        if self.env.context.get("import_file"):
            return "import"
        if request and getattr(request, "httprequest", None):
            path = request.httprequest.path or ""
            params = getattr(request, "params", None) or {}
            if (
                path.startswith("/web/dataset/call_kw")
                and params.get("model") == "res.partner"
                and params.get("method") == "web_save"
            ):
                return "form"
        return "api"

    @api.model
    def _kk_is_new_customer(self, vals):
        """Whether created values make a customer the policy applies to: a top-level partner that is a company, has
        an organisation number or is created as a customer (``customer_rank``, or the customer search mode of
        account, which sets it). Persons created by other flows (users, mail gateway) are left to the scan."""
        if vals.get("parent_id") or vals.get("type", "contact") != "contact":
            return False
        return bool(
            vals.get("is_company")
            or vals.get("company_registry")
            or vals.get("customer_rank")
            or self.env.context.get("res_partner_search_mode") == "customer"
        )

    @api.model
    def _kk_policy_duplicates(self, vals):
        """``(policy, likely duplicates)`` for creating ``vals``: the company's policy, and the duplicates it acts on
        (none under *allow*, or when ``vals`` is not a new customer the policy covers)."""
        return self._kk_policy_duplicates_many([vals])[0]

    @api.model
    def _kk_policy_duplicates_many(self, vals_list, route=None):
        """:meth:`_kk_policy_duplicates` of each of ``vals_list``, with one duplicate search for all of them.

        ``route``: the creation's route (``_kk_duplicate_route``), from ``create`` only. Under *warn* a customer
        created over the API is not searched for here: its answer is ``("deferred", [])``, and the look after the
        commit searches for it (:meth:`_kk_note_pending_duplicates`). That look sees every customer committed
        before it, also those created at the same moment by another request, which this transaction cannot see.
        *refuse* always searches here: it must stop the creation."""
        answers = [("allow", [])] * len(vals_list)
        searched = []
        for index, vals in enumerate(vals_list):
            if not vals.get("name") or not self._kk_is_new_customer(vals):
                continue
            # The company's policy decides for every user who creates a customer (read in SQL, whatever their
            # rights).
            policy = self.env["res.company"]._kk_duplicate_policy_of(vals.get("company_id") or self.env.company.id)
            if policy == "warn" and route == "api":
                answers[index] = ("deferred", [])
            elif policy != "allow":
                answers[index] = (policy, [])
                searched.append(index)
        found = self.browse()._kk_likely_duplicates_many(
            [vals_list[index] for index in searched], limit=NOTED_DUPLICATES
        )
        for index, duplicates in zip(searched, found, strict=True):
            answers[index] = (answers[index][0], duplicates)
        return answers

    @api.model
    def _kk_policy_check(self, vals, route, answer):
        """Apply the company's policy to one creation; return the likely duplicates to note on the new partner.

        ``answer`` is the policy's ``(policy, likely duplicates)`` for ``vals`` (:meth:`_kk_policy_duplicates`).
        ``refuse`` raises outside the form; ``warn`` (and ``refuse`` on the form, where the user saw the warning)
        returns them for a chatter note; ``allow`` checks nothing. The search runs as the caller, not as superuser:
        the refusal names an existing customer, so it may only name one the caller may read, and it compares a
        fødselsnummer only for callers who may read those (else a refusal would tell whether a number is known).
        """
        policy, found = answer
        if not found:
            return []
        if policy == "refuse" and route != "form":
            existing = self.browse(found[0]["id"])
            raise ValidationError(
                _(
                    "%(name)s looks like a customer already in the register: %(existing)s (id %(id)s, customer "
                    "number %(number)s): %(reasons)s. Update that customer instead, or ask a manager to allow "
                    "duplicates.",
                    name=vals["name"],
                    existing=existing.display_name,
                    id=existing.id,
                    number=existing.ref or _("none"),
                    reasons=self._kk_reasons_text(found[0]["reasons"]),
                )
            )
        return found

    def _kk_post_duplicate_note(self, found):
        """A note on the new customer's chatter naming the likely duplicates (the ``warn`` policy)."""
        self.ensure_one()
        # sudo: the note on the customer the caller just created, whatever their chatter rights
        self.sudo().message_post(
            body=Markup("%s<br/>%s")
            % (
                _("Created although it looks like a customer already in the register:"),
                Markup("<br/>").join(
                    escape(
                        _(
                            "%(name)s (id %(id)s, customer number %(number)s): %(reasons)s, score %(score)s",
                            name=partner.display_name,
                            id=partner.id,
                            number=partner.ref or _("none"),
                            reasons=self._kk_reasons_text(row["reasons"]),
                            score=f"{row['score']:.2f}",
                        )
                    )
                    for row in found
                    # sudo: names of the likely duplicates, found within the caller's company
                    for partner in self.sudo().browse(row["id"])
                ),
            ),
            subtype_xmlid="mail.mt_note",
        )

    # ----------------------------------------------------------------------------------------------------------------
    # The warn policy's search after the commit
    # ----------------------------------------------------------------------------------------------------------------

    @api.model
    def _kk_look_after_commit(self):
        """Have the waiting new customers (:data:`PENDING_TABLE`) searched for once this transaction has committed (once
        per transaction): :data:`PENDING_DELAY` seconds later by a thread of this process, or at once when the delay
        is 0."""
        cr = self.env.cr
        if not cr.postcommit.data.get(LOOK_AFTER_COMMIT):
            cr.postcommit.data[LOOK_AFTER_COMMIT] = True
            cr.postcommit.add(self._kk_pending_after_commit)

    def _kk_pending_after_commit(self):
        """Postcommit: the look at the waiting customers, by a thread :data:`PENDING_DELAY` seconds from now, or in
        this thread now when the delay is 0."""
        look = _pending_look(self.env.cr.dbname)
        if PENDING_DELAY > 0:
            look.schedule(self.env.cr.dbname)
        else:
            look.look_now(self.env.cr.dbname)

    @api.model
    def _kk_note_pending_safely(self):
        """:meth:`_kk_note_pending_duplicates` after a commit, committed; never raises (the customers keep waiting,
        and the next look or the scheduled job notes them). The commit is made here, inside the guard, so that a
        failure to commit is logged as the others are; the look's cursor then has nothing left to commit."""
        if not self.env.su:
            raise AccessError(_("Only the register itself searches for the duplicates of new customers."))
        try:
            self._kk_note_pending_duplicates()
            # The look's own cursor (after the creation's commit), never a request's.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        except Exception:  # noqa: BLE001 - after the creation's commit; the customers wait for the next look
            self.env.cr.rollback()
            _logger.warning(
                "The duplicate search of new customers failed now; the next look or the scheduled job makes it.",
                exc_info=True,
            )

    @api.model
    def _kk_note_pending_duplicates(self, limit=PENDING_BATCH):
        """The *warn* policy's note on each waiting new customer (:data:`PENDING_TABLE`) that looks like one already
        in the register; the customers stop waiting. Returns how many customers were looked at.

        The look locks its rows of the waiting table (``FOR UPDATE SKIP LOCKED``: two looks never note one
        customer twice), never the customers themselves. Each is searched for as the user who created it, as the
        search in the creation would have been (only customers that user may read, the fødselsnummer only if that
        user may read it), with the values it has now, and never matches itself. A customer deleted meanwhile (or
        merged into another) only stops waiting. Only the register calls it (superuser): the look after the commit
        and the scheduled job.
        """
        if not self.env.su:
            raise AccessError(_("Only the register itself searches for the duplicates of new customers."))
        cr = self.env.cr
        # The values in the same statement that takes the customers (the ORM would load every column of each).
        self.flush_model(["create_uid", "is_company", *CHECKED_FIELDS, "company_id"])
        cr.execute(
            SQL(
                "SELECT w.partner_id, p.id, p.create_uid, p.is_company, p.company_id, %s"
                " FROM %s w LEFT JOIN res_partner p ON p.id = w.partner_id"
                " ORDER BY w.partner_id LIMIT %s FOR UPDATE OF w SKIP LOCKED",
                SQL(", ").join(SQL("p.%s", SQL.identifier(name)) for name in CHECKED_FIELDS),
                SQL.identifier(PENDING_TABLE),
                limit,
            )
        )
        rows = cr.fetchall()
        if not rows:
            return 0
        creators = defaultdict(list)
        for _waiting, partner_id, user_id, is_company, company_id, *checked in rows:
            if partner_id is None:  # deleted meanwhile
                continue
            # A value the customer lacks is left out, as create values leave it out (a fødselsnummer is then not
            # compared at all).
            values = {name: value for name, value in zip(CHECKED_FIELDS, checked, strict=True) if value}
            values.update(is_company=is_company, company_id=company_id)
            creators[user_id or SUPERUSER_ID].append((partner_id, values))
        for user_id, customers in creators.items():
            creator = self.with_user(user_id).browse()
            found = creator._kk_likely_duplicates_many(
                [values for _id, values in customers], NOTED_DUPLICATES, own_ids=[pid for pid, _values in customers]
            )
            for (partner_id, _values), others in zip(customers, found, strict=True):
                if others:
                    creator.browse(partner_id)._kk_post_duplicate_note(others)
        taken = [row[0] for row in rows]
        cr.execute(SQL("DELETE FROM %s WHERE partner_id = ANY(%s)", SQL.identifier(PENDING_TABLE), taken))
        return len(taken)

    @api.model
    def _cron_kk_note_pending_duplicates(self):
        """Scheduled job: the warn policy's notes that the look after the commit left (a server stopped in between,
        or a look that failed)."""
        return self._kk_note_pending_duplicates()
