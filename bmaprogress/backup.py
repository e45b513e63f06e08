"""Backups of the database and the uploaded files, and their restoration
(`manage.py backup`, `manage.py restore`; `make backup`, `make restore`).

PostgreSQL: pg_dump's custom format (-Fc) of the database named in DATABASE_URL, put
back with pg_restore --clean in one transaction. SQLite: a page-by-page copy through
SQLite's online backup API (consistent while the server runs), copied back the same way.
Either way every table, sequence and row comes back as it was. MEDIA_ROOT (evidence
files, generated reports) goes into a tar beside the dump, and is put back over
MEDIA_ROOT.

Files are named ``bma-<YYYYmmdd-HHMMSS>.dump`` (PostgreSQL) or ``.sqlite3`` (SQLite),
with ``.media.tar`` beside them, in BMA_BACKUP_DIR (default ``backups/``, gitignored).
"""

import os
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    pass


@dataclass
class Backup:
    database: Path
    media: Path | None

    def describe(self) -> str:
        size = self.database.stat().st_size
        text = f"{self.database} ({size:,} bytes)"
        if self.media:
            text += f" + {self.media} ({self.media.stat().st_size:,} bytes)"
        return text


def backup_dir() -> Path:
    return Path(getattr(settings, "BMA_BACKUP_DIR", settings.BASE_DIR / "backups"))


def _vendor(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in SUFFIXES:
        raise BackupError(f"No backup for a {vendor} database.")
    return vendor


def _pg_args(alias: str) -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore from Django's settings; the password goes
    in the environment, not on the command line."""
    db = connections[alias].settings_dict
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup_create(*, directory: Path | None = None, alias: str = "default") -> Backup:
    """Write a backup of the database (and MEDIA_ROOT, if it exists) and return its files."""
    vendor = _vendor(alias)
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    stem = "bma-" + timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / (stem + SUFFIXES[vendor])
    counter = 1
    while target.exists():  # two backups in one second
        counter += 1
        target = directory / f"{stem}-{counter}{SUFFIXES[vendor]}"
    partial = target.with_name(target.name + ".partial")
    connection = connections[alias]
    if vendor == "postgresql":
        args, env = _pg_args(alias)
        _run(
            ["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(partial)]
            + [connection.settings_dict["NAME"]],
            env,
        )
    else:
        connection.ensure_connection()
        destination = sqlite3.connect(partial)
        try:
            with connection.wrap_database_errors:
                connection.connection.backup(destination)
        finally:
            destination.close()
    partial.rename(target)

    media = None
    media_root = _media_root()
    if media_root.is_dir():
        media = target.with_name(target.stem + ".media.tar")
        with tarfile.open(media, "w") as archive:
            archive.add(media_root, arcname=".")
    return Backup(database=target, media=media)


def backup_latest(*, directory: Path | None = None, alias: str = "default") -> Path:
    suffix = SUFFIXES[_vendor(alias)]
    found = sorted(
        Path(directory or backup_dir()).glob(f"bma-*{suffix}"), key=lambda p: p.stat().st_mtime
    )
    if not found:
        raise BackupError(f"No backup (bma-*{suffix}) in {directory or backup_dir()}.")
    return found[-1]


def backup_restore(*, path: Path, alias: str = "default", media: bool = True) -> None:
    """Put the database (and MEDIA_ROOT, from the tar beside it) back as the backup has
    them. The web server and the workers should be stopped meanwhile."""
    vendor = _vendor(alias)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    if path.suffix != SUFFIXES[vendor]:
        raise BackupError(
            f"{path.name} is not a backup of a {vendor} database (expected {SUFFIXES[vendor]})."
        )
    connection = connections[alias]
    if vendor == "postgresql":
        connection.close()
        args, env = _pg_args(alias)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            with connection.wrap_database_errors:
                source.backup(connection.connection)
        finally:
            source.close()
    connection.close()

    archive_path = path.with_name(path.stem + ".media.tar")
    if media and archive_path.is_file():
        _restore_media(archive_path)


def _restore_media(archive_path: Path) -> None:
    media_root = _media_root()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        # "data" refuses absolute paths, links out of the folder and device files.
        archive.extractall(media_root, filter="data")
