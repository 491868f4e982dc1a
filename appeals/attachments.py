"""Files attached to appeals and answers, stored after core.uploads has cleaned them."""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import User
from appeals.models import Answer, Appeal, Attachment, DocumentRequest
from core.uploads import IMAGE_CONTENT_TYPES, AttachmentError, clean_upload

MAX_FILES_PER_APPEAL = 5


def store_attachment(
    *,
    upload: UploadedFile,
    uploaded_by: User | None,
    draft_key: uuid.UUID | None = None,
    appeal: Appeal | None = None,
    answer: Answer | None = None,
    document_request: DocumentRequest | None = None,
) -> Attachment:
    """Clean the upload and save it under a random name (`attachment_path`); the caller owns the transaction."""
    content, content_type, original_name = clean_upload(upload)
    attachment = Attachment(
        appeal=appeal,
        answer=answer,
        document_request=document_request,
        draft_key=draft_key,
        uploaded_by=uploaded_by,
        original_name=original_name,
        content_type=content_type,
        size=content.size,
    )
    image = content.read() if is_image(attachment) else b""
    content.seek(0)
    attachment.file.save("upload", content, save=False)
    try:
        _attach_thumbnail(attachment, image)
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no orphan file when the row cannot be written
        if attachment.thumbnail:
            attachment.thumbnail.delete(save=False)
        raise
    return attachment


def store_uploads(*, uploads, uploaded_by: User, appeal: Appeal) -> list[Attachment]:
    """Store every upload of a form on `appeal`, or none: a refused file raises AttachmentError,
    the caller's transaction rolls the rows back, and the files already written are deleted here
    (they would stay on disk without their rows)."""
    stored = []
    try:
        for upload in uploads:
            stored.append(store_attachment(upload=upload, uploaded_by=uploaded_by, appeal=appeal))
    except AttachmentError:
        for attachment in stored:
            attachment.file.delete(save=False)
            if attachment.thumbnail:
                attachment.thumbnail.delete(save=False)
        raise
    return stored


def check_count(*, existing: int, adding: int) -> None:
    """Refuse more than MAX_FILES_PER_APPEAL files on one appeal."""
    if existing + adding > MAX_FILES_PER_APPEAL:
        raise AttachmentError(
            _("An appeal may have at most %(max)s files."), "too_many", max=MAX_FILES_PER_APPEAL
        )


def attachment_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """A download that browsers never render: an attachment, nosniff, and a sandbox CSP if they try.

    `inline` shows an image in the browser (the full photo behind a thumbnail): only for images,
    which were decoded and encoded afresh, so the bytes are a plain JPEG or PNG.
    """
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not (inline and is_image(attachment)),
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Thumbnails: a small JPEG beside each image, made once ---------------------------------------

THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_CONTENT_TYPE = "image/jpeg"


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in IMAGE_CONTENT_TYPES


def make_thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_SIZE of an already cleaned image (transparency on white)."""
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", THUMBNAIL_SIZE)
        img.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
            rgba = img.convert("RGBA")
            img = Image.new("RGB", rgba.size, "white")
            img.paste(rgba, mask=rgba.getchannel("A"))
        elif img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def _attach_thumbnail(attachment: Attachment, data: bytes) -> None:
    if data and not attachment.thumbnail:
        attachment.thumbnail.save("thumbnail", ContentFile(make_thumbnail(data)), save=False)


def ensure_thumbnail(attachment: Attachment) -> bool:
    """Give an image stored before thumbnails existed its thumbnail; False for other files.

    Made at most once: the row is updated only while it still has none, so two first requests at
    once leave one thumbnail (the loser's file is removed).
    """
    if not is_image(attachment):
        return False
    if attachment.thumbnail:
        return True
    with attachment.file.open("rb") as original:
        _attach_thumbnail(attachment, original.read())
    claimed = Attachment.objects.filter(pk=attachment.pk, thumbnail="").update(
        thumbnail=attachment.thumbnail.name
    )
    if not claimed:
        attachment.thumbnail.delete(save=False)
        attachment.refresh_from_db(fields=["thumbnail"])
    return True


def thumbnail_response(attachment: Attachment) -> FileResponse:
    """The thumbnail of an image attachment, for an <img> of a page that checked access."""
    response = FileResponse(attachment.thumbnail.open("rb"), content_type=THUMBNAIL_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "private, no-store"  # as the file: nothing left on a shared computer
    )
    return response
