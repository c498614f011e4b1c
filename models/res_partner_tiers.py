# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..lib import tiers
from .res_partner_brreg import RISK_STATUSES

# The fields the rules set, in the order a preview lists them.
RULE_FIELDS = ("value_tier", "payment_class")


class ResPartner(models.Model):
    """Automatic categorisation: value tier from revenue share, payment class from behaviour and the register."""

    _inherit = "res.partner"

    kk_tier_locked = fields.Boolean(
        string="Locked against the rules",
        copy=False,
        tracking=True,
        help="Keep the value tier and payment class as set by hand: the automatic categorisation leaves this "
        "customer alone (its revenue still counts in the ranking of the others).",
        prefetch="kundekartotek",
    )

    @api.model
    def _kk_tier_revenue(self, company, date_to):
        """Untaxed revenue per commercial partner over the 12 months up to ``date_to``, in company currency.

        Posted customer invoices minus posted credit notes of the company and its branches, by invoice date
        (after the same day a year before, up to and including ``date_to``). One SQL query: the monthly run ranks
        every customer of the company at once.
        """
        self.env["account.move"].flush_model(
            ["commercial_partner_id", "amount_untaxed_signed", "state", "move_type", "company_id", "invoice_date"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT commercial_partner_id, SUM(amount_untaxed_signed)
                  FROM account_move
                 WHERE state = 'posted'
                   AND move_type IN ('out_invoice', 'out_refund')
                   AND company_id IN %(companies)s
                   AND invoice_date > %(date_from)s
                   AND invoice_date <= %(date_to)s
                   AND commercial_partner_id IS NOT NULL
                 GROUP BY commercial_partner_id
                """,
                companies=tuple(company._kk_tier_branches().ids),
                date_from=date_to - relativedelta(months=12),
                date_to=date_to,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _kk_tier_customers(self, company, partner_ids=()):
        """The customers the company's rules classify: its own (and, if it owns them, the shared) commercial
        partners that are customers or had revenue. Read as superuser: the ranking needs all of them."""
        companies = company._kk_tier_branches().ids + ([False] if company._kk_tier_owns_shared() else [])
        partners = (
            self.env["res.partner"]
            # sudo: the ranking needs every customer of the company; callers are the cron and checked managers
            .sudo()
            .search(
                [
                    ("company_id", "in", companies),
                    "|",
                    ("customer_rank", ">", 0),
                    ("id", "in", list(partner_ids)),
                ]
            )
        )
        return partners.filtered(lambda partner: partner.commercial_partner_id == partner)

    @api.model
    def _kk_tier_proposals(self, company, today=None):
        """What the rules would change: a list of dicts (partner, field, old, new, reason), nothing written.

        Locked customers are ranked (their revenue is part of the total) but never proposed a change.
        """
        today = today or fields.Date.context_today(self)
        revenue = self._kk_tier_revenue(company, today)
        customers = self._kk_tier_customers(company, revenue)
        ranking = tiers.rank_tiers(
            {partner.id: revenue.get(partner.id, 0) for partner in customers},
            a_share=company.kk_tier_a_share,
            b_share=company.kk_tier_b_share,
        )
        behaviour = (
            # sudo: payment behaviour of every customer ranked (cron, or a manager who runs the rules)
            self.sudo()
            .with_context(allowed_company_ids=company._kk_tier_branches().ids)
            ._kk_payment_behaviour(today - relativedelta(months=12), today, customers.ids)
        )
        currency = company.currency_id
        a_edge = company.kk_tier_a_share
        b_edge = company.kk_tier_a_share + company.kk_tier_b_share
        proposals = []
        for partner in customers.sorted(lambda p: (p.name or "", p.id)):
            if partner.kk_tier_locked:
                continue
            tier, before, _after = ranking[partner.id]
            if partner.value_tier != tier:
                proposals.append(
                    {
                        "partner_id": partner.id,
                        "field": "value_tier",
                        "old": partner.value_tier or False,
                        "new": tier,
                        "reason": _(
                            "Revenue %(revenue)s; customers above it make %(share)s %% (A below %(a)s %%, B below "
                            "%(b)s %%)",
                            revenue=formatLang(self.env, revenue.get(partner.id, 0), currency_obj=currency),
                            share=formatLang(self.env, float(before) * 100, digits=2),
                            a=formatLang(self.env, a_edge, digits=2),
                            b=formatLang(self.env, b_edge, digits=2),
                        ),
                    }
                )
            figures = behaviour.get(partner.id, {})
            count = figures.get("count", 0)
            late = round(count * (1 - figures.get("on_time_share", 0.0))) if count else 0
            new_class, why = tiers.propose_payment_class(
                partner.payment_class or tiers.CREDIT,
                partner.brreg_status in RISK_STATUSES,
                count,
                late,
                min_invoices=company.kk_class_min_invoices,
                max_late_share=company.kk_class_max_late_share,
            )
            if why and new_class != partner.payment_class:
                proposals.append(
                    {
                        "partner_id": partner.id,
                        "field": "payment_class",
                        "old": partner.payment_class or False,
                        "new": new_class,
                        "reason": self._kk_class_reason(why, partner, count, late, company),
                    }
                )
        return proposals

    @api.model
    def _kk_class_reason(self, why, partner, count, late, company):
        if why == "register":
            status = dict(partner._fields["brreg_status"]._description_selection(self.env)).get(partner.brreg_status)
            return _("Register status: %(status)s", status=status)
        limit = formatLang(self.env, company.kk_class_max_late_share, digits=2)
        if why == "late":
            return _(
                "%(late)s of %(count)s invoices paid late in 12 months (more than %(limit)s %%)",
                late=late,
                count=count,
                limit=limit,
            )
        return _(
            "%(late)s of %(count)s invoices paid late in 12 months (at most %(limit)s %%)",
            late=late,
            count=count,
            limit=limit,
        )

    @api.model
    def _kk_tier_apply(self, proposals):
        """Write the proposals, one write per customer (so one audit batch each), as the current user.

        A proposal is skipped when the customer was locked or its value changed since it was made: the preview
        showed the change from that value. Returns the number of values changed.
        """
        by_partner = {}
        for proposal in proposals:
            by_partner.setdefault(proposal["partner_id"], []).append(proposal)
        changed = 0
        for partner_id, items in by_partner.items():
            partner = self.browse(partner_id).exists()
            if not partner or partner.kk_tier_locked:
                continue
            vals = {
                item["field"]: item["new"]
                for item in items
                if item["field"] in RULE_FIELDS and (partner[item["field"]] or False) == (item["old"] or False)
            }
            if vals:
                partner.write(vals)
                changed += len(vals)
        return changed

    @api.model
    def _cron_kk_tiers(self):
        """Monthly: apply the rules of every company that switched them on."""
        # sudo: the monthly cron applies every company's rules
        for company in self.env["res.company"].sudo().search([("kk_tier_auto", "=", True)], order="id"):
            partners = self.with_company(company)
            partners._kk_tier_apply(partners._kk_tier_proposals(company))
