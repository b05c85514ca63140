"""Board sheets are drawn once per content, off the event handlers' pool (printing/pool.py)."""

from __future__ import annotations

import asyncio
import io
import threading
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfReader

from buuv_app.printing.pool import SheetRenderer
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


def _sheet(session):
    session.expire_all()
    return boards.get_sheet(session=session, slug=MERENWIJK_BOARD)


def test_an_unchanged_sheet_is_drawn_once(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    first = run_async(renderer.pdf(_sheet(session), "nl"))
    again = run_async(renderer.pdf(_sheet(session), "nl"))
    assert first == again == b"1 nl"
    assert drawn == ["nl"]


def test_a_new_post_draws_the_sheet_again(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    run_async(renderer.pdf(_sheet(session), "nl"))
    _post(session, world, title="Lamp ophangen")
    assert run_async(renderer.pdf(_sheet(session), "nl")) == b"2 nl"
    assert len(drawn) == 2


def test_an_edited_or_closed_post_draws_the_sheet_again(world, session):
    post = _post(session, world, title="Heg knippen")
    renderer, drawn, _ = _counting_renderer()
    run_async(renderer.pdf(_sheet(session), "nl"))
    posts.update_post(session=session, actor=world["resident"], post_id=post.id, title="Heg knippen, graag zaterdag",
                      body=post.body)
    run_async(renderer.pdf(_sheet(session), "nl"))
    posts.close_post(session=session, actor=world["resident"], post_id=post.id)
    assert run_async(renderer.pdf(_sheet(session), "nl")) == b"0 nl"
    assert len(drawn) == 3


def test_each_language_is_its_own_sheet(world, session):
    renderer, drawn, _ = _counting_renderer()
    run_async(renderer.pdf(_sheet(session), "nl"))
    run_async(renderer.pdf(_sheet(session), "en"))
    assert drawn == ["nl", "en"]


def test_many_visitors_asking_at_once_wait_for_one_drawing(world, session):
    _post(session, world, title="Heg knippen")
    renderer, drawn, gate = _counting_renderer()
    sheet = _sheet(session)
    gate.clear()  # hold the first drawing until everyone has asked

    async def twenty():
        asks = [asyncio.ensure_future(renderer.pdf(sheet, "nl")) for _ in range(20)]
        await asyncio.sleep(0)
        gate.set()
        return await asyncio.gather(*asks)

    assert set(run_async(twenty())) == {b"1 nl"}
    assert drawn == ["nl"]


def test_the_process_pool_draws_a_real_pdf(world, session):
    _post(session, world, title="Heg knippen")
    renderer = SheetRenderer()
    try:
        data = run_async(renderer.pdf(_sheet(session), "nl"))
    finally:
        renderer._executor.shutdown()
    assert "Heg knippen" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
