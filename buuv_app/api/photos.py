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


def _allowed(key: str, token: str | None) -> bool:
    with session_scope() as session:
        post = session.exec(select(Post).where(Post.photo_key == key)).first()
        if post is None or post.visibility == Visibility.EVERYONE.value:
            return True
        viewer = sessions.resolve_session(session=session, raw_token=token)
        allowed = permissions.is_member(viewer)
        if not allowed:
            permissions.refuse(viewer, "view_photo", f"post={post.id}")
        return allowed


@permissions.public  # the check per photo is in _allowed: members-only posts need a session
async def photo(request: Request) -> Response:
    key = request.path_params["key"]
    path = photos.photo_path(key, thumbnail=request.path_params.get("size") == "thumb")
    if path is None or not await asyncio.to_thread(_allowed, key, request.cookies.get(SESSION_COOKIE)):
        return Response(status_code=404)
    return FileResponse(path, media_type="image/jpeg", headers={
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=86400",
    })
