"""Checks of the files officers attach to an opportunity, before anything is stored.

Photos go through the project's one photo check (``catalog.images``: type by content, byte and pixel
limits, re-encoded so that nothing but pixels is kept). Business plans must be PDF files: checked by
content (the ``%PDF-`` signature and an end-of-file marker), bounded in size, and refused when they
carry active content (JavaScript, launch actions, embedded files), which a business plan never needs.
Either way the stored name is generated; the uploader's file name is never used.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from catalog.images import ImageInvalid, image_validate_and_normalise
from investors.exceptions import DocumentInvalid

MAX_PDF_BYTES = 10 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia|XFA)\b")


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    content_type: str
    size: int


def _read_bounded(upload: IO[bytes], *, max_bytes: int) -> bytes:
    declared = getattr(upload, "size", None)
    too_large = DocumentInvalid(fields={"file": [_("The file is too large (at most %(mb)s MB).")
                                                 % {"mb": max_bytes // (1024 * 1024)}]})
    if isinstance(declared, int) and declared > max_bytes:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    buffer = bytearray()
    while chunk := upload.read(min(_READ_CHUNK, max_bytes + 1 - len(buffer))):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise too_large
    return bytes(buffer)


def pdf_check(*, upload: IO[bytes], max_bytes: int = MAX_PDF_BYTES) -> CheckedFile:
    """Return the uploaded business plan ready to store, or raise ``DocumentInvalid``."""
    data = _read_bounded(upload, max_bytes=max_bytes)
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise DocumentInvalid(fields={"file": [_("Upload the business plan as a PDF file.")]})
    if _ACTIVE.search(data):
        raise DocumentInvalid(fields={"file": [
            _("This PDF contains scripts, actions or embedded files; save it again as a plain PDF (print to PDF).")]})
    return CheckedFile(content=ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), content_type="application/pdf",
                       size=len(data))


def photo_check(*, upload: IO[bytes]) -> CheckedFile:
    """Return the uploaded photo checked and re-encoded (``catalog.images``), or raise ``DocumentInvalid``."""
    try:
        normalised = image_validate_and_normalise(upload=upload)
    except ImageInvalid as exc:
        raise DocumentInvalid(fields={"file": [str(exc.message)]}) from exc
    return CheckedFile(content=normalised.content, content_type=normalised.content_type, size=normalised.bytes)
