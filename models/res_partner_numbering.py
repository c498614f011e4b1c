# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, index_exists

from ..lib import numbering
from .res_partner_audit import AUDIT_SUSPENDED

_logger = logging.getLogger(__name__)

CUSTOMER_NUMBER_INDEX = "res_partner_kk_customer_number_uniq"
# Customer numbers are unique among commercial customers of one company; partners without a company (shared
# between companies) form one namespace of their own (company 0).
CUSTOMER_NUMBER_WHERE = SQL("ref IS NOT NULL AND ref <> '' AND customer_rank > 0 AND commercial_partner_id = id")
# The same customers as the checks ask for them, without a flush: ``is_company OR parent_id IS NULL`` is how Odoo
# decides a partner is its own commercial partner, and is already stored when ``commercial_partner_id`` is not.
NUMBER_HOLDER_WHERE = SQL("customer_rank > 0 AND (is_company OR parent_id IS NULL)")
# Tries before giving up when the drawn numbers are already taken (by hand-typed refs or an older scheme).
MAX_DRAWS = 100
# The customer numbers the module itself is writing right now, {partner id: (number, reason, migration)}. Kept in
# the cursor's transaction data, never in the context: any RPC caller controls the context, nobody outside the
# server's Python code reaches this dict. Set only by ``_kk_set_customer_number`` around its own write.
NUMBER_WRITE = "kundekartotek.number.write"
# Numbers the numbering drew and found free in this transaction, {partner id: number}: the uniqueness constraint
# need not ask the database a second time (the unique index still guards against a concurrent writer).
NUMBER_CHECKED = "kundekartotek.number.checked"
# Numbers drawn for new customers before their creation and found free, {(company id or 0, number)}: set only while
# ``create`` stores those customers (their ids are not known before), then moved to NUMBER_CHECKED.
NUMBER_DRAWN = "kundekartotek.number.drawn"
# Fields that decide which commercial partner (and so which customer number) a partner's journal items belong to.
COMMERCIAL_KEYS = ("parent_id", "is_company", "commercial_partner_id")


