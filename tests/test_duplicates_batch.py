# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The duplicate search of many customers at once (``_kk_likely_duplicates_many``): the same answer as a search per
customer, in one statement for the whole batch, in the import's dry run too."""

import base64
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import res_partner_duplicates
from ..models.res_partner_duplicates import ResPartner
from .common import make_role_user, queries_on
from .test_api import orgnr
from .test_duplicates import FNR, DuplicatesCommon

# What only the batch search's statement holds.
BATCH_STATEMENT = "CROSS JOIN LATERAL"


@tagged("post_install", "-at_install")
class TestLikelyDuplicatesMany(DuplicatesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "Annet Selskap AS"})
        cls.other_twin = cls.Partner.create(
            {"name": "Fjordbygg Entreprenør AS", "is_company": True, "company_id": cls.other.id}
        )
        cls.ola.sudo().fodselsnummer = FNR
        cls.reader = make_role_user(
            cls.env, "manager", login="kk_dup_batch_reader", extra=["kundekartotek.group_personal_id"]
        )
        at_fjord = {"zip": "0150", "street": "Storgata 12B", "is_company": True}
        # (values, the likely duplicates' ids for a superuser, for a manager who may not read fødselsnumre)
        cls.cases = [
            ({"name": "Helt Annet Navn", "company_registry": "988077917"}, [cls.fjord], None),
            ({"name": "Fjordbygg Entreprenør", "email": "POST@fjordbygg.no"}, [cls.fjord, cls.fjord_again], None),
            ({"name": "Entreprenør Fjordbygg", "is_company": True}, [cls.fjord, cls.fjord_again], None),
            ({"name": "Ola Nordmann", "street": "Kirkegata 1", "zip": "7010"}, [cls.ola, cls.ola_initial], None),
            ({"name": "Kari Nordmann", "mobile": "913 45 678"}, [cls.kari], None),  # no postcode
            ({**at_fjord, "name": "Fjordbygg Entreprenr"}, [cls.fjord], None),
            ({**at_fjord, "name": "Fjordbyg Entreprenr"}, [cls.fjord], None),  # a typo in each word: pg_trgm only
            ({"name": "Helt Annen Person", "fodselsnummer": FNR}, [cls.ola], []),
            (
                {"name": "Fjordbygg Entreprenør AS", "is_company": True, "company_id": cls.other.id},
                [cls.fjord, cls.fjord_again, cls.other_twin],
                [cls.fjord, cls.fjord_again],  # the other company's customer: not readable for the manager
            ),
            ({"name": "Fjordbygg Entreprenør AS", "is_company": True}, [cls.fjord, cls.fjord_again], None),
            ({"street": "Ingensteds 1"}, [], None),  # nothing to look for
            ({}, [], None),
        ]
        cls.vals_list = [vals for vals, _su, _manager in cls.cases]

    def answers(self, Partner, limit=5):
        """The batch's answer, checked against one search per customer, as ids per customer."""
        many = Partner._kk_likely_duplicates_many(self.vals_list, limit=limit)
        one_by_one = [Partner._kk_likely_duplicates(vals, limit=limit) for vals in self.vals_list]
        self.assertEqual(many, one_by_one, "ids, scores, reasons and order as the search of one customer")
        return [self.ids_of(found) for found in many]

    def expected(self, manager=False, trigram=True):
        expected = []
        for vals, su_ids, manager_ids in self.cases:
            ids = [partner.id for partner in (manager_ids if manager and manager_ids is not None else su_ids)]
            if not trigram and vals.get("name") == "Fjordbyg Entreprenr":
                ids = []
            expected.append(ids)
        return expected

    def test_a_mixed_batch_answers_as_one_search_per_customer(self):
        self.assertEqual(self.answers(self.Partner.sudo()), self.expected())

    def test_as_a_user_readable_customers_and_fodselsnummer_for_readers_only(self):
        self.assertEqual(self.answers(self.Partner.with_user(self.manager)), self.expected(manager=True))
        reader = self.expected(manager=True)
        reader[7] = [self.ola.id]
        self.assertEqual(self.answers(self.Partner.with_user(self.reader)), reader)

    def test_without_pg_trgm(self):
        with patch.object(ResPartner, "_kk_has_trigram", return_value=False):
            self.assertEqual(self.answers(self.Partner.sudo()), self.expected(trigram=False))

    def test_limit_and_batches_of_the_search(self):
        """The limit per customer; customers split over several statements give the same answers."""
        expected = [ids[:1] for ids in self.expected()]
        self.assertEqual(self.answers(self.Partner.sudo(), limit=1), expected)
        with patch.object(res_partner_duplicates, "SEARCH_BATCH", 4), queries_on(BATCH_STATEMENT) as statements:
            found = self.Partner.sudo()._kk_likely_duplicates_many(self.vals_list, limit=1)
        self.assertEqual([self.ids_of(rows) for rows in found], expected)
        self.assertEqual(len(statements), 3)  # 12 customers, 4 a statement

    def test_the_record_edited_is_never_its_own_duplicate(self):
        found = self.fjord._kk_likely_duplicates_many([{"name": "Fjordbygg Entreprenør AS", "is_company": True}])
        self.assertEqual([self.ids_of(rows) for rows in found], [[self.fjord_again.id]])

    def test_one_statement_for_one_customer_or_twenty(self):
        Partner = self.Partner.with_user(self.manager)
        one = [{"name": "Fjordbygg Entreprenør", "email": "post@fjordbygg.no"}]
        twenty = one + [{"name": f"Ny Kunde {n} AS", "is_company": True, "zip": "0150"} for n in range(19)]
        Partner._kk_likely_duplicates_many(one)  # the user's groups and the trigram check, read once
        with self.assertQueryCount(1):
            self.assertEqual(
                self.ids_of(Partner._kk_likely_duplicates_many(one)[0]), [self.fjord.id, self.fjord_again.id]
            )
        with self.assertQueryCount(1):
            found = Partner._kk_likely_duplicates_many(twenty)
        self.assertEqual([len(rows) for rows in found], [2] + [0] * 19)

    def test_a_persons_number_is_looked_up_through_its_index(self):
        """The batch's statement finds a person's fødselsnummer through its partial index, not by reading the
        partner table. The planner is told to avoid table scans: a test database is too small to need the index,
        a register of many customers is not (60 000 partners: 0.2 ms instead of 10 ms; docs/architecture.md)."""
        rows = [{"name": "Ola Nordmann", "fodselsnummer": FNR}, {"name": "Ny Kunde AS", "is_company": True}]
        with queries_on(BATCH_STATEMENT) as statements:
            found = self.Partner._kk_likely_duplicates_many(rows)
        self.assertIn(self.ola.id, self.ids_of(found[0]))
        self.assertEqual(len(statements), 1)
        cr = self.env.cr
        cr.execute(SQL("SET LOCAL enable_seqscan = off"))
        self.addCleanup(cr.execute, SQL("SET LOCAL enable_seqscan = on"))
        cr.execute(SQL("EXPLAIN %s", statements[0]))
        plan = "\n".join(line for (line,) in cr.fetchall())
        self.assertIn("Index Scan using res_partner__fodselsnummer_index on res_partner", plan)


