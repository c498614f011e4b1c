# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two runs of a batch job at the same moment, each in a transaction of its own that commits, as two workers or two
servers would run them: they never take the same record.
"""

import threading
from unittest.mock import patch

from stdnum.no import orgnr as stdnum_orgnr

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged
from odoo.tools import SQL

from ..lib.brreg import ERROR_NOT_FOUND, BrregError
from .committed_common import CommittedCase

TIMEOUT = 30  # seconds any wait may last before it counts as a hang


def _orgnrs(count):
    """``count`` valid organisation numbers no demo partner has."""
    numbers, candidate = [], 987654000
    while len(numbers) < count:
        candidate += 1
        if stdnum_orgnr.is_valid(str(candidate)):
            numbers.append(str(candidate))
    return numbers


@tagged("post_install", "-at_install")
class TestCronBatchLock(CommittedCase):
    def setUp(self):
        self.parked = []
        super().setUp()
        self.numbers = _orgnrs(4)
        with self.registry.cursor() as cr:
            # The queue runs below must see exactly the four partners of the test: the others waiting (demo data)
            # are marked as tried a moment ago, which puts them out of the queue's reach, and restored afterwards.
            cr.execute(SQL("SELECT id, brreg_checked_at FROM res_partner WHERE brreg_state = 'queued'"))
            self.parked = cr.fetchall()
            cr.execute(
                SQL(
                    "UPDATE res_partner SET brreg_checked_at = now() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
                    [row[0] for row in self.parked],
                )
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Kø {number}",
                        "is_company": True,
                        "customer_rank": 1,
                        "country_id": env.ref("base.no").id,
                        "company_registry": number,
                    }
                    for number in self.numbers
                ]
            )
            partners.write({"brreg_state": "queued", "brreg_checked_at": False, "brreg_retry_count": 0})
            self.partner_ids = partners.ids

    def _restore_committed(self, cr):
        """The partners the queue runs were kept away from wait again as they did."""
        for partner_id, checked_at in self.parked:
            cr.execute(SQL("UPDATE res_partner SET brreg_checked_at = %s WHERE id = %s", checked_at, partner_id))

    def test_two_transactions_claim_different_batches(self):
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            domain = [("id", "in", self.partner_ids)]
            batch_a = env_a["res.partner"]._kk_claim_batch(domain, 3)
            batch_b = env_b["res.partner"]._kk_claim_batch(domain, 3)
            self.assertEqual(batch_a.ids, self.partner_ids[:3])
            self.assertEqual(batch_b.ids, self.partner_ids[3:], "B skips what A holds and takes the rest")
            cr_b.commit()
            cr_a.commit()
        finally:
            cr_a.close()
            cr_b.close()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # Once A has committed, its rows are free again.
            self.assertEqual(
                env["res.partner"]._kk_claim_batch([("id", "in", self.partner_ids)], 3).ids, self.partner_ids[:3]
            )

    def test_two_queue_runs_at_once_never_look_up_the_same_customer(self):
        """Run A stops in its first look-up until run B has finished and committed; no number is looked up twice.

        Without the lock, B reads the batch A is working on, looks the same customers up and writes them; A then
        fails on its first write.
        """
        lookups = {"A": [], "B": []}
        b_finished = threading.Event()
        errors = []

        class Register:
            def get_unit(self, number):
                run = threading.current_thread().name
                lookups[run].append(number)
                if run == "A" and len(lookups["A"]) == 1:
                    b_finished.wait(TIMEOUT)
                raise BrregError(ERROR_NOT_FOUND)

        def run():
            try:
                with self.registry.cursor() as cr:
                    api.Environment(cr, SUPERUSER_ID, {})["res.partner"]._cron_brreg_process_queue(batch_size=2)
            except Exception as error:  # noqa: BLE001 - handed to the test's thread below
                errors.append(error)
            finally:
                if threading.current_thread().name == "B":
                    b_finished.set()

        with patch.object(type(self.env["res.partner"]), "_kk_brreg_client", return_value=Register()):
            run_a = threading.Thread(target=run, name="A")
            run_a.start()
            while not lookups["A"] and run_a.is_alive():
                run_a.join(0.05)
            run_b = threading.Thread(target=run, name="B")
            run_b.start()
            for thread in (run_b, run_a):
                thread.join(TIMEOUT)
                self.assertFalse(thread.is_alive(), "a run hangs")
        self.assertFalse(set(lookups["A"]) & set(lookups["B"]), f"looked up twice: {lookups}")
        self.assertEqual(errors, [])
        self.assertEqual(sorted(lookups["A"] + lookups["B"]), sorted(self.numbers))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(env["res.partner"].browse(self.partner_ids).mapped("brreg_state"), ["not_found"] * 4)
