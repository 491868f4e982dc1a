"""Uploaded files, checked by content; images re-encoded without metadata.

A citizen's photo carries EXIF: the GPS position of their home, the phone model, the time it was
taken. Staff of organizations and, for public appeals, anyone may see the file, so images are
decoded and encoded afresh from pixels only. The type is decided by magic bytes, never by the
client's name or Content-Type, so HTML or SVG renamed to .jpg is refused instead of served.
"""

import io
import os
import re
import unicodedata
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from core.errors import DomainError

MAX_FILE_SIZE = 10 * 1024 * 1024
ALLOWED_TYPES = {"image/jpeg", "image/png", "application/pdf"}
MAX_IMAGE_PIXELS = 40_000_000  # decoded RGBA that big is 160 MB of memory per request
MAX_IMAGE_SIDE = 4096  # larger photos are downscaled: nobody needs more to see a pothole
NAME_MAX_LENGTH = 150

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
_PILLOW_FORMATS = {"image/jpeg": ("JPEG", {"JPEG", "MPO"}), "image/png": ("PNG", {"PNG"})}
# The content types that are pictures (re-encoded here; thumbnails are made of them).
IMAGE_CONTENT_TYPES = frozenset(_PILLOW_FORMATS)
_PNG_MODES = {"1", "L", "LA", "RGB", "RGBA", "I", "I;16"}
_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')
_EXTENSION_LIKE = re.compile(r"\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,5}")
_lazy_format = lazy(lambda message, params: str(message) % params, str)


class AttachmentError(DomainError):
    """A refused file. A DomainError, so the services' callers show `.message` like any other refusal.

    `.message` is translated lazily, in the language active when it is shown; `code` is for forms.
    """

    def __init__(self, message: str | Promise, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(_lazy_format(message, params) if params else message)

    def __str__(self) -> str:
        return str(self.message)


def sniff_content_type(head: bytes) -> str | None:
    """The type by magic bytes; None for anything not JPEG, PNG or PDF (HTML, SVG, GIF, zip, empty)."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def _client_name(name: str | None) -> str:
    """The basename of the client's name without path, control or bidi-override characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: control characters, and format ones like U+202E that make "gpj.exe" look like "exe.jpg".
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _UNSAFE_CHARS.sub("_", name).strip(" .")
    return name[:NAME_MAX_LENGTH] or "file"


def _safe_name(display_name: str, content_type: str) -> str:
    """The client's name with the extension of the real type, at most NAME_MAX_LENGTH characters."""
    stem, extension = os.path.splitext(display_name)
    if not _EXTENSION_LIKE.fullmatch(extension):
        stem += extension
    extension = _EXTENSIONS[content_type]
    stem = stem.rstrip(" .")[: NAME_MAX_LENGTH - len(extension)].rstrip(" .") or "file"
    return stem + extension


def _pixels_only(img: Image.Image, content_type: str) -> Image.Image:
    """A new image with the same pixels and an empty `info`: no EXIF, ICC, XMP, text or comment."""
    if content_type == "image/jpeg":
        if img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
    elif img.mode not in _PNG_MODES or "transparency" in img.info:
        img = img.convert("RGBA" if "transparency" in img.info or "A" in img.mode else "RGB")
    return Image.frombytes(img.mode, img.size, img.tobytes())


def _reencode_image(data: bytes, content_type: str, name: str) -> bytes:
    """Decode and encode the image afresh: the only way to be sure no metadata survives."""
    pillow_format, accepted_formats = _PILLOW_FORMATS[content_type]
    too_big = AttachmentError(
        _("«%(name)s» is too large an image: at most %(max)s megapixels are accepted."),
        "too_many_pixels",
        name=name,
        max=MAX_IMAGE_PIXELS // 1_000_000,
    )
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as probe:
            # The header alone gives the size: refuse a decompression bomb before decoding it.
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise too_big
            if probe.format not in accepted_formats:
                raise AttachmentError(
                    _("«%(name)s» cannot be read as an image."), "unreadable", name=name
                )
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as img:
            if pillow_format == "JPEG" and max(img.size) > MAX_IMAGE_SIDE:
                # Decode a large JPEG at 1/2, 1/4… of its size when that is still big enough.
                img.draft(None, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            img.load()
            oriented = ImageOps.exif_transpose(img)  # the rotation is lost with EXIF: apply it now
            oriented.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
            clean = _pixels_only(oriented, content_type)
        out = io.BytesIO()
        if pillow_format == "JPEG":
            clean.save(out, "JPEG", quality=85, optimize=True)
        else:
            clean.save(out, "PNG", optimize=True)
    except AttachmentError:
        raise
    except Image.DecompressionBombError:
        raise too_big from None
    except Exception:
        # Pillow's parsers raise OSError, SyntaxError, ValueError, struct.error… on malformed input.
        raise AttachmentError(
            _("«%(name)s» cannot be read as an image."), "unreadable", name=name
        ) from None
    return out.getvalue()


def clean_upload(upload: UploadedFile) -> tuple[ContentFile, str, str]:
    """Check an uploaded file; return its safe content, real content type and safe original name."""
    name = _client_name(upload.name)
    too_large = AttachmentError(
        _("«%(name)s» is larger than %(limit)s MB."),
        "too_large",
        name=name,
        limit=MAX_FILE_SIZE // (1024 * 1024),
    )
    empty = AttachmentError(_("«%(name)s» is empty."), "empty", name=name)
    if upload.size == 0:
        raise empty
    if upload.size is not None and upload.size > MAX_FILE_SIZE:
        raise too_large  # before reading: a huge upload never reaches memory
    upload.seek(0)
    data = upload.read(MAX_FILE_SIZE + 1)
    if not data:
        raise empty
    if len(data) > MAX_FILE_SIZE:
        raise too_large
    content_type = sniff_content_type(data[:16])
    if content_type not in ALLOWED_TYPES:
        raise AttachmentError(_("«%(name)s» is not a JPEG, PNG or PDF file."), "type", name=name)
    if content_type != "application/pdf":
        # PDFs are kept as they are: no reliable sanitiser; they are only served as downloads with nosniff.
        data = _reencode_image(data, content_type, name)
    return ContentFile(data), content_type, _safe_name(name, content_type)
