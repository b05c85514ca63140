"""Board sheets are drawn once per version, off the event handlers' pool (printing/pool.py), and a
kept sheet is served without reading its posts again (api/boards.py)."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from buuv_app.api import boards as board_api
from buuv_app.models import utcnow
from buuv_app.printing import pool
from buuv_app.printing.pool import SheetRenderer, sheet_key
from buuv_app.services import boards, posts
from tests.aio import run_async
from tests.unit.test_boards import MERENWIJK_BOARD, _post, world  # noqa: F401 (fixture)


def _counting_renderer():
    drawn: list[str] = []
    gate = threading.Event()
    gate.set()

    def render(sheet, locale):
        gate.wait(10)
        drawn.append(locale)
        return f"{len(sheet.posts)} {locale}".encode()

    return SheetRenderer(render=render, executor_factory=lambda: ThreadPoolExecutor(2)), drawn, gate


class _Asker:
    """Asks for a sheet as the API does: its version first, the sheet itself only when not kept."""

    def __init__(self, session, renderer):
        self.session, self.renderer, self.loaded = session, renderer, 0

    async def ask(self, locale="nl", now=None):
        self.session.expire_all()
        version = boards.get_sheet_version(session=self.session, slug=MERENWIJK_BOARD, now=now)

        async def load():
            self.loaded += 1
            return boards.get_sheet(session=self.session, slug=MERENWIJK_BOARD, now=now)

        return await self.renderer.pdf(sheet_key(version, locale), load, locale)

    def __call__(self, locale="nl", now=None):
        return run_async(self.ask(locale, now))


def test_an_unchanged_sheet_is_drawn_once_and_its_posts_read_once(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    assert ask() == ask() == b"1 nl"
    assert drawn == ["nl"]
    assert ask.loaded == 1


def test_a_new_post_draws_the_sheet_again(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    ask()
    _post(session, world, title="Lamp ophangen")
    assert ask() == b"2 nl"
    assert len(drawn) == 2


def test_an_edited_or_closed_post_draws_the_sheet_again(world, session):
    post = _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    ask()
    posts.update_post(session=session, actor=world["resident"], post_id=post.id, title="Heg knippen, graag zaterdag",
                      body=post.body)
    ask()
    posts.close_post(session=session, actor=world["resident"], post_id=post.id)
    assert ask() == b"0 nl"
    assert len(drawn) == 3


def test_a_post_leaving_as_another_comes_draws_the_sheet_again(world, session):
    """The same number of posts, none of them changed since the last drawing: still a new sheet."""
    leaving = _post(session, world, title="Heg knippen")
    _post(session, world, title="Ramen lappen")  # stays, and stays the latest changed
    coming = _post(session, world, title="Lamp ophangen", created_at=utcnow() - timedelta(days=1),
                   hidden_at=utcnow())
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    ask()
    leaving.hidden_at, coming.hidden_at = utcnow(), None  # as moderation hides and brings back
    session.add_all([leaving, coming])
    session.commit()
    assert ask() == b"2 nl"
    assert len(drawn) == 2


def test_an_expired_post_or_a_new_day_draws_the_sheet_again(world, session):
    now = utcnow().replace(hour=12)
    _post(session, world, title="Heg knippen", created_at=now - timedelta(days=1), expires_at=now + timedelta(hours=1))
    _post(session, world, title="Lamp ophangen", created_at=now - timedelta(days=1))
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    assert ask(now=now) == b"2 nl"
    assert ask(now=now + timedelta(minutes=30)) == b"2 nl"
    assert ask(now=now + timedelta(hours=2)) == b"1 nl"  # the first one ran out
    assert ask(now=now + timedelta(days=1)) == b"1 nl"  # the same posts, the next date in the header
    assert len(drawn) == 3


def test_editing_the_board_draws_its_sheet_again(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    ask()
    info = boards.get_board(session=session, slug=MERENWIJK_BOARD)
    boards.save_board(session=session, actor=world["professional"], slug=MERENWIJK_BOARD, name=info.name,
                      address="Nieuwe Laan 1", desk_text=info.desk_text, phone=info.phone,
                      neighbourhood_slugs=[n.slug for n in info.neighbourhoods])
    ask()
    assert len(drawn) == 2


def test_each_language_is_its_own_sheet(world, session):
    renderer, drawn, _ = _counting_renderer()
    ask = _Asker(session, renderer)
    ask("nl")
    ask("en")
    assert drawn == ["nl", "en"]


def test_an_unknown_or_malformed_board_has_no_version(world, session):
    assert boards.get_sheet_version(session=session, slug="bestaat-niet") is None
    assert boards.get_sheet_version(session=session, slug={"slug": MERENWIJK_BOARD}) is None
    assert boards.get_sheet_version(session=session, slug="x" * 500) is None


def test_many_visitors_asking_at_once_wait_for_one_drawing(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, gate = _counting_renderer()
    ask = _Asker(session, renderer)
    gate.clear()  # hold the first drawing until everyone has asked

    async def twenty():
        asks = [asyncio.ensure_future(ask.ask()) for _ in range(20)]
        await asyncio.sleep(0)
        gate.set()
        return await asyncio.gather(*asks)

    assert set(run_async(twenty())) == {b"1 nl"}
    assert drawn == ["nl"]
    assert ask.loaded == 1


def test_the_process_pool_draws_a_real_pdf_at_the_lowest_priority(world, session):
    _post(session, world, title="Heg knippen")
    renderer = SheetRenderer()
    ask = _Asker(session, renderer)
    try:
        data = ask()
        niceness = renderer._executor.submit(os.nice, 0).result()
    finally:
        renderer._executor.shutdown()
    assert "Heg knippen" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert niceness == pool.DRAWING_NICENESS


# --- through the API: a kept sheet, 304 for a browser that has it, 404 for no such board ------

@pytest.fixture
def api(world, session, engine, monkeypatch):
    @contextmanager
    def session_scope():
        with Session(engine, expire_on_commit=False) as own:
            yield own

    renderer, drawn, _ = _counting_renderer()
    monkeypatch.setattr(board_api, "session_scope", session_scope)
    monkeypatch.setattr(board_api, "renderer", renderer)
    reads = []
    get_sheet = boards.get_sheet
    monkeypatch.setattr(boards, "get_sheet", lambda **kw: reads.append(kw["slug"]) or get_sheet(**kw))
    app = Starlette(routes=[Route("/api/boards/{slug}/sheet.pdf", board_api.board_sheet_pdf)])
    with TestClient(app) as client:
        yield client, drawn, reads


def test_a_kept_sheet_is_served_without_reading_its_posts_and_304_when_the_browser_has_it(api, world, session):
    client, drawn, reads = api
    url = f"/api/boards/{MERENWIJK_BOARD}/sheet.pdf"
    first = client.get(url)
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content == b"0 nl"
    assert reads == [MERENWIJK_BOARD] and drawn == ["nl"]
    etag = first.headers["etag"]
    assert again.headers["etag"] == etag and first.headers["cache-control"] == "no-cache"
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    # A change of posts: a new ETag, a new sheet.
    _post(session, world, title="Heg knippen")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.content == b"1 nl" and changed.headers["etag"] != etag
    assert client.get(f"{url}?lang=en").headers["etag"] not in {etag, changed.headers["etag"]}


def test_an_unknown_board_is_a_clear_404(api):
    client, drawn, reads = api
    response = client.get("/api/boards/bestaat-niet/sheet.pdf")
    assert response.status_code == 404 and response.json() == {"error": "unknown board"}
    assert client.get("/api/boards/bestaat-niet/sheet.pdf", headers={"If-None-Match": "*"}).status_code == 404
    assert drawn == [] and reads == []
