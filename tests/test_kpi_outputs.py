# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import contextlib
import io
import xmlrpc.client
from pathlib import Path

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.base.controllers.rpc import RPC_FAULT_CODE_ACCESS_ERROR

from .common import make_role_user
from .kpi_common import DATE_FROM, DATE_TO, KpiCommon
from .receivables_common import pdf_text

PASSWORD = "kk_kpi_rpc_reader_pw"


@tagged("post_install", "-at_install")
class TestKpiOutputs(KpiCommon):
    """The dashboard, the PDF and the workbook show the service's figures (kpi_common's history)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env["kundekartotek.kpi.dashboard"].create(
            {"date_from": DATE_FROM, "date_to": DATE_TO, "company_ids": [fields.Command.set(cls.env.company.ids)]}
        )

    def test_dashboard_summary_and_customers(self):
        summary = str(self.dashboard.summary)
        self.assertIn("$\xa03,000.00", summary)  # revenue
        self.assertIn("$\xa02,177.00", summary)  # previous period
        self.assertIn("+37.8 %", summary)  # (3000 − 2177) / 2177
        self.assertIn("Alfa AS", summary)
        self.assertIn("<svg", summary)
        self.assertIn('title="Revenue / active customers"', summary)  # the formula as a tooltip
        action = self.dashboard.action_open_customers()
        lines = self.env["kundekartotek.kpi.customer"].search(action["domain"])
        self.assertEqual(
            {(line.partner_id, line.status, line.revenue) for line in lines},
            {
                (self.alfa, "retained", 1700.0),
                (self.beta, "retained", 800.0),
                (self.charlie, "new", 500.0),
                (self.delta, "lost", 0.0),
            },
        )
        # Asking again replaces the rows instead of adding to them.
        again = self.dashboard.action_open_customers()
        self.assertEqual(
            self.env["kundekartotek.kpi.customer"].search_count([("dashboard_id", "=", self.dashboard.id)]), 4
        )
        self.assertNotEqual(again["domain"], action["domain"])

    def test_pdf_through_wkhtmltopdf(self):
        action = self.dashboard.action_print_pdf()
        report = self.env.ref("kundekartotek.action_report_kpi")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, None, data=action["data"]
        )
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        self.assertIn("Key figures (nøkkeltall)", text)
        self.assertIn("Revenue 1 $ 3,000.00 $ 2,177.00 +37.8 %", text)
        self.assertIn("Active customers 2 3 3 +0.0 %", text)
        self.assertIn("Average days to pay 5 54.5 30.0 +81.7 %", text)
        self.assertIn("Alfa AS $ 1,700.00 $ 1,000.00 +70.0 % 89.0", text)
        # The formulas as footnotes, and the charts' titles and bars drawn as SVG.
        self.assertIn("8 Receivables turnover : Revenue / average receivable balance .", text)
        self.assertIn("Revenue per month", text)
        self.assertIn("Revenue per month 2000 2026-01 200 2026-02 800 2026-03", text)
        self.assertIn("1177 start 2677 2026-01 2377 2026-02 1677 2026-03", text)

    def test_pdf_refuses_a_user_without_accounting_rights(self):
        clerk = make_role_user(self.env, "user", login="kk_kpi_pdf_clerk", extra=("account.group_account_invoice",))
        report = self.env.ref("kundekartotek.action_report_kpi").with_user(clerk)
        with self.assertRaises(AccessError):
            report._render_qweb_html(report.report_name, None, data={"kk_options": self.dashboard._kk_options()})

    def test_workbook(self):
        action = self.dashboard.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))
        figures = {row[0]: row for row in workbook.worksheets[0].iter_rows(min_row=4, values_only=True)}
        self.assertEqual(figures["Revenue"][1:3], (3000, 2177))
        self.assertAlmostEqual(figures["Average days to pay, amount-weighted"][1], 75.2)
        self.assertEqual(figures["Lost customers"][1], 1)
        self.assertIsNone(figures["Lost customers"][2])  # not computed for the previous period: empty, not 0
        self.assertIn("Revenue / average receivable balance", figures["Receivables turnover"][4])
        months = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
        self.assertEqual(months, [("2026-01", 2000), ("2026-02", 200), ("2026-03", 800)])
        customers = {row[1]: row for row in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(customers["Charlie GmbH"][2:6], (500, 0, None, "New"))


@tagged("post_install", "-at_install")
class TestKpiOverXmlRpc(KpiCommon, HttpCase):
    """The documented XML-RPC call (docs/api.md) answers a reader and refuses everyone else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = make_role_user(cls.env, "auditor", login="kk_kpi_rpc_reader")
        cls.reader.password = PASSWORD
        cls.clerk = make_role_user(cls.env, "user", login="kk_kpi_rpc_clerk", extra=("account.group_account_invoice",))
        cls.clerk.password = "kk_kpi_rpc_clerk_pw"

    def _call(self, user, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, f"{user.login}_pw", "kundekartotek.kpi", "get_kpis", list(args), kwargs
        )

    def test_reader_gets_the_figures(self):
        result = self._call(self.reader, DATE_FROM, DATE_TO, company_ids=[self.env.company.id])
        self.assertAlmostEqual(result["figures"]["revenue"], 3000.0)
        self.assertAlmostEqual(result["figures"]["dso"], 90 * 1977 / 3000)
        self.assertEqual(result["top_customers"][0]["name"], "Alfa AS")
        self.assertIs(result["previous"]["new_customers"], False)  # None travels as False

    def test_the_documented_example_runs(self):
        """docs/api.md's example, its four settings pointed at this server, prints the figures."""
        docs = (Path(__file__).parent.parent / "docs" / "api.md").read_text()
        example = docs.split("### Example: key figures", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
        settings = (
            'URL, DB, LOGIN, KEY = "https://odoo.example.com", "mydb", "controller@example.com", "api-key-or-password"'
        )
        self.assertIn(settings, example)
        here = f'URL, DB, LOGIN, KEY = "{self.base_url()}", "{self.env.cr.dbname}", "{self.reader.login}", "{PASSWORD}"'
        example = example.replace(settings, here)
        # The example asks for the user's current company; the reader has only this one.
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(example, "docs/api.md", "exec"), {})  # noqa: S102 - the project's own documentation
        text = output.getvalue()
        self.assertIn(f"Revenue 3000.00 {self.env.company.currency_id.name}, 3 active customers", text)
        self.assertIn("Alfa AS 1700.0 retained", text)
        self.assertIn("Delta AS 0.0 lost", text)

    def test_clerk_is_refused(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(self.clerk, DATE_FROM, DATE_TO)
        # xmlrpc/2 answers an AccessError with its own fault code (RPC_FAULT_CODE_ACCESS_ERROR).
        self.assertEqual(caught.exception.faultCode, RPC_FAULT_CODE_ACCESS_ERROR)
        self.assertIn("accounting read rights", caught.exception.faultString)

    def test_other_company_is_refused(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(self.reader, DATE_FROM, DATE_TO, company_ids=[self.company_2.id])
        self.assertEqual(caught.exception.faultCode, RPC_FAULT_CODE_ACCESS_ERROR)
        self.assertIn("your own companies", caught.exception.faultString)
