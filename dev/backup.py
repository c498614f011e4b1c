"""`make backup` / `make restore`: one archive per backup, restored into a new database and verified.

    backup  [--database DB] [--directory DIR]        (DB, BACKUP_DIR from the environment by default)
    restore --archive FILE [--target NEW_DB]         (ARCHIVE, TARGET likewise)

The archive format is lib/backup.py's. A restore refuses an existing target database, checks both checksums before
anything is created, restores the dump with pg_restore, unpacks the filestore, then compares the record counts and
the audit chain's head with the manifest and verifies the whole chain with the module's own verification (entry
hashes, links and signed seals). It exits with 1 on any difference and keeps the restored database for inspection.
"""

import argparse
import os
import sys
import tempfile
from datetime import datetime, timezone

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(PROJECT_DIR, "lib"))

import backup as archive  # noqa: E402  (lib/backup.py: no odoo import)

import odoo  # noqa: E402
from odoo.tools import config  # noqa: E402
from odoo.tools.misc import exec_pg_environ, find_pg_tool  # noqa: E402


def say(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def cmd_backup(args):
    directory = os.path.abspath(args.directory)
    db = odoo.sql_db.db_connect(args.database)
    with db.cursor() as cr:  # REPEATABLE READ: its snapshot is the dump's (lib/backup.py)
        path = archive.create_archive(
            directory,
            args.database,
            [find_pg_tool("pg_dump"), "--no-owner", args.database],
            exec_pg_environ(),
            config.filestore(args.database),
            cr,
            when=datetime.now(timezone.utc),
        )
    say(f"Backup of {args.database} written to {path}")
    print(path)
    return 0


def cmd_restore(args):
    name = os.path.basename(args.archive)
    match = archive.ARCHIVE_RE.match(name)
    target = args.target or (
        f"{match['db'] if match else 'restored'}_restored_{datetime.now(timezone.utc).strftime('%Y%m%d_%H%M%S')}"
    )
    if odoo.service.db.exp_db_exist(target):
        say(f"database {target} exists already; choose another TARGET")
        return 2
    with tempfile.TemporaryDirectory(prefix="kk-restore-") as work:
        manifest = archive.extract_archive(args.archive, work)
        say(f"Checksums of {name} match its manifest (module {manifest['module_version']})")
        odoo.service.db._create_empty_database(target)
        env = exec_pg_environ()
        archive.run_tool(
            [
                find_pg_tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={target}",
                os.path.join(work, archive.DUMP),
            ],
            env,
        )
        archive.extract_filestore(work, config.filestore(target))
    say(f"Restored into {target}; verifying")
    problems = verify(target, manifest)
    for problem in problems:
        say(f"MISMATCH {problem}")
    if problems:
        say(f"{target} does NOT match the backup; it is kept for inspection")
        return 1
    say(
        f"{target} matches the backup: {manifest['counts']}, audit chain intact up to entry "
        f"{manifest['audit_head']['sequence']}"
    )
    print(target)
    return 0


def verify(target, manifest):
    """Counts, audit head and the module's own chain verification on the restored database."""
    with odoo.sql_db.db_connect(target).cursor() as cr:
        counts, head = archive.read_counts(cr)
    problems = archive.compare(manifest, counts, head)
    registry = odoo.modules.registry.Registry.new(target)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = env["kundekartotek.audit.log"]._kk_verify()
        if result["problems"]:
            problems.append(f"audit chain: {result['problems']} problems, first {result['findings'][:3]}")
        if result["sequence"] != manifest["audit_head"]["sequence"]:
            problems.append(f"audit chain verified up to {result['sequence']}")
        version = env["ir.module.module"].search([("name", "=", "kundekartotek")]).latest_version
        if version != manifest["module_version"]:
            problems.append(f"module version {version}, the manifest says {manifest['module_version']}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    backup = sub.add_parser("backup")
    backup.add_argument("--database", default=os.environ.get("DB", "kundekartotek"))
    backup.add_argument("--directory", default=os.environ.get("BACKUP_DIR", os.path.join(PROJECT_DIR, "backups")))
    restore = sub.add_parser("restore")
    restore.add_argument("--archive", default=os.environ.get("ARCHIVE"))
    restore.add_argument("--target", default=os.environ.get("TARGET"))
    args = parser.parse_args()
    config.parse_config(["-c", args.config])
    if args.command == "backup":
        return cmd_backup(args)
    if not args.archive:
        parser.error("restore needs ARCHIVE=<file> (or --archive)")
    try:
        return cmd_restore(args)
    except archive.BackupError as error:
        say(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
