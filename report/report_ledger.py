# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL


class ReportKundekartotekLedger(models.AbstractModel):
    """Customer ledger (kundespesifikasjon, bokføringsforskriften § 3-1): per customer, every posted receivable
    entry of the period with date, voucher and amount, running balance, opening and closing balance, and the
    reconciliation of all customers' closing balance with the receivable accounts of the general ledger.
    """

    _name = "report.kundekartotek.report_ledger"
    _description = "Customer Ledger PDF"

    @api.model
    def _kk_ledger(self, date_from, date_to, partner_ids=None, company_ids=None):
        """The ledger as plain data, from two SQL queries (opening balances and the period's entries)."""
        company_ids = tuple(company_ids or self.env.companies.ids)
        # The queries read these in SQL: write what the ORM still holds for them, and only for them.
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "date",
                "balance",
                "move_id",
                "name",
                "date_maturity",
                "account_id",
                "parent_state",
                "company_id",
            ]
        )
        self.env["account.move"].flush_model(["name", "move_type", "ref"])
        self.env["account.account"].flush_model(["account_type"])
        # Items without a customer are not on anyone's specification: they show up as the difference to the ledger.
        partner_filter = (
            SQL("AND aml.partner_id IN %s", tuple(partner_ids))
            if partner_ids
            else SQL("AND aml.partner_id IS NOT NULL")
        )
        where = SQL(
            """
            WHERE account.account_type = 'asset_receivable'
              AND aml.parent_state = 'posted'
              AND aml.company_id IN %(company_ids)s
              %(partner_filter)s
            """,
            company_ids=company_ids,
            partner_filter=partner_filter,
        )
        joins = SQL(
            """
            FROM account_move_line aml
            JOIN account_account account ON account.id = aml.account_id
            JOIN account_move am ON am.id = aml.move_id
            """
        )
        self.env.cr.execute(
            SQL(
                "SELECT aml.partner_id, SUM(aml.balance) %s %s AND aml.date < %s GROUP BY aml.partner_id",
                joins,
                where,
                date_from,
            )
        )
        opening = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.partner_id, aml.id, aml.date, am.name, am.move_type, aml.move_id,
                       COALESCE(NULLIF(aml.name, ''), am.ref, '') AS label, aml.date_maturity, aml.balance,
                       SUM(aml.balance) OVER (PARTITION BY aml.partner_id ORDER BY aml.date, aml.id) AS running
                %s %s
                  AND aml.date BETWEEN %s AND %s
                ORDER BY aml.partner_id, aml.date, aml.id
                """,
                joins,
                where,
                date_from,
                date_to,
            )
        )
        customers = {}
        for (
            partner_id,
            line_id,
            date,
            voucher,
            move_type,
            move_id,
            label,
            due,
            balance,
            running,
        ) in self.env.cr.fetchall():
            entry = customers.setdefault(partner_id, {"opening": opening.get(partner_id, 0.0), "lines": []})
            entry["lines"].append(
                {
                    "id": line_id,
                    "date": date,
                    "voucher": voucher,
                    "move_type": move_type,
                    "move_id": move_id,
                    "label": label,
                    "due": due,
                    "amount": balance,
                    "balance": entry["opening"] + running,
                }
            )
        for partner_id, amount in opening.items():
            if amount and partner_id not in customers:
                customers[partner_id] = {"opening": amount, "lines": []}
        for entry in customers.values():
            entry["closing"] = entry["lines"][-1]["balance"] if entry["lines"] else entry["opening"]
        # The general ledger's receivable accounts at the closing date, over every item (with or without customer).
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(aml.balance), 0)
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.company_id IN %s
                   AND aml.date <= %s
                """,
                company_ids,
                date_to,
            )
        )
        general_ledger = self.env.cr.fetchone()[0]
        customers_total = sum(entry["closing"] for entry in customers.values())
        return {
            "customers": customers,
            "customers_total": customers_total,
            "general_ledger": general_ledger,
            "difference": general_ledger - customers_total if not partner_ids else 0.0,
            "complete": not partner_ids,
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        self._kk_check_access(data.get("company_ids"))
        date_from = fields.Date.to_date(data.get("date_from"))
        date_to = fields.Date.to_date(data.get("date_to"))
        ledger = self._kk_ledger(date_from, date_to, data.get("partner_ids"), data.get("company_ids"))
        partners = self.env["res.partner"].browse(list(ledger["customers"])).exists()
        company = self.env["res.company"].browse(data.get("company_ids") or self.env.company.ids)[:1]
        return {
            "doc_ids": docids,
            "docs": company,
            "company": company,
            "date_from": date_from,
            "date_to": date_to,
            "ledger": ledger,
            "partners": partners.sorted(lambda p: (p.ref or "", p.display_name or "")),
            "currency": company.currency_id,
        }

    @api.model
    def _kk_check_access(self, company_ids):
        """The ledger is read with SQL, past record rules: check what the rules and access lines would have checked.

        ``data`` reaches this method from the browser (``/report/pdf/...?options=``), so it may name any company.
        Only a user who may read journal items gets the ledger, and only for companies they belong to.
        """
        self.env["account.move.line"].check_access("read")
        if self.env.su or not company_ids:
            return
        if set(company_ids) - set(self.env.user._get_company_ids()):
            raise AccessError(_("You cannot print the customer ledger of a company you do not belong to."))
