"""`python -m buuv_app.pwa`: write the manifest and the icons into assets/ again."""

from __future__ import annotations

from buuv_app.pwa.files import write_assets

if __name__ == "__main__":
    for path in write_assets():
        print(f"wrote {path}")
