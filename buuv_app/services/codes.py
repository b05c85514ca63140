"""Short codes for posts (BUUV-7K3FQ): printed on paper boards, typed in by hand."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L and no U/V: what is left reads back unambiguously from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 5
PREFIX = "BUUV-"
CODE = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    return f"{PREFIX}{code}"


def parse(text: str) -> str | None:
    """The code in whatever someone typed ("buuv-7k3fq", "7K3FQ", " BUUV 7k3fq "), or None."""
    cleaned = re.sub(r"[\s\-]", "", (text or "").upper()[:40]).removeprefix("BUUV")
    return cleaned if CODE.match(cleaned) else None


# Ids a device makes for what it sends (a message, a post written offline), so that a resend of the
# same thing is recognised and stored once.
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
