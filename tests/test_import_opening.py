# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Opening balances: open invoices of the previous system imported as posted entries, seen by the ageing, the
statement and the customer ledger from the first day; the dry run, a second import, and who may import them."""

import base64
import re

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from ..models.account_move_opening import OPENING_FLAG
from ..models.res_company_import import OPENING_REFUSED_TYPES
from ..models.transaction_flags import transaction_flag
from .common import make_role_user
from .test_api import orgnr

HEADINGS = ["Kundenummer", "Organisasjonsnummer", "Fakturanummer", "Fakturadato", "Forfallsdato", "Beløp", "Valuta"]
OPENING_DATE = "2026-01-01"
AS_OF = "2026-01-15"


def csv_file(rows):
    text = "\r\n".join(";".join(row) for row in [HEADINGS, *rows]) + "\r\n"
    return base64.b64encode(text.encode("cp1252"))


@tagged("post_install", "-at_install")
class TestOpeningBalances(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = make_role_user(
            cls.env, "manager", login="kk_opening_accountant", extra=["account.group_account_manager"]
        )
        cls.company = cls.env.company
        cls.admin = make_role_user(
            cls.env,
            "manager",
            login="kk_opening_settings_admin",
            extra=["account.group_account_manager", "base.group_system"],
        )
        norway = cls.env.ref("base.no")
        cls.orgnr = orgnr("93112233")
        Partner = cls.env["res.partner"]
        cls.anna = Partner.create(
            {"name": "IB Anna AS", "is_company": True, "country_id": norway.id, "ref": "IB-1001", "customer_rank": 1}
        )
        cls.berg = Partner.create(
            {
                "name": "IB Berg AS",
                "is_company": True,
                "country_id": norway.id,
                "ref": "IB-1002",
                "company_registry": cls.orgnr,
                "customer_rank": 1,
            }
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2025-01-01",
                "inverse_company_rate": 10.0,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        cls.spaced_orgnr = f"{cls.orgnr[:3]} {cls.orgnr[3:6]} {cls.orgnr[6:]}"
        # As of 15.01.2026: due that day (not due), a day before (1 day: 1–30), 30 and 31 days before.
        cls.rows = [
            ["IB-1001", "", "F-100", "01.12.2025", "15.01.2026", "1 000,00", ""],
            ["IB-1001", "", "F-101", "01.12.2025", "14.01.2026", "200", ""],
            ["IB-1001", "", "F-102", "16.11.2025", "16.12.2025", "300", ""],
            ["IB-1001", "", "F-103", "15.11.2025", "15.12.2025", "400", ""],
            ["IB-1001", "", "K-7", "20.12.2025", "20.12.2025", "-150", ""],
            ["", cls.spaced_orgnr, "F-100", "2026-01-01", "2026-01-31", "100", "EUR"],
        ]

    def _run(self, rows, user=None, **extra):
        run = (
            self.env["kundekartotek.import.run"]
            .with_user(user or self.accountant)
            .with_context(default_kind="opening")
            .create({"file": csv_file(rows), "filename": "ib.csv", "opening_date": OPENING_DATE, **extra})
        )
        run.action_read_file()
        return run

    def _import(self, rows, **extra):
        run = self._run(rows, **extra)
        run.action_dry_run()
        run.action_import()
        while run.state == "running":
            run._kk_import_batch()
        return run

    def _moves(self):
        return self.env["account.move"].search([("partner_id", "in", (self.anna | self.berg).ids)])

    def test_mapping_and_defaults(self):
        run = self._run(self.rows)
        self.assertEqual(
            run.column_ids.mapped("target"),
            ["customer_number", "orgnr", "invoice_number", "invoice_date", "due_date", "amount", "currency"],
        )
        self.assertEqual(run.kind, "opening")
        self.assertEqual(run.opening_account_id, self.company.get_unaffected_earnings_account())
        self.assertEqual(run.opening_journal_id.type, "general")

    def test_the_companys_opening_balance_account_from_the_settings_is_proposed(self):
        clearing = self.env["account.account"].create(
            {"name": "IB kundefordringer (klarering)", "code": "1599", "account_type": "asset_current"}
        )
        settings = Form(self.env["res.config.settings"].with_user(self.admin))
        settings.kk_opening_account_id = clearing
        settings.save().execute()
        self.assertEqual(self.company.kk_opening_account_id, clearing)
        self.assertEqual(self._run(self.rows).opening_account_id, clearing)
        # An account that has become another company's since it was chosen is not proposed: the company's own
        # default is (the server refuses to set such an account, but not to move the account chosen).
        other = self.env["res.company"].create({"name": "IB Annet AS"})
        clearing.with_company(other).write({"code": "1599", "company_ids": [Command.set(other.ids)]})
        self.assertEqual(self.company.kk_opening_account_id.company_ids, other)
        self.assertEqual(self._run(self.rows).opening_account_id, self.company.get_unaffected_earnings_account())

    def test_the_setting_is_for_accounting_managers(self):
        view = self.env["res.config.settings"].with_user(self.admin).get_views([(False, "form")])
        self.assertIn('name="kk_opening_account_id"', view["views"]["form"]["arch"])
        manager = make_role_user(self.env, "manager", login="kk_opening_settings_manager", extra=["base.group_system"])
        view = self.env["res.config.settings"].with_user(manager).get_views([(False, "form")])
        self.assertNotIn('name="kk_opening_account_id"', view["views"]["form"]["arch"])

    def _account(self, account_type, code, company=None, **extra):
        return self.env["account.account"].create(
            {
                "name": f"IB {account_type}",
                "code": code,
                "account_type": account_type,
                "company_ids": [Command.set((company or self.company).ids)],
                **extra,
            }
        )

    def test_a_receivable_payable_or_off_balance_counter_account_is_refused_whoever_writes_it(self):
        """The fields' domain only filters the form: written as over RPC, such an account is refused by the server,
        on the run and in the company's settings alike. The types next to them (current assets and liabilities),
        equity and income pass."""
        run = self._run(self.rows)
        company = self.company.with_user(self.admin)
        refused = {
            "asset_receivable": self._account("asset_receivable", "KKIB11", reconcile=True),
            "liability_payable": self._account("liability_payable", "KKIB12", reconcile=True),
            "off_balance": self._account("off_balance", "KKIB13"),
        }
        for account_type, account in refused.items():
            message = re.escape(f"The opening-balance account cannot be {account.display_name}: a receivable,")
            with self.subTest(account_type), self.assertRaisesRegex(ValidationError, message):
                run.write({"opening_account_id": account.id})
            with self.subTest(account_type), self.assertRaisesRegex(ValidationError, message):
                company.write({"kk_opening_account_id": account.id})
        for number, account_type in enumerate(("asset_current", "liability_current", "equity", "income")):
            account = self._account(account_type, f"KKIB{number}")
            run.write({"opening_account_id": account.id})
            company.write({"kk_opening_account_id": account.id})
            self.assertEqual((run.opening_account_id, self.company.kk_opening_account_id), (account, account))

    def test_a_counter_account_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "IB Fremmed AS"})
        foreign = self._account("equity", "KKIB14", company=other)
        message = re.escape(f"The opening-balance account must be an account of {self.company.display_name}.")
        run = self._run(self.rows)
        with self.assertRaisesRegex(ValidationError, message):
            run.write({"opening_account_id": foreign.id})
        with self.assertRaisesRegex(ValidationError, message):
            self.company.with_user(self.admin).write({"kk_opening_account_id": foreign.id})
        # The run's company moved to the account's: the account is then the company's own.
        other_run = (
            self.env["kundekartotek.import.run"]
            .with_context(default_kind="opening")
            .create({"file": csv_file(self.rows), "company_id": other.id, "opening_account_id": foreign.id})
        )
        self.assertEqual(other_run.opening_account_id, foreign)
        with self.assertRaisesRegex(ValidationError, message):
            other_run.write({"company_id": self.company.id, "opening_account_id": foreign.id})

    def test_the_settings_offer_the_accounts_the_server_accepts(self):
        """The Settings field's domain is the company field's, plus the company: no refused account is offered."""
        offered = self._account("asset_current", "KKIB15")
        refused = self._account("asset_receivable", "KKIB16", reconcile=True)
        foreign = self._account("equity", "KKIB17", company=self.env["res.company"].create({"name": "IB Annen AS"}))
        domain = self.env["res.config.settings"]._fields["kk_opening_account_id"].domain
        accounts = self.env["account.account"].search(safe_eval(domain, {"company_id": self.company.id}))
        self.assertIn(offered, accounts)
        self.assertNotIn(refused, accounts)
        self.assertNotIn(foreign, accounts)
        self.assertFalse(accounts.filtered(lambda account: account.account_type in OPENING_REFUSED_TYPES))

    def test_dry_run_reports_each_problem_and_posts_nothing(self):
        rows = [
            ["IB-1001", "", "D-1", "10.12.2025", "10.12.2025", "10", ""],  # due on the invoice date: fine
            ["IB-1001", "", "D-2", "10.12.2025", "09.12.2025", "10", ""],  # a day before: refused
            ["IB-9999", "", "D-3", "10.12.2025", "10.01.2026", "10", ""],
            ["IB-1001", "", "D-4", "31.02.2025", "10.01.2026", "10", ""],
            ["IB-1001", "", "D-5", "10.12.2025", "10.01.2026", "0,00", ""],
            ["IB-1001", "", "D-1", "10.12.2025", "10.12.2025", "10", ""],
            ["IB-1001", "", "D-6", "10.12.2025", "10.01.2026", "10", "XYZ"],
            ["IB-1001", "", "D-7", "01.01.2026", "10.01.2026", "10", ""],  # on the opening date: fine
            ["IB-1001", "", "D-8", "02.01.2026", "10.01.2026", "10", ""],  # a day after: refused
            ["IB-1001", "", "", "10.12.2025", "10.01.2026", "10", ""],
            ["IB-1001", "", "D-9", "10.12.2025", "10.01.2026", "0,01", ""],  # a cent: fine
            ["IB-1001", "", "D-10", "10.12.2025", "10.01.2026", "ti", ""],
        ]
        moves_before = self.env["account.move"].search_count([])
        run = self._run(rows)
        run.action_dry_run()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        found = {(issue.row, issue.column, issue.value, issue.problem) for issue in run.issue_ids}
        self.assertEqual(
            found,
            {
                (3, "Forfallsdato", "09.12.2025", "The due date is before the invoice date."),
                (4, "Kundenummer", "IB-9999", "Unknown customer."),
                (5, "Fakturadato", "31.02.2025", "Not a date: write it as 31.01.2026 or 2026-01-31."),
                (6, "Beløp", "0,00", "The open amount is zero."),
                (7, "Fakturanummer", "D-1", "Same invoice number for this customer as row 2."),
                (8, "Valuta", "XYZ", "Unknown or inactive currency."),
                (
                    10,
                    "Fakturadato",
                    "02.01.2026",
                    "The invoice date is after the opening date: post it as an invoice in this system.",
                ),
                (11, "Fakturanummer", "", "The invoice number is missing."),
                (13, "Beløp", "ti", "Not a number."),
            },
        )
        self.assertEqual((run.state, run.checked_create_count, run.checked_problem_count), ("checked", 3, 9))
        self.assertAlmostEqual(run.opening_total, 20.01)

    def test_import_posts_entries_seen_by_ageing_statement_and_ledger(self):
        run = self._import(self.rows, batch_size=4)
        self.assertEqual(
            (run.state, run.created_count, run.error_count), ("done", 6, 0), run.issue_ids.mapped("problem")
        )
        moves = self._moves()
        self.assertEqual(len(moves), 6)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertEqual(set(moves.mapped("move_type")), {"entry"})
        self.assertEqual(set(moves.mapped("date")), {fields.Date.to_date(OPENING_DATE)})
        self.assertEqual(moves.line_ids.account_id - self.anna.property_account_receivable_id, run.opening_account_id)
        # The partner balance equals the file's sum: 1000 + 200 + 300 + 400 - 150 for Anna, 100 EUR at 10 for Berg.
        self.assertAlmostEqual(self.anna.credit, 1750.0)
        self.assertAlmostEqual(self.berg.credit, 1000.0)
        berg_line = moves.filtered(lambda m: m.partner_id == self.berg).line_ids.filtered("date_maturity")
        self.assertEqual((berg_line.currency_id, berg_line.amount_currency), (self.eur, 100.0))

        Ageing = self.env["kundekartotek.ageing.report"].with_context(
            kk_as_of=AS_OF, kk_age_by="due", kk_company_ids=self.company.ids
        )
        rows = Ageing.search([("partner_id", "=", self.anna.id)])
        by_number = {row.move_id.ref: (row.bucket, row.days_overdue, row.residual) for row in rows}
        self.assertEqual(
            by_number,
            {
                "F-100": ("not_due", 0, 1000.0),  # due on the as-of date: not overdue
                "F-101": ("b1", 1, 200.0),
                "F-102": ("b1", 30, 300.0),
                "F-103": ("b2", 31, 400.0),
                "K-7": ("b1", 26, -150.0),
            },
        )
        # Before the opening date the entries are not there yet.
        before = Ageing.with_context(kk_as_of="2025-12-31").search([("partner_id", "=", self.anna.id)])
        self.assertFalse(before)
        # By invoice date, the items keep their own dates.
        by_invoice = Ageing.with_context(kk_age_by="invoice").search([("partner_id", "=", self.anna.id)])
        self.assertEqual(
            {row.move_id.ref: row.days_overdue for row in by_invoice}["F-103"], 61, "15.11.2025 → 15.01.2026"
        )

        statement = self.env["report.kundekartotek.report_statement"]._kk_statements(
            self.anna, fields.Date.to_date(AS_OF), self.company
        )[self.anna.id]
        self.assertEqual(
            sorted((line["reference"], str(line["date"]), str(line["due"])) for line in statement["lines"]),
            [
                ("F-100", "2025-12-01", "2026-01-15"),
                ("F-101", "2025-12-01", "2026-01-14"),
                ("F-102", "2025-11-16", "2025-12-16"),
                ("F-103", "2025-11-15", "2025-12-15"),
                ("K-7", "2025-12-20", "2025-12-20"),
            ],
        )
        self.assertAlmostEqual(statement["total"]["residual"], 1750.0)
        self.assertAlmostEqual(statement["total"]["not_due"], 1000.0)

        ledger = self.env["report.kundekartotek.report_ledger"]._kk_ledger(
            fields.Date.to_date("2026-01-01"), fields.Date.to_date("2026-01-31"), partner_ids=self.anna.ids
        )
        self.assertAlmostEqual(ledger["customers"][self.anna.id]["closing"], 1750.0)
        self.assertEqual(len(ledger["customers"][self.anna.id]["lines"]), 5)

    def test_second_import_changes_nothing(self):
        self._import(self.rows)
        moves = self._moves()
        again = self._run(self.rows)
        again.action_dry_run()
        self.assertEqual(
            (again.checked_create_count, again.checked_update_count, again.checked_problem_count), (0, 6, 0)
        )
        again.action_import()
        again._kk_import_batch()
        self.assertEqual((again.state, again.created_count, again.unchanged_count), ("done", 0, 6))
        self.assertEqual(self._moves(), moves)
        self.assertAlmostEqual(self.anna.credit, 1750.0)
        # A corrected file is not passed over in silence: same number, another amount.
        changed = self._run([["IB-1001", "", "F-101", "01.12.2025", "14.01.2026", "201", ""]])
        changed.action_dry_run()
        self.assertEqual(
            changed.issue_ids.mapped("problem"),
            [
                f"Already imported for this customer (entry {moves.filtered(lambda m: m.ref == 'F-101').name}) "
                "with other values."
            ],
        )

    def test_opening_balance_passes_a_credit_block(self):
        """Old credit is not a new sale: a blocked customer's open invoices come in all the same."""
        self.anna.write({"credit_policy": "block", "credit_limit": 100.0})
        run = self._import(self.rows[:1])
        self.assertEqual((run.created_count, run.error_count), (1, 0), run.issue_ids.mapped("problem"))
        self.assertAlmostEqual(self.anna.credit, 1000.0)

    def test_only_accounting_administrators_import_opening_balances(self):
        billing = make_role_user(
            self.env, "manager", login="kk_opening_billing", extra=["account.group_account_invoice"]
        )
        with self.assertRaises(AccessError):
            self._run(self.rows, user=billing)
        customers = self.env["kundekartotek.import.run"].with_user(billing).create({"file": csv_file(self.rows)})
        with self.assertRaises(AccessError):
            customers.write({"kind": "opening"})
        # A Kundekartotek manager sees the accountant's import, but cannot start it in the accountant's name.
        run = self._run(self.rows)
        run.action_dry_run()
        with self.assertRaises(AccessError):
            run.with_user(billing).action_import()
        # The accountant lost the right after starting: the batch refuses to post as them.
        run.action_import()
        self.accountant.groups_id = [Command.unlink(self.env.ref("account.group_account_manager").id)]
        with self.assertRaises(AccessError):
            run._kk_import_batch()
        self.assertFalse(self._moves())

    def test_nobody_marks_an_entry_as_an_opening_balance_by_hand(self):
        """The mark lets an entry past the credit check, so only the import may set it."""
        run = self._import(self.rows[:1])
        move = self._moves()
        self.assertEqual(run.created_count, 1)
        with self.assertRaises(AccessError):
            move.with_user(self.accountant).write({"kk_opening_number": "X-1"})
        journal = run.opening_journal_id
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.accountant).create(
                {"move_type": "entry", "journal_id": journal.id, "kk_opening_number": "X-2"}
            )

    def test_the_database_refuses_a_second_entry_for_an_item(self):
        """Two imports at once both find the item missing; the unique index lets only one entry live. A cancelled
        entry frees its number."""
        self._import(self.rows[:1])
        move = self._moves()
        vals = {"move_type": "entry", "journal_id": move.journal_id.id, "partner_id": self.anna.id}
        vals["kk_opening_number"] = "F-100"
        # The flag inside the savepoint: entering one runs the precommit hooks, which clear the transaction's data.
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
            transaction_flag(self.env, OPENING_FLAG),
        ):
            self.env["account.move"].create(dict(vals))
        move.button_draft()
        move.button_cancel()
        self.assertEqual(move.state, "cancel")
        move.flush_recordset(["state"])
        with transaction_flag(self.env, OPENING_FLAG):
            again = self.env["account.move"].create(dict(vals))
        self.assertEqual(again.kk_opening_number, "F-100")
