"""Scenario: a public page loads on a phone. Its own elements are drawn once; the server's answers
that follow (the router's headers, "hydrated" false and true, the page's data) draw again only the
parts that show them. Every extra pass over the whole page was script time on a slow phone, in the
frame that brought the answer (Lighthouse's Total Blocking Time)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

# React's hook for developer tools, which React calls after every commit, in production builds
# too. At each commit this records, per element id, how many different props objects that element
# has had: an element gets a new one each time the component that draws it runs again.
COUNT_RENDERS = """(() => {
    const seen = new WeakSet();
    window.__renders = {};
    window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
        supportsFiber: true, renderers: new Map(), isDisabled: false,
        inject() { return 1; }, checkDCE() {}, onScheduleFiberRoot() {}, onCommitFiberUnmount() {},
        onPostCommitFiberRoot() {},
        onCommitFiberRoot(id, root) {
            const stack = [root.current];
            while (stack.length) {
                const fiber = stack.pop();
                const props = fiber.memoizedProps;
                if (typeof fiber.type === "string" && props && props.id && !seen.has(props)) {
                    seen.add(props);
                    window.__renders[props.id] = (window.__renders[props.id] || 0) + 1;
                }
                if (fiber.child) stack.push(fiber.child);
                if (fiber.sibling) stack.push(fiber.sibling);
            }
        },
    };
})();"""


@pytest.mark.parametrize("path", ["/", "/hulp", "/buurt/merenwijk"])
def test_a_public_page_is_drawn_once_while_the_server_answers(page: Page, path: str) -> None:
    page.add_init_script(COUNT_RENDERS)
    page.goto(path)
    # The last of the server's answers while a page loads is "hydrated" (data-app-started).
    expect(page.locator("html[data-app-started]")).to_have_count(1)
    expect(page.locator(".post-card").first).to_be_visible()
    renders = page.evaluate("window.__renders")
    # The page's main element, drawn by the page's own function: once, when React took over the
    # prerendered HTML. Not again for the router's headers or for "hydrated" false and true.
    assert renders.get("inhoud") == 1, renders


def test_the_held_scripts_all_come_back_before_the_app_starts(page: Page) -> None:
    """buuv_app/first_paint.py puts the page's preloads back a few per task after the first paint,
    then its module script: the app starts with every preload in place, each once."""
    page.goto("/hulp")
    expect(page.locator("html[data-app-started]")).to_have_count(1)
    held = page.locator('link[rel="buuv-after-paint-modulepreload"]')
    expect(held.first).to_be_attached()
    restored = page.evaluate("""() => {
        const hrefs = [...document.querySelectorAll('link[rel="modulepreload"]')].map(l => l.getAttribute('href'));
        return {hrefs, unique: new Set(hrefs).size, modules: document.querySelectorAll('script[type="module"]').length};
    }""")
    held_hrefs = held.evaluate_all("links => links.map(l => l.getAttribute('href'))")
    assert sorted(restored["hrefs"]) == sorted(held_hrefs)
    assert restored["unique"] == len(held_hrefs)
    assert restored["modules"] == 1
