"""Photos service: only real photos get in; they come out upright, small and without metadata."""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile

from buuv_app.errors import ValidationError
from buuv_app.services import photos

NOT_A_PHOTO = "Dit bestand is geen foto. Kies een JPEG-, PNG- of WebP-bestand."
TOO_MANY_PIXELS = "Deze foto is te groot (te veel pixels)."


@pytest.fixture(autouse=True)
def uploads(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(folder))
    return folder


def make_image(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", color="green", **save
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and header claiming `width` x `height`, with (almost) no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def open_stored(key: str, *, thumbnail: bool = False) -> Image.Image:
    path = photos.photo_path(key, thumbnail=thumbnail)
    assert path is not None
    image = Image.open(path)
    image.load()
    return image


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        photos.store_photo(data=data)
    assert caught.value.field == "photo"
    return caught.value


def assert_close(pixel, expected, tolerance=40):
    assert all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True)), pixel


def test_location_and_all_other_exif_are_removed_and_the_photo_is_stood_upright():
    # Stored sideways, as a phone held upright does: left half red, right half blue,
    # with orientation 6 ("rotate 90° clockwise to display").
    sideways = Image.new("RGB", (200, 100), "red")
    sideways.paste((0, 0, 255), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 9.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 29.0, 50.0),
    }
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif)
    uploaded = Image.open(io.BytesIO(buffer.getvalue()))
    assert uploaded.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo really has GPS

    stored = photos.store_photo(data=buffer.getvalue())

    assert (stored.width, stored.height) == (100, 200)
    for thumbnail in (False, True):
        image = open_stored(stored.key, thumbnail=thumbnail)
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "exif" not in image.info and "xmp" not in image.info
        assert image.size == (100, 200)
        assert_close(image.getpixel((50, 20)), (255, 0, 0))  # upright: what was left is on top
        assert_close(image.getpixel((50, 180)), (0, 0, 255))


def test_colour_profile_is_not_kept():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = make_image("JPEG", icc_profile=srgb)
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")

    stored = photos.store_photo(data=data)

    assert "icc_profile" not in open_stored(stored.key).info


