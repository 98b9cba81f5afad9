"""The photo pipeline: every accepted upload comes out upright, bounded, stripped and re-encoded.

The corpus is generated here with Pillow (no binary fixtures). No database is used.
"""
from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, features

from catalog import images
from catalog.images import (
    THUMBNAIL_SIZES,
    ImageCorrupt,
    ImageInvalid,
    ImageTooLarge,
    ImageTooManyPixels,
    ImageTypeNotAllowed,
    image_thumbnail_make,
    image_validate_and_normalise,
)
from market.core.errors import ApplicationError

RED = (255, 0, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)
WEBP_NAME = re.compile(r"^[0-9a-f]{32}\.webp$")


# --- corpus -------------------------------------------------------------------------------


def encoded(image: Image.Image, image_format: str, **params) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **params)
    return output.getvalue()


def halves(size: tuple[int, int], left=RED, right=BLUE, mode="RGB") -> Image.Image:
    """Return an image whose left half is ``left`` and right half ``right``: shows rotation."""
    image = Image.new(mode, size, right)
    image.paste(Image.new(mode, (size[0] // 2, size[1]), left), (0, 0))
    return image


def noisy_jpeg(size=(256, 256)) -> bytes:
    """Return a JPEG whose entropy-coded data is long enough to be cut in the middle."""
    noise = Image.merge("RGB", [Image.effect_noise(size, 80) for _ in range(3)])
    return encoded(noise, "JPEG", quality=95)


def png_declaring(width: int, height: int) -> bytes:
    """Return a valid 1-bit black PNG of ``width`` x ``height``, built row by row.

    Zeros compress about 1000:1, so a canvas of hundreds of millions of pixels is a file of a
    few dozen kilobytes: the shape of a decompression bomb. Building it by hand keeps the
    test from ever holding the pixels in memory.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte "none", then the packed pixels
    rows_per_block = 256
    idat = bytearray()
    for start in range(0, height, rows_per_block):
        idat += compressor.compress(row * min(rows_per_block, height - start))
    idat += compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b"")


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def opened(content: ContentFile) -> Image.Image:
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def near(pixel, expected, tolerance=12) -> bool:
    """Lossy encoders move colours a little; a pixel is ``expected`` within ``tolerance``."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


@pytest.fixture
def without_webp_encoder(monkeypatch):
    """Run the pipeline as on a Pillow built without libwebp (it cannot be uninstalled here)."""
    real_check = features.check
    monkeypatch.setattr(images.features, "check", lambda feature: False if feature == "webp" else real_check(feature))


# --- accepted photos ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "name", "content_type"),
    [("JPEG", "kopi.jpg", "image/jpeg"), ("PNG", "kopi.png", "image/png"), ("WEBP", "kopi.webp", "image/webp")],
)
def test_jpeg_png_and_webp_are_reencoded_as_webp(image_format, name, content_type):
    # given
    source = encoded(halves((640, 480)), image_format)

    # when
    result = image_validate_and_normalise(upload=upload(source, name, content_type))

    # then
    assert (result.width, result.height, result.format) == (640, 480, "WEBP")
    assert result.content_type == "image/webp"
    assert WEBP_NAME.match(result.content.name)
    content = result.content.read()
    assert result.bytes == len(content) == result.content.size
    assert content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    output = opened(result.content)
    assert (output.format, output.mode, output.size) == ("WEBP", "RGB", (640, 480))
    assert near(output.getpixel((10, 240)), RED)
    assert near(output.getpixel((630, 240)), BLUE)


def test_type_is_detected_from_content_not_from_name():
    # given: a real PNG sent with a JPEG name and content type
    source = encoded(halves((64, 48)), "PNG")

    # when
    result = image_validate_and_normalise(upload=upload(source, "photo.jpg", "image/jpeg"))

    # then
    assert (result.width, result.height, result.format) == (64, 48, "WEBP")


def test_generated_names_are_unique():
    source = encoded(halves((32, 32)), "PNG")

    first = image_validate_and_normalise(upload=upload(source, "../../etc/passwd.png"))
    second = image_validate_and_normalise(upload=upload(source, "../../etc/passwd.png"))

    assert WEBP_NAME.match(first.content.name) and WEBP_NAME.match(second.content.name)
    assert first.content.name != second.content.name


def test_exif_orientation_is_applied_and_all_metadata_is_stripped():
    # given: a landscape JPEG stored sideways (orientation 6: rotate 90° clockwise to show),
    # carrying GPS position, XMP, an ICC profile and a comment
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (8.0, 10.0, 22.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 42.0, 5.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>8,10.37S</exif:GPSLatitude></x:xmpmeta>'
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encoded(
        halves((60, 40)), "JPEG", quality=95, exif=exif.tobytes(), xmp=xmp, icc_profile=srgb, comment=b"Desa Sukorambi"
    )
    stored = Image.open(io.BytesIO(source))
    assert stored.size == (60, 40)
    assert stored.getexif()[ExifTags.Base.Orientation] == 6
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "S"
    assert {"exif", "xmp", "icc_profile", "comment"} <= stored.info.keys()

    # when
    result = image_validate_and_normalise(upload=upload(source))

    # then: upright, so the stored left half (red) is now on top
    assert (result.width, result.height) == (40, 60)
    output = opened(result.content)
    assert output.size == (40, 60)
    assert near(output.getpixel((20, 5)), RED)
    assert near(output.getpixel((20, 54)), BLUE)
    assert dict(output.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & output.info.keys()
    content = result.content.read()
    for trace in (b"Exif", b"EXIF", b"XMP ", b"xmpmeta", b"ICCP", b"PhoneMaker", b"Sukorambi"):
        assert trace not in content


def test_photo_with_a_broken_icc_profile_is_still_accepted():
    source = encoded(halves((40, 30)), "JPEG", icc_profile=b"not an ICC profile at all")

    result = image_validate_and_normalise(upload=upload(source))

    assert (result.width, result.height) == (40, 30)
    assert "icc_profile" not in opened(result.content).info


def test_png_alpha_is_kept_in_webp():
    # given: left half fully transparent, right half opaque red
    source = encoded(halves((100, 80), left=(0, 0, 0, 0), right=(255, 0, 0, 255), mode="RGBA"), "PNG")

    # when
    result = image_validate_and_normalise(upload=upload(source, "logo.png", "image/png"))

    # then
    output = opened(result.content)
    assert (output.mode, output.size) == ("RGBA", (100, 80))
    assert output.getpixel((10, 40))[3] == 0
    assert output.getpixel((90, 40))[3] == 255
    assert near(output.getpixel((90, 40))[:3], RED)


def test_palette_png_with_transparency_keeps_alpha():
    rgba = halves((40, 40), left=(0, 0, 0, 0), right=(0, 0, 255, 255), mode="RGBA")
    source = encoded(rgba.convert("P"), "PNG", transparency=rgba.convert("P").getpixel((0, 0)))
    assert Image.open(io.BytesIO(source)).mode == "P"

    result = image_validate_and_normalise(upload=upload(source, "logo.png"))

    output = opened(result.content)
    assert output.mode == "RGBA"
    assert output.getpixel((5, 20))[3] == 0
    assert output.getpixel((35, 20))[3] == 255


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    source = encoded(Image.new("I;16", (20, 20), 40000), "PNG")

    result = image_validate_and_normalise(upload=upload(source, "scan.png"))

    # 40000 / 256 = 156.25; a naive conversion would clip it to 255
    assert near(opened(result.content).getpixel((10, 10)), (156, 156, 156), tolerance=3)


def test_without_webp_encoder_photo_is_reencoded_as_jpeg_with_alpha_on_white(without_webp_encoder):
    source = encoded(halves((100, 80), left=(0, 0, 0, 0), right=(255, 0, 0, 255), mode="RGBA"), "PNG")

    result = image_validate_and_normalise(upload=upload(source, "logo.png"))

    assert (result.format, result.content_type, result.width, result.height) == ("JPEG", "image/jpeg", 100, 80)
    assert re.match(r"^[0-9a-f]{32}\.jpg$", result.content.name)
    output = opened(result.content)
    assert (output.format, output.mode) == ("JPEG", "RGB")
    assert near(output.getpixel((10, 40)), WHITE)
    assert near(output.getpixel((90, 40)), RED)


# --- size and pixel limits ----------------------------------------------------------------


def test_large_photo_is_downscaled_to_2400_on_its_long_edge():
    source = encoded(halves((4800, 3200)), "JPEG", quality=80)

    result = image_validate_and_normalise(upload=upload(source))

    assert (result.width, result.height) == (2400, 1600)
    assert opened(result.content).size == (2400, 1600)


@pytest.mark.parametrize(
    ("size", "max_side", "expected"),
    [
        ((1000, 3000), 600, (200, 600)),  # portrait: the long edge is the height
        ((3000, 1000), 600, (600, 200)),
        ((600, 600), 600, (600, 600)),  # exactly at the limit: unchanged
        ((300, 200), 600, (300, 200)),  # small photos are never enlarged
    ],
)
def test_downscaling_bounds_the_long_edge(size, max_side, expected):
    source = encoded(halves(size), "PNG")

    result = image_validate_and_normalise(upload=upload(source, "photo.png"), max_side=max_side)

    assert (result.width, result.height) == expected
    assert opened(result.content).size == expected


def test_upload_over_8_mb_is_refused_before_it_is_read():
    # given: 8 MiB and one byte, starting like a JPEG
    source = upload(b"\xff\xd8\xff" + bytes(8 * 1024 * 1024 - 2))

    # when
    with translation.override("en"):
        with pytest.raises(ImageTooLarge) as raised:
            image_validate_and_normalise(upload=source)
        message = str(raised.value.message)

    # then
    assert raised.value.code == "image_too_large"
    assert message == (
        "The photo is larger than 8.0\xa0MB. Choose a smaller photo, or a smaller photo size in your camera's settings."
    )
    assert {key: [str(m) for m in value] for key, value in raised.value.fields.items()} == {"image": [message]}
    assert source.tell() == 0  # refused from its declared size, nothing read


def test_upload_at_the_byte_limit_is_accepted():
    source = encoded(halves((64, 48)), "PNG")

    result = image_validate_and_normalise(upload=upload(source), max_bytes=len(source))

    assert (result.width, result.height) == (64, 48)


def test_upload_with_a_wrong_declared_size_is_refused_while_reading():
    # given: a file that claims 10 bytes but holds more than the limit
    content = noisy_jpeg()
    source = upload(content)
    source.size = 10
    limit = len(content) // 2

    # when / then
    with pytest.raises(ImageTooLarge):
        image_validate_and_normalise(upload=source, max_bytes=limit)
    assert source.tell() == limit + 1  # read stopped one byte past the limit


def test_decompression_bomb_is_refused_without_decoding():
    # given: 20000 x 20000 = 400 million pixels in a few dozen kilobytes
    bomb = png_declaring(20_000, 20_000)
    assert len(bomb) < 100_000

    # when / then: Pillow's own limit refuses it while reading the header; a decoding
    # attempt would need 400 MB and end in ImageCorrupt or success, not this error
    with pytest.raises(ImageTooManyPixels) as raised:
        image_validate_and_normalise(upload=upload(bomb, "photo.png", "image/png"))
    assert raised.value.code == "image_too_many_pixels"


def test_canvas_over_40_megapixels_is_refused_with_its_size():
    # given: 48 million pixels, under Pillow's own warning threshold (about 89 million)
    bomb = png_declaring(8000, 6000)

    # when
    with translation.override("en"):
        with pytest.raises(ImageTooManyPixels) as raised:
            image_validate_and_normalise(upload=upload(bomb, "photo.png", "image/png"))
        message = str(raised.value.message)

    # then
    assert message == "The photo has too many pixels (8000 × 6000). Choose a photo of at most 40 megapixels."


def test_max_pixels_is_inclusive():
    source = encoded(halves((100, 100)), "PNG")

    assert image_validate_and_normalise(upload=upload(source), max_pixels=10_000).width == 100
    with pytest.raises(ImageTooManyPixels):
        image_validate_and_normalise(upload=upload(source), max_pixels=9_999)


# --- refused files ------------------------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>'
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        pytest.param(HTML, "photo.jpg", "image/jpeg", id="html-named-jpg"),
        pytest.param(SVG, "photo.svg", "image/svg+xml", id="svg"),
        pytest.param(SVG, "photo.png", "image/png", id="svg-named-png"),
        pytest.param(PDF, "photo.jpg", "image/jpeg", id="pdf-named-jpg"),
        pytest.param(encoded(halves((20, 20)), "GIF"), "photo.gif", "image/gif", id="gif"),
        pytest.param(encoded(halves((20, 20)), "BMP"), "photo.jpg", "image/jpeg", id="bmp-named-jpg"),
        pytest.param(encoded(halves((20, 20)), "TIFF"), "photo.jpg", "image/jpeg", id="tiff-named-jpg"),
        pytest.param(b"RIFF\x10\x00\x00\x00WAVEfmt ", "photo.webp", "image/webp", id="riff-wave"),
        pytest.param(b"", "photo.jpg", "image/jpeg", id="empty"),
    ],
)
def test_files_that_are_not_jpeg_png_or_webp_are_refused(content, name, content_type):
    with translation.override("en"):
        with pytest.raises(ImageTypeNotAllowed) as raised:
            image_validate_and_normalise(upload=upload(content, name, content_type))
        message = str(raised.value.message)

    assert message == "This file is not a photo we can use. Send a JPEG, PNG or WebP photo."
    assert raised.value.code == "image_type_not_allowed"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(noisy_jpeg()[: len(noisy_jpeg()) * 6 // 10], id="truncated-jpeg"),
        pytest.param(encoded(Image.effect_noise((128, 128), 80), "PNG")[:-200], id="truncated-png"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"garbage" * 50, id="jpeg-signature-then-garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, id="png-signature-then-zeros"),
    ],
)
def test_truncated_or_corrupt_photos_are_refused(content):
    with pytest.raises(ImageCorrupt) as raised:
        image_validate_and_normalise(upload=upload(content))
    assert raised.value.code == "image_corrupt"


def test_png_with_a_bad_checksum_is_refused():
    # given: pixel data intact but the IDAT chunk's CRC damaged; decoding alone would not
    # notice, only verify() does
    source = bytearray(encoded(halves((40, 40)), "PNG"))
    idat = source.index(b"IDAT")
    (length,) = struct.unpack(">I", source[idat - 4 : idat])
    source[idat + 4 + length] ^= 0xFF
    damaged = Image.open(io.BytesIO(bytes(source)))
    damaged.load()
    assert damaged.size == (40, 40)

    # when / then
    with pytest.raises(ImageCorrupt):
        image_validate_and_normalise(upload=upload(bytes(source), "photo.png"))


# --- polyglots ----------------------------------------------------------------------------

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def html_jpeg_polyglot() -> bytes:
    """Return a valid JPEG with HTML in its comment segment and after its end marker."""
    polyglot = encoded(halves((64, 48)), "JPEG", comment=SCRIPT) + SCRIPT
    assert Image.open(io.BytesIO(polyglot)).format == "JPEG"
    assert polyglot.count(b"<script") == 2
    return polyglot


def test_html_jpeg_polyglot_comes_out_clean():
    result = image_validate_and_normalise(upload=upload(html_jpeg_polyglot()))

    content = result.content.read()
    assert (result.width, result.height, result.format) == (64, 48, "WEBP")
    assert b"<script" not in content
    assert b"<html" not in content


def test_html_jpeg_polyglot_comes_out_clean_as_jpeg(without_webp_encoder):
    # Pillow's JPEG encoder copies the source's comment unless told otherwise.
    result = image_validate_and_normalise(upload=upload(html_jpeg_polyglot()))

    content = result.content.read()
    assert result.format == "JPEG"
    assert b"<script" not in content
    assert b"<html" not in content
    assert "comment" not in opened(result.content).info


# --- thumbnails ---------------------------------------------------------------------------


def test_thumbnail_sizes():
    assert THUMBNAIL_SIZES == (160, 480, 960)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(160, (160, 107)), (480, (480, 320)), (960, (960, 640))],
)
def test_thumbnails_fit_in_their_square_without_cropping(size, expected):
    # given
    photo = image_validate_and_normalise(upload=upload(encoded(halves((1200, 800)), "JPEG")))

    # when
    thumbnail = image_thumbnail_make(source=photo.content, size=size)

    # then
    assert re.match(rf"^[0-9a-f]{{32}}-{size}\.webp$", thumbnail.name)
    output = opened(thumbnail)
    assert (output.format, output.size) == ("WEBP", expected)
    assert near(output.getpixel((2, expected[1] // 2)), RED)  # both halves kept: nothing cropped
    assert near(output.getpixel((expected[0] - 3, expected[1] // 2)), BLUE)


def test_thumbnail_of_a_portrait_photo_from_bytes():
    photo = image_validate_and_normalise(upload=upload(encoded(halves((600, 1200)), "PNG")))

    thumbnail = image_thumbnail_make(source=photo.content.read(), size=160)

    assert opened(thumbnail).size == (80, 160)


def test_thumbnail_never_enlarges_a_small_photo():
    thumbnail = image_thumbnail_make(source=encoded(halves((100, 50)), "PNG"), size=960)

    assert opened(thumbnail).size == (100, 50)


def test_thumbnail_keeps_alpha():
    source = encoded(halves((200, 200), left=(0, 0, 0, 0), right=(255, 0, 0, 255), mode="RGBA"), "PNG")

    output = opened(image_thumbnail_make(source=source, size=160))

    assert (output.mode, output.size) == ("RGBA", (160, 160))
    assert output.getpixel((5, 80))[3] == 0
    assert output.getpixel((155, 80))[3] == 255


def test_thumbnail_refuses_what_an_upload_would_refuse():
    with pytest.raises(ImageTypeNotAllowed):
        image_thumbnail_make(source=HTML, size=160)
    with pytest.raises(ImageTooManyPixels):
        image_thumbnail_make(source=png_declaring(20_000, 20_000), size=160)


def test_thumbnail_size_must_be_positive():
    with pytest.raises(ValueError):
        image_thumbnail_make(source=encoded(halves((10, 10)), "PNG"), size=0)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ImageInvalid, "image_invalid"),
        (ImageTooLarge, "image_too_large"),
        (ImageTypeNotAllowed, "image_type_not_allowed"),
        (ImageTooManyPixels, "image_too_many_pixels"),
        (ImageCorrupt, "image_corrupt"),
    ],
)
def test_errors_belong_to_one_family_with_stable_codes(error, code):
    raised = error()

    assert isinstance(raised, ImageInvalid) and isinstance(raised, ApplicationError)
    assert raised.code == code
    assert raised.fields == {"image": [raised.default_message]}
