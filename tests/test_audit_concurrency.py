# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two writers of the audit trail in their own transactions, committing for real at the same time.

The test's own cursor stays out of it (it never takes the chain lock); each writer opens a cursor of its own, as two
requests of a server would. What they commit is removed again at the end of each test.
"""

import json
import threading
from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..models import kundekartotek_audit_log
from ..models.kundekartotek_audit_log import (
    CHAIN_IN_TRANSACTION,
    CHAIN_LOCK,
    QUEUE_TABLE,
    SEAL_BATCH,
    SEAL_ROUNDS,
    KundekartotekAuditLog,
    _process_sealer,
    _queued_signature,
    _waiting_rows,
)
from ..models.kundekartotek_audit_seal import KundekartotekAuditSeal
from .committed_common import CommittedCase

TIMEOUT = 30  # seconds any wait of these tests may last before it counts as a hang


class ChainCase(CommittedCase):
    """What the chain's tests read: the entries and queue rows committed since the test began, and the check that
    they form one chain."""

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

    def _queued(self):
        """Rows the test's writers left in the audit queue (committed, not chained): (rejected, partner) pairs."""
        with self.registry.cursor() as cr:
            cr.execute(
                SQL("SELECT rejected, partner_id FROM kundekartotek_audit_queue WHERE id > %s", self.start_queue)
            )
            return cr.fetchall()

    def _queued_entries(self):
        """How many entries the rows of :meth:`_queued` hold."""
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT coalesce(sum(jsonb_array_length(entry)), 0) FROM kundekartotek_audit_queue WHERE id > %s",
                    self.start_queue,
                )
            )
            return cr.fetchone()[0]


