"""Reads of polls, votes and discussions, with visibility applied where the rows are fetched."""

from collections import Counter

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys import permissions
from surveys.models import (
    Answer,
    Comment,
    CommentReport,
    Discussion,
    Option,
    Question,
    Reaction,
    Response,
    Section,
    Subscription,
    Survey,
)

# --- Lists -----------------------------------------------------------------------------------------


def _relevant(queryset, *, user, region):
    """Published items of the platform region; the user's municipality first, then region-wide ones."""
    queryset = queryset.filter(published_at__isnull=False, region=region).select_related(
        "organization"
    )
    municipality_id = getattr(user, "municipality_id", None) if user.is_authenticated else None
    if municipality_id:
        model = queryset.model
        local = model.municipalities.through.objects.filter(
            **{f"{model._meta.model_name}_id": OuterRef("pk"), "municipality_id": municipality_id}
        )
        queryset = queryset.filter(Q(audience="region") | Exists(local)).annotate(
            is_local=Exists(local)
        )
    else:
        queryset = queryset.annotate(is_local=Value(False))
    return queryset


def consultations_for(*, model, user, region) -> dict[str, list]:
    """{"current": open and upcoming, "finished": closed}, local items first, each by its dates."""
    if region is None:
        return {"current": [], "finished": []}
    now = timezone.now()
    rows = _relevant(model.objects.all(), user=user, region=region)
    current = rows.filter(closes_at__gt=now).order_by("-is_local", "closes_at", "pk")
    finished = rows.filter(closes_at__lte=now).order_by("-is_local", "-closes_at", "-pk")[:50]
    return {"current": list(current), "finished": list(finished)}


def managed(*, model, user) -> QuerySet:
    """The organizer's own items (all of them for a platform admin), newest first."""
    ids = permissions.organizer_organization_ids(user)
    rows = model.objects.select_related("organization").order_by("-created_at", "-pk")
    return rows if ids is None else rows.filter(organization_id__in=ids)


# --- One item --------------------------------------------------------------------------------------


def _questions():
    return Prefetch(
        "questions",
        queryset=Question.objects.prefetch_related(
            Prefetch("options", queryset=Option.objects.all())
        ),
    )


def get_survey(*, user, pk: int) -> Survey:
    """A published survey for anyone; a draft only for its organizers (everyone else: 404)."""
    survey = (
        Survey.objects.filter(pk=pk)
        .select_related("organization", "region")
        .prefetch_related(_questions(), "municipalities")
        .first()
    )
    if survey is None or (survey.published_at is None and not permissions.can_manage(user, survey)):
        raise Http404
    return survey


def get_survey_for_organizer(*, user, pk: int) -> Survey:
    survey = get_survey(user=user, pk=pk)
    if not permissions.can_manage(user, survey):
        raise Http404
    return survey


def get_discussion(*, user, pk: int) -> Discussion:
    discussion = Discussion.objects.filter(pk=pk).select_related("organization", "region").first()
    if discussion is None or (
        discussion.published_at is None and not permissions.can_manage(user, discussion)
    ):
        raise Http404
    return discussion


def get_discussion_for_organizer(*, user, pk: int) -> Discussion:
    discussion = get_discussion(user=user, pk=pk)
    if not permissions.can_manage(user, discussion):
        raise Http404
    return discussion


# --- Taking part -----------------------------------------------------------------------------------


def has_confirmed_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def participation_refusal(*, user, survey: Survey, now=None) -> str | None:
    """Why this person cannot take part now, in words for them; None when they can."""
    if not user.is_authenticated:
        return _("Log in to take part.")
    phase = survey.phase(now)
    if phase == "draft":
        return _("This survey is not published yet.")
    if phase == "upcoming":
        return _("Taking part opens on %(date)s.") % {"date": _local(survey.opens_at)}
    if phase == "closed":
        return _("Taking part closed on %(date)s.") % {"date": _local(survey.closes_at)}
    if survey.eligibility == Survey.Eligibility.IDENTITY and not user.is_identity_verified:
        return _(
            "Only residents whose identity is verified through the Gosuslugi identity provider (ESIA) may "
            "take part in this vote. Log in through Gosuslugi once to verify it."
        )
    if not has_confirmed_email(user):
        return _(
            "Confirm your e-mail address to take part: follow the link in the letter we sent you."
        )
    municipality = user.municipality
    if municipality is None:
        return _(
            "Choose your municipality of residence in your profile: this survey is for the residents of "
            "particular places."
        )
    if municipality.region_id != survey.region_id:
        return _("This survey is for the residents of %(region)s.") % {"region": survey.region.name}
    if (
        survey.audience == "municipalities"
        and not survey.municipalities.filter(pk=municipality.pk).exists()
    ):
        names = ", ".join(m.name for m in survey.municipalities.all())
        return _(
            "This survey is for the residents of: %(names)s. Your municipality in the profile is %(yours)s."
        ) % {"names": names, "yours": municipality.name}
    if has_responded(user=user, survey=survey):
        return str(_("You have already taken part. Thank you: your answers are counted once."))
    return None


def has_responded(*, user, survey: Survey) -> bool:
    return user.is_authenticated and Response.objects.filter(survey=survey, citizen=user).exists()


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


# --- Results ---------------------------------------------------------------------------------------


def results_visible(*, user, survey: Survey, now=None) -> bool:
    """Votes: to nobody before closing, staff included. Polls: organizers always, others per setting."""
    if survey.results_public(now):
        return True
    if survey.kind == Survey.Kind.VOTE:
        return False
    return permissions.can_manage(user, survey)


