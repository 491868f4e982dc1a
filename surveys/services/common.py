"""Helpers shared by the consultation services: the audit row, pictures and documents."""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from core.uploads import AttachmentError, clean_upload
from surveys import permissions
from surveys.errors import DomainError


def audit(*, actor, action: str, **changes) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor, action=action, changes=changes)


def check_manager(actor, item) -> None:
    if not permissions.can_manage(actor, item):
        raise DomainError(_("Only the organizers of this organization may change it."))


def check_organization(actor, organization) -> None:
    ids = permissions.organizer_organization_ids(actor)
    if ids is not None and organization.pk not in ids:
        raise DomainError(_("You may organize consultations only for the organizations you head."))


def clean_picture(upload: UploadedFile):
    """A JPEG or PNG re-encoded from pixels (no EXIF, no location); (content, safe name)."""
    content, content_type, name = clean_upload(upload)
    if not content_type.startswith("image/"):
        raise AttachmentError(_("«%(name)s» is not a JPEG or PNG picture."), "type", name=name)
    return content, name


def clean_document(upload: UploadedFile):
    """A PDF as it is, or an image re-encoded; (content, content type, safe name)."""
    return clean_upload(upload)
