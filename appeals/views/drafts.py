"""Forms with files that come back with an error keep the good files as drafts under the form's
token (the filing form, the answer, the clarification reply): the pieces those views share."""

import uuid
from collections.abc import Callable

from appeals.models import Attachment
from appeals.services.filing import remove_draft_upload
from core.actions import attempt
from core.input import parse_pks
from core.uploads import AttachmentError


def draft_key(request, field: str = "draft_key") -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(field, ""))
    except ValueError:
        return None


def remove_ticked(request, key: uuid.UUID | None) -> None:
    """The kept files the person ticked «удалить» go (only their own, only of this form)."""
    for attachment_id in parse_pks(request.POST.getlist("remove_draft")) if key else ():
        remove_draft_upload(citizen=request.user, draft_key=key, attachment_id=attachment_id)


def kept(request, key: uuid.UUID | None) -> list[Attachment]:
    if key is None:
        return []
    return list(
        Attachment.objects.filter(
            draft_key=key, appeal__isnull=True, answer__isnull=True, uploaded_by=request.user
        )
    )


def call_with_files(form, call: Callable[[], object]) -> bool:
    """Call the service; a refused file is explained at the file field, another refusal above
    the form. True when the service did it."""
    return attempt(call, form=form, fields={AttachmentError: "files"}).ok


def keep_good_files(request, form, key: uuid.UUID | None, keep: Callable[[list], list[str]]):
    """Keep the good uploads of a form that came back; each refused one is explained once."""
    uploads = request.FILES.getlist("files")
    if key and uploads:
        for problem in keep(uploads):
            if problem not in form.errors.get("files", []):
                form.add_error("files", problem)