@tagged("post_install", "-at_install")
class TestAuditChainConcurrency(ChainCase):
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

    def _chain_waiters(self):
        """How many transactions wait for the chain lock now."""
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND NOT granted",
                    CHAIN_LOCK,
                )
            )
            return cr.fetchone()[0]

    def _while_a_holds_the_chain_b_commits(self, name_a, name_b, rollback=False):
        """Run writer A, who reads the trail (so chains its entries in its own transaction and holds the chain
        until it ends), and writer B, who creates a customer and commits while A holds it, without waiting for A;
        check that B's entries wait in the queue; then let A commit (``rollback``: roll back) and return when both
        are done."""
        a_chained, a_may_end, b_committed = threading.Event(), threading.Event(), threading.Event()

        def writer_a():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                self._create(env, name_a)
                env["kundekartotek.audit.log"].flush_model()  # chains now: A holds the lock until it ends
                a_chained.set()
                a_may_end.wait(TIMEOUT)
                if rollback:
                    cr.rollback()

        def writer_b():
            a_chained.wait(TIMEOUT)
            with self.registry.cursor() as cr:
                self._create(api.Environment(cr, SUPERUSER_ID, {}), name_b)
            # leaving the block committed B, and its look at the queue found the chain held by A
            b_committed.set()

        threads, errors = self._run(writer_a, writer_b)
        self.assertTrue(b_committed.wait(TIMEOUT), "B waits for the chain A holds")
        self.assertEqual(self._chain_waiters(), 0)
        self.assertTrue(threads[0].is_alive())
        self.assertTrue(self._queued(), "B's entries are not in the queue")
        self.assertEqual(self._committed(), [])  # A's entries are chained, not committed yet
        a_may_end.set()
        self._join(threads, errors)

    def test_a_writer_commits_while_the_chain_is_held_and_the_holder_chains_its_entries(self):
        """B commits while A holds the chain; when A commits, A looks at the queue again and chains B's entries
        after its own."""
        self._while_a_holds_the_chain_b_commits("Venter A", "Venter B")
        self.assertEqual(self._queued(), [])
        rows = self._committed()
        names = [row["record_name"] for row in rows]
        self.assertEqual(names, sorted(names))  # every entry of A, then every entry of B
        self.assertEqual(set(names), {"Venter A", "Venter B"})
        self._assert_one_chain(rows)

    def test_a_holder_that_rolls_back_chains_what_was_queued_meanwhile(self):
        """B commits while A holds the chain; A then rolls back: its entries are gone, and its look at the queue
        after the rollback chains B's, without waiting for the scheduled job."""
        self._while_a_holds_the_chain_b_commits("Angrer A", "Etter angring B", rollback=True)
        self.assertEqual(self._queued(), [])
        rows = self._committed()
        self.assertTrue(rows)
        self.assertEqual({row["record_name"] for row in rows}, {"Etter angring B"})
        self._assert_one_chain(rows)

    def test_writers_commit_without_waiting_for_each_other(self):
        """A has written its entries (its precommit ran, as in every flushing savepoint) and has not committed; B
        creates a customer and commits without waiting for A: queueing takes no lock. Each commit's look at the
        queue chains what is there, and the chain holds both."""
        cr_a = self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            self._create(env_a, "Uten venting A")
            cr_a.flush()  # precommit: A's entries are queued in A's open transaction
            done = threading.Event()

            def writer_b():
                with self.registry.cursor() as cr:
                    self._create(api.Environment(cr, SUPERUSER_ID, {}), "Uten venting B")
                done.set()

            threads, errors = self._run(writer_b)
            self.assertTrue(done.wait(TIMEOUT), "B waits for A")
            self._join(threads, errors)
            self.assertEqual({row["record_name"] for row in self._committed()}, {"Uten venting B"})
            cr_a.commit()
        finally:
            cr_a.close()
        rows = self._committed()
        names = [row["record_name"] for row in rows]
        self.assertEqual(names, sorted(names, reverse=True))  # B's entries chained at B's commit, A's at A's
        self.assertEqual(set(names), {"Uten venting A", "Uten venting B"})
        self.assertEqual(self._queued(), [])
        self._assert_one_chain(rows)

    def test_many_writers_at_once_make_one_chain(self):
        """Eight writers, each creating and changing customers in transactions of its own, all at once: every entry
        is chained exactly once, none is left in the queue, and the chain verifies."""
        start = threading.Barrier(8, timeout=TIMEOUT)

        def writer(number):
            start.wait()
            for round_ in range(3):
                with self.registry.cursor() as cr:
                    partner = self._create(api.Environment(cr, SUPERUSER_ID, {}), f"Mange {number}-{round_}")
                    partner.write({"city": "Tromsø"})

        threads, errors = self._run(*(partial(writer, number) for number in range(8)))
        self._join(threads, errors)
        with self.registry.cursor() as cr:  # a look that finds the queue empty, or chains what a give-up left
            api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._cron_kk_seal_audit()
        rows = self._committed()
        self.assertEqual(len({row["record_name"] for row in rows}), 24)
        self.assertEqual(len([row for row in rows if row["field_name"] == "city" and row["old_value"]]), 24)
        self.assertEqual(self._queued(), [])
        self._assert_one_chain(rows)

    def test_what_a_commit_left_in_the_queue_is_chained_by_the_scheduled_job(self):
        """A server stopped between the commit and the look after it: the entries wait in the queue, verification
        counts them as waiting, and the scheduled job chains them. The customer was deleted meanwhile: its entries
        keep the customer id they were written with, and the chain verifies."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = self._create(env, "Etterlatt")
            cr.flush()
            cr.postcommit.clear()  # the look after the commit never happens
        # The creation's entries are one row of the queue: one row, its index entries and its link's check, not
        # one per entry.
        self.assertEqual(self._queued(), [(False, partner.id)])
        queued = self._queued_entries()
        self.assertGreater(queued, 1)
        with self.registry.cursor() as cr:
            result = api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._kk_verify()
        self.assertEqual((result["waiting"], result["findings"]), (queued, []))
        with self.registry.cursor() as cr:
            cr.execute(SQL("DELETE FROM res_partner WHERE id = %s", partner.id))  # no entry of its own
            cr.postcommit.clear()
        self.assertEqual(self._queued(), [(False, None)])
        with self.registry.cursor() as cr:
            chained = api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._cron_kk_seal_audit()
        self.assertEqual(chained, queued)
        self.assertEqual(self._queued(), [])
        with self.registry.cursor() as cr:
            cr.execute(
                SQL("SELECT partner_id, logged_partner FROM kundekartotek_audit_log WHERE id > %s", self.start_id)
            )
            self.assertEqual(set(cr.fetchall()), {(None, partner.id)})
        self._assert_one_chain(self._committed())

    def test_the_entries_of_two_customers_in_one_transaction_are_chained_in_their_order(self):
        """Entries of customers that alternate are queued as runs of one customer each, and chained in the order
        they were made."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            first, second = self._create(env, "Veksel A"), self._create(env, "Veksel B")
            env.flush_all()
            first.write({"city": "Bergen"})
            second.write({"city": "Tromsø"})
            first.write({"city": "Bodø"})
            cr.flush()
            cr.postcommit.clear()  # the look after the commit never happens
        self.assertEqual(
            [partner_id for _rejected, partner_id in self._queued()],
            [first.id, second.id, first.id, second.id, first.id],
        )
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._cron_kk_seal_audit()
        rows = self._committed()
        self.assertEqual(
            [(row["record_name"], row["new_value"]) for row in rows if row["field_name"] == "city"],
            [
                ("Veksel A", "Oslo"),
                ("Veksel B", "Oslo"),
                ("Veksel A", "Bergen"),
                ("Veksel B", "Tromsø"),
                ("Veksel A", "Bodø"),
            ],
        )
        self._assert_one_chain(rows)

    def test_a_row_of_one_entry_queued_before_the_runs_is_still_chained(self):
        """A queue row of the earlier format (one entry, signed alone), left by a server stopped before an upgrade,
        is chained as it was written."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            key = env["kundekartotek.audit.seal"]._kk_key()[0]
            entry = {
                "logged_at": "2026-11-30 12:00:00",
                "user_id": SUPERUSER_ID,
                "res_model": "res.partner",
                "res_id": 0,
                "logged_partner": None,
                "record_name": "Tidligere format",
                "action": "write",
                "field_name": "city",
                "field_label": "City",
                "old_value": None,
                "new_value": "Hamar",
                "origin": "system",
            }
            cr.execute(
                SQL(
                    "INSERT INTO kundekartotek_audit_queue (entry, signature) VALUES (%s::jsonb, %s)",
                    json.dumps(entry),
                    _queued_signature(key, entry),
                )
            )
        self.assertEqual(self._queued(), [(False, None)])
        with self.registry.cursor() as cr:
            chained = api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._cron_kk_seal_audit()
        self.assertEqual(chained, 1)
        rows = self._committed()
        self.assertEqual([(row["record_name"], row["new_value"]) for row in rows], [("Tidligere format", "Hamar")])
        self._assert_one_chain(rows)

    def test_a_row_put_in_the_queue_in_sql_is_never_chained(self):
        """A row written into the queue in SQL, without the key, is set aside by the sealer (not chained) and
        reported by verification; the trail's own entries queued beside it are chained."""
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "INSERT INTO kundekartotek_audit_queue (entry, signature) VALUES (%s::jsonb, %s)",
                    '{"action": "write", "res_model": "res.partner", "record_name": "Falsk", "new_value": "1"}',
                    "0" * 64,
                )
            )
        with self.registry.cursor() as cr:
            self._create(api.Environment(cr, SUPERUSER_ID, {}), "Ekte")
        self.assertEqual(self._queued(), [(True, None)])
        rows = self._committed()
        self.assertEqual({row["record_name"] for row in rows}, {"Ekte"})
        with self.registry.cursor() as cr:
            result = api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._kk_verify()
        self.assertEqual(result["findings"], [{"kind": "queue_forged", "count": 1}])
        self.assertEqual(result["waiting"], 0)

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

    def test_a_transaction_of_many_entries_chains_them_itself(self):
        """A batch (an import, a mass update) chains its entries in its own transaction: queueing would write and
        read each twice. Just below the size it queues them; at and above it chains them."""
        paths = []
        queue, chain_own = KundekartotekAuditLog._kk_queue, KundekartotekAuditLog._kk_chain_own

        def queueing(log, pending):
            paths.append(("queue", len(pending)))
            return queue(log, pending)

        def chaining(log, pending=()):
            paths.append(("chain", len(pending)))
            return chain_own(log, pending)

        sizes = (CHAIN_IN_TRANSACTION - 1, CHAIN_IN_TRANSACTION, CHAIN_IN_TRANSACTION + 1)
        with patch.object(KundekartotekAuditLog, "_kk_queue", queueing):
            with patch.object(KundekartotekAuditLog, "_kk_chain_own", chaining):
                for size in sizes:
                    with self.registry.cursor() as cr:
                        api.Environment(cr, SUPERUSER_ID, {})["kundekartotek.audit.log"]._kk_append(
                            [
                                {
                                    "res_model": "res.partner",
                                    "action": "write",
                                    "record_name": f"Parti {size}",
                                    "field_name": "city",
                                    "new_value": str(number),
                                }
                                for number in range(size)
                            ]
                        )
        self.assertEqual(paths, [("queue", sizes[0]), ("chain", sizes[1]), ("chain", sizes[2])])
        rows = self._committed()
        self.assertEqual(len(rows), sum(sizes))
        self.assertEqual(self._queued(), [])
        self._assert_one_chain(rows)

    def test_the_head_is_read_again_only_when_a_writer_committed_after_the_snapshot(self):
        """A transaction that chains its own entries (it reads the trail) holds the lock to its commit; the second
        transaction that reads the committed head costs round trips under that lock: it is skipped when the
        chain's last writer committed before this transaction began, and used when it did not."""
        fresh_reads = []
        read_head = KundekartotekAuditSeal._kk_read_head

        def counting(seal, cr):
            fresh_reads.append(cr)
            return read_head(seal, cr)

        def create_and_read(cr, name):
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._create(env, name)
            env["kundekartotek.audit.log"].flush_model()

        with patch.object(KundekartotekAuditSeal, "_kk_read_head", counting):
            with self.registry.cursor() as cr:
                create_and_read(cr, "Først ferdig")
            fresh_reads.clear()
            with self.registry.cursor() as cr:  # begins after that commit: its own snapshot holds the head
                create_and_read(cr, "Deretter")
            self.assertEqual(fresh_reads, [])
            cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
            try:
                self._create(api.Environment(cr_a, SUPERUSER_ID, {}), "Gammelt bilde")  # A's snapshot
                create_and_read(cr_b, "Nyere")
                cr_b.commit()
                fresh_reads.clear()
                api.Environment(cr_a, SUPERUSER_ID, {})["kundekartotek.audit.log"].flush_model()
                # B committed after A's snapshot: A reads the head in a new transaction
                self.assertEqual(len(fresh_reads), 1)
                cr_a.commit()
            finally:
                cr_a.close()
                cr_b.close()
        self._assert_one_chain(self._committed())


