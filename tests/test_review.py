# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import make_role_user
from .receivables_common import ReceivablesCommon

TODAY = date(2026, 12, 2)


@tagged("post_install", "-at_install")
class TestReview(ReceivablesCommon):
    """Monthly review, quarterly validation and yearly clean-up, each threshold at its edge."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {"kk_review_confirm_months": 12, "kk_review_terms_months": 24, "kk_review_inactive_months": 36}
        )
        cls.Review = cls.env["kundekartotek.review"].sudo()
        cls.manager = make_role_user(cls.env, "manager", login="kk_review_manager")
        cls.clerk = make_role_user(cls.env, "user", login="kk_review_clerk")
        cls.serial = 0

    def _customer(self, name, **values):
        type(self).serial += 1
        base = {
            "name": name,
            "customer_rank": 1,
            "ref": f"R-{self.serial}",
            "company_id": self.company.id,
            "kk_contact_confirmed_date": TODAY,
        }
        return self.env["res.partner"].create({**base, **values})

    def _set_created(self, partner, day):
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET create_date = %s WHERE id = %s", day, partner.id))
        partner.invalidate_recordset()

    def _items(self, kind, partners):
        return self.Review.search([("kind", "=", kind), ("partner_id", "in", partners.ids)])

    # Monthly ------------------------------------------------------------------------------------------------------
    def test_monthly_lists_who_changed_what_in_the_month_before(self):
        with freeze_time("2026-10-31 23:59:59"):
            before = self._customer("Oktober AS")
        with freeze_time("2026-11-01 00:00:00"):
            first_day = self._customer("November AS")
            before.with_user(self.clerk).write({"email": "post@oktober.example"})
        with freeze_time("2026-12-01 00:00:00"):
            late = self._customer("Desember AS")
        self.Review._kk_generate_monthly(self.company, TODAY)
        items = self._items("monthly", before | first_day | late)
        by_partner = {item.partner_id: item for item in items}
        self.assertEqual(set(by_partner), {before, first_day})  # 31 Oct and 1 Dec are outside November
        self.assertTrue(by_partner[first_day].created)
        self.assertFalse(by_partner[before].created)
        self.assertEqual(by_partner[before].period, "2026-11")
        self.assertIn(self.clerk.name, by_partner[before].changed_by)
        self.assertIn("Email", by_partner[before].changes)

    def test_reviewed_mark_per_customer_and_period(self):
        with freeze_time("2026-11-10 10:00:00"):
            partner = self._customer("Merket AS")
        item = self.Review._kk_generate_monthly(self.company, TODAY)
        item = item.filtered(lambda i: i.partner_id == partner)
        with self.assertRaises(AccessError):
            item.with_user(self.clerk).action_kk_mark_reviewed()
        item.with_user(self.manager).action_kk_mark_reviewed()
        self.assertEqual((item.state, item.reviewed_by_id), ("reviewed", self.manager))
        with freeze_time("2026-11-11 10:00:00"):
            partner.phone = "+47 22 00 00 00"
        self.Review._kk_generate_monthly(self.company, TODAY)
        self.assertEqual(self._items("monthly", partner).state, "reviewed")  # a second run keeps the mark
        # The next month is a new period with its own mark.
        with freeze_time("2026-12-05 10:00:00"):
            partner.phone = "+47 22 00 00 01"
        self.Review._kk_generate_monthly(self.company, date(2027, 1, 3))
        self.assertEqual(
            sorted(self._items("monthly", partner).mapped(lambda i: (i.period, i.state))),
            [("2026-11", "reviewed"), ("2026-12", "pending")],
        )

    # Quarterly ----------------------------------------------------------------------------------------------------
    def test_quarterly_contact_confirmation_at_the_edge(self):
        below = self._customer("Bekreftet 1 AS", kk_contact_confirmed_date=date(2025, 12, 1))
        at = self._customer("Bekreftet 2 AS", kk_contact_confirmed_date=date(2025, 12, 2))
        above = self._customer("Bekreftet 3 AS", kk_contact_confirmed_date=date(2025, 12, 3))
        self.Review._kk_generate_quarterly(self.company, TODAY)
        items = self._items("quarterly", below | at | above)
        self.assertEqual(items.filtered("reason_unconfirmed").partner_id, below | at)
        self.assertEqual(items.partner_id, below | at)
        self.assertEqual(items[0].period, "2026-Q4")

    def test_quarterly_terms_unchanged_at_the_edge(self):
        partners = self.env["res.partner"]
        for day in (date(2024, 12, 1), date(2024, 12, 2), date(2024, 12, 3)):
            partner = self._customer(f"Vilkår {day} AS")
            self._set_created(partner, day)
            partners |= partner
        self.Review._kk_generate_quarterly(self.company, TODAY)
        self.assertEqual(self._items("quarterly", partners).filtered("reason_terms").partner_id, partners[:2])
        # A change of the credit limit today restarts the count.
        partners[0].credit_limit = 5000
        self.Review._kk_generate_quarterly(self.company, date(2027, 1, 2))
        q1 = self._items("quarterly", partners).filtered(lambda i: i.period == "2027-Q1")
        self.assertEqual(q1.filtered("reason_terms").partner_id, partners[1:])

    def test_quarterly_bounce_register_and_identifiers(self):
        bounced = self._customer("Retur AS", message_bounce=1)
        clean = self._customer("Ren AS", message_bounce=0)
        bankrupt = self._customer("Konkurs AS")
        bankrupt.sudo().write({"brreg_status": "bankrupt"})
        active = self._customer("Aktiv AS")
        active.sudo().write({"brreg_status": "active"})
        no_ref = self._customer("Uten nummer AS")
        self.env.cr.execute(SQL("UPDATE res_partner SET ref = NULL WHERE id = %s", no_ref.id))
        no_orgnr = self._customer("Uten orgnr AS", is_company=True, country_id=self.env.ref("base.no").id)
        foreign = self._customer("Utenlandsk AB", is_company=True, country_id=self.env.ref("base.se").id)
        self.Review._kk_generate_quarterly(self.company, TODAY)
        everyone = bounced | clean | bankrupt | active | no_ref | no_orgnr | foreign
        items = {item.partner_id: item for item in self._items("quarterly", everyone)}
        self.assertEqual(set(items), {bounced, bankrupt, no_ref, no_orgnr})
        self.assertTrue(items[bounced].reason_bounced)
        self.assertTrue(items[bankrupt].reason_register)
        self.assertTrue(items[no_ref].reason_identifiers)
        self.assertTrue(items[no_orgnr].reason_identifiers)

    # Yearly clean-up ----------------------------------------------------------------------------------------------
    def _paid_customer(self, name, day, paid=100.0):
        partner = self._customer(name)
        self._set_created(partner, date(2020, 1, 1))
        invoice = self._invoice(partner, 100, day, day)
        self._pay(invoice, paid, day)
        return partner

    def test_cleanup_last_transaction_at_the_edge(self):
        below = self._paid_customer("Stille 1 AS", "2023-12-01")
        at = self._paid_customer("Stille 2 AS", "2023-12-02")
        above = self._paid_customer("Stille 3 AS", "2023-12-03")
        never = self._customer("Aldri AS")
        self._set_created(never, date(2023, 12, 2))
        new = self._customer("Ny AS")
        self._set_created(new, date(2023, 12, 3))
        self.Review._kk_generate_cleanup(self.company, TODAY)
        items = self._items("cleanup", below | at | above | never | new)
        self.assertEqual(items.partner_id, below | at | never)
        self.assertEqual(items.filtered(lambda i: i.partner_id == at).last_transaction_date, date(2023, 12, 2))

    def test_cleanup_balance_open_items_and_drafts(self):
        short = self._paid_customer("Skylder AS", "2022-01-10", paid=99.99)  # 0.01 open
        even = self._paid_customer("Oppgjort AS", "2022-01-10", paid=100.0)
        over = self._paid_customer("Overbetalt AS", "2022-01-10", paid=100.01)  # -0.01 open
        draft = self._paid_customer("Utkast AS", "2022-01-10")
        self.init_invoice("out_invoice", partner=draft, invoice_date="2022-02-01", amounts=[50])
        self.Review._kk_generate_cleanup(self.company, TODAY)
        self.assertEqual(self._items("cleanup", short | even | over | draft).partner_id, even)

    def test_cleanup_never_proposes_a_customer_within_a_pending_review(self):
        pending = self._paid_customer("Venter AS", "2022-01-10")
        reviewed = self._paid_customer("Ferdig AS", "2022-01-10")
        for partner in pending | reviewed:
            partner.kk_contact_confirmed_date = date(2020, 1, 1)
        self.Review._kk_generate_quarterly(self.company, TODAY)
        self._items("quarterly", reviewed).action_kk_mark_reviewed()
        self.Review._kk_generate_cleanup(self.company, TODAY)
        self.assertEqual(self._items("cleanup", pending | reviewed).partner_id, reviewed)

    def test_archive_on_confirmation_checks_again(self):
        kept = self._paid_customer("Aktiv igjen AS", "2022-01-10")
        gone = self._paid_customer("Borte AS", "2022-01-10")
        items = self.Review._kk_generate_cleanup(self.company, TODAY)
        items = items.filtered(lambda i: i.partner_id in kept | gone)
        self.assertEqual(len(items), 2)
        self._invoice(kept, 10, "2026-11-01", "2026-12-01")  # a new open invoice since the proposal
        with self.assertRaises(AccessError):
            items.with_user(self.clerk).action_kk_archive()
        with freeze_time(TODAY):
            answer = items.with_user(self.manager).action_kk_archive()
        self.assertIn("Aktiv igjen AS", answer["params"]["message"])
        self.assertFalse(gone.active)
        self.assertTrue(kept.active)
        # Both items, in any order (the items' order is not what this test is about).
        self.assertEqual(
            sorted(items.mapped(lambda i: (i.partner_id.id, i.state))),
            sorted([(kept.id, "pending"), (gone.id, "archived")]),
        )

    # Crons, settings, confirmation --------------------------------------------------------------------------------
    def test_cron_creates_one_activity_for_the_responsible(self):
        salesperson = make_role_user(self.env, "user", login="kk_review_sales")
        self.company.kk_review_user_id = self.manager
        with_sales = self._customer("Selger AS", user_id=salesperson.id, kk_contact_confirmed_date=date(2020, 1, 1))
        without = self._customer("Uten selger AS", kk_contact_confirmed_date=date(2020, 1, 1))
        with freeze_time(TODAY):
            self.Review._cron_kk_review_quarterly()
            self.Review._cron_kk_review_quarterly()
        todo = self.env.ref("mail.mail_activity_data_todo")
        for partner, user in ((with_sales, salesperson), (without, self.manager)):
            activities = partner.activity_ids.filtered(lambda a: a.activity_type_id == todo)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, user)
            self.assertIn("2026-Q4", activities.summary)

    def test_no_context_key_suppresses_the_to_dos(self):
        """The old key ``kk_review_no_activity`` (any RPC caller sets the context) must not skip the to-dos."""
        partner = self._customer("Nøkkel AS", kk_contact_confirmed_date=date(2020, 1, 1))
        with freeze_time(TODAY):
            self.Review.with_context(kk_review_no_activity=True)._cron_kk_review_quarterly()
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertEqual(len(partner.activity_ids.filtered(lambda a: a.activity_type_id == todo)), 1)

    def test_update_list_makes_no_to_dos(self):
        partner = self._customer("Oppdater AS", kk_contact_confirmed_date=date(2020, 1, 1))
        with freeze_time(TODAY):
            self.env["kundekartotek.review"].with_user(self.manager).action_kk_update_list()
        self.assertTrue(self._items("quarterly", partner))
        self.assertFalse(partner.activity_ids)

    def test_review_months_are_at_least_one(self):
        self.company.kk_review_inactive_months = 1
        for value in (0, -1):
            with self.assertRaises(ValidationError):
                self.company.kk_review_confirm_months = value

    def test_confirm_contact_sets_today(self):
        partner = self._customer("Bekreft AS", kk_contact_confirmed_date=False)
        with freeze_time(TODAY):
            partner.with_user(self.clerk).action_kk_confirm_contact()
        self.assertEqual(partner.kk_contact_confirmed_date, TODAY)

    def test_lists_are_for_managers_and_auditors(self):
        self._customer("Liste AS", kk_contact_confirmed_date=date(2020, 1, 1))
        self.Review._kk_generate_quarterly(self.company, TODAY)
        self.assertTrue(self.env["kundekartotek.review"].with_user(self.manager).search_count([]))
        with self.assertRaises(AccessError):
            self.env["kundekartotek.review"].with_user(self.clerk).search_count([])
        with self.assertRaises(AccessError):
            self.env["kundekartotek.review"].with_user(self.manager).create(
                {"kind": "monthly", "period": "2026-11", "partner_id": self.clerk.partner_id.id}
            )