@contextmanager
def _number_write(env, partner_id, number, reason=None, migration=False):
    """Authorise exactly one write of ``number`` on partner ``partner_id`` by the module's own code."""
    data = env.cr.precommit.data
    previous = data.get(NUMBER_WRITE)
    data[NUMBER_WRITE] = {**(previous or {}), partner_id: (number or False, reason, migration)}
    try:
        yield
    finally:
        if previous is None:
            data.pop(NUMBER_WRITE, None)
        else:
            data[NUMBER_WRITE] = previous


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_number_locked = fields.Boolean(
        compute="_compute_customer_number_locked",
        help="The customer has journal items, which carry its customer number: the number can no longer change.",
    )

    def _compute_customer_number_locked(self):
        """One query for all partners on screen: does the commercial partner's number appear on journal items?"""
        commercial = self.commercial_partner_id.filtered("id")
        locked = commercial._kk_with_journal_items()
        for partner in self:
            partner.customer_number_locked = partner.commercial_partner_id in locked

    @api.constrains("ref", "company_id", "customer_rank")
    def _check_customer_number_unique(self):
        """Say which customer already has the number; the unique index behind it also stops concurrent writers.

        The numbers the numbering drew and found free (after a creation, or before it: :data:`NUMBER_DRAWN`) are not
        asked for again; the others of the batch (an import brings its own numbers) in one query."""
        seen = {}
        checked = self.env.cr.precommit.data.get(NUMBER_CHECKED) or {}
        drawn = self.env.cr.precommit.data.get(NUMBER_DRAWN) or ()

        def is_checked(partner):
            return checked.get(partner.id) == partner.ref or (partner.company_id.id or 0, partner.ref) in drawn

        numbered = self._kk_numbered_customers()
        holders = numbered.filtered(lambda p: not is_checked(p))._kk_customer_number_holders()
        for partner in numbered:
            key = (partner.company_id.id or 0, partner.ref)
            if is_checked(partner) and key not in seen:
                seen[key] = partner
                continue
            other = seen[key].display_name if key in seen else None
            other = other or next((name for i, name in holders.get(key, ()) if i != partner.id), None)
            seen[key] = partner
            if other:
                raise ValidationError(
                    _(
                        "Customer number %(number)s is already used by %(other)s: give %(partner)s another "
                        "number, or leave it empty to get the next one from the numbering scheme.",
                        number=partner.ref,
                        other=other,
                        partner=partner.display_name,
                    )
                )

    def _kk_create(self, vals_list):
        if any(vals.get("ref") for vals in vals_list):
            self._kk_flush_numbers()
        vals_list, drawn = self._kk_number_in_advance(vals_list)
        data = self.env.cr.precommit.data
        # A creation inside another's (contacts created with their company) sees only its own drawn numbers: a
        # number typed there that the outer creation drew is then looked up, and found on the outer's stored row.
        outer = data.get(NUMBER_DRAWN)
        data[NUMBER_DRAWN] = set(drawn)
        try:
            partners = super()._kk_create(vals_list)
        finally:
            if outer is None:
                data.pop(NUMBER_DRAWN, None)
            else:
                data[NUMBER_DRAWN] = outer
        checked = data.setdefault(NUMBER_CHECKED, {})
        checked.update(
            (partner.id, partner.ref) for partner in partners if (partner.company_id.id or 0, partner.ref) in drawn
        )
        partners.filtered(lambda p: p.customer_rank > 0 and not p.ref)._kk_assign_customer_number()
        return partners

    @api.model
    def _kk_number_in_advance(self, vals_list):
        """Give the new customers their numbers in the values they are created with: ``(vals_list, drawn)``, drawn
        being the ``(company id or 0, number)`` pairs given.

        A number given after the creation is a second write of every new customer, through every ``write`` of the
        partner and the audit trail's before and after (docs/benchmarks.md, session 9). Only
        what the values settle is numbered here: a commercial customer (no parent) of a known company, under a
        pattern that needs nothing but the year; the others are numbered after the creation
        (:meth:`_kk_assign_customer_number`). The numbers are checked free in one query, as there.
        """
        context = self.env.context
        if "default_company_id" in context or "default_parent_id" in context:
            return vals_list, set()
        # A customer rank not in the values comes from the Customers menu (``default_customer_rank``) or from
        # account's customer search mode, which sets it in the values further down.
        default_rank = (
            1 if context.get("res_partner_search_mode") == "customer" else context.get("default_customer_rank")
        )
        todo = {}
        for index, vals in enumerate(vals_list):
            rank = vals["customer_rank"] if "customer_rank" in vals else default_rank
            if not isinstance(rank, int) or isinstance(rank, bool) or rank <= 0:
                continue
            if vals.get("ref") or vals.get("parent_id"):
                continue
            company = self.env["res.company"].browse(vals.get("company_id") or ()) or self.env.company
            # A company the caller does not work in: its creation is refused further down, and must not use up a
            # number of that company's series first (numbered after the creation, which then never comes).
            if vals.get("company_id") and not self.env.su and company.id not in self.env.user._get_company_ids():
                continue
            todo[index] = company
        if not todo:
            return vals_list, set()
        Scheme = self.env["kundekartotek.number.scheme"]
        plans = {company: Scheme._kk_scheme_and_parts(company) for company in set(todo.values())}
        # The year each scheme's numbers need (0: none), or None for a pattern that needs the partner itself.
        years = {}
        for scheme, parts in plans.values():
            if scheme:
                tokens = set(numbering.key_tokens(parts))
                years[scheme] = None if tokens - {"year"} else (fields.Date.context_today(self).year if tokens else 0)
        drawn = {}
        for index, company in todo.items():
            scheme, parts = plans[company]
            if scheme and years[scheme] is not None:
                drawn[index] = (scheme, parts, scheme._kk_next_number("", "", years[scheme], parts))
        taken = self._kk_numbers_taken(number for _scheme, _parts, number in drawn.values())
        vals_list = list(vals_list)
        # Numbers typed in this batch are not in the table yet: a drawn number must not meet them either.
        typed = {(vals.get("company_id") or 0, vals["ref"]) for vals in vals_list if vals.get("ref")}
        given = set()
        for index, (scheme, parts, number) in drawn.items():
            company_id = vals_list[index].get("company_id") or 0
            for _attempt in range(MAX_DRAWS):
                if (company_id, number) not in taken | typed | given:
                    break
                number = scheme._kk_next_number("", "", years[scheme], parts)
                taken |= self._kk_numbers_taken([number])
            else:
                continue  # left to the numbering after the creation, which says why it found no free number
            given.add((company_id, number))
            vals_list[index] = {**vals_list[index], "ref": number}
        return vals_list, given

    def write(self, vals):
        if not vals.keys() & {"ref", "customer_rank", "company_id", *COMMERCIAL_KEYS}:
            return super().write(vals)
        checked = self.env.cr.precommit.data.get(NUMBER_CHECKED) or {}
        if vals.keys() != {"ref"} or any(checked.get(partner.id) != vals["ref"] for partner in self):
            self._kk_flush_numbers()
        authorised = self.env.cr.precommit.data.get(NUMBER_WRITE) or {}
        old_numbers = {}
        if "ref" in vals:
            new = vals["ref"] or False
            changed = self.filtered(lambda p: p.ref and p.ref != new)
            # The lock holds for every caller; only the install's one-time clean-up of duplicates steps over it.
            changed.filtered(lambda p: not authorised.get(p.id, (None, None, False))[2])._kk_check_number_unlocked()
            numbered = changed._kk_numbered_customers()
            numbered.filtered(lambda p: authorised.get(p.id, (None,))[0] != new)._kk_check_renumber_allowed()
            old_numbers = {partner: partner.ref for partner in numbered}
        if "customer_rank" in vals and (vals["customer_rank"] or 0) <= 0:
            self._kk_numbered_customers()._kk_check_may_stop_numbering()
        carried, numbered_before = None, self.browse()
        if vals.keys() & set(COMMERCIAL_KEYS):
            carried = self._kk_carried_numbers()
            numbered_before = self._kk_numbered_customers()
        res = super().write(vals)
        if carried:
            self._kk_check_carried_numbers(carried)
        # Becoming a contact of another partner takes a customer out of the numbering, as a rank of 0 does.
        numbered_before.filtered(lambda p: p.commercial_partner_id != p)._kk_check_may_stop_numbering()
        for partner, old in old_numbers.items():
            partner._kk_log_renumber(old, partner.ref, authorised.get(partner.id, (None, None))[1])
        return res

    def copy_data(self, default=None):
        """A copy of a customer is a new partner: it must not carry the customer number of the original."""
        vals_list = super().copy_data(default=default)
        if default is None or "ref" not in default:
            for partner, vals in zip(self, vals_list, strict=False):
                if partner.customer_rank > 0:
                    vals.pop("ref", None)
        return vals_list

    def _increase_rank(self, field, n=1):
        """Number the customers whose first invoice is being posted (account calls this from ``_post``)."""
        if field == "customer_rank":
            for partner in self.filtered(lambda p: p.ref and not p.customer_rank):
                partner._kk_check_ref_free()
        res = super()._increase_rank(field, n)
        if field == "customer_rank":
            self.filtered(lambda p: not p.ref)._kk_assign_customer_number()
        return res

    def action_assign_customer_number(self):
        """Make the partners customers and give those without a number the next one of their company's scheme."""
        partners = self.commercial_partner_id
        partners.filtered(lambda p: not p.customer_rank).write({"customer_rank": 1})
        partners.filtered(lambda p: not p.ref)._kk_assign_customer_number(raise_without_scheme=True)
        return True

    def action_kk_open_renumber(self):
        """Open the renumbering wizard for this customer (managers)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Change customer number"),
            "res_model": "kundekartotek.renumber",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    @api.model
    def _kk_flush_numbers(self):
        """Store the customer numbers written so far in this transaction, before a check reads the table.

        The checks ask the database without flushing the records they validate (:meth:`_kk_customer_number_owner`),
        and a number the numbering gave a new customer stays in memory until the transaction's flush: one UPDATE
        of the new row with everything else computed on it, instead of a second one. So whatever may meet
        another's number (a number typed, a partner becoming a customer or changing company, a drawn number being
        checked) stores the pending ones first; the numbering's own write of the number it drew and found free
        does not, and the unique index guards the rest. Nothing is written when no number is pending.
        """
        self.env["res.partner"].flush_model(["ref"])

    def _kk_numbered_customers(self):
        """The partners whose ``ref`` is a customer number: commercial customers with a ref."""
        return self.filtered(lambda p: p.ref and p.customer_rank > 0 and p.commercial_partner_id == p)

    def _kk_customer_number_owner(self, number):
        """Another commercial customer of the same company (or shared, when this one is) holding ``number``.

        Plain SQL without a flush: called from the constraint, where flushing the records being validated would
        hit the unique index before this check could word a message (see :data:`NUMBER_HOLDER_WHERE`).
        """
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM res_partner
                    WHERE ref = %s AND COALESCE(company_id, 0) = %s AND %s AND id != %s
                    LIMIT 1""",
                number,
                self.company_id.id or 0,
                NUMBER_HOLDER_WHERE,
                self.id or 0,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _kk_customer_number_holders(self):
        """The commercial customers holding the numbers of ``self``: ``{(company id or 0, number): [(id, name)]}``.

        :meth:`_kk_customer_number_owner` for a whole batch in one query, and like it without a flush; the name
        comes with it, because reading a holder through the ORM would flush the records being validated, and the
        unique index would refuse them before the check could word its message."""
        if not self:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(company_id, 0), ref, id, COALESCE(complete_name, name) FROM res_partner
                    WHERE ref IN %s AND %s ORDER BY id""",
                tuple({partner.ref for partner in self}),
                NUMBER_HOLDER_WHERE,
            )
        )
        holders = {}
        for company_id, number, partner_id, name in self.env.cr.fetchall():
            holders.setdefault((company_id, number), []).append((partner_id, name))
        return holders

    def _kk_check_ref_free(self):
        """Refuse to turn a partner into a customer when its ref is already another customer's number."""
        self.ensure_one()
        self._kk_flush_numbers()
        other = self._kk_customer_number_owner(self.ref)
        if other and self.commercial_partner_id == self:
            raise UserError(
                _(
                    "%(partner)s cannot become a customer with reference %(number)s: it is the customer number of "
                    "%(other)s. Change or clear the reference of %(partner)s first.",
                    partner=self.display_name,
                    number=self.ref,
                    other=other.display_name,
                )
            )

    def _kk_check_renumber_allowed(self):
        """Only managers change a customer number, and only while no journal item carries it."""
        if not self:
            return
        if not (self.env.su or self.env.user.has_group("kundekartotek.group_manager")):
            raise UserError(
                _(
                    "Only a Kundekartotek manager can change the customer number of %(partner)s: "
                    "ask a manager to renumber the customer.",
                    partner=self[0].display_name,
                )
            )
        self._kk_check_number_unlocked()

    def _kk_check_number_unlocked(self):
        """Refuse, for every user and route, to change a number that journal items carry."""
        for partner in self._kk_with_journal_items():
            raise UserError(
                _(
                    "The customer number %(number)s of %(partner)s can no longer change: the customer has journal "
                    "items that carry it. Keep the number, or create a new customer.",
                    number=partner.ref,
                    partner=partner.display_name,
                )
            )

    def _kk_check_may_stop_numbering(self):
        """A customer leaving the numbering frees its number for another customer: managers only, never when locked.

        Without this, ``customer_rank`` (a plain counter any user may write) or a parent would take the customer
        out of the number rules, let its ``ref`` be changed freely and be set back.
        """
        if not self:
            return
        if not (self.env.su or self.env.user.has_group("kundekartotek.group_manager")):
            raise UserError(
                _(
                    "Only a Kundekartotek manager can take %(partner)s out of the customer numbering: its customer "
                    "number %(number)s would be free for another customer.",
                    partner=self[0].display_name,
                    number=self[0].ref,
                )
            )
        for partner in self._kk_with_journal_items():
            raise UserError(
                _(
                    "%(partner)s stays a customer: its journal items carry customer number %(number)s, which no "
                    "other customer may get.",
                    partner=partner.display_name,
                    number=partner.ref,
                )
            )

    def _kk_with_journal_items(self):
        """The partners of ``self`` whose ``ref`` journal items carry: items booked on the partner itself or on a
        partner whose commercial partner it is.

        SQL over all companies and without record rules: an item the user cannot see still carries the number.
        """
        if not self.ids:
            return self.browse()
        self.env["account.move.line"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT line.partner_id FROM account_move_line line WHERE line.partner_id IN %(ids)s
                    UNION
                   SELECT partner.commercial_partner_id
                     FROM res_partner partner
                     JOIN account_move_line line ON line.partner_id = partner.id
                    WHERE partner.commercial_partner_id IN %(ids)s""",
                ids=tuple(self.ids),
            )
        )
        return self.browse([row[0] for row in rows]) & self

    def _kk_carried_numbers(self):
        """``{partner id: customer number}`` for the partners at or below ``self`` that have journal items: the
        number of their commercial partner, which those items carry."""
        # sudo: as superuser: a contact of another company below this partner still has its items under this number.
        family = self.sudo().with_context(active_test=False).search([("id", "child_of", self.ids)])
        self.env["account.move.line"].flush_model(["partner_id"])
        rows = self.env.execute_query(
            SQL("SELECT DISTINCT partner_id FROM account_move_line WHERE partner_id IN %s", tuple(family.ids))
        )
        # sudo: the commercial partners whose numbers journal items carry, of the family above
        holders = self.browse([row[0] for row in rows]).sudo()
        return {
            partner.id: partner.commercial_partner_id.ref for partner in holders if partner.commercial_partner_id.ref
        }

    def _kk_check_carried_numbers(self, carried):
        """Refuse a change of parent or company flag that moves journal items under another customer number."""
        # sudo: partners the caller is writing; compared, not shown
        for partner in self.browse(list(carried)).sudo():
            now = partner.commercial_partner_id.ref
            if now != carried[partner.id]:
                raise UserError(
                    _(
                        "%(partner)s cannot move under another customer: its journal items carry customer number "
                        "%(number)s, which would become %(new)s.",
                        partner=partner.display_name,
                        number=carried[partner.id],
                        new=now or _("none"),
                    )
                )

    def _kk_set_customer_number(self, number, reason=None, migration=False):
        """Write ``number`` as this partner's customer number on behalf of the module.

        The only way around the manager check of :meth:`write`: used by the numbering (a new customer's first
        number, any user), the renumbering wizard (after its own manager check) and the install. The authorisation
        is for this partner and this number only, kept where no RPC caller can set it. The lock on numbers that
        journal items carry still holds, except for ``migration`` (the install renumbering duplicates it found).
        """
        self.ensure_one()
        with _number_write(self.env, self.id, number, reason=reason, migration=migration):
            self.write({"ref": number})

    def _kk_renumber(self, new_number=False, reason=None, migration=False):
        """Give this customer ``new_number``, or the next number of its company's scheme when empty.

        The caller decides who may (the wizard: managers); the journal-item lock is checked in :meth:`write`.
        """
        self.ensure_one()
        if not migration:
            self._kk_check_number_unlocked()
        number = new_number or self._kk_draw_number(raise_without_scheme=True)
        self._kk_set_customer_number(number, reason=reason, migration=migration)

    def _kk_log_renumber(self, old, new, reason=None):
        """Leave the change in the chatter and, when the trail does not record ``ref`` already, in the audit trail.

        The trail is the record of who changed a customer number and when whatever its field list says; only the
        transaction flag of anonymisation (which never changes a number) suspends it.
        """
        self.ensure_one()
        if reason:
            body = _(
                "Customer number changed from %(old)s to %(new)s. Reason: %(reason)s",
                old=old or _("none"),
                new=new or _("none"),
                reason=reason,
            )
        else:
            body = _("Customer number changed from %(old)s to %(new)s.", old=old or _("none"), new=new or _("none"))
        # sudo: as superuser, with the user as author: a user without an e-mail address may not post in their own name.
        self.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
        if "ref" not in self._kk_audit_fields() and not self.env.cr.precommit.data.get(AUDIT_SUSPENDED):
            self.env["kundekartotek.audit.log"]._kk_append(
                self._kk_audit_entries("write", {self.id: {"ref": old or False}}, {self.id: {"ref": new or False}})
            )

    def _kk_region_code(self):
        """County code from a Norwegian postcode; ``00`` abroad or when the postcode is missing or unknown."""
        self.ensure_one()
        region = numbering.region_from_postcode(self.zip) if self._kk_is_norwegian() else None
        return region or numbering.REGION_UNKNOWN

    def _kk_assign_customer_number(self, raise_without_scheme=False):
        """Give each commercial partner without a ref the next number of its company's active scheme.

        A partner without a company is numbered by the current company's scheme. Numbers already in use (typed by
        hand, or from an earlier scheme) are skipped, so the number drawn is always free. For a batch (install,
        list action, import) the scheme and its series are looked up once, and whether the drawn numbers are free
        is asked in one query; only a number found taken is drawn again, one by one.
        """
        todo = self.filtered(lambda p: not p.ref and p.commercial_partner_id == p)
        schemes = {}
        drawn = {}
        for partner in todo:
            number = partner._kk_draw_number(raise_without_scheme=raise_without_scheme, schemes=schemes, free=False)
            if number:
                drawn[partner] = number
        taken = self._kk_numbers_taken(drawn.values())
        checked = self.env.cr.precommit.data.setdefault(NUMBER_CHECKED, {})
        for partner, number in drawn.items():
            if (partner.company_id.id or 0, number) in taken:
                number = partner._kk_draw_number(raise_without_scheme=raise_without_scheme, schemes=schemes)
            checked[partner.id] = number
            # sudo: superuser: any user who may create a customer gets its first number, a write of ``ref`` that the
            # number rules otherwise keep for managers; the number is the scheme's, never the caller's.
            partner.sudo()._kk_set_customer_number(number)

    def _kk_numbers_taken(self, numbers):
        """Of ``numbers``, the ``(company id or 0, number)`` pairs a customer holds already."""
        numbers = tuple(set(numbers))
        if not numbers:
            return set()
        self._kk_flush_numbers()
        rows = self.env.execute_query(
            SQL(
                "SELECT COALESCE(company_id, 0), ref FROM res_partner WHERE ref IN %s AND %s",
                numbers,
                NUMBER_HOLDER_WHERE,
            )
        )
        return set(rows)

    def _kk_draw_number(self, raise_without_scheme=False, schemes=None, free=True):
        """The next number of the partner's company scheme, or ``False`` when the company has no scheme.

        ``free``: draw until the number is one no other customer holds (one query per draw); without it the
        caller checks, as :meth:`_kk_assign_customer_number` does for a whole batch at once.
        """
        self.ensure_one()
        schemes = {} if schemes is None else schemes
        company = self.company_id or self.env.company
        if company not in schemes:
            schemes[company] = self.env["kundekartotek.number.scheme"]._kk_scheme_for(company)
        scheme = schemes[company]
        if not scheme:
            if raise_without_scheme:
                raise UserError(
                    _(
                        "%(company)s has no active numbering scheme: create one under Kundekartotek > "
                        "Configuration > Numbering Schemes.",
                        company=company.display_name,
                    )
                )
            return False
        # Only the tokens the pattern uses are worked out: the region reads the partner's and company's country.
        tokens = numbering.key_tokens(scheme._kk_parts())
        letter = numbering.type_letter(self.customer_type) if "type" in tokens else ""
        region = self._kk_region_code() if "region" in tokens else ""
        year = fields.Date.context_today(self).year if "year" in tokens else 0
        for _attempt in range(MAX_DRAWS):
            number = scheme._kk_next_number(letter, region, year)
            if not free or not self._kk_customer_number_owner(number):
                return number
        raise UserError(
            _(
                "No free customer number found for %(partner)s after %(count)s tries with scheme "
                "%(scheme)s: raise the first number of the scheme above the numbers already in use.",
                partner=self.display_name,
                count=MAX_DRAWS,
                scheme=scheme.name,
            )
        )

    def _kk_number_existing_customers(self, batch_size=1000):
        """Give customers that exist before the module a number (install hook); ``self`` empty means all.

        Works in batches of ``batch_size`` partners (flushed and evicted from the cache between batches) so that
        20 000 customers do not sit in memory at once. A ref that is unique within its company is kept as the
        customer number. When several customers share a ref, one keeps it — the first (lowest id) with journal
        items, else the first — and the others get a new number, with the old one in their chatter, the audit
        trail and an INFO line in the log: an install must not fail on data it found, nor fill the log with
        warnings. No commit: the install is one transaction.
        """
        self.env.flush_all()
        restrict = SQL(" AND id IN %s", tuple(self.ids)) if self else SQL()
        # SQL to list ids and refs of every customer without loading 20 000 records into the ORM cache.
        rows = self.env.execute_query(
            SQL(
                """SELECT id, COALESCE(company_id, 0), ref FROM res_partner
                    WHERE customer_rank > 0 AND commercial_partner_id = id%s ORDER BY id""",
                restrict,
            )
        )
        # The ref stays with the customer whose journal items already carry it, when one of them has any.
        owners = dict(
            ((company, ref), first)
            for company, ref, first in self.env.execute_query(
                SQL(
                    """SELECT DISTINCT ON (COALESCE(partner.company_id, 0), partner.ref)
                              COALESCE(partner.company_id, 0), partner.ref, partner.id
                         FROM res_partner partner
                        WHERE %s
                        ORDER BY COALESCE(partner.company_id, 0), partner.ref,
                                 EXISTS(SELECT 1 FROM account_move_line line
                                          JOIN res_partner holder ON holder.id = line.partner_id
                                         WHERE holder.commercial_partner_id = partner.id) DESC,
                                 partner.id""",
                    CUSTOMER_NUMBER_WHERE,
                )
            )
        )
        to_number, duplicates, kept = [], set(), 0
        for partner_id, company, ref in rows:
            if not ref:
                to_number.append(partner_id)
            elif owners.get((company, ref)) != partner_id:
                to_number.append(partner_id)
                duplicates.add(partner_id)
            else:
                kept += 1
        # sudo: numbers are unique across companies, so every partner's number counts
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        reason = _("another customer already had this number when Kundekartotek was installed")
        for start in range(0, len(to_number), batch_size):
            batch = Partner.browse(to_number[start : start + batch_size])
            for partner in batch.filtered(lambda p: p.id in duplicates):
                old = partner.ref
                # The one clean-up that may change a number journal items carry: two customers cannot keep it.
                partner._kk_set_customer_number(partner._kk_draw_number(), reason=reason, migration=True)
                _logger.info(
                    "Customer number %s of partner %s is also used by partner %s: renumbered to %s",
                    old,
                    partner.id,
                    owners.get((partner.company_id.id or 0, old)),
                    partner.ref,
                )
            (batch - batch.filtered(lambda p: p.id in duplicates))._kk_assign_customer_number()
            self.env.flush_all()
            self.env.invalidate_all()
        _logger.info(
            "Customer numbers: %s kept, %s assigned, %s duplicates renumbered",
            kept,
            len(to_number) - len(duplicates),
            len(duplicates),
        )
        self._kk_ensure_customer_number_index()
        return True

    def _auto_init(self):
        res = super()._auto_init()
        self._kk_ensure_customer_number_index()
        return res

    @api.model
    def _kk_ensure_customer_number_index(self):
        """Create the partial unique index on (company, customer number) unless duplicates are still present.

        Odoo 18 declares only plain unique constraints (``_sql_constraints``); a partial index needs SQL. On a
        database with duplicate refs the install hook renumbers them first, then calls this again.
        """
        cr = self.env.cr
        if index_exists(cr, CUSTOMER_NUMBER_INDEX):
            return True
        cr.execute(
            SQL(
                """SELECT 1 FROM res_partner WHERE %s
                    GROUP BY COALESCE(company_id, 0), ref HAVING COUNT(*) > 1 LIMIT 1""",
                CUSTOMER_NUMBER_WHERE,
            )
        )
        if cr.rowcount:
            _logger.info("Duplicate customer numbers found: the unique index waits until they are renumbered")
            return False
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON res_partner (COALESCE(company_id, 0), ref) WHERE %s",
                SQL.identifier(CUSTOMER_NUMBER_INDEX),
                CUSTOMER_NUMBER_WHERE,
            )
        )
        return True
