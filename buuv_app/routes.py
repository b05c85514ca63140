"""Route constants and URL builders: no route string is written inline anywhere else."""

from __future__ import annotations

HOME = "/"
NEIGHBOURHOOD = "/buurt/[buurt]"
POST = "/hulp/[post_id]"
NOT_FOUND = "404"


def neighbourhood_url(slug: str) -> str:
    return f"/buurt/{slug}"


def post_url(post_id: int) -> str:
    return f"/hulp/{post_id}"
