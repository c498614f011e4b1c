# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Erasure and restriction of processing (GDPR art. 17 and 18) within bokføringsloven's retention."""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize, split_every

from ..lib import retention
from .res_partner_audit import audit_suspended
from .res_partner_brreg import brreg_queue_suspended

_logger = logging.getLogger(__name__)

PRIVACY_FIELDS = (
    "kk_restricted",
    "kk_restricted_date",
    "kk_restricted_by_id",
    "kk_anonymised",
    "kk_anonymised_date",
    "kk_erasure_next_check",
)
# Personal data cleared on the customer and each of its contacts. The customer number (`ref`), country, language
# and the accounting properties stay: they are the keys and settings the kept bookkeeping relies on.
ERASED_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "website",
    "comment",
    "function",
    "title",
    "image_1920",
    "fodselsnummer",
    "barcode",
)
# Identifiers of a private person are personal data; a business's organisation and VAT numbers are public register
# data and keys of the VAT reporting, so they stay on business customers.
PRIVATE_ERASED_FIELDS = ("vat", "company_registry")

# What the bookkeeping facts' queries read, flushed before they run.
BOOKKEEPING_READS = {
    "account.move": ["company_id", "date", "partner_id", "posted_before", "state"],
    "account.move.line": ["account_id", "amount_residual", "move_id", "parent_state", "partner_id", "reconciled"],
    "account.account": ["account_type"],
    "res.partner": ["commercial_partner_id"],
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    kk_restricted = fields.Boolean(
        string="Processing restricted",
        readonly=True,
        copy=False,
        tracking=True,
        help="GDPR art. 18: the customer's data is only stored (bookkeeping), not used. Restricted customers are "
        "hidden from the customer list by default and their e-mail addresses are blacklisted for mass mailing.",
        prefetch="kundekartotek",
    )
    # Prefetch group kk_erasure: see docs/architecture.md, "Prefetch groups on res.partner".
    kk_restricted_date = fields.Date(prefetch="kk_erasure", string="Restricted since", readonly=True, copy=False)
    kk_restricted_by_id = fields.Many2one(
        "res.users",
        prefetch="kk_erasure",
        string="Restricted by",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The privacy officer who restricted processing. Only such a restriction lets the nightly job "
        "anonymise the customer once its retention has ended.",
    )
    kk_anonymised = fields.Boolean(
        string="Anonymised",
        readonly=True,
        copy=False,
        help="The customer's personal data was erased after the bookkeeping retention period ended; its invoices "
        "and journal items are kept.",
        prefetch="kundekartotek",
    )
    kk_anonymised_date = fields.Date(prefetch="kk_erasure", string="Anonymised on", readonly=True, copy=False)
    kk_erasure_next_check = fields.Date(
        prefetch="kk_erasure",
        string="Next erasure check",
        readonly=True,
        copy=False,
        help="The nightly anonymisation examined this restricted customer and could not erase it yet: it looks "
        "again on this day (the day after the retention ends, or the next day when something else held it back).",
    )
    kk_retention_until = fields.Date(
        string="Retained until",
        compute="_compute_kk_retention_until",
        compute_sudo=True,
        help="Last day of the bookkeeping retention period: the end of the fiscal year of the customer's latest "
        "bookkeeping document plus 5 years (bokføringsloven § 13). Empty when the customer has no document.",
    )

    def _compute_kk_retention_until(self):
        facts = self._kk_bookkeeping_facts()
        for partner in self:
            partner.kk_retention_until = facts.get(partner.commercial_partner_id.id, {}).get("retention_until", False)

    # CRUD ---------------------------------------------------------------------------------------------------------
    def _kk_create(self, vals_list):
        if any(name in vals for vals in vals_list for name in PRIVACY_FIELDS):
            self._kk_check_privacy_officer()
            vals_list = [self._kk_stamp_restriction(vals) for vals in vals_list]
        return super()._kk_create(vals_list)

    def write(self, vals):
        # The fields are read-only in the views, but the ORM would still take them over RPC.
        if any(name in vals for name in PRIVACY_FIELDS):
            self._kk_check_privacy_officer()
            vals = self._kk_stamp_restriction(vals)
        return super().write(vals)

    # Actions ------------------------------------------------------------------------------------------------------
    def action_kk_restrict(self):
        """Restrict processing of these customers (GDPR art. 18): mark, hide from lists, stop marketing e-mail."""
        self._kk_check_privacy_officer()
        self.check_access("write")
        partners = self.commercial_partner_id.filtered(lambda p: not p.kk_restricted and not p.kk_anonymised)
        if not partners:
            return True
        partners._kk_write_restriction({"kk_restricted": True, "kk_restricted_date": fields.Date.context_today(self)})
        # sudo: blacklisting is mail's own marketing stop (mass mailing honours it). A privacy officer need not manage
        # the blacklist otherwise, hence sudo, on addresses read from partners the caller may write.
        Blacklist = self.env["mail.blacklist"].sudo()
        for email in partners._kk_family()._kk_normalized_emails():
            Blacklist._add(email, message=_("Processing of a customer with this address was restricted."))
        return True

    def action_kk_lift_restriction(self):
        """Lift the restriction; addresses stay blacklisted until the customer consents to marketing again."""
        self._kk_check_privacy_officer()
        self.check_access("write")
        partners = self.commercial_partner_id.filtered("kk_restricted")
        partners._kk_write_restriction({"kk_restricted": False, "kk_restricted_date": False})
        return True

    # Business methods ---------------------------------------------------------------------------------------------
    def _kk_check_privacy_officer(self):
        if not self.env.is_superuser() and not self.env.user.has_group("kundekartotek.group_privacy_officer"):
            raise AccessError(_("Only a privacy officer may restrict processing of or anonymise a customer."))

    def _kk_stamp_restriction(self, vals):
        """Who restricted is the user doing it, never a value from the caller, and must be a privacy officer.

        The nightly anonymisation takes restricted customers only when this user is set: the restriction is the
        privacy officer's decision. Checked on the user even under ``sudo()``, which only lifts access rights.
        """
        vals = dict(vals)
        vals.pop("kk_restricted_by_id", None)
        if "kk_restricted" in vals:
            if vals["kk_restricted"] and not self.env.user.has_group("kundekartotek.group_privacy_officer"):
                raise AccessError(_("Only a privacy officer may restrict processing of a customer."))
            vals["kk_restricted_by_id"] = self.env.uid if vals["kk_restricted"] else False
            # A new decision is examined at the next run, whatever an earlier one found.
            vals["kk_erasure_next_check"] = False
        return vals

    def _kk_family(self):
        """The partners and their contacts and addresses (archived ones included), the data that erasing them clears.

        A sub-company (a company below one of them, ``is_company`` with a parent) is its own commercial partner,
        with its own documents and its own retention: it and everything under it are left out, to be erased as
        their own request. Of a contact person, the family is the person and their own addresses.
        """
        return (
            # sudo: the whole family, of any company, of partners the caller acts on; the env's rights are put back
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", self.ids), ("commercial_partner_id", "in", self.commercial_partner_id.ids)])
            # sudo: back to the caller's rights
            .sudo(self.env.su)
        )

    def _kk_sub_companies(self):
        """Companies below these partners that are customers of their own: not erased with them."""
        return (
            # sudo: as _kk_family; the env's rights are put back
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", self.ids), ("id", "not in", self.ids), ("is_company", "=", True)])
            # sudo: back to the caller's rights
            .sudo(self.env.su)
        )

    def _kk_normalized_emails(self):
        # sudo: addresses of partners being erased or restricted, which the caller was checked for
        return {email_normalize(partner.email) for partner in self.sudo() if partner.email} - {False}

    def _kk_write_restriction(self, vals):
        """Write the restriction flags and record the change in the audit trail with who and when."""
        audited = "kk_restricted" in self._kk_audit_fields()
        before = {} if audited else self._kk_audit_snapshot(["kk_restricted"])
        self.write(vals)
        if not audited:
            after = self._kk_audit_snapshot(["kk_restricted"])
            self.env["kundekartotek.audit.log"]._kk_append(self._kk_audit_entries("write", before, after))

    def _kk_bookkeeping_facts(self, own=False):
        """Per commercial partner: end of retention, open balance, open items and unposted drafts.

        One grouped query per 1 000 customers instead of searches per customer (the register holds 20 000). Read in
        SQL across all companies on purpose: a document of another company still binds the data. A document is a
        posted entry of any type (invoices, payments, miscellaneous entries), or one that was posted once (a
        cancelled or reset invoice keeps its number in the voucher series), whether the customer is on the entry or
        on one of its journal items.

        With ``own``, the facts are those of each partner of ``self`` itself and of its own addresses (its
        :meth:`_kk_family`), keyed by that partner: a contact person's own documents (an invoice addressed to
        the person), not the company's. That is what erasing one contact person is judged on.
        """
        keys = self if own else self.commercial_partner_id
        key_ids = tuple(set(keys.ids))
        facts = {
            pid: {"retention_until": False, "open_balance": 0.0, "open_items": False, "drafts": 0, "company_ids": set()}
            for pid in key_ids
        }
        if not key_ids:
            return facts
        for model, fnames in BOOKKEEPING_READS.items():
            self.env[model].flush_model(fnames)
        # sudo: retention is judged on every company's bookkeeping, whatever the caller may read
        Company = self.env["res.company"].sudo()
        for ids in split_every(1000, key_ids, tuple):
            if own:
                pairs = [(member.id, key.id) for key in self.browse(ids) for member in key._kk_family()]
                members = SQL(
                    "SELECT * FROM unnest(%s::int[], %s::int[]) AS pair(member_id, key_id)",
                    [member for member, __ in pairs],
                    [key for __, key in pairs],
                )
                # A contact's invoices have the company on their receivable lines: the entry names the person.
                open_join = SQL("member.member_id IN (line.partner_id, move.partner_id)")
            else:
                members = SQL(
                    "SELECT id AS member_id, commercial_partner_id AS key_id FROM res_partner "
                    "WHERE commercial_partner_id IN %s",
                    ids,
                )
                open_join = SQL("member.member_id = line.partner_id")
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH member AS (%(members)s)
                    SELECT doc.key_id, doc.company_id, MAX(doc.date)
                      FROM (SELECT member.key_id, move.company_id, move.date
                              FROM account_move move
                              JOIN member ON member.member_id = move.partner_id
                             WHERE move.state = 'posted' OR move.posted_before
                             UNION ALL
                            SELECT member.key_id, move.company_id, move.date
                              FROM account_move_line line
                              JOIN account_move move ON move.id = line.move_id
                              JOIN member ON member.member_id = line.partner_id
                             WHERE move.state = 'posted' OR move.posted_before) doc
                     GROUP BY doc.key_id, doc.company_id
                    """,
                    members=members,
                )
            )
            for key_id, company_id, last_date in rows:
                until = self._kk_retention_end(Company.browse(company_id), last_date)
                facts[key_id]["company_ids"].add(company_id)
                current = facts[key_id]["retention_until"]
                facts[key_id]["retention_until"] = max(current, until) if current else until
            # Open items: the customer's unsettled receivables and payables. Payments waiting for their bank statement
            # (outstanding accounts) are the company's business, not a balance with the customer.
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH member AS (%(members)s)
                    SELECT item.key_id, SUM(item.amount_residual), COUNT(*)
                      FROM (SELECT DISTINCT member.key_id, line.id, line.amount_residual
                              FROM account_move_line line
                              JOIN account_move move ON move.id = line.move_id
                              JOIN account_account account ON account.id = line.account_id
                              JOIN member ON %(open_join)s
                             WHERE line.parent_state = 'posted'
                               AND account.account_type IN ('asset_receivable', 'liability_payable')
                               AND NOT line.reconciled
                               AND line.amount_residual != 0) item
                     GROUP BY item.key_id
                    """,
                    members=members,
                    open_join=open_join,
                )
            )
            for key_id, residual, count in rows:
                facts[key_id].update(open_balance=residual or 0.0, open_items=bool(count))
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH member AS (%(members)s)
                    SELECT member.key_id, COUNT(DISTINCT move.id)
                      FROM account_move move
                      JOIN member ON member.member_id = move.partner_id
                     WHERE move.state = 'draft'
                       AND NOT COALESCE(move.posted_before, FALSE)
                     GROUP BY member.key_id
                    """,
                    members=members,
                )
            )
            for key_id, count in rows:
                facts[key_id]["drafts"] = count
        return facts

    @api.model
    def _kk_retention_end(self, company, document_date):
        """Last day of retention for a document: end of its fiscal year in ``company``, plus 5 fiscal years."""
        return retention.retention_end(document_date, int(company.fiscalyear_last_month), company.fiscalyear_last_day)

    def _kk_erasure_subjects(self):
        """What erasing ``self`` means: a customer (commercial partner) with its contacts, or one contact person.

        ``{subject id: family}``; commercial partners are judged on the documents of their commercial entity,
        contact persons on their own documents.
        """
        return {subject.id: subject._kk_family() for subject in self}

    def _kk_subject_facts(self):
        """Bookkeeping facts of each subject: of the commercial entity for customers, their own for contacts."""
        customers = self.filtered(lambda p: p.commercial_partner_id == p)
        facts = customers._kk_bookkeeping_facts()
        facts.update((self - customers)._kk_bookkeeping_facts(own=True))
        return facts

    def _kk_erasure_refusals(self, facts=None):
        """Why each partner of ``self`` cannot be anonymised today: ``{partner id: [translated reasons]}``.

        ``self`` are the subjects as asked: commercial partners (the customer and its contacts) or contact persons
        (that person alone, see :meth:`_kk_subject_facts`).
        """
        facts = facts or self._kk_subject_facts()
        today = fields.Date.context_today(self)
        families = self._kk_erasure_subjects()
        member_ids = [member.id for family in families.values() for member in family]
        company_partners = (
            # sudo: partners of companies are never erased, whether the caller sees the company or not
            self.env["res.company"].sudo().with_context(active_test=False).search([("partner_id", "in", member_ids)])
        ).partner_id
        user_partners = (
            # sudo: nor partners of users
            self.env["res.users"].sudo().with_context(active_test=False).search([("partner_id", "in", member_ids)])
        ).partner_id
        refusals = {}
        for partner in self:
            fact, family, reasons = facts.get(partner.id, {}), families.get(partner.id, partner), []
            if partner.kk_anonymised:
                reasons.append(_("The customer is already anonymised."))
            if family & company_partners:
                reasons.append(_("The partner is a company of this database."))
            if family & user_partners:
                reasons.append(_("The partner or one of its contacts is linked to a user."))
            # Retained while the last day of retention is today or later; erasable from the day after.
            if retention.retention_running(fact.get("retention_until"), today):
                reasons.append(
                    _(
                        "Bookkeeping documents must be kept until %(date)s (bokføringsloven § 13).",
                        date=fact["retention_until"],
                    )
                )
            if fact.get("open_items"):
                reasons.append(_("The customer has open items (balance %(balance)s).", balance=fact["open_balance"]))
            if fact.get("drafts"):
                reasons.append(_("The customer has %(count)s unposted draft entries.", count=fact["drafts"]))
            if reasons:
                refusals[partner.id] = reasons
        return refusals

    def _kk_anonymise(self):
        """Erase the personal data of these partners; keep every bookkeeping record.

        A commercial partner is erased with its contacts and addresses; a contact person alone (with their own
        addresses). Sub-companies are never erased with the company above them: each is a customer of its own,
        with its own retention, and is erased by its own request. Refuses (``UserError``) unless every partner
        may be anonymised, each judged on its own commercial entity's documents (a contact: on their own).

        The caller checks the user's role; the work itself runs as superuser because it removes chatter,
        followers and attachments that the user may not own. The field-level audit trail is suspended while the
        values are cleared — it would copy the erased data into the trail — and one ``anonymise`` entry per
        partner records who and when, naming the cleared fields but not their values.
        """
        subjects = self
        refusals = subjects._kk_erasure_refusals()
        if refusals:
            lines = [
                f"{self.browse(pid).display_name}: {' '.join(reasons)}"  # names shown only to the privacy officer
                for pid, reasons in refusals.items()
            ]
            raise UserError(_("The customer cannot be anonymised:\n%(reasons)s", reasons="\n".join(lines)))
        families = subjects._kk_erasure_subjects()
        # sudo: erasure goes through every record of the person; privacy officer and write right checked above
        family = self.browse([member.id for members in families.values() for member in members]).sudo()
        emails = family._kk_normalized_emails()
        today = fields.Date.context_today(self)
        entries = []
        Partner = family.with_context(tracking_disable=True, active_test=False)
        with audit_suspended(self.env), brreg_queue_suspended(self.env):
            for member in Partner:
                vals = member._kk_anonymised_values()
                member.write(vals)
                entries.append(
                    {
                        "res_model": self._name,
                        "res_id": member.id,
                        "partner_id": member.id,
                        "record_name": vals["name"],
                        "action": "anonymise",
                        "new_value": ", ".join(sorted(name for name in vals if name != "name")),
                    }
                )
            Partner.write({"active": False, "kk_anonymised": True, "kk_anonymised_date": today})
        family._kk_erase_related(emails)
        self.env["kundekartotek.audit.log"]._kk_append(entries)
        # sudo: as above
        for partner in subjects.sudo():
            partner.message_post(body=_("Personal data erased: the bookkeeping retention period has ended."))
        _logger.info("Anonymised %s customers or contacts (%s partners)", len(subjects), len(family))
        return True

    def _kk_anonymised_values(self):
        """The values that replace this partner's personal data (only fields that are set, to keep the log short)."""
        self.ensure_one()
        if self.commercial_partner_id == self:
            name = _("Anonymised customer %(id)s", id=self.id)
        else:
            name = _("Anonymised contact %(id)s", id=self.id)
        names = list(ERASED_FIELDS)
        if self.commercial_partner_id == self and self.customer_type == "private":
            names += PRIVATE_ERASED_FIELDS
        vals = {name: False for name in names if name in self._fields and self[name]}
        vals["name"] = name
        return vals

    def _kk_erase_related(self, emails):
        """Remove what surrounds the partners and is not bookkeeping material (called as superuser).

        The partners' own chatter, activities, followers (the partners following anything, and anyone following
        them), attachments filed on the partners, bank accounts no entry refers to, and the blacklist entries of
        their erased addresses that no remaining partner uses. Entries, journal items, and the messages and
        attachments of entries stay untouched.
        """
        ids = self.ids
        env = self.env
        # Bank accounts first: account logs their removal on the partner's chatter, which is cleared next.
        banks = env["res.partner.bank"].with_context(active_test=False).search([("partner_id", "in", ids)])
        used = banks._kk_referenced_by_entries()
        used.write({"acc_holder_name": False})
        (banks - used)._kk_erase()
        env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", self._name),
                ("res_id", "in", ids),
                "&",
                ("model", "=", banks._name),
                ("res_id", "in", used.ids),
            ]
        ).unlink()
        env["mail.activity"].search([("res_model", "=", self._name), ("res_id", "in", ids)]).unlink()
        env["mail.followers"].search(
            ["|", ("partner_id", "in", ids), "&", ("res_model", "=", self._name), ("res_id", "in", ids)]
        ).unlink()
        env["ir.attachment"].search([("res_model", "=", self._name), ("res_id", "in", ids)]).unlink()
        # The consent history proves consent to marketing; after erasure there is no processing left for it to
        # justify, and its wording and sources are personal data. Its rows are permanent for the ORM (evidence
        # while the person is a customer), so they go in SQL, the same way a deleted partner's rows cascade.
        env["kundekartotek.consent"].flush_model()
        env.cr.execute(SQL("DELETE FROM kundekartotek_consent WHERE partner_id = ANY(%s)", ids))
        self.invalidate_recordset(["consent_ids"])
        self.modified(["consent_ids"])
        if emails:
            still_used = set(
                self.with_context(active_test=False)
                .search([("email_normalized", "in", list(emails)), ("id", "not in", ids)])
                .mapped("email_normalized")
            )
            env["mail.blacklist"].with_context(active_test=False).search(
                [("email", "in", list(emails - still_used))]
            ).unlink()

    # Cron ---------------------------------------------------------------------------------------------------------
    @api.model
    def _cron_kk_anonymise_expired(self, batch_size=50):
        """Anonymise customers a privacy officer restricted, once their retention has ended (cron, off by default).

        Only for companies with *Anonymise automatically* set; a customer shared by the companies (no company of
        its own) only when every company it has documents in has it set. Only a privacy officer's decision makes a
        customer eligible: a restriction they set (``kk_restricted_by_id``). Archiving is not such a decision — any
        user may archive a customer. No ``cr.commit()``: each call handles one batch and reports its progress, and
        Odoo's cron runner commits after every call and calls again while customers remain, so each batch is its
        own transaction and a failure loses one batch only.
        """
        # sudo: the nightly job serves every company that asked for it
        companies = self.env["res.company"].sudo().search([("kk_auto_anonymise", "=", True)])
        if not companies:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        today = fields.Date.context_today(self)
        domain = [
            # Commercial partners, as Odoo decides them: sub-companies are customers of their own.
            "|",
            ("parent_id", "=", False),
            ("is_company", "=", True),
            ("customer_rank", ">", 0),
            ("kk_anonymised", "=", False),
            ("kk_restricted", "=", True),
            ("kk_restricted_by_id", "!=", False),
            ("company_id", "in", [False, *companies.ids]),
            "|",
            ("kk_erasure_next_check", "=", False),
            ("kk_erasure_next_check", "<=", today),
        ]
        Partner = self.with_context(active_test=False)
        eligible = self.browse()
        for chunk in split_every(1000, Partner.search(domain, order="id").ids, self.browse):
            chunk = chunk.filtered(lambda p: p.commercial_partner_id == p)
            facts = chunk._kk_bookkeeping_facts()
            refusals = chunk._kk_erasure_refusals(facts=facts)
            next_checks = {}
            for partner in chunk:
                fact = facts[partner.id]
                # A customer shared by all companies: every company it has documents in must have asked for it.
                if partner.id not in refusals and fact["company_ids"] <= set(companies.ids):
                    eligible |= partner
                elif retention.retention_running(fact["retention_until"], today):
                    next_checks[partner.id] = retention.first_day_after(fact["retention_until"])
                else:
                    next_checks[partner.id] = retention.first_day_after(today)
            chunk._kk_set_erasure_next_check(next_checks)
            if len(eligible) >= batch_size:
                break
        # Locked as it is picked: a second run at the same moment takes the next customers (res_partner_batch.py).
        batch = Partner._kk_claim_batch([("id", "in", eligible.ids)], batch_size)
        if batch:
            batch._kk_anonymise()
        remaining = Partner.search_count(domain)
        _logger.info("Automatic anonymisation: %s customers anonymised, %s to examine", len(batch), remaining)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)

    def _kk_set_erasure_next_check(self, next_checks):
        """Remember when to look at each refused customer again, {partner id: date}, so that a run's later calls
        and the nights before that date skip it instead of recomputing its facts. Written in SQL: a technical date
        of the job, not a change of customer data to audit or to send to followers."""
        if not next_checks:
            return
        self.env.execute_query(
            SQL(
                """UPDATE res_partner partner SET kk_erasure_next_check = checks.day
                     FROM unnest(%s::int[], %s::date[]) AS checks(id, day)
                    WHERE partner.id = checks.id""",
                list(next_checks),
                list(next_checks.values()),
            )
        )
        self.browse(list(next_checks)).invalidate_recordset(["kk_erasure_next_check"])
