# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import os

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import config
from odoo.tools.misc import exec_pg_environ, find_pg_tool

from ..lib import backup

_logger = logging.getLogger(__name__)

DIRECTORY_OPTION = "kundekartotek_backup_dir"
PARAM_KEEP = "kundekartotek.backup_keep"
DEFAULT_KEEP = 7


class KundekartotekBackup(models.AbstractModel):
    _name = "kundekartotek.backup"
    _description = "Customer register backup job"

    @api.model
    def _kk_backup_directory(self):
        """The directory of the daily archives: the server's configuration file only (``kundekartotek_backup_dir``).

        Never a database value: whoever can edit settings or records must not be able to make the server write a
        dump of the whole database to a path of their choosing.
        """
        directory = config.get(DIRECTORY_OPTION) or ""
        return directory if os.path.isabs(directory) else ""

    @api.model
    def _kk_backup_keep(self):
        # sudo: reads one setting of the backup job (cron and administrators only)
        value = (self.env["ir.config_parameter"].sudo().get_param(PARAM_KEEP) or "").strip()
        return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else DEFAULT_KEEP

    @api.model
    def _cron_kk_backup(self):
        """Write one archive of this database to the configured directory and keep the newest N (daily cron).

        The archive is lib/backup.py's, the same as ``make backup`` writes (dump, filestore, manifest with
        checksums), so ``make restore`` restores and verifies it. ``pg_dump`` runs as a subprocess with the
        server's own connection settings, passed in its environment. Only the superuser (the cron's user) runs it.
        Returns the archive's path, or False when no directory is configured.
        """
        if not self.env.is_superuser():
            raise AccessError(_("Only the scheduled job may write a backup."))
        directory = self._kk_backup_directory()
        if not directory:
            _logger.warning("Backup skipped: set %s (an absolute path) in the server's configuration", DIRECTORY_OPTION)
            return False
        dbname = self.env.cr.dbname
        # A transaction of its own, REPEATABLE READ: its snapshot is exported to pg_dump, so the manifest's counts
        # describe exactly what the dump holds.
        with self.env.registry.cursor() as cr:
            path = backup.create_archive(
                directory,
                dbname,
                [find_pg_tool("pg_dump"), "--no-owner", dbname],
                exec_pg_environ(),
                config.filestore(dbname),
                cr,
            )
        removed = backup.prune(directory, dbname, self._kk_backup_keep())
        _logger.info("Backup written to %s; %s older archives removed", path, len(removed))
        return path