def test_transparent_png_is_accepted_and_flattened_on_white():
    image = Image.new("RGBA", (80, 60), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 40, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    stored = photos.store_photo(data=buffer.getvalue())

    result = open_stored(stored.key)
    assert result.mode == "RGB"
    assert_close(result.getpixel((10, 30)), (200, 0, 0))
    assert_close(result.getpixel((70, 30)), (255, 255, 255))


def test_palette_png_with_transparency_is_flattened_on_white():
    image = Image.new("P", (40, 40), 0)
    image.putpalette([0, 0, 0, 0, 128, 0])
    image.paste(1, (0, 0, 20, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)

    result = open_stored(photos.store_photo(data=buffer.getvalue()).key)

    assert_close(result.getpixel((5, 20)), (0, 128, 0))
    assert_close(result.getpixel((35, 20)), (255, 255, 255))


def test_webp_is_accepted_and_stored_as_jpeg():
    stored = photos.store_photo(data=make_image("WEBP", size=(120, 90)))

    assert (stored.width, stored.height) == (120, 90)
    assert open_stored(stored.key).format == "JPEG"


def test_phone_jpeg_with_a_second_picture_is_accepted():
    # Many phones write MPO: a JPEG with an extra (depth or preview) picture behind it.
    first, second = Image.new("RGB", (64, 48), "red"), Image.new("RGB", (64, 48), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    stored = photos.store_photo(data=buffer.getvalue())

    assert_close(open_stored(stored.key).getpixel((32, 24)), (255, 0, 0))


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    assert refusal(make_image(fmt)).message == NOT_A_PHOTO


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, saved as holiday.jpg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"\xff\xd8\xff\xe0 looks like a JPEG for four bytes",
        b"\x89PNG\r\n\x1a\n but nothing after the signature",
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(data):
    assert refusal(data).message == NOT_A_PHOTO


def test_truncated_photo_is_refused():
    data = make_image("JPEG", size=(400, 300), color="orange")
    assert refusal(data[: len(data) // 2]).message == NOT_A_PHOTO


def test_upload_of_more_than_five_megabytes_is_refused():
    error = refusal(b"\xff\xd8\xff" + b"\0" * (photos.MAX_BYTES + 1 - 3))

    assert error.message == "Deze foto is groter dan {max} MB."
    assert error.params == {"max": 5}


def test_upload_of_exactly_five_megabytes_is_not_refused_for_its_size():
    # Padding after the end of a JPEG is ignored by decoders, so this is a real 5 MB photo.
    photo = make_image("JPEG")
    stored = photos.store_photo(data=photo + b"\0" * (photos.MAX_BYTES - len(photo)))
    assert photos.photo_path(stored.key) is not None


def test_empty_upload_is_refused():
    assert refusal(b"").message == "Kies een foto."


def test_image_claiming_too_many_pixels_is_refused_before_any_pixel_is_decoded(monkeypatch):
    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    # 64 megapixels: over our cap, under Pillow's own limit.
    assert refusal(png_header_only(8000, 8000)).message == TOO_MANY_PIXELS
    # A hundred million pixels: Pillow warns; ten billion: Pillow's own bomb guard refuses.
    with pytest.warns(Image.DecompressionBombWarning):
        assert refusal(png_header_only(10_000, 10_000)).message == TOO_MANY_PIXELS
    assert refusal(png_header_only(100_000, 100_000)).message == TOO_MANY_PIXELS


def test_pillow_decompression_bomb_limit_is_respected(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    assert refusal(make_image("PNG", size=(100, 100))).message == TOO_MANY_PIXELS


def test_thumbnail_is_stored_beside_the_photo_and_at_most_400_px(uploads):
    stored = photos.store_photo(data=make_image("PNG", size=(1000, 500)))

    thumbnail = open_stored(stored.key, thumbnail=True)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 200)
    assert sorted(os.listdir(uploads)) == sorted([f"{stored.key}.jpg", f"{stored.key}_thumb.jpg"])


def test_big_photo_is_scaled_down_to_at_most_1600_px():
    stored = photos.store_photo(data=make_image("JPEG", size=(3000, 4000)))

    assert (stored.width, stored.height) == (1200, 1600)
    assert open_stored(stored.key).size == (1200, 1600)


def test_small_photo_is_not_scaled_up():
    stored = photos.store_photo(data=make_image("JPEG", size=(300, 200)))
    assert (stored.width, stored.height) == (300, 200)


def test_keys_are_unguessable_and_differ_for_the_same_bytes():
    data = make_image("JPEG")

    first, second = photos.store_photo(data=data), photos.store_photo(data=data)

    assert first.key != second.key
    for key in (first.key, second.key):
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)  # 192 random bits


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../etc/passwd",
        "/etc/passwd",
        "..",
        "a" * 31 + "/",
        "../../../../../../../../etc/pass",  # 32 characters, but with separators
        "A" * 32,  # well-formed but never stored
        "A" * 33,
        "A" * 32 + "\n",
        "A" * 16 + "\0" + "A" * 15,
    ],
)
def test_photo_path_gives_none_for_traversal_malformed_and_unknown_keys(key):
    photos.store_photo(data=make_image("JPEG"))

    assert photos.photo_path(key) is None
    assert photos.photo_path(key, thumbnail=True) is None


def test_photo_path_stays_inside_the_upload_folder(uploads):
    stored = photos.store_photo(data=make_image("JPEG"))

    for thumbnail in (False, True):
        path = photos.photo_path(stored.key, thumbnail=thumbnail)
        assert path is not None and path.resolve().parent == uploads.resolve()


def test_delete_photo_removes_the_photo_and_its_thumbnail(uploads):
    kept = photos.store_photo(data=make_image("JPEG"))
    deleted = photos.store_photo(data=make_image("JPEG"))

    photos.delete_photo(deleted.key)

    assert photos.photo_path(deleted.key) is None
    assert photos.photo_path(deleted.key, thumbnail=True) is None
    assert photos.photo_path(kept.key) is not None
    assert sorted(os.listdir(uploads)) == sorted([f"{kept.key}.jpg", f"{kept.key}_thumb.jpg"])


def test_deleting_an_unknown_or_malformed_key_changes_nothing(uploads):
    kept = photos.store_photo(data=make_image("JPEG"))

    photos.delete_photo("A" * 32)
    photos.delete_photo("../" + kept.key)

    assert len(os.listdir(uploads)) == 2


def test_a_failed_write_leaves_no_files_behind(uploads, monkeypatch):
    real_replace = os.replace
    calls = []

    def replace_then_fail(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_then_fail)

    with pytest.raises(OSError):
        photos.store_photo(data=make_image("JPEG"))

    assert os.listdir(uploads) == []


def test_photos_no_post_uses_are_swept_after_a_day(session, tmp_path, monkeypatch):
    import os
    import time

    from buuv_app.services import photos as photo_service
    from tests.factories import make_post

    monkeypatch.setenv("BUUV_UPLOAD_DIR", str(tmp_path))
    image = Image.new("RGB", (50, 40), (1, 2, 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    used = photo_service.store_photo(data=buffer.getvalue())
    orphan = photo_service.store_photo(data=buffer.getvalue())
    fresh = photo_service.store_photo(data=buffer.getvalue())
    make_post(session, photo_key=used.key)
    day_ago = time.time() - 2 * 24 * 3600
    for key in (used.key, orphan.key):
        for thumb in (False, True):
            os.utime(photo_service.photo_path(key, thumbnail=thumb), (day_ago, day_ago))
    assert photo_service.sweep_orphans(session=session) == 1
    assert photo_service.photo_path(orphan.key) is None and photo_service.photo_path(orphan.key, thumbnail=True) is None
    assert photo_service.photo_path(used.key) is not None
    assert photo_service.photo_path(fresh.key) is not None
