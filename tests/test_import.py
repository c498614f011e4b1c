# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer import: reading a file, the dry run's problems, the import batch by batch, resuming, importing the
same file again."""

import base64
import io
from unittest.mock import patch

import openpyxl
import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from ..models import kundekartotek_import_run as run_module
from ..models.res_partner_api import DUP_MEMO
from .common import make_role_user
from .test_api import fodselsnummer, orgnr

HEADINGS = [
    "Kundenummer",
    "Navn",
    "Organisasjonsnummer",
    "Postnr",
    "Poststed",
    "Kundekategori",
    "Betalingsfrist (dager)",
]


def csv_file(rows, delimiter=";", encoding="cp1252"):
    text = "\r\n".join(delimiter.join(row) for row in [HEADINGS, *rows]) + "\r\n"
    return base64.b64encode(text.encode(encoding))


@tagged("post_install", "-at_install")
class TestCustomerImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(
            cls.env, "manager", login="kk_import_manager", extra=["kundekartotek.group_personal_id"]
        )
        cls.template = cls.env.ref("kundekartotek.kundekartotek_import_template_tripletex")
        cls.category = cls.env["kundekartotek.customer.category"].create({"name": "Import engros", "code": "IMPENG"})
        cls.orgnrs = [orgnr("92468013")]
        for _i in range(5):
            cls.orgnrs.append(orgnr(str(int(cls.orgnrs[-1][:8]) + 1)))

    def _run(self, rows, **extra):
        run = (
            self.env["kundekartotek.import.run"]
            .with_user(self.clerk)
            .create({"file": csv_file(rows), "filename": "kunder.csv", "template_id": self.template.id, **extra})
        )
        run.action_read_file()
        return run

    def _partners(self):
        return self.env["res.partner"].search([("company_registry", "in", self.orgnrs)])

    def _valid_rows(self, count=5):
        return [
            [f"7{i:04d}", f"Importkunde {i} Øst AS", self.orgnrs[i], "0150", "OSLO", "IMPENG", "30"]
            for i in range(count)
        ]

    def test_read_file_maps_the_tripletex_headings(self):
        run = self._run(self._valid_rows(1))
        self.assertEqual(run.file_details, "csv, cp1252, ';'")
        self.assertEqual(
            run.column_ids.mapped("target"),
            ["customer_number", "name", "orgnr", "zip", "city", "category", "payment_term"],
        )
        self.assertEqual(run.row_count, 1)

    def test_dry_run_reports_each_problem_and_writes_nothing(self):
        bad_orgnr = self.orgnrs[1][:8] + str((int(self.orgnrs[1][8]) + 1) % 10)
        rows = [
            ["70001", "God AS", self.orgnrs[0], "0150", "OSLO", "IMPENG", "30"],
            ["70002", "Feil Orgnr AS", bad_orgnr, "0150", "OSLO", "", ""],
            ["70003", "Ukjent Post AS", self.orgnrs[2], "9999", "INGENSTED", "", ""],
            ["70004", "Dobbel AS", self.orgnrs[0], "0150", "OSLO", "", ""],
            ["70005", "", self.orgnrs[3], "0150", "OSLO", "", ""],
            ["70006", "Kategori AS", self.orgnrs[4], "0150", "OSLO", "FINNESIKKE", "17 dager"],
        ]
        partners_before = self.env["res.partner"].search_count([])
        run = self._run(rows)
        run.action_dry_run()
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        found = {(issue.row, issue.column, issue.value, issue.problem) for issue in run.issue_ids}
        expected = {
            (3, "Organisasjonsnummer", bad_orgnr, "The organisation number is not valid (check digits or date)."),
            (4, "Postnr", "9999", "Unknown postcode."),
            (5, "organisation number", self.orgnrs[0], "Same organisation number as row 2."),
            (6, "Navn", "", "Name is missing."),
            (7, "Kundekategori", "FINNESIKKE", "Unknown customer category."),
            (7, "Betalingsfrist (dager)", "17 dager", "Unknown payment terms."),
        }
        self.assertEqual(found, expected)
        self.assertEqual((run.state, run.checked_problem_count, run.checked_create_count), ("checked", 6, 6))
        # The report as a workbook: the same rows, one per problem.
        action = run.action_download_report()
        self.assertIn("/report_file/", action["url"])
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(run.report_file))).worksheets[0]
        lines = list(sheet.iter_rows(min_row=2, values_only=True))
        self.assertEqual(
            {(row, column or "", value or "", problem) for row, column, value, problem, _s in lines}, expected
        )

    def test_dry_run_leaves_no_duplicate_answer_for_the_import(self):
        """The upsert remembers its duplicate search for the create that follows; a dry run creates nothing, so an
        answer it left would stand in for the import's own search of a register the import itself changes."""
        self.env.company.kk_duplicate_policy = "warn"
        run = self._run(self._valid_rows(2))
        run.action_dry_run()
        self.assertEqual(run.checked_create_count, 2)
        self.assertFalse(self.env.cr.precommit.data.get(DUP_MEMO))

    def test_dry_run_fodselsnummer_masked_and_checked(self):
        good = fodselsnummer("150585123")
        bad = good[:10] + str((int(good[10]) + 1) % 10)
        content = "Navn;Fødselsnummer\r\nPer Import;" + good + "\r\nPål Import;" + bad + "\r\n"
        run = (
            self.env["kundekartotek.import.run"]
            .with_user(self.clerk)
            .create({"file": base64.b64encode(content.encode("utf-8-sig")), "filename": "p.csv"})
        )
        run.action_read_file()
        self.assertEqual(run.column_ids.mapped("target"), ["name", "fodselsnummer"])
        self.assertNotIn(good, run.column_ids[1].sample)
        run.action_dry_run()
        self.assertEqual(
            [(issue.row, issue.value) for issue in run.issue_ids], [(3, bad[:6] + " *****")], "masked, never whole"
        )

    def test_import_in_batches_then_again_changes_nothing(self):
        run = self._run(self._valid_rows(5), batch_size=2)
        run.action_dry_run()
        self.assertFalse(run.issue_ids)
        run.action_import()
        self.assertEqual(run.state, "running")
        progress = []
        while run.state == "running":
            run._kk_import_batch()
            progress.append((run.position, round(run.progress)))
        self.assertEqual(progress, [(2, 40), (4, 80), (5, 100)])
        self.assertEqual((run.state, run.created_count, run.error_count), ("done", 5, 0))
        self.assertEqual(len(run.log.splitlines()), 6, run.log)  # dry run, started, three batches, finished
        partners = self._partners()
        self.assertEqual(sorted(partners.mapped("ref")), [f"7{i:04d}" for i in range(5)])
        self.assertEqual(partners.customer_category_id, self.category)
        self.assertEqual(partners.property_payment_term_id, self.env.ref("account.account_payment_term_30days"))
        self.assertEqual(partners.create_uid, self.clerk)
        self.assertFalse(partners.message_ids, "the run records the import, not a note per customer")
        self.assertFalse(partners.message_partner_ids, "the importer follows none of them")
        self.assertEqual(
            len(
                self.env["kundekartotek.audit.log"]
                .sudo()
                .search([("partner_id", "in", partners.ids), ("action", "=", "create"), ("field_name", "=", "name")])
            ),
            5,
            "the audit trail records each creation",
        )

        again = self._run(self._valid_rows(5), batch_size=500)
        again.action_dry_run()
        self.assertEqual((again.checked_create_count, again.checked_update_count), (0, 5))
        again.action_import()
        again._kk_import_batch()
        self.assertEqual((again.state, again.unchanged_count, again.created_count), ("done", 5, 0))
        self.assertEqual(self._partners(), partners)

    def test_interrupted_batch_is_done_again_on_resume(self):
        run = self._run(self._valid_rows(4), batch_size=2)
        run.action_dry_run()
        run.action_import()
        run._kk_import_batch()
        self.assertEqual(run.position, 2)
        real_upsert = type(self.env["res.partner"]).kk_upsert
        calls = []

        def upsert_then_die(partners, records, atomic=False):
            calls.append(len(records))
            real_upsert(partners, records, atomic=atomic)
            raise psycopg2.OperationalError("server closed the connection")

        # The cron runner rolls the transaction back when a batch dies; a savepoint stands in for it here.
        with patch.object(type(self.env["res.partner"]), "kk_upsert", upsert_then_die):
            with self.assertRaises(psycopg2.OperationalError), self.env.cr.savepoint():
                run._kk_import_batch()
        self.assertEqual(calls, [2])
        run.invalidate_recordset()
        self.assertEqual((run.position, run.created_count), (2, 2))
        self.assertEqual(len(self._partners()), 2)
        run._kk_import_batch()
        self.assertEqual((run.state, run.position, run.created_count), ("done", 4, 4))
        self.assertEqual(len(self._partners()), 4)

    def test_cron_imports_as_the_user_who_started(self):
        run = self._run(self._valid_rows(2))
        run.action_dry_run()
        run.action_import()
        self.env["kundekartotek.import.run"]._cron_process()
        run.invalidate_recordset()
        self.assertEqual((run.state, run.created_count), ("done", 2))
        self.assertEqual(self._partners().create_uid, self.clerk)

    def test_rows_with_problems_are_skipped_and_listed(self):
        rows = self._valid_rows(2) + [["79999", "", self.orgnrs[5], "0150", "OSLO", "", ""]]
        run = self._run(rows)
        run.action_dry_run()
        run.action_import()
        run._kk_import_batch()
        self.assertEqual((run.created_count, run.error_count), (2, 1), run.issue_ids.mapped("problem"))
        self.assertEqual(
            [(issue.row, issue.problem) for issue in run.issue_ids.filtered(lambda i: i.stage == "import")],
            [(4, "Name is missing.")],
        )

    def test_dry_run_says_which_rows_need_a_manager(self):
        """A clerk may not set what decides a credit block: rows that would set a category are listed."""
        run = self._run(self._valid_rows(1))
        run.action_dry_run()
        run.action_import()
        run._kk_import_batch()
        self.assertEqual(run.created_count, 1)
        clerk = make_role_user(self.env, "user", login="kk_import_clerk")
        rows = [*self._valid_rows(1), ["70001", "Ny Kunde AS", self.orgnrs[1], "0150", "OSLO", "IMPENG", "30"]]
        checked = (
            self.env["kundekartotek.import.run"]
            .with_user(clerk)
            .create({"file": csv_file(rows), "filename": "k.csv", "template_id": self.template.id})
        )
        checked.action_read_file()
        checked.action_dry_run()
        # Row 2 finds the customer with the category it has: no change, no problem.
        self.assertEqual(
            [(issue.row, issue.column, issue.value) for issue in checked.issue_ids],
            [(3, "Kundekategori", "Import engros")],
        )

    def test_an_import_runs_with_its_creators_rights_only(self):
        """A clerk cannot make the cron import in a manager's name: the run's user is always its creator."""
        clerk = make_role_user(self.env, "user", login="kk_import_forger")
        Run = self.env["kundekartotek.import.run"].with_user(clerk)
        run = Run.create({"file": csv_file(self._valid_rows(1)), "user_id": self.clerk.id})
        self.assertEqual(run.user_id, clerk)
        with self.assertRaises(AccessError):
            run.write({"user_id": self.clerk.id})
        run.action_read_file()
        run.action_import()
        with self.assertRaises(UserError):
            run.write({"file": csv_file(self._valid_rows(2))})


