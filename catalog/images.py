"""Check and normalise the photos producers upload for products and villages.

Producers send photos from phones, often over slow connections, and anything they send is
untrusted input that we later serve to every buyer. So an upload is never stored as sent:

1. its size is bounded before and while it is read (``ImageTooLarge``);
2. its type is detected from its content, never from its name or ``content_type``: only
   JPEG, PNG and WebP are accepted (``ImageTypeNotAllowed``);
3. its declared width x height is checked before a single pixel is decoded, so a
   decompression bomb (a small file that declares an enormous canvas) costs nothing
   (``ImageTooManyPixels``);
4. it is verified and then fully decoded, which catches truncated or corrupt files
   (``ImageCorrupt``);
5. it is turned upright from its EXIF orientation, converted to sRGB, downscaled to
   ``max_side`` on its long edge and re-encoded as WebP (JPEG when this Pillow has no WebP
   encoder). Re-encoding from bare pixels drops every piece of metadata (EXIF with GPS
   position, XMP, ICC, comments) and anything smuggled alongside the pixels, such as HTML
   appended to a JPEG or hidden in its comment, so the stored file is safe to serve.

Only Pillow is needed. Callers (services) store ``NormalisedImage.content`` and make the
thumbnails from it with ``image_thumbnail_make``.

Pillow's process-wide settings are read, never changed here, because changing them is not
thread-safe: ``Image.MAX_IMAGE_PIXELS`` still applies on top of ``max_pixels`` (Pillow
refuses more than twice that value while opening; we report it as ``ImageTooManyPixels``),
and ``ImageFile.LOAD_TRUNCATED_IMAGES`` must stay ``False`` (its default) for truncated
files to be refused.
"""
from __future__ import annotations

import io
import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, features

from market.core.errors import ApplicationError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2400
THUMBNAIL_SIZES = (160, 480, 960)
WEBP_QUALITY = 82
JPEG_QUALITY = 85

