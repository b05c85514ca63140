"""Backups of the default SQLite database: taken while writers go on, the archive restores into a
fresh file with every table's rows and the photos byte for byte (the PostgreSQL drill is in
test_fault_drills.py, against the running cluster)."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import threading
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import Session

from buuv_app import backup
from buuv_app.db import make_engine
from buuv_app.models import utcnow
from buuv_app.services import messaging, photos
from tests.conftest import create_schema
from tests.factories import make_conversation, make_member, make_post


def test_a_backup_taken_while_writing_restores_whole(tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(uploads))
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with Session(engine, expire_on_commit=False) as db:
        old = utcnow() - timedelta(days=30)
        writer = make_member(db, created_at=old)
        conversation = make_conversation(db, make_post(db), writer)
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(picture, format="JPEG")
    photo = photos.photo_path(photos.store_photo(data=picture.getvalue()).key)

    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            with Session(engine) as db:
                messaging.send_message(session=db, user=writer, conversation_id=conversation.id,
                                       client_id=f"backup-drill-{n:06d}", body=f"Bericht {n}",
                                       now=utcnow() + timedelta(minutes=2.5 * n))
            n += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while backup.table_counts(url)["message"] < 20:
            pass
        during = backup.create_backup(database_url=url, destination=tmp_path / "backups", upload_dir=uploads)
    finally:
        stop.set()
        thread.join()

    # Taken mid-write: a consistent database with the messages of that moment.
    restored = tmp_path / "restored.db"
    backup.restore_backup(archive=during, database_url=f"sqlite:///{restored}", upload_dir=tmp_path / "photos")
    with sqlite3.connect(restored) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert 20 <= backup.table_counts(f"sqlite:///{restored}")["message"] <= backup.table_counts(url)["message"]

    # Taken when quiet: exactly the same rows, table by table, and the photo byte for byte.
    quiet = backup.create_backup(database_url=url, destination=tmp_path / "backups2", upload_dir=uploads)
    again, again_photos = tmp_path / "again.db", tmp_path / "photos2"
    backup.restore_backup(archive=quiet, database_url=f"sqlite:///{again}", upload_dir=again_photos)
    assert backup.table_counts(f"sqlite:///{again}") == backup.table_counts(url)
    assert (hashlib.sha256((again_photos / photo.name).read_bytes()).hexdigest()
            == hashlib.sha256(photo.read_bytes()).hexdigest())
    engine.dispose()


def test_an_archive_of_one_database_kind_is_refused_by_the_other(tmp_path, monkeypatch):
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(tmp_path / "uploads"))
    url = f"sqlite:///{tmp_path / 'a.db'}"
    create_schema(make_engine(url))
    archive = backup.create_backup(database_url=url, destination=tmp_path)
    with pytest.raises(ValueError, match="sqlite"):
        backup.restore_backup(archive=archive, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
