# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib.identifiers import compact_orgnr

ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"
# Operators under which an organisation number typed with spaces or dots is compacted before the search.
ORGNR_OPERATORS = ("=", "ilike", "like", "=ilike", "=like")


class ResPartner(models.Model):
    """The customer list an accountant works from: who owes what, sortable and filterable.

    Balance (core ``credit``) and overdue amount are computed, not stored: storing them would mean rewriting
    partners on every posting and payment. They are made sortable the way Odoo 18 allows for a computed field, by
    giving the ORM an SQL expression for them (:meth:`_order_field_to_sql`; ``fields_get`` then says sortable), and
    searchable with one grouped SQL query each. Both follow what the card shows: posted, unreconciled receivable
    items of the commercial partner in the current company and its branches.
    """

    _inherit = "res.partner"

    overdue_amount = fields.Monetary(search="_search_overdue_amount")
    overdue_30 = fields.Boolean(
        string="Overdue more than 30 days",
        compute="_compute_overdue_30",
        search="_search_overdue_30",
        groups=ACCOUNTING_GROUPS,
        help="Has open receivable items whose due date is more than 30 days ago.",
    )
    kk_credit_state = fields.Selection(
        [("none", "No limit"), ("ok", "Within limit"), ("over", "Over limit")],
        string="Credit status",
        compute="_compute_kk_credit_state",
        search="_search_kk_credit_state",
        groups=ACCOUNTING_GROUPS,
        help="The open receivable balance against the credit limit (0 = no limit). Orders not yet invoiced count "
        "when an invoice is posted, not here.",
    )

    # Overdue ---------------------------------------------------------------------------------------------------------
    @api.model
    def _kk_overdue_query(self, days=0, having=None):
        """Commercial partners whose receivable items due before ``today - days`` sum to ``having`` (default > 0)."""
        self.env["account.move.line"].flush_model(
            ["partner_id", "account_id", "parent_state", "reconciled", "date_maturity", "amount_residual", "company_id"]
        )
        self.env["account.account"].flush_model(["account_type"])
        limit = fields.Date.context_today(self) - timedelta(days=days)
        return SQL(
            """(SELECT aml.partner_id FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                 WHERE aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE AND aml.date_maturity < %(limit)s
                   AND aml.company_id IN %(companies)s AND aml.partner_id IS NOT NULL
                 GROUP BY aml.partner_id HAVING %(having)s)""",
            limit=limit,
            companies=self._kk_list_companies(),
            having=having or SQL("SUM(aml.amount_residual) > 0"),
        )

    @api.model
    def _kk_list_companies(self):
        """The current company and its branches, as the card's balance (core ``credit``) counts them."""
        # sudo: the current company's branches, ids only (as core's credit counts them)
        return tuple(self.env["res.company"].sudo().search([("id", "child_of", self.env.company.root_id.id)]).ids)

    @api.model
    def _search_overdue_amount(self, operator, value):
        """``overdue_amount > 0`` (the *Has overdue* filter) and other comparisons with a number, in one query."""
        if operator not in ("<", "<=", ">", ">=", "=", "!=") or isinstance(value, bool):
            return [("id", "=", 0)]
        if not isinstance(value, (int, float)):
            return [("id", "=", 0)]
        sql_op = SQL(operator if operator != "=" else "=")
        having = SQL("SUM(aml.amount_residual) %s %s", sql_op, value)
        # A customer with nothing overdue has 0: include it where 0 itself matches.
        zero_matches = {"<": 0 < value, "<=": 0 <= value, ">": 0 > value, ">=": 0 >= value}.get(
            operator, (operator == "=") == (value == 0)
        )
        if zero_matches:
            others = self._kk_overdue_query(having=SQL("SUM(aml.amount_residual) <> 0 AND NOT (%s)", having))
            return ["!", ("commercial_partner_id", "in", others)]
        return [("commercial_partner_id", "in", self._kk_overdue_query(having=having))]

    def _compute_overdue_30(self):
        found = set()
        if self.ids:
            query = self._kk_overdue_query(days=30)
            self.env.cr.execute(SQL("SELECT * FROM %s AS overdue", query))
            found = {row[0] for row in self.env.cr.fetchall()}
        for partner in self:
            partner.overdue_30 = partner.commercial_partner_id.id in found

    @api.model
    def _search_overdue_30(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return [("id", "=", 0)]
        positive = (operator == "=") == value
        return [("commercial_partner_id", "in" if positive else "not in", self._kk_overdue_query(days=30))]

    # Credit status ---------------------------------------------------------------------------------------------------
    @api.model
    def _kk_balances(self, partner_ids=None):
        """``{commercial partner id: open receivable}`` for partners with a positive balance (core ``credit``)."""
        self.env["account.move.line"].flush_model(
            ["partner_id", "account_id", "parent_state", "reconciled", "amount_residual", "company_id"]
        )
        self.env["account.account"].flush_model(["account_type"])
        where = SQL("aml.partner_id IN %s", tuple(partner_ids)) if partner_ids is not None else SQL("TRUE")
        if partner_ids is not None and not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT aml.partner_id, SUM(aml.amount_residual) FROM account_move_line aml
                     JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                    WHERE aml.parent_state = 'posted'
                      AND aml.reconciled IS NOT TRUE AND aml.company_id IN %s AND %s
                    GROUP BY aml.partner_id HAVING SUM(aml.amount_residual) > 0""",
                self._kk_list_companies(),
                where,
            )
        )
        return dict(self.env.cr.fetchall())

    def _compute_kk_credit_state(self):
        balances = self._kk_balances(self.commercial_partner_id.ids)
        currency = self.env.company.currency_id
        for partner in self:
            commercial = partner.commercial_partner_id
            # sudo: the limit of a customer the caller reads (the row's commercial partner)
            limit = commercial.sudo().credit_limit
            if not limit or limit <= 0:
                partner.kk_credit_state = "none"
            elif currency.compare_amounts(balances.get(commercial.id, 0.0), limit) > 0:
                partner.kk_credit_state = "over"
            else:
                partner.kk_credit_state = "ok"

    @api.model
    def _search_kk_credit_state(self, operator, value):
        """Over limit: a positive balance above a limit that is not 0. Few customers owe anything, so the balances
        come from one grouped query and the limits (company dependent, with the company default) from the ORM."""
        if operator not in ("=", "!=", "in", "not in"):
            return [("id", "=", 0)]
        values = {value} if operator in ("=", "!=") else set(value or ())
        positive = operator in ("=", "in")
        balances = self._kk_balances()
        # sudo: ids for a search domain: the caller's search applies its own rules to them afterwards
        owing = self.browse(list(balances)).sudo()
        currency = self.env.company.currency_id
        over = [
            p.id
            for p in owing
            if p.credit_limit and p.credit_limit > 0 and currency.compare_amounts(balances[p.id], p.credit_limit) > 0
        ]
        matching = []
        if "over" in values:
            matching.append([("commercial_partner_id", "in", over)])
        if "ok" in values:
            matching.append([("commercial_partner_id", "not in", over), ("credit_limit", ">", 0)])
        if "none" in values:
            matching.append([("credit_limit", "<=", 0)])
        if not matching:
            domain = [("id", "=", 0)]
        else:
            domain = ["|"] * (len(matching) - 1) + [
                leaf for part in matching for leaf in ["&"] * (len(part) - 1) + part
            ]
        return domain if positive else ["!", *domain]

    # Sorting by computed amounts -------------------------------------------------------------------------------------
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Balance and overdue amount as SQL, so the list can sort by them (one correlated sum per partner)."""
        if field_name not in ("credit", "overdue_amount"):
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        if not self.env.user.has_groups(ACCOUNTING_GROUPS):
            raise AccessError(_("You may not sort customers by their receivables."))
        overdue = SQL("AND aml.date_maturity < %s", fields.Date.context_today(self))
        expression = SQL(
            """COALESCE((SELECT SUM(aml.amount_residual) FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                 WHERE aml.partner_id = %(partner)s AND aml.parent_state = 'posted' AND aml.reconciled IS NOT TRUE
                   AND aml.company_id IN %(companies)s %(overdue)s), 0)""",
            partner=SQL.identifier(alias, "commercial_partner_id" if field_name == "overdue_amount" else "id"),
            companies=self._kk_list_companies(),
            overdue=overdue if field_name == "overdue_amount" else SQL(),
            to_flush=self.env["account.move.line"]._fields["amount_residual"],
        )
        return SQL("%s %s %s", expression, direction, nulls)

    # Search by organisation number however it is typed ---------------------------------------------------------------
    @api.model
    def _search(self, domain, *args, **kwargs):
        """``926 018 159`` finds ``926018159``: from the search box, name search, a filter or RPC alike."""
        return super()._search(self._kk_compact_orgnr_domain(domain), *args, **kwargs)

    @api.model
    def _kk_compact_orgnr_domain(self, domain):
        if not isinstance(domain, (list, tuple)):
            return domain
        result = []
        for leaf in domain:
            if (
                isinstance(leaf, (list, tuple))
                and len(leaf) == 3
                and leaf[0] == "company_registry"
                and leaf[1] in ORGNR_OPERATORS
                and isinstance(leaf[2], str)
            ):
                compact = compact_orgnr(leaf[2])
                if compact != leaf[2] and compact.isdigit() and compact.isascii():
                    leaf = ("|", leaf, (leaf[0], leaf[1], compact))
                    result.extend(leaf)
                    continue
            result.append(leaf)
        return result
