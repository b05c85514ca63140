"""GET /api/photos/<key> and /api/photos/<key>/thumb: a post's photo, for whoever may read the post.

Keys are unguessable. The photo follows its post's rule (posts.readable_by, through
posts.photo_access): a members-only post's photo needs a valid session cookie (the same session
token the app uses); a closed, withdrawn or deleted post's photo reaches only those who still read
the post; a member's profile photo only to members (services/profiles.py); a photo not (yet)
attached to any post or profile, such as the preview while writing one, is served to whoever holds
its key.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from buuv_app.db import session_scope
from buuv_app.services import permissions, photos, posts, sessions

SESSION_COOKIE = "buuv_session"


def _access(key: str, token: str | None) -> str | None:
    """Whom the photo reaches (posts.PHOTO_*), or None when this visitor may not see it."""
    with session_scope() as session:
        viewer = sessions.resolve_session(session=session, raw_token=token) if token else None
        return posts.photo_access(session=session, key=key, viewer=viewer)


# "no-cache" everywhere: the browser and the service worker ask again (a cheap 304) each time, so
# once the post closes the answer becomes a 404 and a kept copy goes (assets/sw.js). "public" lets
# the service worker keep it after a logout; a members-only photo is wiped from the device at
# logout; a photo only a few still see (a post no longer open, a preview) is never stored.
CACHE_CONTROL = {
    posts.PHOTO_PUBLIC: "public, no-cache",
    posts.PHOTO_MEMBERS: "private, no-cache",
    posts.PHOTO_PRIVATE: "private, no-store",
}


@permissions.public  # the check per photo is posts.photo_access: the photo follows its post
async def photo(request: Request) -> Response:
    key = request.path_params["key"]
    thumbnail = request.path_params.get("size") == "thumb"
    path = photos.photo_path(key, thumbnail=thumbnail)
    if path is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    reach = await asyncio.to_thread(_access, key, request.cookies.get(SESSION_COOKIE))
    if reach is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    # A key names one photo whose bytes never change: the key is its version.
    etag = f'"{key}{"-thumb" if thumbnail else ""}"'
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": CACHE_CONTROL[reach], "ETag": etag}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type="image/jpeg", headers=headers)
