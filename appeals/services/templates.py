"""Answer templates of an organization: written, edited and removed by its heads.

Every change is recorded in the audit log (`accounts.models.AuditEvent`), since templates live
outside the timeline of any appeal.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from appeals.models import AnswerTemplate
from core.errors import DomainError, NotAllowed
from organizations.models import Membership, Organization
from organizations.selectors import staff_organizations

TITLE_MAX_LENGTH = AnswerTemplate._meta.get_field("title").max_length
TEXT_MAX_LENGTH = AnswerTemplate._meta.get_field("text").max_length


class DuplicateTemplateTitle(DomainError):
    """The organization already has a template with this title."""

    def __init__(self):
        super().__init__(
            _("The organization already has a template with this title. Choose another title.")
        )


def _check_head(actor, organization_id: int) -> None:
    headed = staff_organizations(user=actor, roles=[Membership.Role.HEAD])
    if not headed.filter(pk=organization_id).exists():
        raise NotAllowed(_("Only the head of the organization may change its answer templates."))


def _clean(title: str, text: str) -> tuple[str, str]:
    title = (title or "").strip()
    text = (text or "").strip()
    if not title:
        raise DomainError(_("The template needs a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(
            _("The title is too long: at most %(limit)d characters.") % {"limit": TITLE_MAX_LENGTH}
        )
    if not text:
        raise DomainError(_("The template needs a text."))
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("The text is too long: at most %(limit)d characters.") % {"limit": TEXT_MAX_LENGTH}
        )
    return title, text


def _check_title_free(*, organization_id: int, title: str, exclude_id: int | None = None) -> None:
    same = AnswerTemplate.objects.filter(organization_id=organization_id, title__iexact=title)
    if exclude_id is not None:
        same = same.exclude(pk=exclude_id)
    if same.exists():
        raise DuplicateTemplateTitle()


def _save(template: AnswerTemplate) -> None:
    """Save in a savepoint so that a concurrent duplicate leaves the outer transaction usable."""
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:
        raise DuplicateTemplateTitle() from error


def _audit(*, actor, action: str, template: AnswerTemplate, template_id: int) -> None:
    AuditEvent.objects.create(
        actor=actor,
        action=action,
        changes={
            "template": template_id,
            "organization": template.organization_id,
            "title": template.title,
        },
    )


def _locked(template_id: int) -> AnswerTemplate:
    try:
        return AnswerTemplate.objects.select_for_update().get(pk=template_id)
    except AnswerTemplate.DoesNotExist:
        raise DomainError(_("This answer template no longer exists.")) from None


@transaction.atomic
def create_answer_template(
    *, actor, organization: Organization, title: str, text: str
) -> AnswerTemplate:
    """Add an answer template to `organization`.

    Precondition: the actor heads the organization or one above it (else NotAllowed); the title,
    compared without regard to case, is not used by another template of the organization (else
    DomainError). Effect: the template is stored with the actor as its author and an
    `answer_template_created` audit event is written.
    """
    _check_head(actor, organization.pk)
    title, text = _clean(title, text)
    _check_title_free(organization_id=organization.pk, title=title)
    template = AnswerTemplate(organization=organization, title=title, text=text, created_by=actor)
    _save(template)
    _audit(
        actor=actor, action="answer_template_created", template=template, template_id=template.pk
    )
    return template


@transaction.atomic
def update_answer_template(*, actor, template_id: int, title: str, text: str) -> AnswerTemplate:
    """Change the title and text of an answer template; its organization stays.

    Precondition: the template exists (else DomainError), the actor heads its organization or one
    above it (else NotAllowed), and the new title is not used by another template of the
    organization (else DomainError). Effect: the template is saved and an
    `answer_template_updated` audit event is written.
    """
    template = _locked(template_id)
    _check_head(actor, template.organization_id)
    title, text = _clean(title, text)
    _check_title_free(organization_id=template.organization_id, title=title, exclude_id=template.pk)
    template.title = title
    template.text = text
    _save(template)
    _audit(
        actor=actor, action="answer_template_updated", template=template, template_id=template.pk
    )
    return template


@transaction.atomic
def delete_answer_template(*, actor, template_id: int) -> None:
    """Remove an answer template.

    Precondition: the template exists (else DomainError) and the actor heads its organization or
    one above it (else NotAllowed). Effect: the template is deleted (answers already sent keep
    their text) and an `answer_template_deleted` audit event is written.
    """
    template = _locked(template_id)
    _check_head(actor, template.organization_id)
    template_pk = template.pk
    template.delete()
    _audit(
        actor=actor, action="answer_template_deleted", template=template, template_id=template_pk
    )
