# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields
from odoo.tests import tagged

from .receivables_common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestLedgerPeriodEdges(ReceivablesCommon):
    """The customer ledger's period: the first day opens it, the last day closes it, for customers and GL alike."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Kantdag AS", "is_company": True})
        cls._invoice(cls.customer, 100, "2026-04-30", "2026-05-30")  # the day before the period
        cls._invoice(cls.customer, 200, "2026-05-01", "2026-05-31")  # the first day
        cls._invoice(cls.customer, 400, "2026-05-31", "2026-06-30")  # the last day
        cls._invoice(cls.customer, 800, "2026-06-01", "2026-07-01")  # the day after

    def _ledger(self, partner_ids=None):
        return self.env["report.kundekartotek.report_ledger"]._kk_ledger(
            fields.Date.to_date("2026-05-01"), fields.Date.to_date("2026-05-31"), partner_ids=partner_ids
        )

    def test_first_and_last_day_belong_to_the_period(self):
        entry = self._ledger(self.customer.ids)["customers"][self.customer.id]
        self.assertAlmostEqual(entry["opening"], 100)
        self.assertEqual([line["amount"] for line in entry["lines"]], [200, 400])
        self.assertAlmostEqual(entry["closing"], 700)

    def test_general_ledger_counts_the_closing_day(self):
        ledger = self._ledger()
        self.assertTrue(ledger["complete"])
        self.assertAlmostEqual(ledger["customers"][self.customer.id]["closing"], 700)
        self.assertAlmostEqual(ledger["general_ledger"], ledger["customers_total"])
        self.assertAlmostEqual(ledger["difference"], 0)
