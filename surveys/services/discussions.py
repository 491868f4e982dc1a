"""Public discussions: the organizer's document, residents' comments, moderation, the final report."""

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality, Organization
from surveys import permissions, selectors
from surveys.errors import DomainError
from surveys.models import Comment, CommentReport, Discussion, Reaction, Section
from surveys.services.common import audit, check_manager, check_organization, clean_document
from surveys.services.subscriptions import notify_report

EDITABLE_FIELDS = ("title", "description", "audience", "opens_at", "closes_at", "moderation")


def _check(
    opens_at: datetime, closes_at: datetime, audience: str, municipalities, region_id: int
) -> None:
    if closes_at <= opens_at:
        raise DomainError(_("The closing time must be after the opening time."))
    if audience == "municipalities" and not municipalities:
        raise DomainError(
            _("Choose at least one municipality, or make the discussion region-wide.")
        )
    if any(m.region_id != region_id for m in municipalities or []):
        raise DomainError(_("The municipalities must belong to the organization's region."))


def _attach(discussion: Discussion, document: UploadedFile) -> None:
    content, content_type, name = clean_document(document)
    discussion.document.save("document", content, save=False)
    discussion.document_name, discussion.document_type = name, content_type


@transaction.atomic
def create_discussion(
    *,
    actor,
    organization: Organization,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    audience: str = "region",
    municipalities: list[Municipality] | None = None,
    moderation: str = Discussion.Moderation.POST,
    document: UploadedFile | None = None,
) -> Discussion:
    """A draft discussion of a document; sections are added before publishing."""
    check_organization(actor, organization)
    municipalities = list(municipalities or [])
    _check(opens_at, closes_at, audience, municipalities, organization.region_id)
    discussion = Discussion(
        organization=organization,
        region_id=organization.region_id,
        title=title.strip(),
        description=description.strip(),
        audience=audience,
        opens_at=opens_at,
        closes_at=closes_at,
        moderation=moderation,
        created_by=actor,
    )
    if document is not None:
        _attach(discussion, document)
    discussion.save()
    discussion.municipalities.set(municipalities if audience == "municipalities" else [])
    audit(actor=actor, action="discussion.create", discussion=discussion.pk, title=discussion.title)
    return discussion


@transaction.atomic
def update_discussion(
    *,
    actor,
    discussion_id: int,
    municipalities: list[Municipality] | None = None,
    document: UploadedFile | None = None,
    **fields,
) -> Discussion:
    discussion = Discussion.objects.select_for_update().get(pk=discussion_id)
    check_manager(actor, discussion)
    if set(fields) - set(EDITABLE_FIELDS):
        raise TypeError(f"not editable: {sorted(set(fields) - set(EDITABLE_FIELDS))}")
    if discussion.report_published_at is not None:
        raise DomainError(_("The final report is published: the discussion can no longer change."))
    changed = {
        name: str(value) for name, value in fields.items() if getattr(discussion, name) != value
    }
    for name, value in fields.items():
        setattr(discussion, name, value)
    municipalities = (
        list(municipalities)
        if municipalities is not None
        else list(discussion.municipalities.all())
    )
    _check(
        discussion.opens_at,
        discussion.closes_at,
        discussion.audience,
        municipalities,
        discussion.region_id,
    )
    if document is not None:
        _attach(discussion, document)
        changed["document"] = discussion.document_name
    discussion.save()
    discussion.municipalities.set(municipalities if discussion.audience == "municipalities" else [])
    audit(actor=actor, action="discussion.update", discussion=discussion.pk, changed=changed)
    return discussion


@transaction.atomic
def add_section(*, actor, discussion_id: int, title: str, body: str) -> Section:
    """A section of the document (Markdown, rendered sanitised); only before anyone has commented."""
    discussion = Discussion.objects.select_for_update().get(pk=discussion_id)
    check_manager(actor, discussion)
    if discussion.comments.exists():
        raise DomainError(_("The document is frozen: residents have already commented on it."))
    if not title.strip() or not body.strip():
        raise DomainError(_("A section needs a title and a text."))
    section = Section.objects.create(
        discussion=discussion,
        position=discussion.sections.count() + 1,
        title=title.strip(),
        body=body.strip(),
    )
    audit(
        actor=actor, action="discussion.add_section", discussion=discussion.pk, section=section.pk
    )
    return section


