"""Settings: database URLs are made usable whatever form they come in."""

from __future__ import annotations

from buuv_app.settings import PROJECT_ROOT, Settings, normalize_database_url


def test_postgres_urls_get_the_psycopg3_driver():
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_relative_sqlite_paths_are_taken_from_the_project_root():
    assert normalize_database_url("sqlite:///data/x.db") == f"sqlite:///{PROJECT_ROOT / 'data' / 'x.db'}"
    assert normalize_database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_database_url_comes_from_database_url_or_reflex_db_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("REFLEX_DB_URL", "postgresql://a@b/c")
    assert Settings(_env_file=None).database_url == "postgresql+psycopg://a@b/c"
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/y.db")
    assert Settings(_env_file=None).database_url == "sqlite:////tmp/y.db"


def test_default_database_is_data_buuv_db(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REFLEX_DB_URL", raising=False)
    assert Settings(_env_file=None).database_url.endswith("/data/buuv.db")