@tagged("post_install", "-at_install")
class TestImportFileReadOnce(TransactionCase):
    """An import reads its file once per batch: the process keeps the last tables it parsed, by content."""

    def setUp(self):
        super().setUp()
        run_module._tables.clear()
        self.Run = self.env["kundekartotek.import.run"]

    def _parses(self, *files):
        """How many times the files were parsed when each was read in turn."""
        real = run_module.tabular.read_table
        calls = []

        def counting(content):
            calls.append(content)
            return real(content)

        with patch.object(run_module.tabular, "read_table", counting):
            tables = [self.Run.new({"file": file})._kk_table() for file in files]
        return len(calls), tables

    def test_the_same_file_is_parsed_once(self):
        first = csv_file([["1", "Én AS", "", "0150", "OSLO", "", ""]])
        parses, tables = self._parses(first, first, first)
        self.assertEqual(parses, 1)
        self.assertEqual(tables[2][1], [(2, ["1", "Én AS", "", "0150", "OSLO", "", ""])])

    def test_another_file_is_parsed_and_the_last_ones_are_kept(self):
        files = [csv_file([[str(number), f"Kunde {number} AS", "", "", "", "", ""]]) for number in range(4)]
        kept = files[: run_module.TABLES_KEPT]
        self.assertEqual(self._parses(*kept, *kept)[0], run_module.TABLES_KEPT)
        # One more file than are kept: the oldest is parsed again, the newest not.
        newer = files[run_module.TABLES_KEPT]
        self.assertEqual(self._parses(newer, kept[0])[0], 2)
        self.assertEqual(self._parses(newer)[0], 0)
