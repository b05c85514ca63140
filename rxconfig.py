"""Reflex configuration: everything that varies comes from buuv_app.settings."""

import reflex as rx

from buuv_app import server, styles
from buuv_app.first_paint import FirstPaintPlugin
from buuv_app.pwa.precache import PrecachePlugin
from buuv_app.security.headers import allowed_origins
from buuv_app.settings import get_settings
from buuv_app.theme import RadixThemesSubset

settings = get_settings()
# The production backend: gunicorn with uvicorn workers, not Granian (buuv_app/server.py says why).
server.configure(settings.redis_url)

config = rx.Config(
    app_name="buuv_app",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    telemetry_enabled=False,
    # Browsers may call the backend (HTTP and the event websocket) from BUUV_PUBLIC_URL only;
    # Reflex would allow any origin.
    cors_allowed_origins=allowed_origins(settings),
    show_built_with_reflex=False,
    default_color_mode="light",
    plugins=[
        rx.plugins.SitemapPlugin(),
        # Radix Themes with only the colours the pages use (buuv_app/theme.py).
        RadixThemesSubset(
            theme=rx.theme(accent_color=styles.ACCENT, gray_color=styles.GRAY, radius="large")
        ),
        FirstPaintPlugin(),  # the app's JavaScript behind the page's HTML and CSS (before PrecachePlugin)
        PrecachePlugin(),  # writes the build's file list into sw.js (the offline app)
    ],
)
