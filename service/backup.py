"""Online backups of the database, taken while the service keeps serving.

SQLite: SQLite's backup API copies the database page by page into a new file, a consistent
snapshot even with writers running (they wait for a moment at most). Restore: stop the
service, put the copy in place of the database file (removing its -wal and -shm files), start.

PostgreSQL: pg_dump in its custom format, also a consistent snapshot of a running database.
Restore: pg_restore --clean --if-exists --no-owner --dbname=<database> <file>.
"""

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(Exception):
    """The backup could not be made; nothing was left at the destination."""


def backup(url: URL, destination: Path) -> None:
    if destination.exists():
        raise BackupError(f"{destination} exists: a backup never overwrites a file")
    try:
        if url.get_backend_name() == "sqlite":
            _backup_sqlite(url, destination)
        elif url.get_backend_name() == "postgresql":
            _backup_postgresql(url, destination)
        else:
            raise BackupError(f"no backup for {url.get_backend_name()} databases")
    except BaseException:
        destination.unlink(missing_ok=True)
        raise


def _backup_sqlite(url: URL, destination: Path) -> None:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    with closing(sqlite3.connect(url.database)) as source, closing(sqlite3.connect(destination)) as copy:
        source.backup(copy)


def _backup_postgresql(url: URL, destination: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", f"--file={destination}", f"--dbname={libpq_url}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
