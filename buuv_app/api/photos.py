"""GET /api/photos/<key> and /api/photos/<key>/thumb: a post's photo, for whoever may see the post.

Keys are unguessable. A photo of a members-only post is refused to anyone without a valid session
cookie (the same session token the app uses); a photo not (yet) attached to any post, such as the
preview while writing one, is served to whoever holds its key.
"""

from __future__ import annotations

import asyncio

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from buuv_app.db import session_scope
from buuv_app.models import Post, Visibility
from buuv_app.services import permissions, photos, sessions

SESSION_COOKIE = "buuv_session"


def _access(key: str, token: str | None) -> tuple[bool, bool]:
    """(may this visitor see it, may anyone see it)."""
    with session_scope() as session:
        post = session.exec(select(Post).where(Post.photo_key == key)).first()
        if post is None:
            return True, False  # a preview while writing: only its writer knows the key
        if post.visibility == Visibility.EVERYONE.value:
            return True, True
        viewer = sessions.resolve_session(session=session, raw_token=token)
        allowed = permissions.is_member(viewer)
        if not allowed:
            permissions.refuse(viewer, "view_photo", f"post={post.id}")
        return allowed, False


@permissions.public  # the check per photo is in _access: members-only posts need a session
async def photo(request: Request) -> Response:
    key = request.path_params["key"]
    path = photos.photo_path(key, thumbnail=request.path_params.get("size") == "thumb")
    if path is None:
        return Response(status_code=404)
    allowed, for_everyone = await asyncio.to_thread(_access, key, request.cookies.get(SESSION_COOKIE))
    if not allowed:
        return Response(status_code=404)
    # "public" lets the service worker keep it after a logout (assets/sw.js); a members-only
    # photo is wiped from the device at logout.
    return FileResponse(path, media_type="image/jpeg", headers={
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": f"{'public' if for_everyone else 'private'}, max-age=86400",
    })