@tagged("post_install", "-at_install")
class TestCreateSearchesOnce(DuplicatesCommon):
    def test_create_of_several_customers_searches_once_and_notes_each_its_own(self):
        self.env.company.kk_duplicate_policy = "warn"
        vals_list = [
            {"name": "Fjordbygg Entreprenør AS", "is_company": True, "customer_rank": 1},
            {"name": "Helt Ny Kunde AS", "is_company": True, "customer_rank": 1},
            {"name": "Ola Nordmann", "street": "Kirkegata 1", "zip": "7010", "customer_rank": 1},
        ]
        with queries_on(BATCH_STATEMENT) as statements:
            created = self.Partner.with_user(self.manager).create(vals_list)
        self.assertEqual(len(statements), 0, "over the API, warn searches after the commit")
        with queries_on(BATCH_STATEMENT) as statements:
            self.assertEqual(self.Partner._kk_note_pending_duplicates(), 3)
        self.assertEqual(len(statements), 1)
        notes = [
            partner.message_ids.filtered(lambda m: "looks like a customer already" in (m.body or "")).body or ""
            for partner in created
        ]
        self.assertIn(f"id {self.fjord.id}", notes[0])
        self.assertIn(f"id {self.fjord_again.id}", notes[0])
        self.assertEqual(notes[1], "")
        self.assertIn(f"id {self.ola.id}", notes[2])
        self.assertNotIn(f"id {self.fjord.id}", notes[2])

    def test_refuse_names_the_first_refused_customer_of_the_batch(self):
        self.env.company.kk_duplicate_policy = "refuse"
        vals_list = [
            {"name": "Helt Ny Kunde AS", "is_company": True},
            {"name": "Ola Nordmann", "street": "Kirkegata 1", "zip": "7010", "customer_rank": 1},
            {"name": "Fjordbygg Entreprenør AS", "is_company": True},
        ]
        with self.assertRaisesRegex(ValidationError, f"^Ola Nordmann looks like .*id {self.ola.id}\\b"):
            self.Partner.with_user(self.manager).create(vals_list)


