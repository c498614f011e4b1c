# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

AGEING_KEYS = ("not_due", "b1", "b2", "b3", "b4")
# What a statement reads of each row of the ageing view, fetched in the one query that finds the rows.
ROW_FIELDS = (
    "partner_id",
    "move_id",
    "move_line_id",
    "date",
    "date_maturity",
    "days_overdue",
    "currency_id",
    "company_currency_id",
    "residual",
    "residual_currency",
    *AGEING_KEYS,
)


class ReportKundekartotekStatement(models.AbstractModel):
    """Customer statement (kontoutskrift): a customer's open receivable items as of a date, with an ageing line.

    Every figure is read from ``kundekartotek.ageing.report``, the SQL view behind the ageing report, so the
    statement and the ageing report cannot disagree, and payments after the date do not count.
    """

    _name = "report.kundekartotek.report_statement"
    _description = "Customer Statement PDF"

    @api.model
    def _kk_statements(self, customers, as_of, company, overdue_only=False, line_ids=None):
        """Open items and ageing per commercial partner: ``{partner_id: {"lines", "total", "foreign"}}``.

        One query on the ageing view, whatever the number of customers: the buckets are summed from the rows it
        returns, so a batch of reminders costs the same query as one statement. Items booked on a contact (a manual
        entry) roll up to its commercial partner.
        """
        customers = customers.commercial_partner_id
        report = self.env["kundekartotek.ageing.report"].with_context(
            kk_as_of=fields.Date.to_string(as_of), kk_age_by="due", kk_edges=None, kk_company_ids=company.ids
        )
        domain = [("partner_id", "child_of", customers.ids)]
        if overdue_only:
            domain.append(("days_overdue", ">", 0))
        if line_ids is not None:
            domain.append(("move_line_id", "in", line_ids))
        statements = {
            customer.id: {"lines": [], "total": dict.fromkeys(("residual",) + AGEING_KEYS, 0.0), "foreign": False}
            for customer in customers
        }
        # One query on the view for the rows and their buckets; the totals are summed from the same rows.
        rows = report.search_fetch(domain, ROW_FIELDS)
        for row in rows:
            statement = statements[row.partner_id.commercial_partner_id.id]
            move = row.move_id
            foreign = row.currency_id != row.company_currency_id
            statement["foreign"] = statement["foreign"] or foreign
            statement["lines"].append(
                {
                    "line": row.move_line_id,
                    "number": move.name,
                    "reference": move.ref if move.ref and move.ref != move.name else "",
                    # The KID (l10n_no's payment reference on Norwegian journals) or other payment reference.
                    "payment_reference": move.payment_reference
                    if move.payment_reference and move.payment_reference != move.name
                    else "",
                    "date": move.invoice_date or row.date,
                    "due": row.date_maturity,
                    "amount": row.move_line_id.balance,
                    "open": row.residual,
                    "days_overdue": max(row.days_overdue, 0),
                    "currency": row.currency_id if foreign else False,
                    "open_currency": row.residual_currency if foreign else 0.0,
                }
            )
            total = statement["total"]
            for key in ("residual",) + AGEING_KEYS:
                total[key] += row[key]
        return statements

    @api.model
    def _kk_labels(self, lang):
        """The ageing report's bucket headings, in the customer's language."""
        return self.env["kundekartotek.ageing.report"].with_context(lang=lang, kk_edges=None)._kk_bucket_labels()

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        try:
            as_of = fields.Date.to_date(data.get("as_of") or self.env.context.get("kk_as_of"))
        except (TypeError, ValueError) as error:
            raise UserError(_("The statement date must be a date such as 2026-03-01.")) from error
        as_of = as_of or fields.Date.context_today(self)
        company = self.env.company
        customers = self.env["res.partner"].browse(docids).commercial_partner_id
        statements = self._kk_statements(customers, as_of, company)
        return {
            "doc_ids": customers.ids,
            "doc_model": "res.partner",
            "docs": customers,
            "company": company,
            "currency": company.currency_id,
            "as_of": as_of,
            "statements": statements,
            "labels": {customer.id: self._kk_labels(customer.lang) for customer in customers},
            "ageing_keys": AGEING_KEYS,
        }
