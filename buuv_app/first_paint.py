"""FirstPaintPlugin: a prerendered page is drawn from its HTML and CSS first; the app's JavaScript
is fetched right after that first paint.

Every public page is prerendered: its text is in the HTML and needs only the stylesheet to be
drawn. React Router starts the app's JavaScript chunks (about 270 KB) in the head, as
`<link rel="modulepreload">` and a module script: on a slow phone connection they share the
bandwidth with the stylesheet, and the first paint waits for JavaScript it does not need. In every
prerendered page this plugin turns both into inert markup and adds a small script that, once the
browser has drawn the page (the next animation frame, or after 300 ms in a tab that draws
nothing), puts them back as they were: the same preloads, the same module script, the same
hydration. The bytes are the same and the link is busy all the time either way; hydration starts
about one round trip later on a slow line and one frame later on a fast one.

Not in the SPA fallback (and its copy 404.html), which serves the dynamic routes (/buurt/<slug>,
/hulp/<id>): it has no page content, the JavaScript draws it, so there the scripts stay first.
"""

from __future__ import annotations

from pathlib import Path

from reflex_base.plugins.base import Plugin

from buuv_app.pwa.precache import SPA_FALLBACK

DRAWN_BY_SCRIPT = {SPA_FALLBACK, "404.html"}  # the SPA fallback and its copy
PRELOAD = '<link rel="modulepreload"'
HELD_PRELOAD = '<link rel="buuv-after-paint-modulepreload"'
MODULE = '<script type="module" async="">'
HELD_MODULE = '<script type="buuv/after-paint-module">'
# Puts the held preloads and module script back once the page has been drawn. rAF runs just
# before the first paint; the timeout after it, just after. A hidden tab never paints: 300 ms.
RELEASE = (
    "<script>(function(){var done=false;function go(){if(done)return;done=true;"
    "document.querySelectorAll('link[rel=\"buuv-after-paint-modulepreload\"]').forEach(function(l){"
    "var p=document.createElement('link');p.rel='modulepreload';p.href=l.getAttribute('href');"
    "document.head.appendChild(p);});"
    "document.querySelectorAll('script[type=\"buuv/after-paint-module\"]').forEach(function(s){"
    "var m=document.createElement('script');m.type='module';m.textContent=s.textContent;"
    "s.parentNode.insertBefore(m,s);});}"
    "requestAnimationFrame(function(){setTimeout(go,0);});setTimeout(go,300);})();</script>"
)


def start_scripts_after_paint(html: str) -> str:
    """The page with its app scripts held until after the first paint (unchanged if already so)."""
    if HELD_MODULE in html or PRELOAD not in html and MODULE not in html:
        return html
    if html.count(MODULE) != 1:
        raise RuntimeError(f"expected one {MODULE} in a prerendered page, found {html.count(MODULE)}:"
                           " did React Router change how it starts the app?")
    held = html.replace(PRELOAD, HELD_PRELOAD).replace(MODULE, HELD_MODULE)
    end = held.index("</script>", held.index(HELD_MODULE)) + len("</script>")
    return held[:end] + RELEASE + held[end:]


def start_scripts_after_paint_in_build(static_dir: Path) -> int:
    """Rewrites every prerendered page; returns how many were changed."""
    changed = 0
    for page in static_dir.rglob("*.html"):
        if page.relative_to(static_dir).as_posix() in DRAWN_BY_SCRIPT:
            continue
        html = page.read_text(encoding="utf-8")
        held = start_scripts_after_paint(html)
        if held != html:
            page.write_text(held, encoding="utf-8")
            changed += 1
    return changed


class FirstPaintPlugin(Plugin):
    """Reflex calls post_build after the production build, before it compresses the files (list
    it before PrecachePlugin, which fingerprints the pages)."""

    def post_build(self, **context) -> None:
        start_scripts_after_paint_in_build(Path(context["static_dir"]))