@transaction.atomic
def delete_section(*, actor, section_id: int) -> None:
    section = Section.objects.get(pk=section_id)
    discussion = Discussion.objects.select_for_update().get(pk=section.discussion_id)
    check_manager(actor, discussion)
    if discussion.comments.exists():
        raise DomainError(_("The document is frozen: residents have already commented on it."))
    section.delete()
    audit(
        actor=actor,
        action="discussion.delete_section",
        discussion=discussion.pk,
        section=section_id,
    )


@transaction.atomic
def publish_discussion(*, actor, discussion_id: int) -> Discussion:
    discussion = Discussion.objects.select_for_update().get(pk=discussion_id)
    check_manager(actor, discussion)
    if discussion.published_at is not None:
        return discussion
    if not discussion.sections.exists():
        raise DomainError(_("Add at least one section of the document before publishing."))
    if discussion.closes_at <= timezone.now():
        raise DomainError(_("The closing time has passed: set a new period before publishing."))
    discussion.published_at = timezone.now()
    discussion.save(update_fields=["published_at"])
    audit(actor=actor, action="discussion.publish", discussion=discussion.pk)
    return discussion


def _open_discussion(discussion_id: int) -> Discussion:
    discussion = Discussion.objects.get(pk=discussion_id)
    if not discussion.is_open:
        raise DomainError(_("Comments are accepted only while the discussion is open."))
    return discussion


def _check_citizen(user) -> None:
    if not selectors.has_confirmed_email(user):
        raise DomainError(
            _(
                "Confirm your e-mail address to take part: follow the link in the letter we sent you."
            )
        )


@transaction.atomic
def post_comment(
    *,
    author,
    discussion_id: int,
    text: str,
    section_id: int | None = None,
    parent_id: int | None = None,
) -> Comment:
    """A comment on a section or on the whole document, or a reply to a published comment.

    Pre-moderated discussions keep it pending until a moderator publishes it.
    """
    discussion = _open_discussion(discussion_id)
    _check_citizen(author)
    text = text.strip()
    if not text:
        raise DomainError(_("Write your comment."))
    if len(text) > 5000:
        raise DomainError(_("A comment is at most 5000 characters."))
    section = None
    if parent_id is not None:
        parent = Comment.objects.filter(
            pk=parent_id, discussion=discussion, status=Comment.Status.PUBLISHED
        ).first()
        if parent is None:
            raise DomainError(_("This comment cannot be answered."))
        parent = parent.parent or parent  # one level of replies keeps the thread readable
        section_id = parent.section_id
    else:
        parent = None
    if section_id is not None:
        section = Section.objects.filter(pk=section_id, discussion=discussion).first()
        if section is None:
            raise DomainError(_("There is no such section in this document."))
    status = (
        Comment.Status.PENDING
        if discussion.moderation == Discussion.Moderation.PRE
        else Comment.Status.PUBLISHED
    )
    comment = Comment.objects.create(
        discussion=discussion,
        section=section,
        parent=parent,
        author=author,
        text=text,
        status=status,
    )
    audit(actor=author, action="discussion.comment", discussion=discussion.pk, comment=comment.pk)
    return comment


def react_to_comment(*, user, comment_id: int, kind: str) -> Reaction:
    """Support or oppose a published comment, once per person (a unique constraint)."""
    comment = Comment.objects.select_related("discussion").get(pk=comment_id)
    if comment.status != Comment.Status.PUBLISHED or not comment.discussion.is_open:
        raise DomainError(_("Opinions on comments are accepted only while the discussion is open."))
    if comment.author_id == user.pk:
        raise DomainError(_("You cannot support or oppose your own comment."))
    if kind not in Reaction.Kind.values:
        raise DomainError(_("Choose to support or to oppose."))
    _check_citizen(user)
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(comment=comment, user=user, kind=kind)
            audit(actor=user, action="discussion.react", comment=comment.pk, kind=kind)
    except IntegrityError:
        raise DomainError(_("You have already given your opinion on this comment.")) from None
    return reaction


