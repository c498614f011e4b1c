# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import functools
import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import SQL

from ..lib import duplicates as dup

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


class ResPartner(models.Model):
    _inherit = "res.partner"

    kk_dup_key = fields.Char(
        string="Duplicate key",
        compute="_compute_kk_dup_keys",
        store=True,
        index=True,
        copy=False,
        help="The name normalised for duplicate detection (legal form, case, punctuation, æøå and word order removed).",
    )
    kk_dup_email = fields.Char(
        string="Duplicate key: e-mail", compute="_compute_kk_dup_keys", store=True, index="btree_not_null", copy=False
    )
    kk_dup_phone = fields.Char(
        string="Duplicate key: phone", compute="_compute_kk_dup_keys", store=True, index="btree_not_null", copy=False
    )
    kk_dup_mobile = fields.Char(
        string="Duplicate key: mobile", compute="_compute_kk_dup_keys", store=True, index="btree_not_null", copy=False
    )
    kk_duplicate_warning = fields.Html(
        string="Possible duplicates",
        compute="_compute_kk_duplicate_warning",
        sanitize=False,
        help="Customers already in the register that look like this one.",
    )

    @api.depends("name", "email", "phone", "mobile")
    def _compute_kk_dup_keys(self):
        for partner in self:
            partner.kk_dup_key = dup.normalise_name(partner.name) or False
            partner.kk_dup_email = dup.normalise_email(partner.email) or False
            partner.kk_dup_phone = dup.normalise_phone(partner.phone) or False
            partner.kk_dup_mobile = dup.normalise_phone(partner.mobile) or False

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

    @api.model_create_multi
    def create(self, vals_list):
        """Apply the company's duplicate policy to new customers (see docs/architecture.md, "Duplicates")."""
        route = self._kk_duplicate_route()
        warnings = []
        for vals in vals_list:
            found = self._kk_policy_check(vals, route)
            warnings.append(found)
        partners = super().create(vals_list)
        for partner, found in zip(partners, warnings, strict=True):
            if found:
                partner._kk_post_duplicate_note(found)
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
        write would leave them. Only top-level partners (no parent) of the companies the user works in, and shared
        ones, are compared; the fødselsnummer only for users who may read it. Candidates come from indexes (exact
        keys, then the name's trigrams or its fallback), so the check stays fast on a large register; they are then
        scored by ``lib.duplicates``.
        """
        may_read_id = self.env.su or self.env.user.has_group(PERSONAL_ID_GROUP)
        checked = [name for name in CHECKED_FIELDS if may_read_id or name != "fodselsnummer"]
        values = {}
        if len(self) == 1:
            values = {name: self[name] for name in checked}
            values.update(is_company=self.is_company, company_id=self.company_id.id)
        values.update({key: value for key, value in vals.items() if key in (*checked, "is_company", "company_id")})
        subject = self._kk_dup_subject(values)
        query = self._kk_candidate_query(subject, values.get("company_id"))
        if query is None:
            return []
        found = []
        # The candidates and their values in one statement: this runs for every new customer.
        for candidate in self._kk_dup_partner_dicts(query):
            if candidate["id"] in self.ids:
                continue
            score, reasons = dup.score_pair(subject, candidate)
            if dup.is_likely(score):
                found.append({"id": candidate["id"], "score": score, "reasons": reasons})
        found.sort(key=lambda row: (-row["score"], row["id"]))
        if found and not self.env.su:
            visible = set(self.browse([row["id"] for row in found])._filtered_access("read").ids)
            found = [row for row in found if row["id"] in visible]
        return found[:limit]

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
    def _kk_dup_scope(self, company_id=None, alias="p"):
        """SQL condition: top-level, active partners shared or of the given company (else the current company)."""
        companies = [company_id or self.env.company.id]
        return SQL(
            "%(p)s.active AND %(p)s.parent_id IS NULL AND (%(p)s.company_id IS NULL OR %(p)s.company_id = ANY(%(c)s))",
            p=SQL.identifier(alias),
            c=companies,
        )

    @api.model
    def _kk_candidate_ids(self, subject, company_id=None, exclude=(), trigram=None):
        """Ids of partners sharing an exact key with ``subject``, its name key, or a similar name in its postcode
        (see :meth:`_kk_candidate_query`)."""
        query = self._kk_candidate_query(subject, company_id, trigram)
        if query is None:
            return []
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall() if row[0] not in exclude]

    @api.model
    def _kk_candidate_query(self, subject, company_id=None, trigram=None):
        """The query of the ids of partners sharing an exact key with ``subject``, its name key, or a similar name in
        its postcode (through indexes), or None when ``subject`` has nothing to look for.

        With pg_trgm a similar name is a trigram similarity of at least ``TRIGRAM_THRESHOLD``; without it (or with
        ``trigram=False``, which the tests use to force it) a shared name word.
        """
        self.env["res.partner"].flush_model()
        self.env["res.partner.bank"].flush_model()
        scope = self._kk_dup_scope(company_id)
        phones = sorted(subject["phones"])
        exact = [
            SQL("p.company_registry = %s", subject["orgnr"]) if subject["orgnr"] else None,
            SQL("p.vat = %s", subject["vat"]) if subject["vat"] else None,
            SQL("p.kk_dup_email = %s", subject["email"]) if subject["email"] else None,
            SQL("p.kk_dup_phone = ANY(%s)", phones) if phones else None,
            SQL("p.kk_dup_mobile = ANY(%s)", phones) if phones else None,
            SQL("p.fodselsnummer = %s", subject["fodselsnummer"]) if subject["fodselsnummer"] else None,
        ]
        key = subject["name"]["key"]
        if key:
            # Without a shared exact key, a pair is likely only with the same company name (same key) or nearly the
            # same name at the same address (lib.duplicates): so names are looked for there and nowhere else.
            exact.append(SQL("p.kk_dup_key = %s", key))
        # The exact keys in one scan (PostgreSQL ORs their indexes): a UNION of one SELECT per key costs more to plan
        # than to run, and this runs for every new customer.
        exact = [condition for condition in exact if condition]
        queries = []
        if exact:
            queries.append(SQL("SELECT p.id FROM res_partner p WHERE (%s) AND %s", SQL(" OR ").join(exact), scope))
        if key:
            if subject["zip"] and trigram is None:
                trigram = self._kk_has_trigram()
            if subject["zip"] and trigram:
                # similarity() rather than the operator: the postcode's index finds the few partners to compare.
                queries.append(
                    SQL(
                        "(SELECT p.id FROM res_partner p WHERE p.zip = %(zip)s AND similarity(p.kk_dup_key, %(key)s)"
                        " >= %(floor)s AND %(scope)s ORDER BY similarity(p.kk_dup_key, %(key)s) DESC, p.id"
                        " LIMIT %(cap)s)",
                        zip=subject["zip"],
                        key=key,
                        floor=TRIGRAM_THRESHOLD,
                        scope=scope,
                        cap=NAME_CANDIDATES,
                    )
                )
            elif subject["zip"]:
                # Without pg_trgm, the names sharing the most words come first.
                queries.append(
                    SQL(
                        "(SELECT p.id FROM res_partner p WHERE p.zip = %(zip)s"
                        " AND string_to_array(p.kk_dup_key, ' ') && %(tokens)s AND %(scope)s"
                        " ORDER BY cardinality(ARRAY(SELECT unnest(string_to_array(p.kk_dup_key, ' '))"
                        " INTERSECT SELECT unnest(%(tokens)s))) DESC, p.id LIMIT %(cap)s)",
                        zip=subject["zip"],
                        tokens=list(subject["name"]["tokens"]),
                        scope=scope,
                        cap=NAME_CANDIDATES,
                    )
                )
        if not queries:
            return None
        return SQL(" UNION ").join(queries)

    @api.model
    def _kk_dup_partner_dicts(self, ids):
        """The lib's keys of partners ``ids`` (a list, or a query of ids), read in one query (bank accounts
        aggregated)."""
        wanted = SQL("p.id IN (%s)", ids) if isinstance(ids, SQL) else SQL("p.id = ANY(%s)", list(ids))
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.name, p.is_company, p.company_registry, p.fodselsnummer, p.vat, p.email, p.phone,
                       p.mobile, p.street, p.zip, c.code,
                       ARRAY(SELECT b.sanitized_acc_number FROM res_partner_bank b WHERE b.partner_id = p.id)
                  FROM res_partner p
             LEFT JOIN res_country c ON c.id = p.country_id
                 WHERE %s
                """,
                wanted,
            )
        )
        result = []
        for row in self.env.cr.fetchall():
            keys = dict(_partner_keys(row[1:12], tuple(row[12] or ())))
            keys["id"] = row[0]
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
        if not vals.get("name") or not self._kk_is_new_customer(vals):
            return "allow", []
        # The company's policy decides for every user who creates a customer (read in SQL, whatever their rights).
        policy = self.env["res.company"]._kk_duplicate_policy_of(vals.get("company_id") or self.env.company.id)
        if policy == "allow":
            return policy, []
        return policy, self.browse()._kk_likely_duplicates(vals, limit=3)

    @api.model
    def _kk_policy_check(self, vals, route):
        """Apply the company's policy to one creation; return the likely duplicates to note on the new partner.

        ``refuse`` raises outside the form; ``warn`` (and ``refuse`` on the form, where the user saw the warning)
        returns them for a chatter note; ``allow`` checks nothing. The search runs as the caller, not as superuser:
        the refusal names an existing customer, so it may only name one the caller may read, and it compares a
        fødselsnummer only for callers who may read those (else a refusal would tell whether a number is known).
        """
        policy, found = self._kk_dup_recall(vals) or self._kk_policy_duplicates(vals)
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
