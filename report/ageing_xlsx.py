# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io

import xlsxwriter

from odoo import _, api, models
from odoo.tools import SQL


class KundekartotekAgeingXlsx(models.AbstractModel):
    """The ageing as an Excel workbook: a summary sheet per customer and a sheet with every open item."""

    _name = "kundekartotek.ageing.xlsx"
    _description = "Receivables Ageing Workbook"

    @api.model
    def _build(self, context):
        """The workbook's bytes: a summary per customer and every open item, for the options in ``context``."""
        report = self.env["kundekartotek.ageing.report"].with_context(**context)
        rows, total = report._kk_report_rows()
        labels = list(report._kk_bucket_labels().values())
        keys = ("not_due", "b1", "b2", "b3", "b4")
        output = io.BytesIO()
        # Rows go to a temporary file as they are written (each sheet is written top to bottom): at tens of
        # thousands of open items the workbook must not sit in memory cell by cell.
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})

        summary = workbook.add_worksheet(_("Summary"))
        summary.write(0, 0, _("Receivables ageing as of %(date)s", date=context.get("kk_as_of")), bold)
        header = [_("Customer number"), _("Customer"), *labels, _("Total")]
        summary.write_row(2, 0, header, bold)
        line = 3
        for _partner_id, ref, name, values in rows:
            summary.write(line, 0, ref)
            summary.write(line, 1, name)
            for column, key in enumerate(keys, start=2):
                summary.write_number(line, column, values[key], money)
            summary.write_number(line, 7, values["residual"], money_bold)
            line += 1
        summary.write(line, 1, _("Total"), bold)
        for column, key in enumerate((*keys, "residual"), start=2):
            summary.write_number(line, column, total[key], money_bold)
        summary.set_column(0, 0, 14)
        summary.set_column(1, 1, 40)
        summary.set_column(2, 7, 16)

        items = workbook.add_worksheet(_("Open items"))
        item_header = [_("Customer"), _("Entry"), _("Date"), _("Due date"), _("Days overdue"), _("Currency")]
        items.write_row(0, 0, [*item_header, _("Open (currency)"), _("Open")], bold)
        # Customers in the summary's order (their names are already known), then by due date.
        order = {row[0]: (position, row[2]) for position, row in enumerate(rows)}
        for index, item in enumerate(sorted(self._items(report), key=lambda item: order[item[0]][0]), start=1):
            partner_id, entry, date, due, days, currency, open_currency, open_amount = item
            items.write(index, 0, order[partner_id][1])
            items.write(index, 1, entry or "")
            for column, value in ((2, date), (3, due)):
                if value:
                    items.write_datetime(index, column, value, date_format)
            items.write_number(index, 4, days)
            items.write(index, 5, currency or "")
            items.write_number(index, 6, open_currency, money)
            items.write_number(index, 7, open_amount, money)
        items.set_column(0, 1, 32)
        items.set_column(2, 7, 14)
        workbook.close()
        return output.getvalue()

    @api.model
    def _items(self, report):
        """Every open item as a plain tuple (customer id, entry number, dates, days, currency code, amounts).

        The rows are the view's as the user may read them (``_search`` adds the record rules); the entry number
        and currency code behind them are joined in, as ``read()`` gives many2one names.
        """
        query = report._search([])
        table = query.table
        move = query.left_join(table, "move_id", "account_move", "id", "move_id")
        currency = query.left_join(table, "currency_id", "res_currency", "id", "currency_id")
        # Within a customer by due date; _build orders the customers as the summary does (a stable sort).
        query.order = SQL("%s, %s", SQL.identifier(table, "date_maturity"), SQL.identifier(table, "id"))
        view = [SQL.identifier(table, name) for name in ("partner_id", "date", "date_maturity", "days_overdue")]
        self.env.cr.execute(
            query.select(
                view[0],
                SQL.identifier(move, "name"),
                *view[1:],
                SQL.identifier(currency, "name"),
                SQL.identifier(table, "residual_currency"),
                SQL.identifier(table, "residual"),
            )
        )
        return self.env.cr.fetchall()
