"""Logging for the app's own loggers (buuv.*): security refusals, mail, and so on."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: int = logging.INFO) -> None:
    """Send buuv.* records to stderr once per process (Reflex leaves the root logger alone)."""
    logger = logging.getLogger("buuv")
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
