"""Backups: the database and the photos in one archive, taken while the app runs, and restored.

An archive (`buuv-<UTC time>.tar.gz`) holds `manifest.json`, the database as `database.sqlite`
(SQLite's online backup API: a consistent copy while writers go on) or `database.pgdump`
(`pg_dump --format=custom`, one consistent snapshot), and `photos/` (the upload folder).
Restoring replaces the database's contents and adds the photos; run it with the app stopped.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from buuv_app.services import photos

SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"


def _libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore want it (no `+driver`)."""
    url = sa.engine.make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(database_url: str) -> Path:
    return Path(sa.engine.make_url(database_url).database or "")


def table_counts(database_url: str) -> dict[str, int]:
    """Rows per table (Alembic's bookkeeping included): what a restore drill compares."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            return {name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    for name in sorted(names)}
    finally:
        engine.dispose()


def create_backup(*, database_url: str, destination: Path, upload_dir: Path | None = None) -> Path:
    """Write an archive of the database and the photos into the folder `destination`; its path."""
    upload_dir = upload_dir or photos.upload_dir()
    destination.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = destination / f"buuv-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if database_url.startswith("sqlite"):
            kind, dump = "sqlite", work_dir / SQLITE_FILE
            source = sqlite3.connect(_sqlite_path(database_url))
            target = sqlite3.connect(dump)
            try:
                source.backup(target)  # page by page; concurrent writers are not stopped
            finally:
                target.close()
                source.close()
        else:
            kind, dump = "postgresql", work_dir / PG_FILE
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                            _libpq_url(database_url)], check=True, capture_output=True)
        manifest = {"kind": kind, "created": stamp,
                    "photos": sorted(p.name for p in upload_dir.glob("*") if p.is_file())}
        (work_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work_dir / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            for name in manifest["photos"]:
                tar.add(upload_dir / name, arcname=f"photos/{name}")
        partial.rename(archive)  # never a half-written archive under the final name
    return archive


def restore_backup(*, archive: Path, database_url: str, upload_dir: Path | None = None) -> dict:
    """Put the archive's database into `database_url` (its contents replaced) and its photos into
    the upload folder; returns the manifest. Refuses an archive of the other database kind."""
    upload_dir = upload_dir or photos.upload_dir()
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        work_dir = Path(work)
        tar.extractall(work_dir, filter="data")
        manifest = json.loads((work_dir / "manifest.json").read_text())
        wanted = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        if manifest["kind"] != wanted:
            raise ValueError(f"this archive holds a {manifest['kind']} database, not {wanted}")
        if wanted == "sqlite":
            target_path = _sqlite_path(database_url)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(work_dir / SQLITE_FILE)
            target = sqlite3.connect(target_path)
            try:
                source.backup(target)  # replaces every page, WAL included
            finally:
                target.close()
                source.close()
        else:
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                            "--dbname", _libpq_url(database_url), str(work_dir / PG_FILE)],
                           check=True, capture_output=True)
        upload_dir.mkdir(parents=True, exist_ok=True)
        for name in manifest["photos"]:
            shutil.copy2(work_dir / "photos" / name, upload_dir / name)
    return manifest


def default_destination() -> Path:
    from buuv_app.settings import PROJECT_ROOT

    return Path(os.environ.get("BUUV_BACKUP_DIR") or PROJECT_ROOT / "backups")
