# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer API for integrations: upsert, lookup and customer cards (see docs/api.md)."""

import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib.identifiers import compact_fodselsnummer, compact_orgnr, is_ascii_digits
from ..lib.values import is_int

_logger = logging.getLogger(__name__)

PERSONAL_ID_GROUP = "kundekartotek.group_personal_id"
# What one call may carry: a bounded transaction (locks held, memory) and a bounded answer.
MAX_UPSERT_RECORDS = 1000
MAX_CARDS = 1000
# The fields of a customer card, read with one ``read`` for the whole batch; fields the caller may not read are
# left out (``Field.is_accessible``), as the form leaves them out.
CARD_FIELDS = (
    "name",
    "ref",
    "is_company",
    "company_id",
    "company_registry",
    "vat",
    "mva_registered",
    "fodselsnummer",
    "fodselsnummer_masked",
    "customer_type",
    "value_tier",
    "payment_class",
    "customer_category_id",
    "category_id",
    "property_payment_term_id",
    "credit_limit",
    "credit_policy",
    "credit_policy_effective",
    "credit",
    "overdue_amount",
    "pay_days_avg",
    "pay_days_weighted",
    "pay_on_time_share",
    "pay_days_late_avg",
    "pay_invoice_count",
    "legal_basis",
    "marketing_consent_email",
    "marketing_consent_sms",
)
# The fields that match a record to a customer, besides its external reference.
MATCH_FIELDS = ("ref", "company_registry", "fodselsnummer")
# Per-record errors of a non-atomic upsert: the messages a user would get from the form, and a unique index hit
# by a concurrent writer. Serialization failures are not caught: Odoo retries the whole call.
RECORD_ERRORS = (UserError, psycopg2.IntegrityError)
# Where the upsert leaves the duplicate policy's answer for the create that follows (transaction data).
DUP_MEMO = "kk_upsert_duplicates"


class _OneByOne(Exception):
    """Internal: this call must be saved record by record (a key shared inside the call, or a conflict to word)."""


