# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two writers of the audit trail in their own transactions, committing for real at the same time.

The test's own cursor stays out of it (it never takes the chain lock); each writer opens a cursor of its own, as two
requests of a server would. What they commit is removed again at the end of each test.
"""

import threading
import time
from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.kundekartotek_audit_log import CHAIN_LOCK
from ..models.kundekartotek_audit_seal import KundekartotekAuditSeal
from .committed_common import CommittedCase

TIMEOUT = 30  # seconds any wait of these tests may last before it counts as a hang


@tagged("post_install", "-at_install")
class TestAuditChainConcurrency(CommittedCase):
    def _create(self, env, name):
        partner = env["res.partner"].create({"name": name, "city": "Oslo"})
        self.partner_ids.append(partner.id)
        return partner

    def _committed(self):
        """Entries committed since the test began, in the order they were inserted."""
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT id, record_name, res_id, field_name, old_value, new_value, previous_hash, entry_hash"
                    " FROM kundekartotek_audit_log WHERE id > %s ORDER BY id",
                    self.start_id,
                )
            )
            return cr.dictfetchall()

    def _assert_one_chain(self, rows):
        """No two entries on the same predecessor, each on the one inserted before it, and the chain verifies."""
        previous = [row["previous_hash"] for row in rows]
        self.assertEqual(len(previous), len(set(previous)), "two entries share their predecessor: a fork")
        for before, after in zip(rows, rows[1:], strict=False):
            self.assertEqual(after["previous_hash"], before["entry_hash"])
        with self.registry.cursor() as cr:
            self.assertEqual(
                api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._kk_verify()["findings"], []
            )

    def _run(self, *targets):
        """Run each target in a thread of its own; re-raise the first error of any."""
        errors = []

        def guard(target):
            try:
                target()
            except Exception as error:  # noqa: BLE001 - handed to the test's thread below
                errors.append(error)

        threads = [threading.Thread(target=guard, args=(target,)) for target in targets]
        for thread in threads:
            thread.start()
        return threads, errors

    def _join(self, threads, errors):
        for thread in threads:
            thread.join(TIMEOUT)
            self.assertFalse(thread.is_alive(), "a writer hangs")
        if errors:
            raise errors[0]

    def test_a_writer_that_began_first_builds_on_the_head_committed_meanwhile(self):
        """A's snapshot is older than B's commit (REPEATABLE READ); A still chains onto B's entries."""
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            partner_a = self._create(env_a, "Samtidig A")  # A's transaction and snapshot begin here
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            self._create(env_b, "Samtidig B")
            cr_b.commit()
            partner_a.write({"city": "Bergen"})
            cr_a.commit()
        finally:
            cr_a.close()
            cr_b.close()
        rows = self._committed()
        names = [row["record_name"] for row in rows]
        last_b = max(i for i, name in enumerate(names) if name == "Samtidig B")
        self.assertEqual(names[last_b + 1], "Samtidig A")
        self._assert_one_chain(rows)

    def test_a_writer_waits_for_the_chain_and_builds_on_the_head_it_waited_for(self):
        """A holds the chain from its precommit to its commit; B, committing meanwhile, waits and then follows A."""
        a_chained, a_may_commit, b_began = threading.Event(), threading.Event(), threading.Event()

        def writer_a():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                self._create(env, "Venter A")
                b_began.wait(TIMEOUT)
                env["kundekartotek.audit.log"].flush_model()  # chains now: A holds the lock until its commit
                a_chained.set()
                a_may_commit.wait(TIMEOUT)

        def writer_b():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                self._create(env, "Venter B")  # B's snapshot is taken before A chains and commits
                b_began.set()
                a_chained.wait(TIMEOUT)
            # leaving the block commits: B's precommit waits for A's lock

        threads, errors = self._run(writer_a, writer_b)
        self.assertTrue(a_chained.wait(TIMEOUT))
        waiting = 0
        with self.registry.cursor() as cr:
            deadline = time.monotonic() + TIMEOUT
            while not waiting and time.monotonic() < deadline:
                cr.execute(
                    SQL(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND NOT granted",
                        CHAIN_LOCK,
                    )
                )
                waiting = cr.fetchone()[0]
                cr.rollback()
                time.sleep(0.05)
        self.assertEqual(waiting, 1, "B does not wait for the chain")
        self.assertTrue(threads[1].is_alive())
        a_may_commit.set()
        self._join(threads, errors)
        rows = self._committed()
        self.assertEqual([row["record_name"] for row in rows[:1]], ["Venter A"])
        self.assertEqual(rows[-1]["record_name"], "Venter B")
        self._assert_one_chain(rows)

    def test_a_writer_retried_after_a_serialization_failure_chains_once(self):
        """B changes the customer A has just changed: B's first try fails (REPEATABLE READ) and is retried by
        Odoo's own loop (``odoo.service.model.retrying``, as every RPC call is); the retry chains onto A's entries,
        and the failed try left nothing in the trail."""
        with self.registry.cursor() as cr:
            shared = self._create(api.Environment(cr, SUPERUSER_ID, {}), "Delt kunde")
        a_wrote, b_began = threading.Event(), threading.Event()
        tries = []

        def change_a(env):
            env["res.partner"].browse(shared.id).write({"city": "Alta"})
            env.flush_all()  # A holds the customer's row
            a_wrote.set()
            b_began.wait(TIMEOUT)

        def change_b(env):
            tries.append(len(tries) + 1)
            a_wrote.wait(TIMEOUT)
            env.cr.execute(SQL("SELECT 1"))  # B's snapshot, taken before A commits
            b_began.set()
            env["res.partner"].browse(shared.id).write({"city": "Bodø"})
            env.flush_all()  # waits for A's row; once A commits: could not serialize access

        def run(change):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                retrying(partial(change, env), env)

        with mute_logger("odoo.sql_db", "odoo.service.model"):
            threads, errors = self._run(partial(run, change_a), partial(run, change_b))
            self._join(threads, errors)
        self.assertEqual(tries, [1, 2])
        rows = self._committed()
        changes = [
            (row["old_value"], row["new_value"])
            for row in rows
            if row["res_id"] == shared.id and row["field_name"] == "city" and row["old_value"]
        ]
        self.assertEqual(changes, [("Oslo", "Alta"), ("Alta", "Bodø")])
        self._assert_one_chain(rows)

    def test_the_head_is_read_again_only_when_a_writer_committed_after_the_snapshot(self):
        """The second transaction that reads the committed head costs round trips while the chain is locked: it is
        skipped when the chain's last writer committed before this transaction began, and used when it did not."""
        fresh_reads = []
        read_head = KundekartotekAuditSeal._kk_read_head

        def counting(seal, cr):
            fresh_reads.append(cr)
            return read_head(seal, cr)

        with patch.object(KundekartotekAuditSeal, "_kk_read_head", counting):
            with self.registry.cursor() as cr:
                self._create(api.Environment(cr, SUPERUSER_ID, {}), "Først ferdig")
            fresh_reads.clear()
            with self.registry.cursor() as cr:  # begins after that commit: its own snapshot holds the head
                self._create(api.Environment(cr, SUPERUSER_ID, {}), "Deretter")
            self.assertEqual(fresh_reads, [])
            cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
            try:
                self._create(api.Environment(cr_a, SUPERUSER_ID, {}), "Gammelt bilde")  # A's snapshot
                self._create(api.Environment(cr_b, SUPERUSER_ID, {}), "Nyere")
                cr_b.commit()
                fresh_reads.clear()
                cr_a.commit()  # B committed after A's snapshot: A reads the head in a new transaction
                self.assertEqual(len(fresh_reads), 1)
            finally:
                cr_a.close()
                cr_b.close()
        self._assert_one_chain(self._committed())