@tagged("post_install", "-at_install")
class TestAuditQueueTable(TransactionCase):
    """The queue holds mostly deleted rows between two vacuums: the sealer must find the waiting ones through the
    index of waiting rows, not by reading the table."""

    def _plan(self, query):
        self.env.cr.execute(SQL("EXPLAIN %s", query))
        return "\n".join(row[0] for row in self.env.cr.fetchall())

    def test_the_sealer_finds_waiting_rows_through_their_index(self):
        cr = self.env.cr
        # 5 000 rows the sealer must not read (rejected ones stand in for the deleted rows of a busy day).
        cr.execute(
            SQL(
                "INSERT INTO %s (entry, signature, rejected) SELECT '{}'::jsonb, repeat('0', 64), TRUE"
                " FROM generate_series(1, 5000)",
                SQL.identifier(QUEUE_TABLE),
            )
        )
        cr.execute(SQL("ANALYZE %s", SQL.identifier(QUEUE_TABLE)))
        index = f"{QUEUE_TABLE}_waiting_idx"
        # The sealer's own statements: the look (EXISTS) and the read of a batch.
        for query in (SQL("SELECT EXISTS (%s)", _waiting_rows()), _waiting_rows(SEAL_BATCH)):
            plan = self._plan(query)
            self.assertIn(index, plan)
            self.assertNotIn("Seq Scan", plan)

    def test_autovacuum_comes_after_a_thousand_deletions(self):
        self.env.cr.execute(SQL("SELECT reloptions FROM pg_class WHERE relname = %s", QUEUE_TABLE))
        self.assertEqual(
            sorted(self.env.cr.fetchone()[0]),
            ["autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=1000"],
        )


