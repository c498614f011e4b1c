# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io

import xlsxwriter

from odoo import _, api, models

from ..models.kundekartotek_kpi import FIGURES


class KundekartotekKpiXlsx(models.AbstractModel):
    """The key figures as an Excel workbook: the figures with their formulas, the months, every customer."""

    _name = "kundekartotek.kpi.xlsx"
    _description = "Key Figures Workbook"

    @api.model
    def _build(self, result):
        """The workbook's bytes for a result of ``kundekartotek.kpi._kk_compute`` (numbers stay numbers)."""
        Kpi = self.env["kundekartotek.kpi"]
        labels, formulas = Kpi._kk_labels(), Kpi._kk_formulas()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "#,##0.00"})
        percent = workbook.add_format({"num_format": "0.0%"})

        def put(sheet, row, column, value, cell_format=None):
            # A figure that cannot be computed is an empty cell, not 0.
            if value is None or value is False:
                sheet.write_blank(row, column, None)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row, column, value, cell_format)
            else:
                sheet.write(row, column, value)

        sheet = workbook.add_worksheet(_("Key figures"))
        sheet.write(
            0,
            0,
            _(
                "Key figures %(date_from)s – %(date_to)s (%(currency)s)",
                date_from=result["date_from"],
                date_to=result["date_to"],
                currency=result["currency"],
            ),
            bold,
        )
        sheet.write_row(2, 0, [_("Figure"), _("This period"), _("Previous period"), _("Change"), _("Formula")], bold)
        for row, key in enumerate(FIGURES, start=3):
            sheet.write(row, 0, labels[key])
            put(sheet, row, 1, result["figures"][key], number)
            put(sheet, row, 2, result["previous"][key], number)
            put(sheet, row, 3, result["trend"][key], percent)
            sheet.write(row, 4, formulas[key])
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 3, 16)
        sheet.set_column(4, 4, 90)

        months = workbook.add_worksheet(_("Months"))
        months.write_row(0, 0, [_("Month"), _("Revenue")], bold)
        for row, month in enumerate(result["monthly_revenue"], start=1):
            months.write(row, 0, month["month"][:7])
            put(months, row, 1, month["revenue"], number)

        customers = workbook.add_worksheet(_("Customers"))
        header = [
            _("Customer number"),
            _("Customer"),
            _("Revenue"),
            _("Previous period"),
            _("Change"),
            _("Status"),
            _("Invoices paid"),
            _("Average days to pay"),
            _("Days to pay, amount-weighted"),
            _("Yearly revenue"),
            _("Relationship (years)"),
            _("Lifetime value"),
        ]
        customers.write_row(0, 0, header, bold)
        statuses = {"new": _("New"), "lost": _("Lost"), "retained": _("Retained"), "": ""}
        for row, customer in enumerate(result["customers"], start=1):
            customers.write(row, 0, customer["ref"])
            customers.write(row, 1, customer["name"])
            put(customers, row, 2, customer["revenue"], number)
            put(customers, row, 3, customer["previous_revenue"], number)
            put(customers, row, 4, customer["trend"], percent)
            customers.write(row, 5, statuses[customer["status"]])
            put(customers, row, 6, customer["paid_invoices"])
            for column, key in enumerate(
                ("days_to_pay", "days_to_pay_weighted", "yearly_revenue", "relationship_years", "clv"), start=7
            ):
                put(customers, row, column, customer[key], number)
        customers.set_column(0, 0, 14)
        customers.set_column(1, 1, 40)
        customers.set_column(2, 11, 16)
        workbook.close()
        return output.getvalue()
