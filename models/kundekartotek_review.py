# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict
from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import review
from .res_partner_brreg import RISK_STATUSES

KINDS = [("monthly", "Monthly review"), ("quarterly", "Quarterly validation"), ("cleanup", "Yearly clean-up")]
# Audit actions a monthly review shows: what people did to the customer card.
REVIEWED_ACTIONS = ("create", "write", "archive", "unarchive", "merge", "credit_override")
# Fields whose last change tells how long payment terms and credit limit have stood.
TERMS_FIELDS = ("property_payment_term_id", "credit_limit")
# The monthly review's "who changed what" keeps this many lines per customer; the trail holds the rest.
MAX_CHANGE_LINES = 50


# The partner columns the proposals for archiving read in SQL: flushed before it (an invoice posted in the same
# transaction raises the customer rank in the cache first).
CLEANUP_COLUMNS = ["create_date", "active", "parent_id", "customer_rank", "company_id"]
# The partner columns the quarterly validation reads in SQL: flushed before it, and nothing else.
QUARTERLY_COLUMNS = [
    "kk_contact_confirmed_date",
    "create_date",
    "message_bounce",
    "brreg_status",
    "ref",
    "company_registry",
    "is_company",
    "country_id",
    "active",
    "parent_id",
    "customer_rank",
    "company_id",
]