@tagged("post_install", "-at_install")
class TestProcessSealer(TransactionCase):
    """The threads of one process take turns at sealing: one that finds another sealing leaves its look to it, and
    the sealing thread looks again for what was committed meanwhile (bounded)."""

    def setUp(self):
        super().setUp()
        self.sealer = _process_sealer(self.env.cr.dbname)
        self.sealer.pending = False
        self.Log = self.env["kundekartotek.audit.log"]

    def _seal_after_commit(self, during_pass=None):
        """Run the look after a commit; ``during_pass(number)`` stands for what other threads do meanwhile. Returns
        the number of passes made."""
        passes = []

        def seal_queue(log, rounds=0):
            passes.append(len(passes) + 1)
            if during_pass:
                during_pass(len(passes))
            return 0

        with patch.object(KundekartotekAuditLog, "_kk_seal_queue", seal_queue):
            self.Log._kk_seal_passes()
        return len(passes)

    def test_one_pass_when_nobody_commits_meanwhile(self):
        self.assertEqual(self._seal_after_commit(), 1)
        self.assertFalse(self.sealer.pending)

    def test_a_thread_finding_another_sealing_leaves_its_look_to_it(self):
        self.assertTrue(self.sealer.lock.acquire(blocking=False))
        try:
            self.assertEqual(self._seal_after_commit(), 0)
        finally:
            self.sealer.lock.release()
        self.assertTrue(self.sealer.pending, "the sealing thread is told to look again")

    def test_the_sealing_thread_looks_again_for_a_commit_during_its_pass(self):
        def another_thread_commits(number):
            if number == 1:
                self.sealer.pending = True

        self.assertEqual(self._seal_after_commit(another_thread_commits), 2)

    def test_a_thread_makes_at_most_the_rounds_of_passes(self):
        def others_keep_committing(_number):
            self.sealer.pending = True

        self.assertEqual(self._seal_after_commit(others_keep_committing), SEAL_ROUNDS)
        self.assertTrue(self.sealer.pending, "the next commit seals what is left")

    def test_a_failing_pass_is_logged_and_frees_the_turn(self):
        def fails(_number):
            raise RuntimeError("the database went away")

        with self.assertLogs("odoo.addons.kundekartotek.models.kundekartotek_audit_log", "WARNING") as logs:
            self.assertEqual(self._seal_after_commit(fails), 1)
        self.assertIn("could not chain its queued entries now", logs.output[0])
        self.assertTrue(self.sealer.lock.acquire(blocking=False), "the turn is free again")
        self.sealer.lock.release()


