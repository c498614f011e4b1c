# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, index_exists

from ..lib import numbering

_logger = logging.getLogger(__name__)

CUSTOMER_NUMBER_INDEX = "res_partner_kk_customer_number_uniq"
# Customer numbers are unique among commercial customers of one company; partners without a company (shared
# between companies) form one namespace of their own (company 0).
CUSTOMER_NUMBER_WHERE = SQL("ref IS NOT NULL AND ref <> '' AND customer_rank > 0 AND commercial_partner_id = id")
# Tries before giving up when the drawn numbers are already taken (by hand-typed refs or an older scheme).
MAX_DRAWS = 100


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_number_locked = fields.Boolean(
        compute="_compute_customer_number_locked",
        help="The customer has journal items, which carry its customer number: the number can no longer change.",
    )

    def _compute_customer_number_locked(self):
        """One grouped query for all partners on screen; journal items are booked on the commercial partner."""
        commercial = self.commercial_partner_id.filtered("id")
        counts = {}
        if commercial:
            counts = dict(
                self.env["account.move.line"]
                .sudo()
                ._read_group([("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"])
            )
        for partner in self:
            partner.customer_number_locked = bool(counts.get(partner.commercial_partner_id))

    @api.constrains("ref", "company_id", "customer_rank")
    def _check_customer_number_unique(self):
        """Say which customer already has the number; the unique index behind it also stops concurrent writers."""
        seen = {}
        for partner in self._kk_numbered_customers():
            key = (partner.company_id.id or 0, partner.ref)
            other = seen.get(key) or partner._kk_customer_number_owner(partner.ref)
            seen[key] = partner
            if other:
                raise ValidationError(
                    _(
                        "Customer number %(number)s is already used by %(other)s: give %(partner)s another "
                        "number, or leave it empty to get the next one from the numbering scheme.",
                        number=partner.ref,
                        other=other.display_name,
                        partner=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered(lambda p: p.customer_rank > 0 and not p.ref)._kk_assign_customer_number()
        return partners

    def write(self, vals):
        old_numbers = {}
        if "ref" in vals and not self.env.context.get("kk_number_internal"):
            new = vals["ref"] or False
            changed = self._kk_numbered_customers().filtered(lambda p: p.ref != new)
            changed._kk_check_renumber_allowed()
            old_numbers = {partner: partner.ref for partner in changed}
        res = super().write(vals)
        if "ref" in vals:
            # Validated: store it now, so that the next check, which reads the table, sees this number.
            self.flush_recordset(["ref"])
        for partner, old in old_numbers.items():
            partner._kk_log_renumber(old, partner.ref, self.env.context.get("kk_renumber_reason"))
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

    def _kk_numbered_customers(self):
        """The partners whose ``ref`` is a customer number: commercial customers with a ref."""
        return self.filtered(lambda p: p.ref and p.customer_rank > 0 and p.commercial_partner_id == p)

    def _kk_customer_number_owner(self, number):
        """Another commercial customer of the same company (or shared, when this one is) holding ``number``.

        Plain SQL without a flush: called from the constraint, where flushing the records being validated would
        hit the unique index before this check could word a message. ``is_company OR parent_id IS NULL`` is how
        Odoo decides a partner is its own commercial partner, and is already stored when the computed
        ``commercial_partner_id`` is not flushed yet.
        """
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM res_partner
                    WHERE ref = %s AND COALESCE(company_id, 0) = %s AND customer_rank > 0
                      AND (is_company OR parent_id IS NULL) AND id != %s
                    LIMIT 1""",
                number,
                self.company_id.id or 0,
                self.id or 0,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _kk_check_ref_free(self):
        """Refuse to turn a partner into a customer when its ref is already another customer's number."""
        self.ensure_one()
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
        for partner in self.filtered("customer_number_locked"):
            raise UserError(
                _(
                    "The customer number %(number)s of %(partner)s can no longer change: the customer has journal "
                    "items that carry it. Keep the number, or create a new customer.",
                    number=partner.ref,
                    partner=partner.display_name,
                )
            )

    def _kk_log_renumber(self, old, new, reason=None):
        """Leave the change in the chatter: who and when come with the message."""
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
        self.message_post(body=body)

    def _kk_region_code(self):
        """County code from a Norwegian postcode; ``00`` abroad or when the postcode is missing or unknown."""
        self.ensure_one()
        region = numbering.region_from_postcode(self.zip) if self._kk_is_norwegian() else None
        return region or numbering.REGION_UNKNOWN

    def _kk_assign_customer_number(self, raise_without_scheme=False):
        """Give each commercial partner without a ref the next number of its company's active scheme.

        A partner without a company is numbered by the current company's scheme. Numbers already in use (typed by
        hand, or from an earlier scheme) are skipped, so the number drawn is always free.
        """
        Scheme = self.env["kundekartotek.number.scheme"]
        schemes = {}
        year = fields.Date.context_today(self).year
        for partner in self:
            if partner.ref or partner.commercial_partner_id != partner:
                continue
            company = partner.company_id or self.env.company
            if company not in schemes:
                schemes[company] = Scheme._kk_scheme_for(company)
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
                continue
            letter = numbering.type_letter(partner.customer_type)
            region = partner._kk_region_code()
            for _attempt in range(MAX_DRAWS):
                number = scheme._kk_next_number(letter, region, year)
                if not partner._kk_customer_number_owner(number):
                    break
            else:
                raise UserError(
                    _(
                        "No free customer number found for %(partner)s after %(count)s tries with scheme "
                        "%(scheme)s: raise the first number of the scheme above the numbers already in use.",
                        partner=partner.display_name,
                        count=MAX_DRAWS,
                        scheme=scheme.name,
                    )
                )
            partner.sudo().with_context(kk_number_internal=True).write({"ref": number})

    def _kk_number_existing_customers(self, batch_size=1000):
        """Give customers that exist before the module a number (install hook); ``self`` empty means all.

        Works in batches of ``batch_size`` partners (flushed and evicted from the cache between batches) so that
        20 000 customers do not sit in memory at once. A ref that is unique within its company is kept as the
        customer number. When several customers share a ref, the first (lowest id) keeps it and the others get a
        new number, with the old one in their chatter and an INFO line in the log: an install must not fail on
        data it found, nor fill the log with warnings. No commit: the install is one transaction.
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
        owners = dict(
            ((company, ref), first)
            for company, ref, first in self.env.execute_query(
                SQL(
                    """SELECT COALESCE(company_id, 0), ref, MIN(id) FROM res_partner
                        WHERE %s GROUP BY 1, 2""",
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
        Partner = self.env["res.partner"].sudo().with_context(active_test=False, kk_number_internal=True)
        for start in range(0, len(to_number), batch_size):
            batch = Partner.browse(to_number[start : start + batch_size])
            for partner in batch.filtered(lambda p: p.id in duplicates):
                old = partner.ref
                partner.ref = False
                partner._kk_assign_customer_number()
                _logger.info(
                    "Customer number %s of partner %s is also used by partner %s: renumbered to %s",
                    old,
                    partner.id,
                    owners.get((partner.company_id.id or 0, old)),
                    partner.ref,
                )
                partner._kk_log_renumber(
                    old, partner.ref, _("another customer already had this number when Kundekartotek was installed")
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
