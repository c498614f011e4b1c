# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every
from odoo.tools.misc import formatLang

from ..lib import risk
from .kundekartotek_customer_category import kk_may_edit_credit
from .res_partner_brreg import RISK_STATUSES
from .selections import PAYMENT_CLASSES
from .transaction_flags import flag_is_set, transaction_flag

READERS = "kundekartotek.group_user,kundekartotek.group_auditor"
# The fields the scoring writes. Nobody else may: a manager accepts what is stored here with one click.
RISK_FIELDS = (
    "kk_risk_probability",
    "kk_risk_factors",
    "kk_risk_limit_suggested",
    "kk_risk_class_suggested",
    "kk_risk_scored_at",
    "kk_risk_company_id",
)
# Key in the transaction's data (never the context, which every RPC caller controls) while the scoring writes.
RISK_WRITES = "kundekartotek.risk_writes"


def risk_writes(env):
    """Let the code inside this block write the risk fields (the scoring, and a merge of customers)."""
    return transaction_flag(env, RISK_WRITES)


class ResPartner(models.Model):
    """Payment-risk prediction on the customer: the chance its next invoice is paid late, why, and suggestions."""

    _inherit = "res.partner"

    # Prefetch group kk_risk: see docs/architecture.md, "Prefetch groups on res.partner".
    kk_risk_probability = fields.Float(
        prefetch="kk_risk",
        string="Late-payment risk",
        readonly=True,
        copy=False,
        groups=READERS,
        help="Predicted chance that the customer's next invoice is paid late (more than the company's number of "
        "days after its due date), from the company's payment-risk model.",
    )
    kk_risk_factors = fields.Char(
        prefetch="kk_risk",
        string="Main risk factors",
        readonly=True,
        copy=False,
        groups=READERS,
        help="What pushes the prediction most, up (+) or down (−), against an average customer.",
    )
    kk_risk_limit_suggested = fields.Float(
        prefetch="kk_risk",
        string="Suggested credit limit",
        readonly=True,
        copy=False,
        groups=READERS,
        help="Months of average monthly sales (setting) × chance of paying in time, rounded down to 1 000.",
    )
    kk_risk_class_suggested = fields.Selection(
        PAYMENT_CLASSES,
        prefetch="kk_risk",
        string="Suggested payment class",
        readonly=True,
        copy=False,
        groups=READERS,
        help="Risk when the register flags the customer or the risk is above the company's threshold.",
    )
    kk_risk_scored_at = fields.Datetime(
        prefetch="kk_risk", string="Risk scored on", readonly=True, copy=False, groups=READERS
    )
    kk_risk_company_id = fields.Many2one(
        "res.company", prefetch="kk_risk", string="Risk model of", readonly=True, copy=False, groups=READERS
    )

    def _kk_create(self, vals_list):
        if not flag_is_set(self.env, RISK_WRITES):
            for vals in vals_list:
                self._kk_risk_refuse(vals, _("a new partner"))
        return super()._kk_create(vals_list)

    def write(self, vals):
        if not flag_is_set(self.env, RISK_WRITES):
            self._kk_risk_refuse(vals, self[:1].display_name)
        return super().write(vals)

    def _kk_risk_refuse(self, vals, name):
        written = [field for field in RISK_FIELDS if field in vals]
        if written:
            raise AccessError(
                _(
                    "%(field)s of %(partner)s is set by the payment-risk model only.",
                    field=self._fields[written[0]]._description_string(self.env),
                    partner=name,
                )
            )

    @api.model
    def _kk_risk_score(self, company, model, history, today):
        """Score the company's customers with ``model`` on ``history`` (``risk.Invoice`` list), as of today.

        The next invoice is taken as the customer's average invoice of the last 12 months (of all its invoices when
        it has none that recent); settlements up to and including today count. Customers the register flags are
        suggested as risk customers whatever the model says: the register keeps no history of a status, so the
        model cannot learn it without looking ahead.
        """
        by_partner = {}
        for invoice in history:
            by_partner.setdefault(invoice.partner, []).append(invoice)
        partners = self._kk_tier_customers(company, list(by_partner)).filtered(lambda p: p.id in by_partner)
        labels = self.env["kundekartotek.risk.model"]._kk_feature_labels()
        status_labels = dict(self._fields["brreg_status"]._description_selection(self.env))
        year_ago = today - relativedelta(months=12)
        threshold = company.kk_risk_class_threshold / 100
        now = fields.Datetime.now()
        scores = {}
        for partner in partners:
            invoices = by_partner[partner.id]
            recent = [inv.amount for inv in invoices if inv.invoice_date > year_ago]
            amounts = recent or [inv.amount for inv in invoices]
            values = risk.features_as_of(
                invoices, today + timedelta(days=1), sum(amounts) / len(amounts), company.kk_risk_late_days
            )
            probability = risk.predict(model, values)
            factors = [f"{labels.get(key, key)} ({value:+.2f})" for key, value in risk.top_factors(model, values)]
            flagged = partner.brreg_status in RISK_STATUSES
            if flagged:
                factors.insert(0, _("Register: %(status)s", status=status_labels.get(partner.brreg_status)))
            scores[partner.id] = {
                "kk_risk_probability": probability,
                "kk_risk_factors": "; ".join(factors),
                "kk_risk_limit_suggested": risk.suggest_credit_limit(
                    sum(recent) / 12, probability, months=company.kk_risk_limit_months
                ),
                "kk_risk_class_suggested": risk.suggest_payment_class(
                    partner.payment_class, flagged, probability, threshold
                ),
                "kk_risk_scored_at": now,
                "kk_risk_company_id": company.id,
            }
        partners._kk_risk_store(scores)

    def _kk_risk_store(self, scores):
        """Write ``scores`` ({partner id: values of ``RISK_FIELDS``}) on these partners (as superuser, as the
        scoring read them), in one UPDATE per thousand customers.

        Why SQL: through the ORM each customer is one statement, and every ``write`` override of ``res.partner``
        (audit snapshot, register queue, numbering, credit rights, ...) runs for fields none of them watches. The
        risk fields are read-only outputs of the model: not tracked, no stored field depends on them, and the audit
        trail leaves them out unless ``kundekartotek.audit_fields`` names one; then the ORM writes them, so that the
        trail records each change as it records any other.
        """
        if set(RISK_FIELDS) & set(self._kk_audit_fields()):
            with risk_writes(self.env):
                for partner in self:
                    partner.write(scores[partner.id])
            return
        self.flush_model(RISK_FIELDS)
        now, uid = self.env.cr.now(), self.env.uid
        for chunk in split_every(1000, [(partner.id, scores[partner.id]) for partner in self]):
            rows = SQL(", ").join(
                SQL(
                    "(%s, %s::float8, %s::varchar, %s::float8, %s::varchar, %s::timestamp, %s::int)",
                    partner_id,
                    values["kk_risk_probability"],
                    values["kk_risk_factors"],
                    values["kk_risk_limit_suggested"],
                    values["kk_risk_class_suggested"] or None,
                    values["kk_risk_scored_at"],
                    values["kk_risk_company_id"],
                )
                for partner_id, values in chunk
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner p
                       SET kk_risk_probability = v.probability, kk_risk_factors = v.factors,
                           kk_risk_limit_suggested = v.limit_suggested, kk_risk_class_suggested = v.class_suggested,
                           kk_risk_scored_at = v.scored_at, kk_risk_company_id = v.company_id,
                           write_date = %s, write_uid = %s
                      FROM (VALUES %s) AS v(id, probability, factors, limit_suggested, class_suggested, scored_at,
                                            company_id)
                     WHERE p.id = v.id
                    """,
                    now,
                    uid,
                    rows,
                )
            )
        self.invalidate_recordset([*RISK_FIELDS, "write_date", "write_uid"])

    def _kk_risk_check_editor(self):
        # The same people who may change credit limits and policies (res_partner_credit.py); checked here too
        # because the buttons are public methods any user can call over RPC.
        # The customer must be the caller's to change (record rules): the suggestion is then read as superuser.
        self.check_access("write")
        if not kk_may_edit_credit(self.env):
            raise AccessError(
                _(
                    "Only a Kundekartotek manager or an accounting manager may accept the suggestions for %(partner)s.",
                    partner=self.display_name,
                )
            )

    def action_kk_risk_accept_limit(self):
        """Make the suggested credit limit the customer's limit in the company whose model suggested it."""
        self.ensure_one()
        self._kk_risk_check_editor()
        partner = self.commercial_partner_id
        # sudo: the suggestion is a manager's to accept; editor and write right checked by _kk_risk_check_editor
        suggested = partner.sudo().kk_risk_limit_suggested
        # sudo: as above
        company = partner.sudo().kk_risk_company_id
        if not suggested or not company:
            raise UserError(_("There is no suggested credit limit for %(partner)s.", partner=partner.display_name))
        partner.with_company(company).credit_limit = suggested
        partner.message_post(
            body=_(
                "Suggested credit limit accepted: %(limit)s.",
                limit=formatLang(self.env, suggested, currency_obj=company.currency_id),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_kk_risk_accept_class(self):
        """Make the suggested payment class the customer's payment class."""
        self.ensure_one()
        self._kk_risk_check_editor()
        partner = self.commercial_partner_id
        # sudo: as above
        suggested = partner.sudo().kk_risk_class_suggested
        if not suggested:
            raise UserError(_("There is no suggested payment class for %(partner)s.", partner=partner.display_name))
        partner.payment_class = suggested
        return True