@tagged("post_install", "-at_install")
class TestDelayedLook(ChainCase):
    """In a server, the look at the queue after a commit is made a moment later by a thread of the process, for
    every commit of that moment at once."""

    def setUp(self):
        super().setUp()
        # Longer than a server's delay: the commits of a test must fall within one delay on a busy machine too.
        self.patch(kundekartotek_audit_log, "SEAL_DELAY", 3.0)
        self.sealer = _process_sealer(self.env.cr.dbname)

    def _commit_customer(self, name):
        with self.registry.cursor() as cr:
            partner = api.Environment(cr, SUPERUSER_ID, {})["res.partner"].create({"name": name, "city": "Oslo"})
            self.partner_ids.append(partner.id)

    def _seals(self):
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT count(*) FROM kundekartotek_audit_seal WHERE sequence > %s", self.start_seal))
            return cr.fetchone()[0]

    def _wait_for_the_look(self):
        timer = self.sealer.timer
        self.assertIsNotNone(timer, "a look is scheduled after the commit")
        timer.join(TIMEOUT)
        self.assertFalse(timer.is_alive(), "the look hangs")

    def test_the_entries_of_a_commit_are_chained_a_moment_later_without_another_commit(self):
        self._commit_customer("Litt senere AS")
        self.assertTrue(self._queued(), "right after the commit the entries wait in the queue")
        self._wait_for_the_look()
        self.assertEqual(self._queued(), [])
        rows = self._committed()
        self.assertEqual({row["record_name"] for row in rows}, {"Litt senere AS"})
        self._assert_one_chain(rows)

    def test_the_commits_of_the_moment_are_chained_in_one_pass(self):
        timer = None
        for name in ("Først AS", "Så AS", "Til slutt AS"):
            self._commit_customer(name)
            timer = timer or self.sealer.timer
            self.assertIs(self.sealer.timer, timer, "one look for the commits of the moment")
        self._wait_for_the_look()
        self.assertEqual(self._queued(), [])
        self.assertEqual(self._seals(), 1, "one pass, one seal, for three commits")
        rows = self._committed()
        self.assertEqual({row["record_name"] for row in rows}, {"Først AS", "Så AS", "Til slutt AS"})
        self._assert_one_chain(rows)

    def test_a_commit_after_the_look_began_schedules_the_next(self):
        self._commit_customer("Første runde AS")
        self._wait_for_the_look()
        self._commit_customer("Andre runde AS")
        self._wait_for_the_look()
        self.assertEqual(self._queued(), [])
        self.assertEqual(self._seals(), 2)
        self._assert_one_chain(self._committed())

    def test_a_transaction_that_held_the_chain_and_rolls_back_looks_at_once(self):
        """Its look is made in its own thread at the rollback: nothing of it runs on afterwards (a test class's
        transaction ends so)."""
        cr = self.registry.cursor()
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._create(env, "Angret AS")
            env["kundekartotek.audit.log"].flush_model()  # reads the trail: chains in its transaction, holds the lock
            cr.rollback()
        finally:
            cr.close()
        self.assertIsNone(self.sealer.timer, "no look left to a thread")
        self.assertEqual(self._committed(), [])

    def test_a_look_for_a_database_without_registry_does_nothing(self):
        look = threading.Thread(target=self.sealer._look, args=("kundekartotek_no_such_database",))
        with self.assertNoLogs("odoo.addons.kundekartotek.models.kundekartotek_audit_log", "WARNING"):
            look.start()
            look.join(TIMEOUT)
        self.assertFalse(look.is_alive())
