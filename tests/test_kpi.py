# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import make_role_user
from .kpi_common import DATE_FROM, DATE_TO, YEARS_ECHO, KpiCommon
from .receivables_common import ReceivablesCommon

# Receivable balance at the opening of 1 Jan and at the month-ends (kpi_common's history):
# 31 Dec: Delta 400 + Beta 777 (Alfa's 1000 paid); 31 Jan: + Alfa 2000 − 500; 28 Feb: + Charlie 500 − 300 − 500;
# 31 Mar: − Alfa 1500 + Beta 800.
BALANCES = (1177.0, 2677.0, 2377.0, 1677.0)
AVERAGE_BALANCE = sum(BALANCES) / 4  # 1977


@tagged("post_install", "-at_install")
class TestKpiFigures(KpiCommon):
    """Every figure of docs/kpi.md against the hand-computed history of kpi_common."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result = cls.kpis()
        cls.figures = cls.result["figures"]

    def customer(self, partner, result=None):
        return next(row for row in (result or self.result)["customers"] if row["partner_id"] == partner.id)

    def test_revenue_by_invoice_date_with_credit_notes_and_currency(self):
        # Alfa 2000 − 300 (1 Jan is in), Beta 800 (31 Mar is in; 31 Dec and 1 Apr are out), Charlie 1000 EUR = 500.
        self.assertAlmostEqual(self.figures["revenue"], 3000.0)
        self.assertAlmostEqual(self.customer(self.alfa)["revenue"], 1700.0)
        self.assertAlmostEqual(self.customer(self.beta)["revenue"], 800.0)
        self.assertAlmostEqual(self.customer(self.charlie)["revenue"], 500.0)
        self.assertEqual(self.result["currency"], self.env.company.currency_id.name)

    def test_active_customers_and_average_revenue(self):
        self.assertEqual(self.figures["active_customers"], 3)
        self.assertAlmostEqual(self.figures["average_revenue"], 1000.0)

    def test_previous_period_of_equal_length(self):
        self.assertEqual((self.result["previous_from"], self.result["previous_to"]), ("2025-10-03", "2025-12-31"))
        # Delta on its first day, Alfa, Beta on its last day.
        self.assertAlmostEqual(self.result["previous"]["revenue"], 400 + 1000 + 777)
        self.assertEqual(self.result["previous"]["active_customers"], 3)
        self.assertAlmostEqual(self.result["trend"]["revenue"], (3000 - 2177) / 2177)

    def test_new_lost_and_retained(self):
        self.assertEqual(
            (self.figures["new_customers"], self.figures["lost_customers"], self.figures["retained_customers"]),
            (1, 1, 2),
        )
        self.assertEqual(self.customer(self.charlie)["status"], "new")
        self.assertEqual(self.customer(self.delta)["status"], "lost")
        self.assertEqual(self.customer(self.alfa)["status"], "retained")
        self.assertNotIn(self.echo.id, [row["partner_id"] for row in self.result["customers"]])

    def test_days_to_pay_plain_and_weighted(self):
        # Alfa's 2000 settled on 31 Mar (= date_to): 89 days; Charlie's 500 on 21 Feb: 20 days. Delta's (paid
        # 1 Apr) is out, Alfa's partial payment of 20 Jan settled nothing.
        self.assertEqual(self.figures["paid_invoices"], 2)
        self.assertAlmostEqual(self.figures["days_to_pay"], (89 + 20) / 2)
        self.assertAlmostEqual(self.figures["days_to_pay_weighted"], (89 * 2000 + 20 * 500) / 2500)
        self.assertAlmostEqual(self.customer(self.alfa)["days_to_pay"], 89)
        self.assertFalse(self.customer(self.beta)["days_to_pay"])  # nothing paid: no figure, not 0
        # The previous period: Alfa's 1000 of 15 Nov settled 15 Dec.
        self.assertAlmostEqual(self.result["previous"]["days_to_pay"], 30)

    def test_receivables_turnover_and_dso(self):
        self.assertEqual([row["balance"] for row in self.result["balances"]], list(BALANCES))
        self.assertEqual(
            [row["date"] for row in self.result["balances"]], ["2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31"]
        )
        self.assertAlmostEqual(self.figures["average_receivable"], AVERAGE_BALANCE)
        self.assertAlmostEqual(self.figures["turnover"], 3000 / AVERAGE_BALANCE)
        self.assertAlmostEqual(self.figures["dso"], 90 * AVERAGE_BALANCE / 3000)

    def test_month_ends_without_items_keep_the_balance(self):
        # Nothing is dated after 1 Apr (Beta's 999 in, Delta's 400 paid): every later month-end has that balance.
        result = self.kpis(date_from="2026-04-02", date_to="2026-06-30")
        self.assertEqual(
            [(row["date"], row["balance"]) for row in result["balances"]],
            [(day, 1677.0 + 999 - 400) for day in ("2026-04-01", "2026-04-30", "2026-05-31", "2026-06-30")],
        )

    def test_customer_lifetime_value(self):
        # To 31 Mar 2026: Alfa 2700, Beta 1577, Charlie 500, Delta 400 (each one year at least), Echo 2000 over
        # 731 days.
        yearly = (2700 + 1577 + 500 + 400 + 2000 / YEARS_ECHO) / 5
        years = (4 + YEARS_ECHO) / 5
        self.assertAlmostEqual(self.figures["average_yearly_revenue"], yearly)
        self.assertAlmostEqual(self.figures["average_relationship_years"], years)
        self.assertAlmostEqual(self.figures["clv"], yearly * years)
        self.assertAlmostEqual(self.customer(self.alfa)["clv"], 2700 * (years - 1))
        self.assertAlmostEqual(self.customer(self.beta)["yearly_revenue"], 1577)

    def test_top_customers_by_revenue(self):
        self.assertEqual(
            [row["partner_id"] for row in self.result["top_customers"]],
            [self.alfa.id, self.beta.id, self.charlie.id, self.delta.id],
        )

    def test_monthly_revenue(self):
        self.assertEqual(
            [(row["month"], row["revenue"]) for row in self.result["monthly_revenue"]],
            [("2026-01-01", 2000.0), ("2026-02-01", 200.0), ("2026-03-01", 800.0)],
        )

    def test_two_companies_add_up(self):
        both = self.kpis(company_ids=[self.env.company.id, self.company_2.id])
        self.assertAlmostEqual(both["figures"]["revenue"], 8000.0)
        self.assertEqual(both["figures"]["active_customers"], 3)  # Alfa is one customer in both
        self.assertAlmostEqual(self.customer(self.alfa, both)["revenue"], 6700.0)
        alone = self.kpis(company_ids=[self.company_2.id])
        self.assertAlmostEqual(alone["figures"]["revenue"], 5000.0)
        self.assertEqual(alone["figures"]["active_customers"], 1)

    def test_period_edges_one_day_shorter(self):
        # Without its first day Alfa's 2000 is out; without its last day Beta's 800 and Alfa's settlement are out.
        later = self.kpis(date_from="2026-01-02")
        self.assertAlmostEqual(later["figures"]["revenue"], 1000.0)
        earlier = self.kpis(date_to="2026-03-30")
        self.assertAlmostEqual(earlier["figures"]["revenue"], 2200.0)
        self.assertEqual(earlier["figures"]["paid_invoices"], 1)
        wider = self.kpis(date_from="2025-12-31", date_to="2026-04-01")
        self.assertAlmostEqual(wider["figures"]["revenue"], 3000.0 + 777 + 999)
        self.assertEqual(wider["figures"]["paid_invoices"], 3)  # Delta's, settled 1 Apr

    def test_a_customer_with_only_a_credit_note_is_active(self):
        # Revenue ≠ 0 makes a customer active, negative revenue too; a credit note cancelling an invoice does not.
        self._invoice(self.echo, 100, "2026-03-15", "2026-03-15", move_type="out_refund")
        figures = self.kpis()["figures"]
        self.assertEqual(figures["active_customers"], 4)
        self.assertAlmostEqual(figures["revenue"], 2900.0)
        self._invoice(self.echo, 100, "2026-03-16", "2026-03-16")
        self.assertEqual(self.kpis()["figures"]["active_customers"], 3)

    def test_empty_period_has_no_ratios(self):
        empty = self.kpis(date_from="2020-01-01", date_to="2020-01-31")
        self.assertEqual(empty["figures"]["revenue"], 0)
        self.assertIs(empty["figures"]["average_revenue"], False)
        self.assertIs(empty["figures"]["days_to_pay"], False)
        self.assertIs(empty["figures"]["dso"], False)

    def test_bad_arguments(self):
        with self.assertRaisesRegex(UserError, "ends before it starts"):
            self.kpis(date_from="2026-02-01", date_to="2026-01-31")
        with self.assertRaisesRegex(UserError, "two dates"):
            self.kpis(date_from="1. januar")


@tagged("post_install", "-at_install")
class TestKpiInstalments(ReceivablesCommon):
    """An invoice in instalments is settled by the payment of its last instalment, not by the first one.

    Period 1 Jan – 31 Mar 2026 (previous: 3 Oct – 31 Dec 2025); four invoices of 1000, half due at once and half
    after 60 days, each instalment paid by its own payment, the second one on the period's edges.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        terms = cls.env["account.payment.term"].create(
            {
                "name": "Halv nå, halv om 60 dager",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        customer = cls.env["res.partner"].create({"name": "Avdrag AS", "is_company": True})
        cls.settled = {}
        for invoice_date, first, last in (
            ("2025-12-01", "2025-12-15", "2026-01-01"),  # last on date_from: in the period, 31 days
            ("2025-12-01", "2025-12-15", "2025-12-31"),  # last the day before: the previous period, 30 days
            ("2026-01-10", "2026-02-01", "2026-03-31"),  # last on date_to: in the period, 80 days
            ("2026-01-10", "2026-02-01", "2026-04-01"),  # last the day after: not settled in the period
        ):
            invoice = cls.init_invoice("out_invoice", partner=customer, invoice_date=invoice_date, amounts=[1000])
            invoice.invoice_payment_term_id = terms
            invoice.action_post()
            cls._pay(invoice, 500, first)
            cls._pay(invoice, 500, last)
            cls.settled[invoice] = last

    def test_the_last_instalment_settles(self):
        for invoice in self.settled:
            self.assertEqual(len(self._receivable(invoice)), 2)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        result = self.env["kundekartotek.kpi"].get_kpis(DATE_FROM, DATE_TO, [self.env.company.id])
        # The fourth invoice's first instalment was paid in the period, its last one after it: not counted.
        self.assertEqual(result["figures"]["paid_invoices"], 2)
        self.assertAlmostEqual(result["figures"]["days_to_pay"], (31 + 80) / 2)
        self.assertAlmostEqual(result["figures"]["days_to_pay_weighted"], (31 + 80) / 2)
        self.assertEqual(result["previous"]["paid_invoices"], 1)
        self.assertAlmostEqual(result["previous"]["days_to_pay"], 30)
        wider = self.env["kundekartotek.kpi"].get_kpis(DATE_FROM, "2026-04-01", [self.env.company.id])
        self.assertEqual(wider["figures"]["paid_invoices"], 3)
        self.assertAlmostEqual(wider["figures"]["days_to_pay"], (31 + 80 + 81) / 3)


@tagged("post_install", "-at_install")
class TestKpiAccess(KpiCommon):
    """Only accounting readers (and the invoicing administrator) read the figures, of their own companies only."""

    def test_accounting_reader_and_auditor_read(self):
        for role, extra in (("employee", ("account.group_account_readonly",)), ("auditor", ())):
            user = make_role_user(self.env, role, login=f"kk_kpi_{role}", extra=extra)
            self.assertAlmostEqual(self.kpis(user=user)["figures"]["revenue"], 3000.0)
        manager = make_role_user(self.env, "employee", login="kk_kpi_admin", extra=("account.group_account_manager",))
        self.assertAlmostEqual(self.kpis(user=manager)["figures"]["revenue"], 3000.0)

    def test_billing_clerk_and_register_manager_are_refused(self):
        for role, extra in (("user", ("account.group_account_invoice",)), ("manager", ())):
            user = make_role_user(self.env, role, login=f"kk_kpi_no_{role}", extra=extra)
            with self.assertRaisesRegex(AccessError, "accounting read rights"):
                self.kpis(user=user)

    def test_other_companies_are_refused(self):
        reader = make_role_user(self.env, "auditor", login="kk_kpi_one_company")
        with self.assertRaisesRegex(AccessError, "your own companies"):
            self.kpis(company_ids=[self.company_2.id], user=reader)
