# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What verification of the audit chain finds: each way of tampering with the table, one test each.

The tampering is done the way someone with database access would do it: plain SQL, with hashes recomputed where an
attacker could recompute them (SHA-256 needs no key; the seals' HMAC does).
"""

import importlib.util
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, config

from ..models.kundekartotek_audit_log import GENESIS, MAX_FINDINGS
from ..models.kundekartotek_audit_seal import KEY_OPTION

MIGRATION = Path(__file__).parent.parent / "migrations" / "18.0.1.1.0" / "post-migrate.py"


@tagged("post_install", "-at_install")
class TestAuditChainVerification(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.partner = cls.env["res.partner"].create({"name": "Kjede AS", "city": "Oslo"})
        # One transaction's worth of entries per write: each write is chained and sealed on its own.
        cls.Log.flush_model()
        for city in ("Bergen", "Trondheim", "Stavanger", "Bodø"):
            cls.partner.write({"city": city, "phone": f"+47 {len(city)}"})
            cls.Log.flush_model()

    # Helpers --------------------------------------------------------------------------------------------------

    def _verify(self, **kwargs):
        result = self.Log._kk_verify(**kwargs)
        result["kinds"] = [(finding["kind"], finding.get("sequence")) for finding in result["findings"]]
        return result

    def _sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(SQL(query, *args))
        self.env.invalidate_all()

    def _rows(self, where=None):
        where = where or SQL("TRUE")
        self.env.cr.execute(
            SQL("SELECT * FROM kundekartotek_audit_log WHERE sequence IS NOT NULL AND %s ORDER BY sequence", where)
        )
        return self.env.cr.dictfetchall()

    def _head(self):
        return self._rows()[-1]

    def _mine(self):
        """This fixture's entries, in chain order."""
        return self._rows(SQL("res_model = 'res.partner' AND res_id = %s", self.partner.id))

    def _first_move(self):
        """The entry of the first change of city (Oslo -> Bergen): in the middle of the chain, with a seal after."""
        return next(row for row in self._mine() if row["action"] == "write" and row["field_name"] == "city")

    @contextmanager
    def _tampered(self):
        """Tamper inside a savepoint, and undo it afterwards (several tamperings in one test)."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            yield
            savepoint.rollback()
        self.env.invalidate_all()

    def _append(self, previous_hash, sequence, **values):
        """Insert an entry in SQL with a correct hash, as someone who read the code could."""
        row = {
            "sequence": sequence,
            "logged_at": datetime(2026, 11, 30, 12, 0, 0),
            "user_id": self.env.uid,
            "res_model": "res.partner",
            "res_id": self.partner.id,
            "logged_partner": self.partner.id,
            "partner_id": self.partner.id,
            "action": "write",
            "field_name": "city",
            "new_value": "Oppdiktet",
            "origin": "ui",
            **values,
        }
        row["previous_hash"] = previous_hash
        row["entry_hash"] = self.Log._kk_hash(previous_hash, row)
        names = list(row)
        self._sql(
            "INSERT INTO kundekartotek_audit_log (%s) VALUES (%s)",
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL(", ").join(SQL("%s", row[name]) for name in names),
        )

    def _rehash_from(self, sequence):
        """Recompute every hash from entry ``sequence`` on, after a change: what an attacker would do."""
        rows = self._rows(SQL("sequence >= %s", sequence - 1))
        previous = rows[0]["entry_hash"] if rows[0]["sequence"] < sequence else GENESIS
        for row in rows:
            if row["sequence"] < sequence:
                continue
            row["entry_hash"] = self.Log._kk_hash(previous, row)
            self._sql(
                "UPDATE kundekartotek_audit_log SET previous_hash = %s, entry_hash = %s WHERE id = %s",
                previous,
                row["entry_hash"],
                row["id"],
            )
            previous = row["entry_hash"]

    # The intact chain -----------------------------------------------------------------------------------------

    def test_intact_chain_verifies_with_its_head(self):
        result = self._verify()
        self.assertEqual(result["kinds"], [])
        self.assertEqual(result["sequence"], self._head()["sequence"])
        self.assertEqual(result["count"], len(self._rows()))
        notification = self.Log.action_verify_chain()["params"]
        self.assertEqual(notification["type"], "success")
        self.assertIn(
            f"sealed up to entry {result['sequence']} (seal {result['signature'][:16]})", notification["message"]
        )

    def test_each_entry_follows_the_one_before_in_one_chain(self):
        rows = self._mine()
        sequences = [row["sequence"] for row in self._rows()]
        self.assertEqual(sequences, list(range(1, len(sequences) + 1)))
        for before, after in zip(rows, rows[1:], strict=False):
            if after["sequence"] == before["sequence"] + 1:
                self.assertEqual(after["previous_hash"], before["entry_hash"])

    def test_batch_size_changes_nothing(self):
        expected = self._verify()
        for batch_size in (1, 2, 3):
            with self.subTest(batch_size=batch_size):
                result = self._verify(batch_size=batch_size)
                self.assertEqual((result["kinds"], result["count"]), (expected["kinds"], expected["count"]))
        middle = self._first_move()["sequence"]
        self._sql("DELETE FROM kundekartotek_audit_log WHERE sequence = %s", middle)
        expected = self._verify()["kinds"]
        self.assertIn(("gap", None), expected)
        for batch_size in (1, 2, 3):
            with self.subTest(batch_size=batch_size, tampered=True):
                self.assertEqual(self._verify(batch_size=batch_size)["kinds"], expected)

    # Edited entries -------------------------------------------------------------------------------------------

    def test_a_change_to_any_shown_column_is_found(self):
        entry = self._first_move()
        changes = {
            "new_value": "Drammen",
            "old_value": "Molde",
            "record_name": "Annet AS",
            "field_label": "Postnummer",
            "field_name": "zip",
            "action": "create",
            "origin": "import",
            "user_id": self.env.ref("base.user_admin").id,
            "logged_at": datetime(2020, 1, 1, 8, 0, 0),
            "res_id": self.env.ref("base.main_partner").id,
        }
        for column, value in changes.items():
            with self.subTest(column=column), self._tampered():
                self._sql(
                    "UPDATE kundekartotek_audit_log SET %s = %s WHERE id = %s",
                    SQL.identifier(column),
                    value,
                    entry["id"],
                )
                self.assertEqual(self._verify()["kinds"], [("edited", entry["sequence"])])

    def test_the_customer_link_is_covered_and_survives_the_customers_deletion(self):
        entry = self._first_move()
        other = self.env["res.partner"].create({"name": "Annen kunde"})
        with self._tampered():
            self._sql("UPDATE kundekartotek_audit_log SET partner_id = %s WHERE id = %s", other.id, entry["id"])
            self.assertEqual(self._verify()["kinds"], [("partner", entry["sequence"])])
        # Emptied while the customer still exists: hidden from the customer's card, and found.
        with self._tampered():
            self._sql("UPDATE kundekartotek_audit_log SET partner_id = NULL WHERE id = %s", entry["id"])
            self.assertEqual(self._verify()["kinds"], [("partner", entry["sequence"])])
        # Emptied by the database because the customer was deleted: nothing was tampered with.
        self.partner.unlink()
        self.Log.flush_model()
        self.assertFalse(self._rows(SQL("id = %s", entry["id"]))[0]["partner_id"])
        self.assertEqual(self._verify()["kinds"], [])

    def test_the_customer_link_follows_merges_recorded_in_the_chain(self):
        """Core's merge moves the merged customers' entries to the customer that remains (every foreign key); the
        chain's merge entries say so, so the moved links are no tampering, and a link moved any other way is."""
        Partner = self.env["res.partner"]
        first, second, third = (Partner.create({"name": f"Fusjon {n}", "city": "Oslo"}) for n in (1, 2, 3))
        second.write({"city": "Bergen"})
        self.Log.flush_model()
        second_entry = self._rows(SQL("res_id = %s AND field_name = 'city' AND action = 'write'", second.id))[0]

        def merge(sources, destination):
            wizard = self.env["base.partner.merge.automatic.wizard"].create(
                {"partner_ids": [Command.set((sources | destination).ids)], "dst_partner_id": destination.id}
            )
            wizard.action_merge()
            self.Log.flush_model()
            self.env.invalidate_all()

        merge(second, first)  # second's entries now point at first
        self.assertEqual(self._rows(SQL("id = %s", second_entry["id"]))[0]["partner_id"], first.id)
        self.assertEqual(self._verify()["kinds"], [])
        merge(first, third)  # and, merged again, at third
        self.assertEqual(self._rows(SQL("id = %s", second_entry["id"]))[0]["partner_id"], third.id)
        self.assertEqual(self._verify()["kinds"], [])
        # Moved to a customer it was never merged into: tampering.
        self._sql(
            "UPDATE kundekartotek_audit_log SET partner_id = %s WHERE id = %s", self.partner.id, second_entry["id"]
        )
        self.assertEqual(self._verify()["kinds"], [("partner", second_entry["sequence"])])

    def test_a_rewritten_link_is_found_where_it_was_cut(self):
        """Entry k pointed at another predecessor and given a matching hash of its own: only its link shows it.

        This is the test that fails when the check of ``previous_hash`` against the entry before is dropped.
        """
        entry = self._first_move()
        row = dict(entry, previous_hash="f" * 64)
        self._sql(
            "UPDATE kundekartotek_audit_log SET previous_hash = %s, entry_hash = %s WHERE id = %s",
            row["previous_hash"],
            self.Log._kk_hash(row["previous_hash"], row),
            entry["id"],
        )
        kinds = self._verify()["kinds"]
        self.assertIn(("link", entry["sequence"]), kinds)
        self.assertNotIn(("edited", entry["sequence"]), kinds)

    def test_a_rewritten_chain_is_found_by_the_seals(self):
        """Change an entry and recompute every hash after it: the chain holds, the signed seals do not."""
        entry = self._first_move()
        self._sql("UPDATE kundekartotek_audit_log SET new_value = 'Drammen' WHERE id = %s", entry["id"])
        self._rehash_from(entry["sequence"])
        kinds = {kind for kind, _sequence in self._verify()["kinds"]}
        self.assertEqual(kinds, {"seal_hash"})
        # Rewriting the seals' hashes too does not help without the key.
        self._sql(
            "UPDATE kundekartotek_audit_seal AS s SET entry_hash = l.entry_hash FROM kundekartotek_audit_log AS l"
            " WHERE l.sequence = s.sequence"
        )
        kinds = {kind for kind, _sequence in self._verify()["kinds"]}
        self.assertEqual(kinds, {"seal_forged"})

    # Deleted entries ------------------------------------------------------------------------------------------

    def test_an_entry_deleted_in_the_middle_is_found(self):
        entry = self._first_move()
        self._sql("DELETE FROM kundekartotek_audit_log WHERE id = %s", entry["id"])
        result = self._verify()
        gap = {"kind": "gap", "first": entry["sequence"], "last": entry["sequence"]}
        self.assertIn(gap, result["findings"])
        self.assertIn(("link", entry["sequence"] + 1), result["kinds"])
        message = self.Log.action_verify_chain()["params"]["message"]
        self.assertIn(f"Entry {entry['sequence']} is missing: deleted.", message)
        # Two in a row: one gap naming both.
        self._sql("DELETE FROM kundekartotek_audit_log WHERE sequence = %s", entry["sequence"] + 1)
        gap = {"kind": "gap", "first": entry["sequence"], "last": entry["sequence"] + 1}
        self.assertIn(gap, self._verify()["findings"])

    def test_a_deleted_tail_is_found_by_the_seal(self):
        head = self._head()
        # The newest entry alone (just above the edge: sealed one further than the chain goes).
        self._sql("DELETE FROM kundekartotek_audit_log WHERE id = %s", head["id"])
        result = self._verify()
        self.assertEqual(
            result["findings"], [{"kind": "tail", "last": head["sequence"] - 1, "sealed": head["sequence"]}]
        )
        message = self.Log.action_verify_chain()["params"]["message"]
        self.assertIn(f"sealed up to entry {head['sequence']}: the newest entries were deleted", message)
        # The last write's entries (city and phone) together.
        self._sql("DELETE FROM kundekartotek_audit_log WHERE sequence >= %s", head["sequence"] - 1)
        self.assertEqual(self._verify()["kinds"], [("tail", None)])

    def test_a_tail_deleted_with_its_seals_changes_the_head_the_auditor_noted(self):
        """Inside the database a chain cut together with its newest seals is a shorter, valid chain; the seal the
        verification reports (which the auditor notes) is then no longer the head."""
        before = self._verify()
        head = before["sequence"]
        self._sql("DELETE FROM kundekartotek_audit_log WHERE sequence >= %s", head - 1)
        self._sql("DELETE FROM kundekartotek_audit_seal WHERE sequence >= %s", head - 1)
        after = self._verify()
        self.assertEqual(after["kinds"], [])
        self.assertEqual(after["sequence"], head - 2)
        self.assertNotEqual(after["signature"], before["signature"])
        # Deleting a seal in the middle (to hide an older cut) breaks the seals' own chain.
        seal = self.env["kundekartotek.audit.seal"].search([("sequence", "<", head - 2)], limit=1)
        self._sql("DELETE FROM kundekartotek_audit_seal WHERE sequence = %s", seal.sequence)
        self.assertEqual([kind for kind, _sequence in self._verify()["kinds"]], ["seal_missing"])

    # Added entries --------------------------------------------------------------------------------------------

    def test_a_row_appended_in_sql_is_found(self):
        head = self._head()
        # One row with its place and a correct hash, but no seal (the key is not in the database).
        with self._tampered():
            self._append(head["entry_hash"], head["sequence"] + 1)
            result = self._verify()
            expected = {"kind": "unsealed", "first": head["sequence"] + 1, "last": head["sequence"] + 1}
            self.assertEqual(result["findings"], [expected])
            message = self.Log.action_verify_chain()["params"]["message"]
            self.assertIn("were added after the last seal", message)
        # A row without a place: not written by the chain at all.
        self._append(head["entry_hash"], None)
        result = self._verify()
        self.assertEqual([finding["kind"] for finding in result["findings"]], ["outside"])
        self.assertEqual(result["findings"][0]["count"], 1)

    def test_a_fork_is_found(self):
        head = self._head()
        self._append(head["previous_hash"], head["sequence"] + 1)
        result = self._verify()
        self.assertIn({"kind": "fork", "sequences": [head["sequence"], head["sequence"] + 1]}, result["findings"])
        message = self.Log.action_verify_chain()["params"]["message"]
        self.assertIn(f"Entries {head['sequence']}, {head['sequence'] + 1} follow the same entry", message)

    def test_nobody_can_create_an_entry_outside_the_chain(self):
        with self.assertRaises(UserError):
            self.Log.sudo().create({"action": "write", "res_model": "res.partner"})

    # Seals ----------------------------------------------------------------------------------------------------

    def test_seals_are_signed_with_the_configured_key(self):
        key_id_database = self.env["kundekartotek.audit.seal"]._kk_key()[1]
        with patch.dict(config.options, {KEY_OPTION: "en hemmelighet bare serveren kjenner"}):
            key_id = self.env["kundekartotek.audit.seal"]._kk_key()[1]
            self.assertNotEqual(key_id, key_id_database)
            before = self._head()["sequence"]
            self.partner.write({"city": "Tromsø"})
            self.Log.flush_model()
            head = self._head()
            kinds = self._verify()["kinds"]
            self.assertNotIn(("seal_key", head["sequence"]), kinds)
            # Seals made before the key was configured are reported as made with another key.
            self.assertIn(("seal_key", before), kinds)
            seal = self.env["kundekartotek.audit.seal"].search([], limit=1)
            self.assertEqual((seal.sequence, seal.key_id), (head["sequence"], key_id))

    # How much is reported ------------------------------------------------------------------------------------

    def test_the_number_of_findings_is_capped_and_the_rest_counted(self):
        head = self._head()["sequence"]
        for edited in (MAX_FINDINGS - 1, MAX_FINDINGS, MAX_FINDINGS + 1):
            with self.subTest(edited=edited), self._tampered():
                self._sql("UPDATE kundekartotek_audit_log SET record_name = 'X' WHERE sequence > %s", head - edited)
                result = self._verify()
                self.assertEqual(len(result["findings"]), min(edited, MAX_FINDINGS))
                self.assertEqual(result["problems"], edited)

    def test_the_notification_names_ten_findings_and_counts_the_rest(self):
        head = self._head()["sequence"]
        for edited, more in ((10, None), (11, "And 1 more.")):
            with self.subTest(edited=edited), self._tampered():
                self._sql("UPDATE kundekartotek_audit_log SET record_name = 'X' WHERE sequence > %s", head - edited)
                message = self.Log.action_verify_chain()["params"]["message"]
                self.assertEqual(message.count("was changed after it was written"), 10)
                if more:
                    self.assertIn(more, message)
                else:
                    self.assertNotIn("more.", message)

    # The hash formats -----------------------------------------------------------------------------------------

    def test_hash_formats_stay_as_they_are(self):
        """A change to either format would make every existing chain fail: the values are fixed here.

        The first hash is what 18.0.1.0.0 computed for this entry (its ``_kk_hash(_kk_hashable(...))``).
        """
        row = {
            "logged_at": datetime(2026, 11, 28, 12, 30, 5),
            "user_id": 2,
            "res_model": "res.partner",
            "res_id": 7,
            "action": "write",
            "field_name": "city",
            "old_value": "Oslo",
            "new_value": "Tromsø",
            "origin": "ui",
        }
        self.assertEqual(
            self.Log._kk_legacy_hash(GENESIS, row), "d8b4cb21c2e092f398811540957d1735f2deb5238a6a92bb7b8d954eec5ca0f2"
        )
        row.update(sequence=1, logged_partner=7, record_name="Kjede AS", field_label="City")
        self.assertEqual(
            self.Log._kk_hash(GENESIS, row), "f27dfaf6d02229516fae3acadc6b31e375c00379d3c922923844b727babf1ae6"
        )


@tagged("post_install", "-at_install")
class TestAuditReseal(TransactionCase):
    """The migration to 18.0.1.1.0 re-seals a trail of the first format once, and says so in the trail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.partner = cls.env["res.partner"].create({"name": "Gammel AS", "city": "Oslo"})
        cls.partner.write({"city": "Bergen"})
        cls.Log.flush_model()

    def _make_legacy(self):
        """Turn the whole trail into the first format: no places, no seals, hashes of format 1 in id order."""
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM kundekartotek_audit_seal"))
        cr.execute(SQL("SELECT * FROM kundekartotek_audit_log ORDER BY id"))
        previous = GENESIS
        for row in cr.dictfetchall():
            entry_hash = self.Log._kk_legacy_hash(previous, row)
            cr.execute(
                SQL(
                    "UPDATE kundekartotek_audit_log SET sequence = NULL, logged_partner = NULL, previous_hash = %s,"
                    " entry_hash = %s WHERE id = %s",
                    previous,
                    entry_hash,
                    row["id"],
                )
            )
            previous = entry_hash
        self.env.invalidate_all()
        cr.execute(SQL("SELECT count(*) FROM kundekartotek_audit_log"))
        return cr.fetchone()[0]

    def _migrate(self):
        spec = importlib.util.spec_from_file_location("kk_post_migrate_18_0_1_1_0", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()

    def test_migration_reseals_a_legacy_trail_once_in_id_order(self):
        count = self._make_legacy()
        self.assertEqual(self.Log._kk_verify()["findings"][0]["kind"], "outside")
        self._migrate()
        result = self.Log._kk_verify()
        self.assertEqual(result["findings"], [])
        self.assertEqual(result["count"], count + 1)
        reseal = self.Log.search([], limit=1)
        self.assertEqual((reseal.sequence, reseal.action), (count + 1, "reseal"))
        self.assertEqual(reseal.old_value, f"Format 1: {count} entries, chain intact.")
        self.assertEqual(reseal.new_value, f"Format 2: {count} entries re-sealed in id order.")
        entries = self.Log.search([("res_id", "=", self.partner.id), ("res_model", "=", "res.partner")], order="id")
        self.assertEqual(entries.mapped("sequence"), sorted(entries.mapped("sequence")))
        self.assertEqual(set(entries.mapped("logged_partner")), {self.partner.id})
        # Once: a second run finds the chain in the current format and does nothing.
        self._migrate()
        self.assertEqual(self.Log.search([], limit=1), reseal)
        self.assertFalse(self.Log._kk_reseal())

    def test_reseal_records_what_the_old_check_found(self):
        self._make_legacy()
        entry = self.Log.search([("res_id", "=", self.partner.id), ("field_name", "=", "city")], order="id", limit=1)
        self.env.cr.execute(SQL("UPDATE kundekartotek_audit_log SET new_value = 'Drammen' WHERE id = %s", entry.id))
        self._migrate()
        reseal = self.Log.search([], limit=1)
        self.assertIn(f"first entry not matching its hash: {entry.id}; ", reseal.old_value)
        self.assertIn("predecessors shared by more than one entry: 0.", reseal.old_value)

    def test_a_write_before_the_migration_reseals_first(self):
        """While modules load, an entry may be written before the post-migration script runs."""
        count = self._make_legacy()
        with patch.object(self.registry, "ready", False):
            self.partner.write({"city": "Tromsø"})
            self.Log.flush_model()
        self.assertEqual(self.Log._kk_verify()["findings"], [])
        newest = self.Log.search([], limit=2)
        self.assertEqual(newest.mapped("action"), ["write", "reseal"])
        self.assertEqual(newest.mapped("sequence"), [count + 2, count + 1])
