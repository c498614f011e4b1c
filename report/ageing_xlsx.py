# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io

import xlsxwriter

from odoo import _, api, fields, models


class KundekartotekAgeingXlsx(models.AbstractModel):
    """The ageing as an Excel workbook: a summary sheet per customer and a sheet with every open item."""

    _name = "kundekartotek.ageing.xlsx"
    _description = "Receivables Ageing Workbook"

    @api.model
    def _build(self, context):
        report = self.env["kundekartotek.ageing.report"].with_context(**context)
        rows, total = report._kk_totals()
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
        for partner, values in sorted(rows, key=lambda row: (row[0].display_name or "").lower()):
            summary.write(line, 0, partner.ref or "")
            summary.write(line, 1, partner.display_name or _("Without customer"))
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
        # Every open item is the point of this sheet; the view itself holds only open items as of the date. The
        # values are fetched as they are (no display names per row), names once per customer and per entry.
        fields_to_fetch = ["partner_id", "move_id", "date", "date_maturity", "days_overdue", "currency_id"]
        records = report.search_fetch(  # pylint: disable=no-search-all
            [], [*fields_to_fetch, "residual_currency", "residual"]
        )
        # Names as read() gives them for many2one values (as superuser, of records the view already showed); a
        # posted entry's display name is its number, fetched alone rather than with every column of the entries.
        partner_names = {partner.id: partner.display_name for partner in records.partner_id.sudo()}
        moves = records.move_id.sudo()
        moves.fetch(["name"])
        move_names = {move.id: move.name for move in moves}
        currency_names = {currency.id: currency.name for currency in records.currency_id.sudo()}
        for index, record in enumerate(records, start=1):
            items.write(index, 0, partner_names.get(record.partner_id.id, ""))
            items.write(index, 1, move_names.get(record.move_id.id) or "")
            for column, name in ((2, "date"), (3, "date_maturity")):
                if record[name]:
                    items.write_datetime(index, column, fields.Datetime.to_datetime(record[name]), date_format)
            items.write_number(index, 4, record.days_overdue)
            items.write(index, 5, currency_names.get(record.currency_id.id, ""))
            items.write_number(index, 6, record.residual_currency, money)
            items.write_number(index, 7, record.residual, money)
        items.set_column(0, 1, 32)
        items.set_column(2, 7, 14)
        workbook.close()
        return output.getvalue()
