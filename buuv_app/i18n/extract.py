"""Find every message id in the code: string literals passed to t, t_client, gettext, _t or N_.

`python -m buuv_app.i18n.extract` lists the ids that have no English translation yet.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from buuv_app.i18n import catalogue, plural_catalogue

MARKERS = {"t", "t_client", "gettext", "_t", "N_"}
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def collect_msgids(root: Path = PACKAGE_DIR) -> dict[str, str]:
    """msgid -> "file:line" of its first use."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def collect_plural_msgids(root: Path = PACKAGE_DIR) -> dict[tuple[str, str], str]:
    """(singular, plural) -> "file:line" of every ngettext call with two literal ids."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and _name(node.func) in {"ngettext", "_nt"} and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])):
                key = (node.args[0].value, node.args[1].value)
                found.setdefault(key, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def missing_translations(locale: str = "en") -> dict[str, str]:
    translated = catalogue(locale)
    missing = {msgid: where for msgid, where in collect_msgids().items() if msgid not in translated}
    plurals = plural_catalogue(locale)
    missing.update({f"{one} | {other}": where for (one, other), where in collect_plural_msgids().items()
                    if (one, other) not in plurals})
    return missing


if __name__ == "__main__":
    missing = missing_translations()
    for msgid, where in missing.items():
        print(f'#: {where}\nmsgid "{msgid}"\nmsgstr ""\n')
    sys.exit(1 if missing else 0)
