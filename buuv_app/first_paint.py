"""FirstPaintPlugin: a prerendered page is drawn from its HTML and CSS first; the app's JavaScript
is fetched right after that first paint.

Every public page is prerendered: its text is in the HTML and needs only the stylesheet to be
drawn. React Router starts the app's JavaScript chunks (about 270 KB) in the head, as
`<link rel="modulepreload">` and a module script: on a slow phone connection they share the
bandwidth with the stylesheet, and the first paint waits for JavaScript it does not need. In every
prerendered page this plugin turns both into inert markup and adds a small script that, once the
browser reports the page's first contentful paint (see RELEASE for browsers without that report
and for hidden tabs), puts them back as they were: the same preloads, the same module script, the same
hydration. The bytes are the same and the link is busy all the time either way; hydration starts
about one round trip later on a slow line and one frame later on a fast one.

Not in the SPA fallback (and its copy 404.html), which serves the other dynamic routes
(/hulp/<id>, /berichten/<id>): it has no page content, the JavaScript draws it, so there the scripts
stay first.

Every wijk's page (/buurt/<slug>) is prerendered too: the wijken are known when the app is built
(buuv_app/seed/places.toml, the list the database is seeded from), so React Router is told to
render each one's address besides the static routes. Its frame (the way back, what the page is
for, the section heading) is then drawn before any script has run, as on /hulp. A wijk added to the database by other means
would be served by the SPA fallback, as every /buurt page was before.
"""

from __future__ import annotations

import json
from pathlib import Path

from reflex_base import constants
from reflex_base.plugins.base import Plugin

from buuv_app import routes
from buuv_app.pwa.precache import SPA_FALLBACK

DRAWN_BY_SCRIPT = {SPA_FALLBACK, "404.html"}  # the SPA fallback and its copy
PRELOAD = '<link rel="modulepreload"'
HELD_PRELOAD = '<link rel="buuv-after-paint-modulepreload"'
MODULE = '<script type="module" async="">'
HELD_MODULE = '<script type="buuv/after-paint-module">'
# Puts the held preloads and module script back once the page has been drawn: when the browser
# reports the first contentful paint (a PerformanceObserver of "paint"), so that the scripts are
# not fetched while a busy phone is still drawing. Where that report does not exist, after the
# first frame (rAF runs just before it; the timeout after it) or 300 ms. A hidden tab never paints:
# at once when it is hidden, and when it is hidden while waiting. A page that paints no text at
# all still starts after 3 s.
# The preloads go back a few at a time, about 4 ms of work per task with a MessageChannel turn
# between (not clamped like a timer; every browser that runs module scripts has one): each one
# starts a fetch, and all twenty-odd at once were one task of 180-470 ms on a 4x slower CPU, which
# a tap had to wait behind. In a hidden tab, all at once.
RELEASE = (
    "<script>(function(){var done=false;function go(){if(done)return;done=true;"
    "var held=[].slice.call(document.querySelectorAll('link[rel=\"buuv-after-paint-modulepreload\"]')),i=0,"
    "turn=new MessageChannel();"
    "function start(){document.querySelectorAll('script[type=\"buuv/after-paint-module\"]').forEach(function(s){"
    "var m=document.createElement('script');m.type='module';m.textContent=s.textContent;"
    "s.parentNode.insertBefore(m,s);});}"
    "function step(){var t=performance.now();while(i<held.length){"
    "var p=document.createElement('link');p.rel='modulepreload';p.href=held[i++].getAttribute('href');"
    "document.head.appendChild(p);"
    "if(document.visibilityState!=='hidden'&&performance.now()-t>4&&i<held.length){turn.port2.postMessage(0);return;}}"
    "turn.port1.onmessage=null;start();}"
    "turn.port1.onmessage=step;step();}"
    "var P=window.PerformanceObserver,types=P&&P.supportedEntryTypes||[];"
    "if(document.visibilityState==='hidden'){go();return;}"
    "document.addEventListener('visibilitychange',function(){if(document.visibilityState==='hidden')go();});"
    "if(types.indexOf('paint')<0){requestAnimationFrame(function(){setTimeout(go,0);});setTimeout(go,300);return;}"
    "new P(function(list,observer){if(list.getEntriesByName('first-contentful-paint').length){"
    "observer.disconnect();setTimeout(go,0);}}).observe({type:'paint',buffered:true});"
    "setTimeout(go,3000);})();</script>"
)


# What Reflex writes into react-router.config.js when it prerenders (a production build).
PRERENDER_ALL_STATIC = '"prerender": true'


def wijk_paths() -> list[str]:
    """The address of every wijk's page, /buurt/<slug>."""
    from buuv_app.services.seed import wijk_slugs

    return [routes.neighbourhood_url(slug) for slug in wijk_slugs()]


def prerender_wijk_pages(config_js: str, paths: list[str]) -> str:
    """react-router.config.js with `paths` prerendered besides every static route. Unchanged when
    the build prerenders nothing (development) or when already done."""
    if PRERENDER_ALL_STATIC not in config_js:
        return config_js
    listed = json.dumps(paths)
    return config_js.replace(
        PRERENDER_ALL_STATIC,
        f'"prerender": async ({{getStaticPaths}}) => [...getStaticPaths(), ...{listed}]', 1)


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
    """Reflex runs our pre_compile task on react-router.config.js after writing it, before the
    frontend build; post_build after the production build, before it compresses the files (list
    it before PrecachePlugin, which fingerprints the pages)."""

    def pre_compile(self, **context) -> None:
        context["add_modify_task"](constants.ReactRouter.CONFIG_FILE,
                                   lambda config_js: prerender_wijk_pages(config_js, wijk_paths()))

    def post_build(self, **context) -> None:
        start_scripts_after_paint_in_build(Path(context["static_dir"]))