_READ_CHUNK = 64 * 1024
# The only formats we accept, each with the bytes its files start with. Pillow is then told
# to use that one plugin, so a file cannot reach any other of Pillow's many parsers.
_SIGNATURES = (
    ("JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("PNG", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ("WEBP", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
)
# What Pillow's decoders raise on malformed input (its own fuzzing tests expect these).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)
_SRGB = ImageCms.createProfile("sRGB") if features.check("littlecms2") else None


class ImageInvalid(ApplicationError):
    """The uploaded photo cannot be accepted; the subclass says why."""

    code = "image_invalid"
    default_message = _("This photo cannot be used. Try another photo.")

    def __init__(self, message=None, *, fields=None, code=None):
        message = message if message is not None else self.default_message
        super().__init__(message, fields=fields if fields is not None else {"image": [message]}, code=code)


class ImageTooLarge(ImageInvalid):
    code = "image_too_large"
    default_message = _("The photo is too large. Choose a smaller photo.")


class ImageTypeNotAllowed(ImageInvalid):
    code = "image_type_not_allowed"
    default_message = _("This file is not a photo we can use. Send a JPEG, PNG or WebP photo.")


class ImageTooManyPixels(ImageInvalid):
    code = "image_too_many_pixels"
    default_message = _("The photo has too many pixels. Choose a smaller photo.")


class ImageCorrupt(ImageInvalid):
    code = "image_corrupt"
    default_message = _("The photo is damaged or incomplete. Take or send it again.")


@dataclass(frozen=True)
class NormalisedImage:
    """A re-encoded photo, ready to store: ``content`` carries a generated, safe file name."""

    content: ContentFile
    width: int
    height: int
    format: str  # Pillow's name of the encoding: "WEBP", or "JPEG" without a WebP encoder
    bytes: int

    @property
    def content_type(self) -> str:
        return f"image/{self.format.lower()}"


def image_validate_and_normalise(
    *,
    upload: IO[bytes],
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_side: int = MAX_SIDE,
) -> NormalisedImage:
    """Check an uploaded photo and return it upright, bounded, stripped and re-encoded.

    ``upload`` is a Django ``UploadedFile`` or any binary file-like object. Raise an
    ``ImageInvalid`` subclass when the photo is too large, not a JPEG, PNG or WebP, has too
    many pixels, or is corrupt.
    """
    data = _read_bounded(upload, max_bytes=max_bytes)
    image_format = _sniff_format(data)

    # verify() checks the file's structure (PNG chunk checksums, for example) but leaves the
    # image unusable, so it is opened a second time to be decoded.
    with _open_bounded(data, image_format=image_format, max_pixels=max_pixels) as image:
        _decode_or_raise(image.verify)
    with _open_bounded(data, image_format=image_format, max_pixels=max_pixels) as image:
        _jpeg_draft(image, box=max_side)
        _decode_or_raise(image.load)
        pixels = _pixels_normalise(image)

    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _encode(pixels)


def image_thumbnail_make(*, source: bytes | IO[bytes], size: int) -> ContentFile:
    """Return a thumbnail of ``source`` that fits in a ``size`` x ``size`` square.

    The whole photo is kept (no cropping, so a product is never cut off) and it is never
    enlarged. ``source`` is meant to be a ``NormalisedImage.content`` (or its bytes); it is
    still opened with the same limits as an upload, so a thumbnail never decodes an
    unchecked file.
    """
    if size <= 0:
        raise ValueError(f"Thumbnail size must be positive, not {size}.")
    data = source if isinstance(source, bytes) else _read_bounded(source, max_bytes=MAX_BYTES)
    image_format = _sniff_format(data)
    with _open_bounded(data, image_format=image_format, max_pixels=MAX_PIXELS) as image:
        _jpeg_draft(image, box=size)
        _decode_or_raise(image.load)
        pixels = _pixels_normalise(image)
    pixels.thumbnail((size, size), Image.Resampling.LANCZOS)
    return _encode(pixels, name_suffix=f"-{size}").content


def _read_bounded(upload: IO[bytes], *, max_bytes: int) -> bytes:
    """Read the whole upload, refusing it as soon as it is known to exceed ``max_bytes``."""
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_large(max_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)
    # The declared size is not trusted (a file-like object may have none, or a wrong one):
    # count while reading, and read at most one byte past the limit.
    buffer = bytearray()
    while chunk := upload.read(min(_READ_CHUNK, max_bytes + 1 - len(buffer))):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(buffer)


def _too_large(max_bytes: int) -> ImageTooLarge:
    return ImageTooLarge(
        format_lazy(
            _("The photo is larger than {limit}. Choose a smaller photo, or a smaller photo size in your camera's settings."),
            limit=filesizeformat(max_bytes),
        )
    )


def _sniff_format(data: bytes) -> str:
    """Return the Pillow format name the content's first bytes announce, or refuse the file."""
    head = data[:16]
    for image_format, matches in _SIGNATURES:
        if matches(head):
            return image_format
    raise ImageTypeNotAllowed()


def _open_bounded(data: bytes, *, image_format: str, max_pixels: int) -> Image.Image:
    """Open ``data`` with one Pillow plugin and refuse it if its declared canvas is too big.

    ``Image.open`` reads only the header, so nothing has been decoded yet when the
    width x height is checked here.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own, process-wide limit; the Warning arrives as an exception only when
        # warnings are turned into errors.
        raise _too_many_pixels(max_pixels) from error
    except _DECODE_ERRORS as error:  # includes UnidentifiedImageError, an OSError
        raise ImageCorrupt() from error
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise _too_many_pixels(max_pixels, width=width, height=height)
    if image.format != image_format:  # cannot happen with formats=[...]; kept as a guard
        image.close()
        raise ImageTypeNotAllowed()
    return image


def _too_many_pixels(max_pixels: int, *, width: int | None = None, height: int | None = None) -> ImageTooManyPixels:
    limit = f"{max_pixels / 1_000_000:g}"
    if width is None or height is None:
        message = format_lazy(
            _("The photo has too many pixels. Choose a photo of at most {limit} megapixels."), limit=limit
        )
    else:
        message = format_lazy(
            _("The photo has too many pixels ({width} × {height}). Choose a photo of at most {limit} megapixels."),
            width=width,
            height=height,
            limit=limit,
        )
    return ImageTooManyPixels(message)


def _jpeg_draft(image: Image.Image, *, box: int) -> None:
    """Let libjpeg decode a large JPEG at 1/2, 1/4 or 1/8 scale when that still covers ``box``.

    A phone photo then needs a fraction of the memory and time to decode. The request is
    the size the photo will be reduced to (not the square box, which would rule out any
    scaling of a landscape or portrait photo); libjpeg never goes below it, and the
    LANCZOS resize that follows makes the final size.
    """
    if image.format != "JPEG":
        return
    width, height = image.size
    scale = box / max(width, height)
    if scale < 1:
        image.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))


def _decode_or_raise(step) -> None:
    try:
        step()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooManyPixels() from error
    except _DECODE_ERRORS as error:
        raise ImageCorrupt() from error


def _pixels_normalise(image: Image.Image) -> Image.Image:
    """Return the decoded image upright, in sRGB, as RGB or RGBA, with no metadata at all."""
    try:
        upright = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        # Malformed EXIF: the pixels are fine, only their orientation is unknown.
        upright = image.copy()
    icc_profile = image.info.get("icc_profile")

    if upright.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNG: scale to 8 bits, as a plain convert() would clip to white.
        upright = upright.point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    pixels = upright.convert("RGBA" if has_alpha else "RGB")
    if icc_profile:
        pixels = _to_srgb(pixels, icc_profile)

    # A new image built from the pixels alone carries no info dict (EXIF, XMP, ICC, comment,
    # PNG text chunks): encoders such as Pillow's JPEG one copy some of those from the
    # source otherwise.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    return clean


def _to_srgb(pixels: Image.Image, icc_profile: bytes) -> Image.Image:
    """Convert colours from the embedded profile to sRGB, the colour space browsers assume.

    Phones tag their photos with wide-gamut profiles (Display P3); dropping the profile
    without converting would make colours look washed out. A broken profile is ignored
    rather than refusing the photo: slightly wrong colours are better than no photo.
    """
    if _SRGB is None:
        return pixels
    alpha = pixels.getchannel("A") if pixels.mode == "RGBA" else None
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(pixels.convert("RGB"), source_profile, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return pixels
    if converted is None:
        return pixels
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _encode(pixels: Image.Image, *, name_suffix: str = "") -> NormalisedImage:
    """Encode RGB/RGBA pixels as WebP, or as JPEG (alpha flattened on white) without WebP."""
    output = io.BytesIO()
    if features.check("webp"):
        image_format, extension = "WEBP", "webp"
        # method=4 is libwebp's default trade-off between encoding time and file size.
        pixels.save(output, format="WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image_format, extension = "JPEG", "jpg"
        if pixels.mode == "RGBA":
            background = Image.new("RGB", pixels.size, (255, 255, 255))
            background.paste(pixels, mask=pixels.getchannel("A"))
            pixels = background
        pixels.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    content = output.getvalue()
    return NormalisedImage(
        content=ContentFile(content, name=f"{uuid.uuid4().hex}{name_suffix}.{extension}"),
        width=pixels.width,
        height=pixels.height,
        format=image_format,
        bytes=len(content),
    )
