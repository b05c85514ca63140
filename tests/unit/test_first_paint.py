"""The first paint waits for the page's HTML and CSS, not for the app's JavaScript, which a
prerendered page fetches once it has been drawn."""

from __future__ import annotations

import pytest

from buuv_app.first_paint import (
    prerender_wijk_pages,
    start_scripts_after_paint,
    start_scripts_after_paint_in_build,
    wijk_paths,
)


PAGE = ('<html><head><link rel="stylesheet" href="/assets/s.css"/><link rel="modulepreload" href="/assets/a.js"/>'
        '<link rel="modulepreload" href="/assets/b.js"/></head><body><main>Vragen en aanbod</main>'
        '<script type="module" async="">import "/assets/a.js";\nimport("/assets/b.js");</script>'
        '<script>$RC("B:0","S:0")</script></body></html>')


def test_a_prerendered_page_is_drawn_before_the_apps_scripts_are_fetched(tmp_path):
    (tmp_path / "hulp").mkdir()
    (tmp_path / "hulp" / "index.html").write_text(PAGE, encoding="utf-8")
    for drawn_by_script in ("__spa-fallback.html", "404.html"):
        (tmp_path / drawn_by_script).write_text(PAGE, encoding="utf-8")
    assert start_scripts_after_paint_in_build(tmp_path) == 1
    built = (tmp_path / "hulp" / "index.html").read_text(encoding="utf-8")
    assert 'rel="modulepreload"' not in built.replace("p.rel='modulepreload'", "")
    assert built.count('<link rel="buuv-after-paint-modulepreload" href=') == 2
    # The same bootstrap, held, and the script that releases it right behind it.
    assert '<script type="buuv/after-paint-module">import "/assets/a.js";\nimport("/assets/b.js");</script>' \
           '<script>(function(){' in built
    assert '<link rel="stylesheet" href="/assets/s.css"/>' in built
    assert start_scripts_after_paint(built) == built  # a second build step changes nothing
    # /hulp/<id> and the other dynamic routes: the JavaScript draws the page, so it is not held back.
    assert (tmp_path / "__spa-fallback.html").read_text(encoding="utf-8") == PAGE


def test_a_page_started_differently_stops_the_build():
    with pytest.raises(RuntimeError, match="React Router"):
        start_scripts_after_paint(PAGE.replace('<script type="module" async="">', ""))


# react-router.config.js as Reflex writes it for a production build, and for development.
PRODUCTION_CONFIG = ('export default {"basename": "/", "future": {"unstable_optimizeDeps": true}, "ssr": false, '
                     '"prerender": true, "build": "build"};')
DEVELOPMENT_CONFIG = 'export default {"basename": "/", "future": {"unstable_optimizeDeps": true}, "ssr": false};'


def test_every_wijks_page_is_prerendered_besides_the_static_routes():
    paths = wijk_paths()
    assert "/buurt/merenwijk" in paths and "/buurt/oude-dorp" in paths and len(paths) == len(set(paths))
    config = prerender_wijk_pages(PRODUCTION_CONFIG, paths)
    assert '"prerender": true' not in config
    assert ('"prerender": async ({getStaticPaths}) => [...getStaticPaths(), ...["/buurt/pieterswijk", '
            in config)
    assert config.endswith('"build": "build"};')
    assert prerender_wijk_pages(config, paths) == config  # a second pass changes nothing


def test_a_development_build_prerenders_nothing_more():
    assert prerender_wijk_pages(DEVELOPMENT_CONFIG, wijk_paths()) == DEVELOPMENT_CONFIG
