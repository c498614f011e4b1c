# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from freezegun import freeze_time

from odoo.tests import tagged

from .receivables_common import ReceivablesCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
class TestPaymentBehaviourOnTheCard(ReceivablesCommon):
    """Payment behaviour on the customer card: the last twelve months up to and including today, and the twelve
    before; an invoice paid on its due date is on time, one paid a day later is a day late."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.punctual = cls.env["res.partner"].create({"name": "Presis AS", "is_company": True})
        on_due = cls._invoice(cls.punctual, 1000, "2026-06-01", "2026-06-15")
        cls._pay(on_due, 1000, "2026-06-15")  # on the due date: on time, 14 days
        day_late = cls._invoice(cls.punctual, 4000, "2026-05-01", "2026-05-15")
        cls._pay(day_late, 4000, "2026-05-16")  # one day after the due date: late, 15 days
        cls.edges = cls.env["res.partner"].create({"name": "Kanten AS", "is_company": True})
        first_day = cls._invoice(cls.edges, 500, "2025-06-20", "2025-07-20")
        cls._pay(first_day, 500, "2025-07-01")  # the first day of the last twelve months: 11 days
        before = cls._invoice(cls.edges, 500, "2025-06-01", "2025-07-01")
        cls._pay(before, 500, "2025-06-30")  # a year ago today: the twelve months before, 29 days
        today = cls._invoice(cls.edges, 500, "2026-06-20", "2026-07-20")
        cls._pay(today, 500, TODAY)  # today: in the last twelve months, 10 days

    @freeze_time(TODAY)
    def test_on_time_means_paid_on_or_before_the_due_date(self):
        card = self.punctual
        card.invalidate_recordset()
        self.assertEqual(card.pay_invoice_count, 2)
        self.assertAlmostEqual(card.pay_days_avg, 14.5)
        self.assertAlmostEqual(card.pay_days_weighted, (14 * 1000 + 15 * 4000) / 5000)
        self.assertAlmostEqual(card.pay_on_time_share, 0.5)
        self.assertAlmostEqual(card.pay_days_late_avg, 0.5)

    @freeze_time(TODAY)
    def test_the_twelve_months_end_today_and_start_after_the_same_day_a_year_ago(self):
        card = self.edges
        card.invalidate_recordset()
        self.assertEqual(card.pay_invoice_count, 2)
        self.assertAlmostEqual(card.pay_days_avg, (11 + 10) / 2)
        self.assertAlmostEqual(card.pay_days_avg_previous, 29)
