# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from contextlib import closing
from unittest.mock import patch

from freezegun import freeze_time

import odoo
from odoo.exceptions import AccessError, ValidationError
from odoo.service import db as db_service
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, config, mute_logger

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(PROJECT_DIR, "dev", "backup.py")


@tagged("post_install", "-at_install")
class TestBackupRestore(TransactionCase):
    """`make backup` and `make restore` as an operator runs them, on this test database as committed.

    The scripts run in a subprocess with the configuration of this server; the dump sees the committed database
    (demo customers, invoices and the audit chain), not this test's transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env.cr.dbname
        cls.target = f"{cls.source}_backup_test"
        cls.directory = tempfile.mkdtemp(prefix="kk-backup-test-")
        cls.addClassCleanup(shutil.rmtree, cls.directory, True)
        cls.addClassCleanup(cls._drop, cls.target)

    @staticmethod
    def _drop(name):
        """Drop a database of the test. Not ``exp_drop``: it drops only what ``list_dbs`` lists, which is the
        server's ``db_name`` alone when it has one (as the test server does), and says nothing otherwise."""
        if not db_service.exp_db_exist(name):
            return
        odoo.sql_db.close_db(name)
        with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True  # DROP DATABASE cannot run inside a transaction
            cr.execute(SQL("DROP DATABASE %s WITH (FORCE)", SQL.identifier(name)))
        shutil.rmtree(config.filestore(name), ignore_errors=True)

    def _run(self, *args):
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(odoo.__file__)))
        return subprocess.run(
            [sys.executable, SCRIPT, "--config", config.rcfile, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def _backup(self):
        result = self._run("backup", "--database", self.source, "--directory", self.directory)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        return result.stdout.strip().splitlines()[-1]

    def _facts(self, dbname):
        """What must survive: the customers and their numbers, the journal entries, the whole audit chain."""
        with odoo.sql_db.db_connect(dbname).cursor() as cr:
            cr.execute(
                "SELECT id, name, ref, company_registry FROM res_partner"
                " WHERE customer_rank > 0 AND commercial_partner_id = id ORDER BY id"
            )
            customers = cr.fetchall()
            cr.execute("SELECT id, name, state, amount_total FROM account_move ORDER BY id")
            moves = cr.fetchall()
            cr.execute("SELECT sequence, entry_hash FROM kundekartotek_audit_log ORDER BY sequence")
            chain = cr.fetchall()
        return customers, moves, chain

    def test_restore_finds_the_same_customers_entries_and_audit_chain(self):
        path = self._backup()
        self.assertRegex(os.path.basename(path), rf"^{self.source}-\d{{8}}-\d{{6}}\.tar$")
        result = self._run("restore", "--archive", path, "--target", self.target)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertIn("audit chain intact", result.stderr)
        customers, moves, chain = self._facts(self.source)
        self.assertTrue(customers and moves and chain, "the demo database has customers, entries and a chain")
        self.assertEqual(self._facts(self.target), (customers, moves, chain))
        # A second restore into the same database is refused: a restore never overwrites.
        again = self._run("restore", "--archive", path, "--target", self.target)
        self.assertEqual(again.returncode, 2)
        self.assertIn("exists already", again.stderr)

    def test_an_altered_dump_is_refused_before_anything_is_restored(self):
        path = self._backup()
        altered = os.path.join(self.directory, "altered.tar")
        with tarfile.open(path) as source, tarfile.open(altered, "w") as target:
            for member in source.getmembers():
                data = source.extractfile(member).read()
                if member.name == "database.dump":
                    data = data[:-1] + bytes([data[-1] ^ 1])
                target.addfile(member, io.BytesIO(data))
        result = self._run("restore", "--archive", altered, "--target", self.target)
        self.assertEqual(result.returncode, 1)
        self.assertIn("checksum of database.dump", result.stderr)
        self.assertFalse(db_service.exp_db_exist(self.target))


@tagged("post_install", "-at_install")
class TestBackupJob(TransactionCase):
    """The daily job: only where the server's configuration says, only as superuser, keeping the newest N."""

    def setUp(self):
        super().setUp()
        self.directory = tempfile.mkdtemp(prefix="kk-backup-job-")
        self.addCleanup(shutil.rmtree, self.directory, True)
        self.Backup = self.env["kundekartotek.backup"]

    def _configured(self, directory):
        return patch.dict(config.options, {"kundekartotek_backup_dir": directory})

    def test_the_job_keeps_the_newest_archives(self):
        self.env["ir.config_parameter"].sudo().set_param("kundekartotek.backup_keep", "2")
        paths = []
        with self._configured(self.directory):
            for day in ("2026-12-01 02:00:00", "2026-12-02 02:00:00", "2026-12-03 02:00:00"):
                with freeze_time(day):
                    paths.append(self.Backup._cron_kk_backup())
        self.assertEqual(sorted(os.listdir(self.directory)), [os.path.basename(path) for path in paths[1:]])
        with tarfile.open(paths[-1]) as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
        self.assertEqual(manifest["database"], self.env.cr.dbname)
        self.assertEqual(manifest["created_at"], "2026-12-03T02:00:00Z")
        installed = self.env["ir.module.module"].search([("name", "=", "kundekartotek")]).latest_version
        self.assertEqual(manifest["module_version"], installed)
        self.assertRegex(installed, r"^18\.0\.\d+\.\d+\.\d+$")
        self.assertGreater(manifest["counts"]["customers"], 0)

    def test_no_directory_in_the_server_configuration_writes_nothing(self):
        for directory in ("", "relative/path"):
            with (
                self.subTest(directory=directory),
                self._configured(directory),
                mute_logger("odoo.addons.kundekartotek.models.kundekartotek_backup"),
            ):
                self.assertFalse(self.Backup._cron_kk_backup())
        self.assertEqual(os.listdir(self.directory), [])

    def test_only_the_superuser_runs_the_job(self):
        admin = self.env.ref("base.user_admin")
        with self._configured(self.directory), self.assertRaises(AccessError):
            self.Backup.with_user(admin)._cron_kk_backup()
        self.assertEqual(os.listdir(self.directory), [])

    def test_the_settings_switch_the_job_and_show_the_server_directory(self):
        cron = self.env.ref("kundekartotek.ir_cron_kk_backup")
        self.assertFalse(cron.active)
        with self._configured(self.directory):
            settings = self.env["res.config.settings"].create({"kk_backup_daily": True, "kk_backup_keep": 3})
            self.assertEqual(settings.kk_backup_directory, self.directory)
            settings.execute()
        self.assertTrue(cron.active)
        self.assertEqual(self.Backup._kk_backup_keep(), 3)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"kk_backup_keep": 0})