@tagged("post_install", "-at_install")
class TestDryRunSearchesOnce(DuplicatesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.kk_duplicate_policy = "warn"
        cls.orgnrs = [orgnr("92468100")]
        while len(cls.orgnrs) < 20:
            cls.orgnrs.append(orgnr(str(int(cls.orgnrs[-1][:8]) + 1)))

    def _dry_run(self, rows):
        lines = ["Navn;Organisasjonsnummer;E-post;Postnr", *(";".join(row) for row in rows)]
        content = base64.b64encode(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        run = (
            self.env["kundekartotek.import.run"].with_user(self.manager).create({"file": content, "filename": "k.csv"})
        )
        run.action_read_file()
        with queries_on(BATCH_STATEMENT) as statements:
            run.action_dry_run()
        return run, statements

    def test_the_dry_run_of_one_row_or_twenty_searches_once_and_reports_the_duplicates(self):
        """The organisation number differs from Fjordbygg's (two legal persons, not likely); the other Fjordbygg,
        without one, shares the e-mail and the company name."""
        twin = ["Fjordbygg Entreprenør A/S", self.orgnrs[0], "post@fjordbygg.no", "0150"]
        expected = [(2, twin[0], f"Possible duplicate of customer {self.fjord_again.id}: email, name_exact")]
        run, statements = self._dry_run([twin])
        self.assertEqual(len(statements), 1)
        self.assertEqual([(issue.row, issue.value, issue.problem) for issue in run.issue_ids], expected)
        others = [
            [f"Ny Importkunde {n} AS", self.orgnrs[n], f"post{n}@ny-import.example", "0150"] for n in range(1, 20)
        ]
        run, statements = self._dry_run([twin, *others])
        self.assertEqual(len(statements), 1)
        self.assertEqual(run.checked_create_count, 20)
        self.assertEqual([(issue.row, issue.value, issue.problem) for issue in run.issue_ids], expected)

    def test_the_dry_run_reports_a_person_the_import_would_warn_about(self):
        """A row without an organisation number is a person: the import creates it as a customer, so the duplicate
        policy applies to it, and the dry run says so too."""
        person = self.Partner.create({"name": "Per Fjellheim", "email": "per@fjellheim.example", "zip": "0150"})
        run, statements = self._dry_run([["Per Fjellheim", "", "per@fjellheim.example", "0150"]])
        self.assertEqual(len(statements), 1)
        self.assertEqual(
            [issue.problem for issue in run.issue_ids],
            [f"Possible duplicate of customer {person.id}: email, name_exact, postcode"],
        )