class KundekartotekReview(models.Model):
    """One customer on one review list for one period: the monthly review of new and changed customers, the
    quarterly validation, or the yearly clean-up's archiving proposal.

    Rows are made by the review jobs (crons, or a manager's *Update list*) and changed only by the two actions,
    marking reviewed and archiving: managers read them, the actions write as superuser after checking the group.
    """

    _name = "kundekartotek.review"
    _description = "Customer review"
    _order = "period desc, kind, id"
    _rec_name = "partner_id"

    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    period = fields.Char(required=True, readonly=True, index=True, help="Month (2026-11), quarter (2026-Q4) or year.")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    state = fields.Selection(
        [("pending", "To review"), ("reviewed", "Reviewed"), ("archived", "Archived")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    reviewed_on = fields.Datetime(readonly=True)
    created = fields.Boolean(string="New customer", readonly=True)
    change_count = fields.Integer(string="Changes", readonly=True)
    changed_by = fields.Char(readonly=True, help="Who changed the customer in the period.")
    changes = fields.Text(string="Who changed what", readonly=True)
    reason_unconfirmed = fields.Boolean(string="Contact data not confirmed", readonly=True)
    reason_bounced = fields.Boolean(string="E-mail bounced", readonly=True)
    reason_register = fields.Boolean(string="Register status", readonly=True)
    reason_terms = fields.Boolean(string="Terms unchanged for long", readonly=True)
    reason_identifiers = fields.Boolean(string="Identifiers missing", readonly=True)
    last_transaction_date = fields.Date(readonly=True)
    note = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "period_uniq",
            "unique(kind, period, partner_id, company_id)",
            "A customer is on each review list once per period.",
        ),
    ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _kk_check_manager(self):
        if not (self.env.su or self.env.user.has_group("kundekartotek.group_manager")):
            raise AccessError(_("Only a Kundekartotek manager may work the review lists."))
        self.check_access("read")

    def action_kk_mark_reviewed(self):
        """Mark the selected customers reviewed for their period (monthly review and quarterly validation)."""
        self._kk_check_manager()
        todo = self.filtered(lambda item: item.state == "pending" and item.kind != "cleanup")
        # sudo: review rows are written by the module only; manager and read right on them checked by _kk_check_manager
        todo.sudo().write({"state": "reviewed", "reviewed_by_id": self.env.uid, "reviewed_on": fields.Datetime.now()})
        return True

    def action_kk_archive(self):
        """Archive the customers of the selected clean-up proposals, each checked again now.

        A customer that got an open item, a transaction within the period or a pending review since the proposal
        is not archived; the answer names them and why.
        """
        self._kk_check_manager()
        skipped = []
        for item in self.filtered(lambda item: item.kind == "cleanup" and item.state == "pending"):
            company = item.company_id
            months = company.kk_review_inactive_months
            today = fields.Date.context_today(self)
            # sudo: the eligibility query reads journal items of the company; manager checked by _kk_check_manager
            candidates = self.sudo()._kk_cleanup_candidates(company, today, months, item.partner_id.ids)
            if item.partner_id.id not in candidates:
                skipped.append(item.partner_id.display_name)
                continue
            item.partner_id.write({"active": False})
            done = {"state": "archived", "reviewed_by_id": self.env.uid, "reviewed_on": fields.Datetime.now()}
            # sudo: as in action_kk_mark_reviewed; the customer itself was archived with the caller's rights
            item.sudo().write(done)
        if skipped:
            message = _(
                "Not archived, no longer eligible (open items, recent transactions or a pending review): %(names)s",
                names=", ".join(skipped),
            )
            kind = "warning"
        else:
            message, kind = _("The customers were archived."), "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Yearly clean-up"), "message": message, "type": kind, "sticky": bool(skipped)},
        }

    def action_kk_update_list(self):
        """Run the review jobs now for the user's current company (the buttons above the lists).

        No to-dos: the manager who asks is looking at the lists. Only the crons call ``_kk_notify``, so nothing
        (least of all a context key, which every RPC caller controls) needs to switch the to-dos off here.
        """
        self._kk_check_manager()
        today = fields.Date.context_today(self)
        # sudo: the lists are written by the jobs only; the caller was checked a manager just above.
        Review = self.sudo()
        company = self.env.company
        Review._kk_generate_monthly(company, today)
        Review._kk_generate_quarterly(company, today)
        Review._kk_generate_cleanup(company, today)
        return {"type": "ir.actions.client", "tag": "reload"}

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------

    @api.model
    def _cron_kk_review_monthly(self):
        """First of the month: new and changed customers of the month before, per company."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._kk_notify(self._kk_generate_monthly(company, today))

    @api.model
    def _cron_kk_review_quarterly(self):
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._kk_notify(self._kk_generate_quarterly(company, today))

    @api.model
    def _cron_kk_review_cleanup(self):
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._kk_notify(self._kk_generate_cleanup(company, today))

    def _kk_notify(self, items):
        """One to-do per new item, on the customer, for its salesperson (else the company's review responsible,
        else the administrator); never a second open one with the same summary."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        labels = dict(self._fields["kind"]._description_selection(self.env))
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        for item in items:
            partner = item.partner_id
            summary = _("%(list)s %(period)s", list=labels[item.kind], period=item.period)
            if partner.activity_ids.filtered(lambda a, s=summary: a.activity_type_id == todo and a.summary == s):
                continue
            user = partner.user_id if partner.user_id.active and not partner.user_id.share else self.env["res.users"]
            user = user or item.company_id.kk_review_user_id or admin or self.env.user
            partner.activity_schedule("mail.mail_activity_data_todo", summary=summary, user_id=user.id)

    # ------------------------------------------------------------------
    # The lists
    # ------------------------------------------------------------------

    def _kk_upsert(self, kind, period, company, rows):
        """Create the items of ``rows`` ({partner id: values}) not on the list yet; refresh pending ones.
        Returns the new items (they get activities)."""
        existing = {
            item.partner_id.id: item
            for item in self.search([("kind", "=", kind), ("period", "=", period), ("company_id", "=", company.id)])
        }
        new_vals = []
        for partner_id, values in rows.items():
            item = existing.get(partner_id)
            if item is None:
                new_vals.append(
                    {"kind": kind, "period": period, "company_id": company.id, "partner_id": partner_id, **values}
                )
            elif item.state == "pending":
                item.write(values)
        return self.create(new_vals)

    @api.model
    def _kk_company_partners(self, company):
        """Partners of ``company``'s lists: its own and the shared ones (no company)."""
        return SQL("(p.company_id = %s OR p.company_id IS NULL)", company.id)

    @api.model
    def _kk_generate_monthly(self, company, today):
        """New and changed customers of the month before ``today``, from the audit trail: who changed what."""
        label, start, end = review.previous_month(today)
        self.env["kundekartotek.audit.log"].flush_model(
            ["partner_id", "logged_at", "user_id", "action", "field_label", "field_name", "res_model"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT log.partner_id, to_char(log.logged_at, 'YYYY-MM-DD'), COALESCE(up.name, ''),
                       bool_or(log.action = 'create'), count(*),
                       string_agg(DISTINCT COALESCE(log.field_label, log.field_name, log.action), ', ')
                  FROM kundekartotek_audit_log log
                  JOIN res_partner p ON p.id = log.partner_id
                  LEFT JOIN res_users u ON u.id = log.user_id
                  LEFT JOIN res_partner up ON up.id = u.partner_id
                 WHERE log.logged_at >= %s AND log.logged_at < %s AND log.res_model = 'res.partner'
                   AND log.action IN %s AND %s
                 GROUP BY log.partner_id, 2, 3
                 ORDER BY log.partner_id, 2, 3
                """,
                datetime.combine(start, time.min),
                datetime.combine(end, time.min),
                REVIEWED_ACTIONS,
                self._kk_company_partners(company),
            )
        )
        rows = defaultdict(lambda: {"created": False, "change_count": 0, "users": [], "lines": []})
        for partner_id, day, user, created, count, what in self.env.cr.fetchall():
            row = rows[partner_id]
            row["created"] |= created
            row["change_count"] += count
            if user and user not in row["users"]:
                row["users"].append(user)
            if len(row["lines"]) < MAX_CHANGE_LINES:
                row["lines"].append(f"{day} {user}: {what}")
        values = {
            partner_id: {
                "created": row["created"],
                "change_count": row["change_count"],
                "changed_by": ", ".join(row["users"]),
                "changes": "\n".join(row["lines"]),
            }
            for partner_id, row in rows.items()
        }
        return self._kk_upsert("monthly", label, company, values)

    @api.model
    def _kk_generate_quarterly(self, company, today):
        """Customers whose data needs checking this quarter, each with its reasons."""
        label = review.quarter_period(today)[0]
        confirm, terms = company.kk_review_confirm_months, company.kk_review_terms_months
        self.env["kundekartotek.audit.log"].flush_model(["res_model", "res_id", "field_name", "logged_at"])
        self.env["res.partner"].flush_model(QUARTERLY_COLUMNS)
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.kk_contact_confirmed_date, p.create_date::date, COALESCE(p.message_bounce, 0),
                       p.brreg_status, p.ref, p.company_registry, p.is_company, country.code,
                       (SELECT max(log.logged_at)::date FROM kundekartotek_audit_log log
                         WHERE log.res_model = 'res.partner' AND log.res_id = p.id AND log.field_name IN %s)
                  FROM res_partner p
                  LEFT JOIN res_country country ON country.id = p.country_id
                 WHERE p.active AND p.parent_id IS NULL AND p.customer_rank > 0 AND %s
                """,
                TERMS_FIELDS,
                self._kk_company_partners(company),
            )
        )
        values = {}
        for (
            pid,
            confirmed,
            created,
            bounces,
            status,
            ref,
            orgnr,
            is_company,
            country,
            terms_changed,
        ) in self.env.cr.fetchall():
            reasons = {
                "reason_unconfirmed": review.is_due(confirmed or created, today, confirm),
                "reason_bounced": bounces > 0,
                "reason_register": status in RISK_STATUSES,
                "reason_terms": review.is_due(terms_changed or created, today, terms),
                "reason_identifiers": not ref or bool(is_company and country in (None, "NO") and not orgnr),
            }
            if any(reasons.values()):
                values[pid] = reasons
        return self._kk_upsert("quarterly", label, company, values)

    @api.model
    def _kk_cleanup_candidates(self, company, today, months, partner_ids=None):
        """{partner id: last transaction date} of customers to propose for archiving.

        A candidate has no journal item dated later than ``months`` months before ``today`` (none at all counts
        from its creation), no draft entry, no open receivable or payable item and a zero balance in ``company``,
        and is on no pending monthly review or quarterly validation. One grouped query over the journal items.
        """
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "parent_state",
                "company_id",
                "account_id",
                "date",
                "balance",
                "reconciled",
                "amount_residual",
            ]
        )
        self.env["account.move"].flush_model(["commercial_partner_id", "state", "company_id"])
        self.env["res.partner"].flush_model(CLEANUP_COLUMNS)
        self.flush_model(["partner_id", "state", "kind"])
        only = SQL("AND p.id IN %s", tuple(partner_ids)) if partner_ids else SQL("")
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.create_date::date, max(aml.date),
                       COALESCE(sum(aml.balance) FILTER (WHERE acc.account_type IN %(open_types)s), 0),
                       bool_or(acc.account_type IN %(open_types)s AND NOT aml.reconciled
                               AND aml.amount_residual <> 0)
                  FROM res_partner p
                  LEFT JOIN account_move_line aml ON aml.partner_id = p.id AND aml.parent_state = 'posted'
                       AND aml.company_id = %(company)s
                  LEFT JOIN account_account acc ON acc.id = aml.account_id
                 WHERE p.active AND p.parent_id IS NULL AND p.customer_rank > 0 AND %(mine)s %(only)s
                   AND NOT EXISTS (SELECT 1 FROM account_move move WHERE move.commercial_partner_id = p.id
                                      AND move.state = 'draft' AND move.company_id = %(company)s)
                   AND NOT EXISTS (SELECT 1 FROM kundekartotek_review item WHERE item.partner_id = p.id
                                      AND item.state = 'pending' AND item.kind IN ('monthly', 'quarterly'))
                 GROUP BY p.id
                """,
                open_types=("asset_receivable", "liability_payable"),
                company=company.id,
                mine=self._kk_company_partners(company),
                only=only,
            )
        )
        # Fetched before anything else reads a field: a read that is not in the cache runs its own query on the
        # same cursor, and the rows of this one would be gone.
        rows = self.env.cr.fetchall()
        currency = company.currency_id
        return {
            pid: last
            for pid, created, last, balance, open_items in rows
            if not open_items and currency.is_zero(balance) and review.is_due(last or created, today, months)
        }

    @api.model
    def _kk_generate_cleanup(self, company, today):
        """The year's archiving proposals."""
        label = review.year_period(today)[0]
        candidates = self._kk_cleanup_candidates(company, today, company.kk_review_inactive_months)
        values = {pid: {"last_transaction_date": last} for pid, last in candidates.items()}
        return self._kk_upsert("cleanup", label, company, values)
