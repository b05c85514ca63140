"""Older eyes: with the phone's text size at 200% the pages still fit a phone screen, nothing is
cut off, and the "grotere letters" setting stays on this device."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

from buuv_app.services import messaging
from tests.e2e.auth import log_in, start_talk

PHONE = {"width": 390, "height": 844}

# Text that overflows its own box (cut off by overflow:hidden or spilling out sideways). Text that
# ends in an ellipsis on purpose would show here too: there is none on these pages.
CUT_OFF = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *, header *')) {
    if (!el.checkVisibility({visibilityProperty: true}) || !el.childNodes.length) continue;
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!ownText) continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') out.push(el.outerHTML.slice(0, 120));
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 || r.left < -1) out.push('off screen: ' + el.outerHTML.slice(0, 120));
  }
  return out;
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def double_text_size(page: Page) -> None:
    """What a phone's text-size setting does: the browser's default font size, 16 px, doubled."""
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})


def fits(page: Page) -> None:
    page.wait_for_function("document.documentElement.style.visibility !== 'hidden'")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 32
    width = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .map(el => { const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
                     return `${el.outerHTML.slice(0, 100)} left=${r.left} width=${r.width} font=${cs.fontSize} wrap=${cs.overflowWrap}`; })
        .slice(-3)""")
    assert width[0] <= width[1], f"sideways scrolling on {page.url}: {width} {wide}"
    assert page.evaluate(CUT_OFF) == [], page.url


_runs = itertools.count(1)


def test_pages_at_double_text_size_fit_a_phone(page: Page, a11y, app_db):
    title = f"Boodschappen op zaterdag bij de Albert Heijn, lijst {next(_runs)}"
    author, helper, post, conversation = start_talk(
        app_db, kind="request", title=title, body="Een kleine lijst.", category="boodschappen")
    messaging.send_message(session=app_db, user=helper, conversation_id=conversation.id,
                           client_id="a" * 32,
                           body="Ik kan zaterdagochtend, zal ik om tien uur langskomen?")
    double_text_size(page)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    fits(page)
    a11y.check()
    page.goto("/hulp")
    expect(page.get_by_text(title, exact=True)).to_be_visible()
    fits(page)
    a11y.check()
    page.goto(f"/hulp/{post.id}")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    fits(page)
    a11y.check()

    log_in(page, author.email, a11y=a11y)
    fits(page)
    page.goto(f"/berichten/{conversation.id}")
    expect(page.get_by_text("zal ik om tien uur langskomen?")).to_be_visible()
    fits(page)
    a11y.check()
    page.goto("/hulp/nieuw")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    fits(page)
    a11y.check()


def test_larger_letters_stay_on_this_device(page: Page, a11y):
    page.goto("/huisregels")
    normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="Grotere letters").click()
    expect(page.get_by_role("button", name="Gewone letters")).to_be_visible()
    a11y.check()
    page.reload()
    expect(page.get_by_role("button", name="Gewone letters")).to_be_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > normal * 1.2
    assert page.evaluate("localStorage.getItem('buuv_text_size')") == "large"
