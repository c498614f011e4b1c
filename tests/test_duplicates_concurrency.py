# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The warn policy's search after the commit, with requests that commit for real: it sees the customers other
requests created at the same moment, which the creation's own transaction cannot see."""

import time

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import SQL

from ..models import res_partner_duplicates
from .committed_common import CommittedCase
from .common import waiting_for_duplicate_search

TIMEOUT = 30  # seconds the delayed look may take before it counts as never made
NAME = "Samtidig Rørlegger AS"


@tagged("post_install", "-at_install")
class TestPendingLookCommitted(CommittedCase):
    def setUp(self):
        super().setUp()
        self.patch(res_partner_duplicates, "PENDING_DELAY", 0)
        self.admin_id = self.env.ref("base.user_admin").id
        with self.registry.cursor() as cr:
            company = api.Environment(cr, SUPERUSER_ID, {})["res.users"].browse(self.admin_id).company_id
            self.company_id, self.policy = company.id, company.kk_duplicate_policy
            company.kk_duplicate_policy = "warn"

    def _restore_committed(self, cr):
        api.Environment(cr, SUPERUSER_ID, {})["res.company"].browse(self.company_id).kk_duplicate_policy = self.policy

    def _create(self, cr):
        partner = api.Environment(cr, self.admin_id, {})["res.partner"].create(
            {"name": NAME, "is_company": True, "customer_rank": 1}
        )
        self.partner_ids.append(partner.id)
        return partner.id

    def _state(self, partner_id):
        """(pending, the ids the partner's duplicate notes name), as committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].browse(partner_id)
            notes = partner.message_ids.filtered(lambda m: "looks like a customer already" in (m.body or ""))
            named = [
                other for other in self.partner_ids if other != partner_id and f"(id {other}," in str(notes.body or "")
            ]
            return bool(waiting_for_duplicate_search(partner)), named, len(notes)

    def test_the_second_of_two_customers_created_at_once_is_noted_with_the_first(self):
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            first = self._create(cr_a)
            second = self._create(cr_b)  # neither transaction sees the other's customer
            cr_a.commit()
            cr_b.commit()
        finally:
            cr_a.close()
            cr_b.close()
        # The look after the first commit could not see the second (not committed yet); the one after the second
        # commit sees the first.
        self.assertEqual(self._state(first), (False, [], 0))
        self.assertEqual(self._state(second), (False, [first], 1))

    def test_a_rolled_back_creation_leaves_nothing_to_look_at(self):
        with self.registry.cursor() as cr:
            self._create(cr)
            cr.rollback()
        with self.registry.cursor() as cr:
            cr.execute(
                SQL("SELECT count(*) FROM kundekartotek_dup_pending WHERE partner_id = ANY(%s)", self.partner_ids)
            )
            self.assertEqual(cr.fetchone()[0], 0)

    def test_the_look_is_made_by_a_thread_shortly_after_the_commit(self):
        self.patch(res_partner_duplicates, "PENDING_DELAY", 0.2)
        with self.registry.cursor() as cr:
            first = self._create(cr)
        with self.registry.cursor() as cr:
            second = self._create(cr)
        # Committed, waiting for the thread's look (scheduled once for both commits).
        self.assertEqual(self._state(second), (True, [], 0))
        deadline = time.monotonic() + TIMEOUT
        while self._state(second)[0] and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self._state(second), (False, [first], 1))
        self.assertEqual(self._state(first), (False, [second], 1))

    def test_while_a_look_holds_a_customer_rows_that_point_at_it_are_still_written(self):
        """The look locks only its rows of the waiting table, never the customers: a contact created under one
        meanwhile (its foreign key check takes a KEY SHARE lock), or a change of the customer, does not wait for the
        look."""
        self.patch(res_partner_duplicates, "PENDING_DELAY", 3600)  # no look of its own after the commit
        with self.registry.cursor() as cr:
            customer = self._create(cr)
        look, writer = self.registry.cursor(), self.registry.cursor()
        try:
            taken = api.Environment(look, SUPERUSER_ID, {})["res.partner"]._kk_note_pending_duplicates()
            self.assertEqual(taken, 1)  # the look holds the customer until it commits
            writer.execute(SQL("SET LOCAL lock_timeout = '3s'"))
            writer.execute(
                SQL(
                    "INSERT INTO res_partner (name, parent_id, type, active, autopost_bills)"
                    " VALUES ('Kontakt hos samtidig', %s, 'contact', TRUE, 'ask') RETURNING id",
                    customer,
                )
            )
            self.partner_ids.append(writer.fetchone()[0])
            writer.execute(SQL("UPDATE res_partner SET city = 'Hamar' WHERE id = %s", customer))
            writer.commit()
            # A second look meanwhile takes nothing: the first holds the customer's row of the waiting table.
            second = self.registry.cursor()
            try:
                second.execute(SQL("SET LOCAL lock_timeout = '3s'"))  # a look that waited would fail here
                self.assertEqual(
                    api.Environment(second, SUPERUSER_ID, {})["res.partner"]._kk_note_pending_duplicates(), 0
                )
            finally:
                second.close()
            look.commit()
        finally:
            look.close()
            writer.close()
        self.assertEqual(self._state(customer), (False, [], 0))
