"""Running a node script of tests/unit/js against assets/sw.js (sw_harness.mjs), for the service
worker's unit tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the service worker's script")


def run_worker_script(name: str) -> dict:
    """The JSON the script printed last."""
    result = subprocess.run(["node", str(ROOT / "tests/unit/js" / name), str(ROOT / "assets/sw.js")],
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])