def report_comment(*, user, comment_id: int, reason: str) -> CommentReport:
    """Complain about a comment; the third open complaint hides it until a moderator decides."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say what is wrong with the comment."))
    try:
        with transaction.atomic():
            comment = Comment.objects.select_for_update().get(pk=comment_id)
            if comment.status != Comment.Status.PUBLISHED:
                raise DomainError(_("This comment is already with the moderators."))
            if comment.author_id == user.pk:
                raise DomainError(_("You cannot complain about your own comment."))
            report = CommentReport.objects.create(
                comment=comment, reporter=user, reason=reason[:500]
            )
            if (
                comment.reports.filter(resolved_at__isnull=True).count()
                >= Comment.HIDE_AFTER_REPORTS
            ):
                comment.status = Comment.Status.HIDDEN
                comment.save(update_fields=["status"])
            audit(
                actor=user,
                action="discussion.report",
                comment=comment.pk,
                hidden=comment.status == "hidden",
            )
    except IntegrityError:
        raise DomainError(_("You have already complained about this comment.")) from None
    return report


@transaction.atomic
def moderate_comment(*, moderator, comment_id: int, publish: bool, reason: str = "") -> Comment:
    """A regional moderator publishes (and dismisses the complaints) or removes a comment with a reason."""
    comment = Comment.objects.select_for_update().select_related("discussion").get(pk=comment_id)
    if not permissions.can_moderate(moderator, comment.discussion):
        raise DomainError(
            _("Only the moderators of the discussion's region may decide on its comments.")
        )
    if comment.status == Comment.Status.REJECTED:
        raise DomainError(_("This comment is already removed."))
    if not publish and not reason.strip():
        raise DomainError(_("Give the reason for removing the comment."))
    now = timezone.now()
    comment.status = Comment.Status.PUBLISHED if publish else Comment.Status.REJECTED
    comment.moderated_by, comment.moderated_at, comment.moderation_reason = (
        moderator,
        now,
        reason.strip()[:500],
    )
    comment.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    audit(
        actor=moderator,
        action="discussion.moderate",
        comment=comment.pk,
        status=comment.status,
        reason=comment.moderation_reason,
    )
    return comment


@transaction.atomic
def decide_comment(*, actor, comment_id: int, decision: str, reason: str) -> Comment:
    """The organization's decision on a comment for the final report: accepted, partly, rejected."""
    comment = Comment.objects.select_for_update().select_related("discussion").get(pk=comment_id)
    discussion = comment.discussion
    check_manager(actor, discussion)
    if not discussion.is_closed:
        raise DomainError(_("Decisions are recorded after the discussion closes."))
    if discussion.report_published_at is not None:
        raise DomainError(_("The final report is already published."))
    if comment.status != Comment.Status.PUBLISHED:
        raise DomainError(_("Only published comments go into the report."))
    if decision not in Comment.Decision.values:
        raise DomainError(_("Choose a decision."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the decision."))
    comment.decision, comment.decision_reason = decision, reason.strip()[:3000]
    comment.save(update_fields=["decision", "decision_reason"])
    audit(actor=actor, action="discussion.decide", comment=comment.pk, decision=decision)
    return comment


@transaction.atomic
def publish_discussion_report(*, actor, discussion_id: int, summary: str = "") -> Discussion:
    """Publish the final report once every published comment has a decision; commenters who asked are told."""
    discussion = Discussion.objects.select_for_update().get(pk=discussion_id)
    check_manager(actor, discussion)
    if not discussion.is_closed:
        raise DomainError(_("The final report is published after the discussion closes."))
    if discussion.report_published_at is not None:
        return discussion
    undecided = selectors.report_comments(discussion=discussion).filter(decision="").count()
    if undecided:
        raise DomainError(_("%(count)s comments still have no decision.") % {"count": undecided})
    discussion.report_summary = summary.strip()
    discussion.report_published_at = timezone.now()
    discussion.save(update_fields=["report_summary", "report_published_at"])
    audit(actor=actor, action="discussion.publish_report", discussion=discussion.pk)
    notify_report(discussion=discussion)
    return discussion
