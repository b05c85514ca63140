"""Uploaded photos: checking, cleaning (upright, no metadata), storing and finding them on disk."""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from buuv_app.errors import ValidationError
from buuv_app.i18n import N_
from buuv_app.settings import PROJECT_ROOT

MAX_BYTES = 5 * 1024 * 1024
# Checked against the format Pillow detects from the content, never the client's name or MIME type.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# 40 megapixels decode to at most 160 MB (RGBA); a few kilobytes of PNG can claim far more.
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
THUMBNAIL_SIDE = 400
JPEG_QUALITY = 85

# secrets.token_urlsafe(24) gives exactly 32 characters from this alphabet.
_KEY_BYTES = 24
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")

_EMPTY = N_("Kies een foto.")
_TOO_LARGE = N_("Deze foto is groter dan {max} MB.")
_NOT_A_PHOTO = N_("Dit bestand is geen foto. Kies een JPEG-, PNG- of WebP-bestand.")
_TOO_MANY_PIXELS = N_("Deze foto is te groot (te veel pixels).")


@dataclass(frozen=True)
class StoredPhoto:
    key: str
    width: int
    height: int


def upload_dir() -> Path:
    """The folder that holds the photos (BUUV_UPLOAD_DIR, else data/uploads), created if missing."""
    folder = Path(os.environ.get("BUUV_UPLOAD_DIR") or (PROJECT_ROOT / "data" / "uploads"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_photo(*, data: bytes) -> StoredPhoto:
    """Check, re-encode and store an uploaded photo plus its thumbnail.

    Raises ValidationError("photo", ...) for an empty, too large or unreadable upload.
    """
    if not data:
        raise ValidationError("photo", _EMPTY)
    if len(data) > MAX_BYTES:
        raise ValidationError("photo", _TOO_LARGE, max=MAX_BYTES // (1024 * 1024))
    photo = _clean(_open_checked(data))
    thumbnail = photo.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))

    key = secrets.token_urlsafe(_KEY_BYTES)
    folder = upload_dir()
    _write_files(
        {
            folder / _file_name(key, thumbnail=False): _encode(photo),
            folder / _file_name(key, thumbnail=True): _encode(thumbnail),
        }
    )
    return StoredPhoto(key=key, width=photo.width, height=photo.height)


def photo_path(key: str, *, thumbnail: bool = False) -> Path | None:
    """The file of a stored photo, or None for an unknown or malformed key.

    Never a path outside upload_dir().
    """
    # The key comes from a URL: only what token_urlsafe produces can name a file, so no
    # separators, dots or NUL bytes ever reach the file system.
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        return None
    path = upload_dir() / _file_name(key, thumbnail=thumbnail)
    return path if path.is_file() else None


def delete_photo(key: str) -> None:
    """Remove a photo and its thumbnail; an unknown or malformed key is left alone."""
    for thumbnail in (False, True):
        path = photo_path(key, thumbnail=thumbnail)
        if path is not None:
            path.unlink(missing_ok=True)


def _file_name(key: str, *, thumbnail: bool) -> str:
    return f"{key}_thumb.jpg" if thumbnail else f"{key}.jpg"


def _open_checked(data: bytes) -> Image.Image:
    """The upload opened as an image of an allowed format and size, its structure verified."""
    probe = _opened(data)
    try:
        # Phones often write JPEGs with a second (depth or preview) picture; Pillow says MPO.
        detected = "JPEG" if probe.format == "MPO" else probe.format
        if detected not in ALLOWED_FORMATS:
            raise ValidationError("photo", _NOT_A_PHOTO)
        # Refused on the header's word, before a single pixel is decoded.
        if probe.width * probe.height > MAX_PIXELS:
            raise ValidationError("photo", _TOO_MANY_PIXELS)
        try:
            probe.verify()
        except Exception:  # noqa: BLE001 (whatever a decoder makes of hostile bytes, it is no photo)
            raise ValidationError("photo", _NOT_A_PHOTO) from None
    finally:
        probe.close()
    # verify() leaves the image unusable: Pillow wants it opened afresh for decoding.
    return _opened(data)


def _opened(data: bytes) -> Image.Image:
    try:
        # Only these decoders ever see the bytes: no EPS/PSD/... parser is reachable by an upload.
        return Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("photo", _TOO_MANY_PIXELS) from None
    except Exception:  # noqa: BLE001 (whatever a decoder makes of hostile bytes, it is no photo)
        raise ValidationError("photo", _NOT_A_PHOTO) from None


def _clean(image: Image.Image) -> Image.Image:
    """Decode at most MAX_SIDE px, stand it upright, make it sRGB and flatten it onto white.

    The result is a fresh RGB image: no EXIF (GPS, camera serial), no ICC profile, no text chunks.
    """
    try:
        if image.mode in ("I", "I;16", "I;16B", "I;16L"):
            # 16-bit grey would otherwise be clipped to white rather than scaled.
            image = image.convert("I").point(lambda value: value / 257).convert("L")
        elif image.mode not in ("RGB", "RGBA", "L", "LA"):
            # Palette, CMYK, 1-bit: resized smoothly only after conversion.
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        # Before exif_transpose, so a big JPEG is decoded at a reduced scale (thumbnail drafts).
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        # Broken EXIF only (the pixels are loaded by now): a sideways photo beats a refused one.
        with contextlib.suppress(Exception):
            image = ImageOps.exif_transpose(image)
        image = _to_srgb(image)
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("photo", _TOO_MANY_PIXELS) from None
    except Exception:  # noqa: BLE001 (truncated or corrupt pixel data)
        raise ValidationError("photo", _NOT_A_PHOTO) from None
    return canvas


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours converted to sRGB when the photo names another space (iPhones use Display P3).

    Dropping the profile without converting would leave such photos looking washed out.
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode=image.mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the colours as they are
    return converted if converted is not None else image


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _write_files(contents: dict[Path, bytes]) -> None:
    """Write every file completely to a temporary name first, then move them all into place.

    A crash or full disk never leaves half a JPEG under a real name.
    """
    temporary: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for target, data in contents.items():
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
            temporary[target] = Path(name)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            # mkstemp makes the file private; a web server in front may need to read it.
            os.chmod(name, 0o644)
        for target, name in temporary.items():
            os.replace(name, target)
            placed.append(target)
    except BaseException:
        # All or nothing: no photo without its thumbnail, no temporary files left behind.
        for name in [*temporary.values(), *placed]:
            name.unlink(missing_ok=True)
        raise


def sweep_orphans(*, session, older_than_seconds: float = 24 * 3600, now: float | None = None) -> int:
    """Delete photos that no post or profile uses and that are older than a day (uploaded, then never
    posted). Returns how many photos went."""
    from sqlmodel import col, select

    from buuv_app.models import Post, User

    now = now if now is not None else time.time()
    used = set(session.exec(select(Post.photo_key).where(col(Post.photo_key).is_not(None))).all())
    # Profile photos (services/profiles.py) are in use as long as their member keeps them.
    used |= set(session.exec(select(User.photo_key).where(col(User.photo_key).is_not(None))).all())
    removed = 0
    for path in upload_dir().glob("*.jpg"):
        key = path.stem.removesuffix("_thumb")
        if path.stem.endswith("_thumb") or key in used or not _KEY_PATTERN.fullmatch(key):
            continue
        if now - path.stat().st_mtime > older_than_seconds:
            delete_photo(key)
            removed += 1
    return removed
