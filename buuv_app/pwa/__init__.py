"""The installable app around the pages: web app manifest, icons and the service worker's precache.

The browser side lives in assets/: `sw.js` (the service worker) and `pwa.js` (registers it, offers
"Installeer" and "Nieuwe versie — herladen", and `buuvPwa.clearPrivate()` on logout). What is
generated here is checked into assets/ too: `python -m buuv_app.pwa` writes the manifest and the
icons again after a change (tests/unit/test_pwa.py fails while they are out of date).
"""
