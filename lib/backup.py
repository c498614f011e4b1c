"""Backup archives of a customer register: one tar file per backup. Pure Python (no ``odoo`` import).

An archive ``<db>-<YYYYMMDD-HHMMSS>.tar`` holds three members:

- ``database.dump``: ``pg_dump --format=custom`` of the database;
- ``filestore.tar.gz``: the database's filestore (attachments, reports), possibly empty;
- ``manifest.json``: the database name, the time, the module version, the record counts the restore checks
  (:data:`COUNT_QUERIES`), the audit chain's head, and the SHA-256 of the two other members.

The callers (``dev/backup.py`` for ``make backup`` / ``make restore``, and the daily job of the module) run
``pg_dump`` / ``pg_restore`` through :func:`run_tool` with the connection given in the environment
(``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``), never on a command line another user could read.
"""

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone

FORMAT = 1
DUMP = "database.dump"
FILESTORE = "filestore.tar.gz"
MANIFEST = "manifest.json"
# What a restore must find again, counted by plain SQL so that a restore can check before Odoo loads.
COUNT_QUERIES = {
    "partners": "SELECT count(*) FROM res_partner",
    "customers": "SELECT count(*) FROM res_partner WHERE customer_rank > 0 AND commercial_partner_id = id",
    "journal_entries": "SELECT count(*) FROM account_move",
    "journal_items": "SELECT count(*) FROM account_move_line",
    "audit_entries": "SELECT count(*) FROM kundekartotek_audit_log",
}
HEAD_QUERY = "SELECT coalesce(max(sequence), 0) FROM kundekartotek_audit_log"
HASH_QUERY = "SELECT entry_hash FROM kundekartotek_audit_log WHERE sequence = %s"
ARCHIVE_RE = re.compile(r"^(?P<db>.+)-(?P<stamp>\d{8}-\d{6})\.tar$")
CHUNK = 1 << 20


class BackupError(Exception):
    """An archive is incomplete, altered or does not match what it says."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_tool(command, env, timeout=None):
    """Run a PostgreSQL client tool; raise :class:`BackupError` with its message when it fails."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def archive_name(dbname, when):
    return f"{dbname}-{when.strftime('%Y%m%d-%H%M%S')}.tar"


def read_counts(cursor):
    """The record counts and audit head of the database behind a DB-API ``cursor``."""
    counts = {}
    for name, query in COUNT_QUERIES.items():
        cursor.execute(query)
        counts[name] = cursor.fetchone()[0]
    cursor.execute(HEAD_QUERY)
    head = cursor.fetchone()[0]
    cursor.execute(HASH_QUERY, (head,))
    row = cursor.fetchone()
    return counts, {"sequence": head, "entry_hash": row[0] if row else ""}


def create_archive(directory, dbname, dump_command, env, filestore, cursor, when=None):
    """Write one archive into ``directory`` and return its path.

    ``dump_command`` is the ``pg_dump`` command without its output file (the caller chose the binary and the
    database); ``cursor`` is a DB-API cursor on the same database, in a REPEATABLE READ transaction the caller
    keeps open until this returns. Its snapshot is exported to ``pg_dump`` (``--snapshot``), so the dump and the
    counts of the manifest see the very same rows, however busy the database is. The archive is written under a
    temporary name and renamed when complete, so a crash never leaves a half archive that looks whole.
    """
    when = when or datetime.now(timezone.utc)
    os.makedirs(directory, exist_ok=True)
    final = os.path.join(directory, archive_name(dbname, when))
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, audit_head = read_counts(cursor)
        cursor.execute("SELECT latest_version FROM ir_module_module WHERE name = 'kundekartotek'")
        module_version = (cursor.fetchone() or [None])[0]
        dump = os.path.join(work, DUMP)
        run_tool([*dump_command, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"], env)
        store = os.path.join(work, FILESTORE)
        with tarfile.open(store, "w:gz") as tar:
            if filestore and os.path.isdir(filestore):
                tar.add(filestore, arcname=".")
        manifest = {
            "format": FORMAT,
            "database": dbname,
            "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "module_version": module_version,
            "counts": counts,
            "audit_head": audit_head,
            "sha256": {DUMP: sha256_file(dump), FILESTORE: sha256_file(store)},
        }
        partial = os.path.join(work, "archive.tar")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(when.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DUMP)
            tar.add(store, arcname=FILESTORE)
        os.replace(partial, final)
    return final


def extract_archive(path, directory):
    """Unpack an archive into ``directory``, check both checksums, and return its manifest.

    Only the three expected members are read (by name, as regular files), so an archive cannot write outside
    ``directory`` whatever names it holds.
    """
    with tarfile.open(path, "r") as tar:
        members = {member.name: member for member in tar.getmembers()}
        for name in (MANIFEST, DUMP, FILESTORE):
            member = members.get(name)
            if member is None or not member.isfile():
                raise BackupError(f"{path}: {name} is missing")
            with tar.extractfile(member) as source, open(os.path.join(directory, name), "wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
    with open(os.path.join(directory, MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown archive format {manifest.get('format')!r}")
    for name in (DUMP, FILESTORE):
        found = sha256_file(os.path.join(directory, name))
        if found != manifest["sha256"][name]:
            raise BackupError(f"{path}: checksum of {name} is {found}, the manifest says {manifest['sha256'][name]}")
    return manifest


def extract_filestore(directory, target):
    """Unpack the verified ``filestore.tar.gz`` of ``directory`` into ``target`` (regular files and folders only)."""
    os.makedirs(target, exist_ok=True)
    with tarfile.open(os.path.join(directory, FILESTORE), "r:gz") as tar:
        tar.extractall(target, filter="data")


def compare(manifest, counts, audit_head):
    """The differences between what the manifest promises and what the restored database holds (list of str)."""
    problems = []
    for name, expected in manifest["counts"].items():
        if counts.get(name) != expected:
            problems.append(f"{name}: {counts.get(name)} restored, {expected} in the manifest")
    if audit_head != manifest["audit_head"]:
        problems.append(f"audit head: {audit_head} restored, {manifest['audit_head']} in the manifest")
    return problems


def prune(directory, dbname, keep):
    """Delete the oldest archives of ``dbname`` in ``directory`` beyond the newest ``keep``; return those deleted.

    Only files named as :func:`archive_name` names them for this database are touched.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    mine = sorted(
        name
        for name in os.listdir(directory)
        if (match := ARCHIVE_RE.match(name)) and match["db"] == dbname and os.path.isfile(os.path.join(directory, name))
    )
    doomed = mine[:-keep]
    for name in doomed:
        os.unlink(os.path.join(directory, name))
    return doomed