class ResPartner(models.Model):
    _inherit = "res.partner"

    kk_external_ref_ids = fields.One2many(
        "kundekartotek.external.ref",
        "partner_id",
        string="External references",
        help="The customer's keys in other systems (web shop, CRM, the previous accounting system).",
    )

    # Public API ----------------------------------------------------------------------------------------------------
    @api.model
    def kk_upsert(self, records, atomic=False):
        """Create or update customers from a list of dicts; the same call twice changes nothing the second time.

        Each dict holds ``res.partner`` field values as ``write`` takes them, and optionally ``external_ref``
        (``{"source": "shop", "ref": "C-1001"}``). A record is matched by its external reference, customer number
        (``ref``), organisation number (``company_registry``, typed any way) or fødselsnummer (readers of national
        identity numbers only); no match creates a customer. Values go through ``create``/``write``, so every
        check of the form applies. Returns one dict per record: ``index``, ``id``, ``customer_number``,
        ``status`` (``created``/``updated``/``unchanged``/``error``), ``matched_by``, ``message``, ``warnings``.

        ``atomic=True``: the first failing record raises a ``ValidationError`` naming it, and nothing is saved.
        Otherwise each failing record is answered with ``error`` and the others are saved (savepoints).
        """
        if not isinstance(records, list | tuple):
            raise ValidationError(_("Send the customers as a list of dictionaries."))
        if len(records) > MAX_UPSERT_RECORDS:
            raise ValidationError(
                _(
                    "Send at most %(limit)s customers per call (this one has %(count)s).",
                    limit=MAX_UPSERT_RECORDS,
                    count=len(records),
                )
            )
        if not isinstance(atomic, bool):
            raise ValidationError(_("atomic must be true or false."))
        try:
            with self.env.cr.savepoint():
                return self._kk_upsert_batch(records)
        except (*RECORD_ERRORS, _OneByOne) as error:
            _logger.debug("kk_upsert: the batch failed (%s), saving record by record", error)
        if atomic:
            results = []
            for index, record in enumerate(records):
                try:
                    results.append(self._kk_upsert_one(index, record))
                except UserError as error:
                    raise ValidationError(
                        _(
                            "Record %(index)s: %(message)s Nothing was saved.",
                            index=index,
                            message=error.args[0],
                        )
                    ) from error
            return results
        # Record by record, each in a savepoint of its own (which costs a flush of the audit trail per record).
        results = []
        for index, record in enumerate(records):
            try:
                with self.env.cr.savepoint():
                    results.append(self._kk_upsert_one(index, record))
            except RECORD_ERRORS as error:
                results.append(self._kk_upsert_error(index, error))
        return results

    @api.model
    def kk_lookup(self, key):
        """Find customers by customer number, organisation number (typed any way) or ``{"source", "ref"}``.

        Returns a list of ``{"id", "customer_number", "name", "matched_by"}``, empty when nothing matches; record
        rules apply as to any search of the caller.
        """
        if isinstance(key, dict):
            source, ref = self._kk_external_key(key)
            partners = self._kk_find_external(source, ref)
            found = [(partner, "external_ref") for partner in partners]
        elif isinstance(key, str) and key.strip():
            key = key.strip()
            found = [(partner, "customer_number") for partner in self._kk_find_customer_number(key)]
            for partner in self._kk_find_orgnr(key):
                if partner not in [match for match, _how in found]:
                    found.append((partner, "company_registry"))
        else:
            raise ValidationError(
                _("Look up a customer by customer number or organisation number (text), or by {source, ref}.")
            )
        return [
            {"id": partner.id, "customer_number": partner.ref or False, "name": partner.name, "matched_by": how}
            for partner, how in found
        ]

    @api.model
    def kk_cards(self, ids_or_domain, limit=100):
        """Customer cards in bulk: identifiers, classification, terms, credit, balance, ageing, payment, consent.

        ``ids_or_domain``: a list of partner ids, or a search domain (at most ``limit`` customers, ordered by name).
        The cost does not grow in queries with the number of customers: one ``read`` for all cards, one grouped
        query for the ageing, one for the external references. Fields the caller may not read are left out.
        """
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_CARDS:
            raise ValidationError(_("limit must be a whole number from 1 to %(max)s.", max=MAX_CARDS))
        if not isinstance(ids_or_domain, list | tuple):
            raise ValidationError(_("Send a list of customer ids or a search domain."))
        if all(is_int(item) for item in ids_or_domain):
            if len(ids_or_domain) > MAX_CARDS:
                raise ValidationError(_("Ask for at most %(max)s cards per call.", max=MAX_CARDS))
            partners = self.browse(ids_or_domain).exists()
            partners.check_access("read")
        else:
            shaped = all(
                item in ("&", "|", "!") or (isinstance(item, list | tuple) and len(item) == 3) for item in ids_or_domain
            )
            try:
                if not shaped:
                    raise ValueError(ids_or_domain)
                partners = self.search(list(ids_or_domain), limit=limit, order="name, id")
            except (ValueError, TypeError, KeyError, IndexError) as error:
                raise ValidationError(_("Send a list of customer ids or a valid search domain.")) from error
        return partners._kk_cards()

    # Upsert --------------------------------------------------------------------------------------------------------
    @api.model
    def _kk_upsert_duplicates(self, vals_list):
        """Likely duplicates of the customers about to be created, one list of ``{"id", "score", "reasons"}`` per
        values, reported as warnings; one search for all of them (``_kk_policy_duplicates_many``). The company's
        duplicate policy decides (res_partner_duplicates.py): none under *allow*; under *refuse*, ``create`` itself
        refuses the record, which then answers ``error``.

        Each answer is remembered for the ``create`` of the same values that follows in this transaction, which would
        otherwise search the register a second time (see :meth:`_kk_dup_recall`)."""
        answers = self._kk_policy_duplicates_many(vals_list)
        memo = self.env.cr.precommit.data.setdefault(DUP_MEMO, {})
        for vals, answer in zip(vals_list, answers, strict=True):
            memo[self._kk_dup_memo_key(vals)] = answer
        return [found for _policy, found in answers]

    @api.model
    def _kk_dup_memo_key(self, vals):
        """The values, user and company a duplicate search depended on, as one hashable key."""
        return (self.env.uid, self.env.company.id, repr(sorted(vals.items(), key=lambda item: str(item[0]))))

    @api.model
    def _kk_dup_recall(self, vals):
        """The policy's answer for ``vals`` found just before by :meth:`_kk_upsert_duplicates`, used once, or None.

        Kept in the transaction's data (out of an RPC caller's reach; a savepoint's rollback clears it, and the search
        then runs again). Taken out when used: the next ``create`` of the same values must search again, since the
        register has changed by one customer.
        """
        memo = self.env.cr.precommit.data.get(DUP_MEMO)
        # Only kk_upsert leaves answers: a plain create does not pay for the key.
        return memo.pop(self._kk_dup_memo_key(vals), None) if memo else None

    @api.model
    def _kk_upsert_prepare(self, record):
        """``(vals, source, ref)`` of one record, or the error the form would give for its keys, fields and types."""
        if not isinstance(record, dict):
            raise ValidationError(_("Each customer must be a dictionary of field names and values."))
        vals = dict(record)
        external = vals.pop("external_ref", None)
        source, ref = self._kk_external_key(external) if external is not None else (None, None)
        unknown = sorted(name for name in vals if not isinstance(name, str) or name not in self._fields)
        if unknown:
            raise ValidationError(_("Unknown fields: %(fields)s.", fields=", ".join(map(str, unknown))))
        one2many = sorted(name for name in vals if self._fields[name].type == "one2many")
        if one2many:
            raise ValidationError(
                _(
                    "%(fields)s cannot be sent to an upsert (the same call twice would add lines twice); "
                    "use create or write.",
                    fields=", ".join(one2many),
                )
            )
        if "fodselsnummer" in vals and not self.env.user.has_group(PERSONAL_ID_GROUP):
            raise AccessError(_("Only readers of national identity numbers may send fodselsnummer."))
        self.check_field_access_rights("write", list(vals))
        # Types and forms first, as create/write check them: nothing below reads a value of the wrong type.
        self._kk_guard_check([vals])
        return vals, source, ref

    @api.model
    def _kk_upsert_one(self, index, record):
        """Match, compare and save one record; raises the error the form would give."""
        vals, source, ref = self._kk_upsert_prepare(record)
        partner, matched_by = self._kk_upsert_match(vals, source, ref)
        warnings = []
        if partner:
            changes = partner._kk_upsert_changes(vals)
            if partner.customer_rank <= 0 and "customer_rank" not in vals:
                changes["customer_rank"] = 1
            if changes:
                partner.write(changes)
            status = "updated" if changes else "unchanged"
        else:
            create_vals = dict(vals, customer_rank=vals.get("customer_rank") or 1)
            duplicates = self._kk_upsert_duplicates([create_vals])[0]
            warnings = self._kk_upsert_new_warnings(vals, source, duplicates)
            partner = self.create(create_vals)
            status = "created"
        if source and "external_ref" not in matched_by:
            self.env["kundekartotek.external.ref"].create(
                {"source": source, "ref": ref, "partner_id": partner.id, "company_id": self.env.company.id}
            )
            if status == "unchanged":
                status = "updated"
        return {
            "index": index,
            "id": partner.id,
            "customer_number": partner.ref or False,
            "status": status,
            "matched_by": matched_by,
            "message": "",
            "warnings": warnings,
        }

    @api.model
    def _kk_upsert_batch(self, records):
        """The whole call at once: keys looked up in one query per kind, new customers created in one ``create``.

        Raises at the first problem (the caller then goes record by record, which words the error per record), and
        raises ``_OneByOne`` when two records of the call share a key: the second must find the customer the first
        creates, which only the record-by-record path does.
        """
        prepared = [self._kk_upsert_prepare(record) for record in records]
        seen = set()
        for vals, source, ref in prepared:
            for key in self._kk_upsert_keys(vals, source, ref):
                if key in seen:
                    raise _OneByOne(key[0])
                seen.add(key)
        found = self._kk_upsert_find_all(prepared)
        matched = self.browse({partner_id for matches in found for partner_id in matches.values()})
        by_id = {partner.id: partner for partner in matched}  # iterating keeps the batch's prefetch
        results, to_create, to_link = [], [], []
        for index, ((vals, source, ref), matches) in enumerate(zip(prepared, found, strict=True)):
            if len(set(matches.values())) > 1:
                raise _OneByOne("conflict")  # worded per record by the record-by-record path
            matched_by = sorted(matches)
            result = {"index": index, "matched_by": matched_by, "message": "", "warnings": []}
            results.append(result)
            if matches:
                partner = by_id[next(iter(matches.values()))]
                changes = partner._kk_upsert_changes(vals)
                if partner.customer_rank <= 0 and "customer_rank" not in vals:
                    changes["customer_rank"] = 1
                if changes:
                    partner.write(changes)
                result.update(id=partner, status="updated" if changes else "unchanged")
            else:
                create_vals = dict(vals, customer_rank=vals.get("customer_rank") or 1)
                to_create.append((result, create_vals, vals, source))
            if source and "external_ref" not in matched_by:
                to_link.append((result, source, ref))
        # The new customers' duplicates in one search (none of them is created before the others are searched for).
        duplicates = self._kk_upsert_duplicates([create_vals for _result, create_vals, _vals, _source in to_create])
        for (result, _create_vals, vals, source), found in zip(to_create, duplicates, strict=True):
            result["warnings"] = self._kk_upsert_new_warnings(vals, source, found)
        created = self.create([create_vals for _result, create_vals, _vals, _source in to_create])
        for (result, _create_vals, _vals, _source), partner in zip(to_create, created, strict=True):
            result.update(id=partner, status="created")
        if to_link:
            self.env["kundekartotek.external.ref"].create(
                [
                    {"source": source, "ref": ref, "partner_id": result["id"].id, "company_id": self.env.company.id}
                    for result, source, ref in to_link
                ]
            )
            for result, _source, _ref in to_link:
                if result["status"] == "unchanged":
                    result["status"] = "updated"
        for result in results:
            partner = result["id"]
            result.update(id=partner.id, customer_number=partner.ref or False)
        return results

    @api.model
    def _kk_upsert_keys(self, vals, source, ref):
        """The keys a record is found by, normalised: two records of one call with a common key are one customer."""
        keys = []
        if source:
            keys.append(("external_ref", source, ref))
        if isinstance(vals.get("ref"), str) and vals["ref"]:
            keys.append(("ref", vals["ref"]))
        if isinstance(vals.get("company_registry"), str) and vals["company_registry"].strip():
            keys.append(
                ("company_registry", compact_orgnr(vals["company_registry"]) or vals["company_registry"].strip())
            )
        if isinstance(vals.get("fodselsnummer"), str) and vals["fodselsnummer"]:
            keys.append(("fodselsnummer", compact_fodselsnummer(vals["fodselsnummer"])))
        return keys

    @api.model
    def _kk_upsert_find_all(self, prepared):
        """For each record ``{key: partner id}`` of the keys that find a customer; one query per kind of key.

        The same searches as :meth:`_kk_upsert_match`, for the whole call; a key that finds two customers raises
        ``_OneByOne`` (the record-by-record path words it).
        """
        wanted = {"external_ref": set(), "ref": set(), "company_registry": set(), "fodselsnummer": set()}
        for vals, source, ref in prepared:
            for key in self._kk_upsert_keys(vals, source, ref):
                wanted[key[0]].add(key[1:] if key[0] == "external_ref" else key[1])
                if key[0] == "company_registry":
                    wanted[key[0]].add(vals["company_registry"].strip())
        index = {kind: {} for kind in wanted}
        if wanted["external_ref"]:
            refs = self.env["kundekartotek.external.ref"].search(
                [
                    ("source", "in", sorted({source for source, _ref in wanted["external_ref"]})),
                    ("ref", "in", sorted({ref for _source, ref in wanted["external_ref"]})),
                    ("company_id", "=", self.env.company.id),
                ]
            )
            for link in refs:
                index["external_ref"].setdefault((link.source, link.ref), set()).add(link.partner_id.id)
        domains = {
            "ref": [*self._kk_commercial_domain(), ("customer_rank", ">", 0)],
            "company_registry": self._kk_commercial_domain(),
            "fodselsnummer": [],
        }
        for kind, domain in domains.items():
            if wanted[kind]:
                for partner in self.search([*domain, (kind, "in", sorted(wanted[kind]))]):
                    index[kind].setdefault(partner[kind], set()).add(partner.id)
        found = []
        for vals, source, ref in prepared:
            matches = {}
            for key in self._kk_upsert_keys(vals, source, ref):
                kind = key[0]
                if kind == "external_ref":
                    ids = index[kind].get(key[1:], set())
                elif kind == "company_registry":
                    ids = index[kind].get(key[1], set()) | index[kind].get(vals["company_registry"].strip(), set())
                else:
                    ids = index[kind].get(key[1], set())
                if len(ids) > 1:
                    raise _OneByOne(kind)
                if ids:
                    matches[kind] = next(iter(ids))
            found.append(matches)
        return found

    @api.model
    def _kk_upsert_new_warnings(self, vals, source, duplicates):
        """The warnings of a new customer: no key to find it by again, and its likely ``duplicates``."""
        warnings = []
        if not source and not any(vals.get(key) for key in MATCH_FIELDS):
            warnings.append(
                _(
                    "No key (customer number, organisation number, external reference): "
                    "sending it again creates another customer."
                )
            )
        warnings += [
            _(
                "Possible duplicate of customer %(id)s (score %(score)s): %(reasons)s",
                id=duplicate["id"],
                score=duplicate.get("score"),
                reasons=", ".join(duplicate.get("reasons") or []),
            )
            for duplicate in duplicates
        ]
        return warnings

    @api.model
    def _kk_upsert_error(self, index, error):
        if isinstance(error, psycopg2.IntegrityError):
            message = _(
                "The database refused the record: %(reason)s",
                reason=error.diag.message_primary or error.pgcode,
            )
        else:
            message = error.args[0]
        return {
            "index": index,
            "id": False,
            "customer_number": False,
            "status": "error",
            "matched_by": [],
            "message": message,
            "warnings": [],
        }

    @api.model
    def _kk_external_key(self, key):
        """``(source, ref)`` of an ``{"source", "ref"}`` dict, both non-empty text, or a ValidationError."""
        if (
            not isinstance(key, dict)
            or set(key) != {"source", "ref"}
            or not all(isinstance(key[part], str) and key[part].strip() for part in ("source", "ref"))
        ):
            raise ValidationError(_('external_ref must be {"source": text, "ref": text}, both filled in.'))
        return key["source"].strip(), key["ref"].strip()

    @api.model
    def _kk_upsert_match(self, vals, source, ref):
        """``(partner, [keys that matched])``; every key that finds a customer must find the same one."""
        found = {}
        if source:
            found["external_ref"] = self._kk_find_external(source, ref)
        if vals.get("ref"):
            found["ref"] = self._kk_find_customer_number(vals["ref"])
        if vals.get("company_registry"):
            found["company_registry"] = self._kk_find_orgnr(vals["company_registry"])
        if vals.get("fodselsnummer"):
            found["fodselsnummer"] = self.search([("fodselsnummer", "=", compact_fodselsnummer(vals["fodselsnummer"]))])
        labels = {
            "external_ref": _("external reference"),
            "ref": _("customer number"),
            "company_registry": _("organisation number"),
            "fodselsnummer": _("national identity number"),
        }
        for key, partners in found.items():
            if len(partners) > 1:
                raise ValidationError(
                    _(
                        "The %(key)s matches %(count)s customers (ids %(ids)s): send a key that names one.",
                        key=labels[key],
                        count=len(partners),
                        ids=", ".join(map(str, partners.ids)),
                    )
                )
        matches = {key: partners for key, partners in found.items() if partners}
        distinct = self.browse({partner.id for partner in matches.values()})
        if len(distinct) > 1:
            raise ValidationError(
                _(
                    "The keys name different customers: %(matches)s.",
                    matches=", ".join(f"{labels[key]} → {partner.id}" for key, partner in matches.items()),
                )
            )
        return distinct, sorted(matches)

    @api.model
    def _kk_find_external(self, source, ref):
        refs = self.env["kundekartotek.external.ref"].search(
            [("source", "=", source), ("ref", "=", ref), ("company_id", "=", self.env.company.id)]
        )
        return refs.partner_id

    @api.model
    def _kk_commercial_domain(self):
        """Customers the register numbers: commercial partners (companies, or persons without a company)."""
        return [
            *self._check_company_domain(self.env.company),
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]

    @api.model
    def _kk_find_customer_number(self, number):
        if not isinstance(number, str):
            return self.browse()
        return self.search([*self._kk_commercial_domain(), ("ref", "=", number), ("customer_rank", ">", 0)])

    @api.model
    def _kk_find_orgnr(self, number):
        """Commercial partners with this organisation number, however it was typed (``NO 988 077 917 MVA``)."""
        if not isinstance(number, str):
            return self.browse()
        compact = compact_orgnr(number)
        candidates = {number.strip()}
        if is_ascii_digits(compact):
            candidates.add(compact)
        return self.search([*self._kk_commercial_domain(), ("company_registry", "in", sorted(candidates))])

    def _kk_upsert_changes(self, vals):
        """The values of ``vals`` that differ from this partner's, compared as the partner would store them.

        Identifiers are normalised as ``create``/``write`` store them (compact organisation number, fødselsnummer,
        VAT number), every value is converted to the ORM's cache form (ids, dates, rounded numbers, sets of ids),
        and an empty value equals an empty value, so sending the stored data again is no change.
        """
        self.ensure_one()
        changes = {}
        country_id = vals["country_id"] if "country_id" in vals else self.country_id.id
        norwegian = self._kk_is_norwegian_vals({"country_id": country_id, "company_id": self.company_id.id})
        for name, value in vals.items():
            field = self._fields[name]
            compared = value
            if name == "company_registry" and isinstance(value, str) and norwegian:
                compared = compact_orgnr(value)
            elif name == "fodselsnummer" and isinstance(value, str):
                compared = compact_fodselsnummer(value)
            elif name == "vat" and isinstance(value, str) and hasattr(self, "_fix_vat_number"):
                compared = self._fix_vat_number(value, country_id)
            try:
                new = field.convert_to_cache(compared, self)
                old = field.convert_to_cache(field.convert_to_write(self[name], self), self)
            except (ValueError, TypeError) as error:
                raise ValidationError(
                    _(
                        "The value of %(field)s cannot be read as %(type)s.",
                        field=field._description_string(self.env),
                        type=field.type,
                    )
                ) from error
            if field.type == "many2many":
                new, old = set(new or ()), set(old or ())
            if (new or False) != (old or False):
                changes[name] = value
        return changes

    # Cards ---------------------------------------------------------------------------------------------------------
    def _kk_cards(self):
        """The cards of these partners as plain dicts, in a fixed number of queries whatever their number."""
        if not self:
            return []
        readable = [name for name in CARD_FIELDS if name in self._fields and self._fields[name].is_accessible(self.env)]
        cards = self.read(readable)
        Ageing = self.env["kundekartotek.ageing.report"]
        ageing = None
        if Ageing.has_access("read"):
            ageing, _total = Ageing._kk_grouped([("partner_id", "in", self.commercial_partner_id.ids)])
        ExternalRef = self.env["kundekartotek.external.ref"]
        external = {} if ExternalRef.has_access("read") else None
        if external is not None:
            for row in ExternalRef.search_read([("partner_id", "in", self.ids)], ["partner_id", "source", "ref"]):
                external.setdefault(row["partner_id"][0], []).append({"source": row["source"], "ref": row["ref"]})
        commercial = {partner.id: partner.commercial_partner_id.id for partner in self}
        for card in cards:
            card["customer_number"] = card.get("ref") or False
            if ageing is not None:
                card["ageing"] = ageing.get(commercial[card["id"]]) or dict.fromkeys(
                    ("not_due", "b1", "b2", "b3", "b4", "residual"), 0.0
                )
            if external is not None:
                card["external_refs"] = external.get(card["id"], [])
        return cards
