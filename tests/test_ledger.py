# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields
from odoo.exceptions import AccessError
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


@tagged("post_install", "-at_install")
class TestLedgerOnScreen(ReceivablesCommon):
    """The ledger on screen has the PDF's opening and closing balance, from posted invoices and payments: an entry
    dated the period's first day is in the period, one dated the day before is in the opening balance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Skjermreskontro AS", "is_company": True})
        cls.quiet = Partner.create({"name": "Stille Kunde AS", "is_company": True})
        cls.later = Partner.create({"name": "Senere Kunde AS", "is_company": True})
        first = cls._invoice(cls.customer, 100, "2026-04-30", "2026-05-30")  # the day before: opening balance
        cls._invoice(cls.customer, 200, "2026-05-01", "2026-05-31")  # the first day: in the period
        cls._pay(first, 30, "2026-05-15")
        cls._invoice(cls.customer, 400, "2026-05-31", "2026-06-30")  # the last day: in the period
        cls._invoice(cls.customer, 800, "2026-06-01", "2026-07-01")  # the day after: not yet
        cls._invoice(cls.quiet, 70, "2026-03-10", "2026-04-10")  # nothing in the period: opening = closing
        cls._invoice(cls.later, 90, "2026-06-01", "2026-07-01")  # only after the period: not on the ledger
        cls.partners = cls.customer | cls.quiet | cls.later

    def _wizard(self, partners):
        return self.env["kundekartotek.ledger.wizard"].create(
            {"date_from": "2026-05-01", "date_to": "2026-05-31", "partner_ids": [fields.Command.set(partners.ids)]}
        )

    def _rows(self, partners):
        action = self._wizard(partners).action_open()
        Line = self.env[action["res_model"]].with_context(**action["context"])
        return Line.search(action["domain"]), action

    def test_opening_entries_and_closing_of_a_customer(self):
        rows, action = self._rows(self.customer)
        self.assertEqual(action["res_model"], "kundekartotek.ledger.line")
        self.assertNotIn("search_default_group_partner", action["context"], "one customer: its rows, not a group")
        self.assertEqual(rows.mapped("kind"), ["opening", "entry", "entry", "entry", "closing"])
        self.assertEqual([str(date) for date in rows.mapped("date")], ["2026-05-01", "2026-05-01", "2026-05-15",
                                                                    "2026-05-31", "2026-05-31"])  # fmt: skip
        self.assertEqual(rows.mapped("amount"), [100, 200, -30, 400, 0])
        self.assertEqual(rows.mapped("balance"), [100, 300, 270, 670, 670])
        self.assertEqual(rows.mapped("label")[0], "Opening balance")
        self.assertEqual(rows.mapped("label")[-1], "Closing balance")
        # The list's sum of amounts (the group total) is the closing balance.
        [group] = rows._read_group([("id", "in", rows.ids)], ["partner_id"], ["amount:sum"])
        self.assertAlmostEqual(group[1], 670)

    def test_screen_and_pdf_agree(self):
        rows, _action = self._rows(self.partners)
        ledger = self.env["report.kundekartotek.report_ledger"]._kk_ledger(
            fields.Date.to_date("2026-05-01"), fields.Date.to_date("2026-05-31"), partner_ids=self.partners.ids
        )
        on_screen = rows._kk_totals([("partner_id", "in", self.partners.ids)])
        on_paper = {pid: (entry["opening"], entry["closing"]) for pid, entry in ledger["customers"].items()}
        self.assertEqual(on_screen, on_paper)
        self.assertEqual(on_screen[self.quiet.id], (70, 70))
        self.assertNotIn(self.later.id, on_screen, "a customer whose first entry is after the period is not listed")

    def test_period_edges_move_the_opening_balance(self):
        # One day later the first day's invoice is in the opening balance; one day earlier the day-before one is not.
        Line = self.env["kundekartotek.ledger.line"]
        cases = {"2026-04-30": (0, 670), "2026-05-01": (100, 670), "2026-05-02": (300, 670)}
        for date_from, expected in cases.items():
            with self.subTest(date_from=date_from):
                totals = Line.with_context(kk_ledger_from=date_from, kk_ledger_to="2026-05-31")._kk_totals(
                    [("partner_id", "=", self.customer.id)]
                )
                self.assertEqual(totals[self.customer.id], expected)
        closing = {"2026-05-30": 270, "2026-05-31": 670, "2026-06-01": 1470}
        for date_to, expected in closing.items():
            with self.subTest(date_to=date_to):
                totals = Line.with_context(kk_ledger_from="2026-05-01", kk_ledger_to=date_to)._kk_totals(
                    [("partner_id", "=", self.customer.id)]
                )
                self.assertEqual(totals[self.customer.id][1], expected)

    def test_entry_row_opens_its_voucher(self):
        rows, _action = self._rows(self.customer)
        entry = rows.filtered(lambda row: row.kind == "entry")[0]
        self.assertEqual(entry.action_open_move()["res_id"], entry.move_id.id)
        self.assertEqual(entry.move_line_id.move_id, entry.move_id)
        self.assertFalse(rows[0].action_open_move(), "an opening balance has no voucher")

    def test_only_accounting_users_read_it(self):
        user = self.env["res.users"].create(
            {"name": "Uten regnskap", "login": "kk_ledger_noacc", "groups_id": [fields.Command.set(
                [self.env.ref("base.group_user").id])]}
        )  # fmt: skip
        with self.assertRaises(AccessError):
            self.env["kundekartotek.ledger.line"].with_user(user).search([])