def tally(*, survey: Survey) -> dict:
    """Counts per option and scale value, free texts, and the number of responses (a few queries)."""
    questions = list(survey.questions.all())
    by_option = Counter(
        dict(
            Answer.objects.filter(question__survey=survey, option__isnull=False)
            .values_list("option_id")
            .annotate(n=Count("pk"))
            .values_list("option_id", "n")
        )
    )
    by_value = Counter(
        {
            (q, v): n
            for q, v, n in Answer.objects.filter(question__survey=survey, value__isnull=False)
            .values_list("question_id", "value")
            .annotate(n=Count("pk"))
            .values_list("question_id", "value", "n")
        }
    )
    answered = dict(
        Answer.objects.filter(question__survey=survey)
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        Answer.objects.filter(question__survey=survey, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .order_by("pk")
        .values_list("question_id", "text")
    ):
        texts.setdefault(question_id, []).append(text)
    rows = []
    for question in questions:
        if question.is_choice:
            counts = [
                (option.text, by_option.get(option.pk, 0)) for option in question.options.all()
            ]
        elif question.kind == Question.Kind.SCALE:
            counts = [
                (str(value), by_value.get((question.pk, value), 0))
                for value in question.scale_values
            ]
        else:
            counts = []
        rows.append(
            {
                "question": question,
                "counts": counts,
                "answered": answered.get(question.pk, 0),
                "texts": texts.get(question.pk, []),
            }
        )
    return {"responses": survey.responses.count(), "questions": rows}


def export_rows(*, survey: Survey):
    """Responses one per row, for CSV/XLSX: identity only when the survey is not anonymous."""
    questions = list(survey.questions.all())
    responses = (
        Response.objects.filter(survey=survey)
        .order_by("pk")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("option").order_by("pk"))
        )
    )
    if not survey.is_anonymous:
        responses = responses.select_related("citizen")
    for index, response in enumerate(responses.iterator(chunk_size=500), start=1):
        by_question: dict[int, list[str]] = {}
        for answer in response.answers.all():
            value = (
                answer.option.text
                if answer.option_id
                else (str(answer.value) if answer.value is not None else answer.text)
            )
            by_question.setdefault(answer.question_id, []).append(value)
        identity = (
            []
            if survey.is_anonymous
            else [
                response.citizen.get_full_name() or response.citizen.email,
                response.citizen.email,
                timezone.localtime(response.submitted_at).replace(tzinfo=None),
            ]
        )
        yield [index, *identity, *("; ".join(by_question.get(q.pk, [])) for q in questions)]


def export_header(*, survey: Survey) -> list[str]:
    identity = [] if survey.is_anonymous else [_("Respondent"), _("E-mail"), _("Submitted")]
    return [_("No."), *identity, *(q.text for q in survey.questions.all())]


# --- Discussions -----------------------------------------------------------------------------------


def visible_comments(*, user, discussion: Discussion) -> list[Comment]:
    """Published comments with replies nested; the author also sees their own pending ones."""
    own = Q(author=user, status=Comment.Status.PENDING) if user.is_authenticated else Q(pk__in=[])
    rows = list(
        Comment.objects.filter(discussion=discussion)
        .filter(Q(status=Comment.Status.PUBLISHED) | own)
        .select_related("author")
        .annotate(
            supports=Count("reactions", filter=Q(reactions__kind=Reaction.Kind.SUPPORT)),
            opposes=Count("reactions", filter=Q(reactions__kind=Reaction.Kind.OPPOSE)),
        )
        .order_by("created_at", "pk")
    )
    by_id = {comment.pk: comment for comment in rows}
    for comment in rows:
        comment.visible_replies = []
    top = []
    for comment in rows:
        if comment.parent_id and comment.parent_id in by_id:
            by_id[comment.parent_id].visible_replies.append(comment)
        elif comment.parent_id is None:
            top.append(comment)
    return top


def sections_with_comments(*, user, discussion: Discussion):
    """(sections each with .top_comments, comments on the whole document)."""
    sections = list(Section.objects.filter(discussion=discussion))
    top = visible_comments(user=user, discussion=discussion)
    for section in sections:
        section.top_comments = [c for c in top if c.section_id == section.pk]
    return sections, [c for c in top if c.section_id is None]


def report_comments(*, discussion: Discussion) -> QuerySet[Comment]:
    """Every published comment, for the final report (decisions and reasons)."""
    return (
        Comment.objects.filter(discussion=discussion, status=Comment.Status.PUBLISHED)
        .select_related("section", "author")
        .order_by("section__position", "section_id", "created_at", "pk")
    )


def moderation_queue(*, user) -> QuerySet[Comment]:
    """Comments awaiting a moderator of the user's regions, with the complaints' reasons."""
    ids = permissions.moderated_region_ids(user)
    open_reports = CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    rows = (
        Comment.objects.filter(
            Q(status__in=[Comment.Status.PENDING, Comment.Status.HIDDEN])
            | Q(status=Comment.Status.PUBLISHED) & Exists(open_reports)
        )
        .select_related("discussion", "section", "author")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=CommentReport.objects.filter(resolved_at__isnull=True),
                to_attr="open_reports",
            )
        )
        .order_by("created_at", "pk")
    )
    return rows if ids is None else rows.filter(discussion__region_id__in=ids)


def subscription_of(*, user) -> Subscription:
    return Subscription.objects.filter(user=user).first() or Subscription(user=user)
