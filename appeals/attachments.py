"""Files attached to appeals and answers, stored after core.uploads has cleaned them."""

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from appeals.models import Answer, Appeal, Attachment
from core.uploads import AttachmentError, clean_upload

MAX_FILES_PER_APPEAL = 5


def store_attachment(
    *,
    upload: UploadedFile,
    uploaded_by: User | None,
    draft_key: uuid.UUID | None = None,
    appeal: Appeal | None = None,
    answer: Answer | None = None,
) -> Attachment:
    """Clean the upload and save it under a random name (`attachment_path`); the caller owns the transaction."""
    content, content_type, original_name = clean_upload(upload)
    attachment = Attachment(
        appeal=appeal,
        answer=answer,
        draft_key=draft_key,
        uploaded_by=uploaded_by,
        original_name=original_name,
        content_type=content_type,
        size=content.size,
    )
    attachment.file.save("upload", content, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no orphan file when the row cannot be written
        raise
    return attachment


def check_count(*, existing: int, adding: int) -> None:
    """Refuse more than MAX_FILES_PER_APPEAL files on one appeal."""
    if existing + adding > MAX_FILES_PER_APPEAL:
        raise AttachmentError(
            _("An appeal may have at most %(max)s files."), "too_many", max=MAX_FILES_PER_APPEAL
        )


def attachment_response(attachment: Attachment) -> FileResponse:
    """A download that browsers never render: an attachment, nosniff, and a sandbox CSP if they try."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
