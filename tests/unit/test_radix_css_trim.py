"""What the first paint waits for: the Radix stylesheet, without rules the pages cannot use."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from buuv_app.theme import TRIM_PLUGIN, TRIM_PLUGIN_FILE, RadixThemesSubset, add_trim_to_postcss_config

ROOT = Path(__file__).resolve().parents[2]
REFLEX_POSTCSS_CONFIG = """export default {
  plugins: {
    "postcss-import": {},
    autoprefixer: noVendorPrefix ? false : {},
  },
};"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the PostCSS plugin's script")
def test_the_stylesheet_keeps_what_the_pages_use_and_drops_other_components_and_breakpoints():
    result = subprocess.run(["node", str(ROOT / "tests/unit/js/radix_css_trim.mjs"), str(TRIM_PLUGIN)],
                            capture_output=True, text=True, timeout=60, check=True)
    kept = json.loads(result.stdout.strip().splitlines()[-1])
    assert {name for name, keep in kept.items() if keep} == {
        "button", "base_button", "text", "utility", "own_class", "either_field_or_button", "not_a_select",
        "text_at_used_breakpoint",
    }


def test_the_trim_step_runs_right_after_the_imports_are_inlined():
    config = add_trim_to_postcss_config(REFLEX_POSTCSS_CONFIG)
    lines = [line.strip() for line in config.splitlines()]
    assert lines[lines.index('"postcss-import": {},') + 1] == f'"./{TRIM_PLUGIN_FILE}": {{}},'
    assert add_trim_to_postcss_config(config) == config  # a second compile adds nothing


def test_a_changed_postcss_config_stops_the_build_rather_than_ship_the_whole_stylesheet_silently():
    with pytest.raises(RuntimeError, match="postcss-import"):
        add_trim_to_postcss_config("export default { plugins: [] };")


def test_the_trim_step_is_written_into_the_build():
    assets = dict(RadixThemesSubset().get_static_assets())
    assert assets[Path(TRIM_PLUGIN_FILE)] == TRIM_PLUGIN.read_text(encoding="utf-8")


PAGE = ('<html><head><link rel="stylesheet" href="/assets/s.css"/><link rel="modulepreload" href="/assets/a.js"/>'
        '<link rel="modulepreload" href="/assets/b.js"/></head><body><main>Vragen en aanbod</main>'
        '<script type="module" async="">import "/assets/a.js";\nimport("/assets/b.js");</script>'
        '<script>$RC("B:0","S:0")</script></body></html>')
