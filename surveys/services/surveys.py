"""Polls and votes: an organizer prepares and publishes them, a citizen responds once."""

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality, Organization
from surveys import selectors
from surveys.errors import AlreadyTookPart, DomainError, InvalidAnswers
from surveys.models import Answer, Option, Question, Response, Survey
from surveys.services.common import audit, check_manager, check_organization, clean_picture

EDITABLE_FIELDS = (
    "title",
    "description",
    "audience",
    "opens_at",
    "closes_at",
    "eligibility",
    "is_anonymous",
    "results_visibility",
)


def _check_period(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise DomainError(_("The closing time must be after the opening time."))


def _check_settings(kind: str, results_visibility: str) -> None:
    if kind == Survey.Kind.VOTE and results_visibility == Survey.ResultsVisibility.LIVE:
        raise DomainError(_("A vote shows its results only after it closes."))


def _check_audience(audience: str, municipalities, region_id: int) -> None:
    if audience == "municipalities":
        if not municipalities:
            raise DomainError(
                _("Choose at least one municipality, or make the survey region-wide.")
            )
        if any(m.region_id != region_id for m in municipalities):
            raise DomainError(_("The municipalities must belong to the organization's region."))


@transaction.atomic
def create_survey(
    *,
    actor,
    organization: Organization,
    kind: str,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    audience: str = "region",
    municipalities: list[Municipality] | None = None,
    eligibility: str = Survey.Eligibility.CONFIRMED_EMAIL,
    is_anonymous: bool = True,
    results_visibility: str = Survey.ResultsVisibility.AFTER_CLOSE,
    image: UploadedFile | None = None,
) -> Survey:
    """A draft poll or vote of the organization; nobody but its organizers sees it until published."""
    check_organization(actor, organization)
    _check_period(opens_at, closes_at)
    _check_settings(kind, results_visibility)
    municipalities = list(municipalities or [])
    _check_audience(audience, municipalities, organization.region_id)
    survey = Survey(
        organization=organization,
        region_id=organization.region_id,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        audience=audience,
        opens_at=opens_at,
        closes_at=closes_at,
        eligibility=eligibility,
        is_anonymous=is_anonymous,
        results_visibility=results_visibility,
        created_by=actor,
    )
    if image is not None:
        content, _name = clean_picture(image)
        survey.image.save("image", content, save=False)
    survey.save()
    survey.municipalities.set(municipalities if audience == "municipalities" else [])
    audit(actor=actor, action="survey.create", survey=survey.pk, kind=kind, title=survey.title)
    return survey


@transaction.atomic
def update_survey(
    *,
    actor,
    survey_id: int,
    municipalities: list[Municipality] | None = None,
    image: UploadedFile | None = None,
    **fields,
) -> Survey:
    """Change the settings. Anonymity cannot change once someone has responded (they were promised it)."""
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    check_manager(actor, survey)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if (
        "is_anonymous" in fields
        and fields["is_anonymous"] != survey.is_anonymous
        and survey.responses.exists()
    ):
        raise DomainError(_("Anonymity cannot change after the first response."))
    changed = {name: str(value) for name, value in fields.items() if getattr(survey, name) != value}
    for name, value in fields.items():
        setattr(
            survey,
            name,
            value.strip() if isinstance(value, str) and name in ("title", "description") else value,
        )
    _check_period(survey.opens_at, survey.closes_at)
    _check_settings(survey.kind, survey.results_visibility)
    if municipalities is not None:
        _check_audience(survey.audience, list(municipalities), survey.region_id)
    if image is not None:
        content, _name = clean_picture(image)
        survey.image.save("image", content, save=False)
        changed["image"] = "new"
    survey.save()
    if municipalities is not None:
        survey.municipalities.set(
            list(municipalities) if survey.audience == "municipalities" else []
        )
    audit(actor=actor, action="survey.update", survey=survey.pk, changed=changed)
    return survey


def _lock_unfrozen(actor, survey_id: int) -> Survey:
    """Lock the survey and refuse once anyone has responded.

    A response's insert takes a key-share lock on the survey row (its foreign key), which waits for
    this FOR UPDATE lock and vice versa: an edit and a first response never interleave.
    """
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    check_manager(actor, survey)
    if survey.responses.exists():
        raise DomainError(_("Questions and options are frozen: people have already responded."))
    return survey


@transaction.atomic
def add_question(
    *,
    actor,
    survey_id: int,
    text: str,
    kind: str,
    is_required: bool = True,
    help_text: str = "",
    max_choices: int | None = None,
    scale_min: int = 1,
    scale_max: int = 5,
    options: list[str] | None = None,
) -> Question:
    """A question at the end of the survey, with its options for a choice question."""
    survey = _lock_unfrozen(actor, survey_id)
    if not text.strip():
        raise DomainError(_("Write the question."))
    if kind == Question.Kind.SCALE and scale_max <= scale_min:
        raise DomainError(_("The end of the scale must be greater than its start."))
    if kind != Question.Kind.MULTIPLE:
        max_choices = None
    position = survey.questions.count() + 1
    question = Question.objects.create(
        survey=survey,
        position=position,
        text=text.strip(),
        help_text=help_text.strip(),
        kind=kind,
        is_required=is_required,
        max_choices=max_choices,
        scale_min=scale_min,
        scale_max=scale_max,
    )
    if question.is_choice:
        Option.objects.bulk_create(
            Option(question=question, position=index, text=line.strip())
            for index, line in enumerate(options or [], start=1)
            if line.strip()
        )
    audit(actor=actor, action="survey.add_question", survey=survey.pk, question=question.pk)
    return question


@transaction.atomic
def delete_question(*, actor, question_id: int) -> None:
    question = Question.objects.select_related("survey").get(pk=question_id)
    _lock_unfrozen(actor, question.survey_id)
    question.delete()
    audit(
        actor=actor,
        action="survey.delete_question",
        survey=question.survey_id,
        question=question_id,
    )


@transaction.atomic
def add_option(
    *,
    actor,
    question_id: int,
    text: str,
    description: str = "",
    image: UploadedFile | None = None,
    image_alt: str = "",
) -> Option:
    """An option with an optional description and picture (a place to improve, with its photo)."""
    question = Question.objects.get(pk=question_id)
    _lock_unfrozen(actor, question.survey_id)
    if not question.is_choice:
        raise DomainError(_("Only choice questions have options."))
    if not text.strip():
        raise DomainError(_("Write the option."))
    option = Option(
        question=question,
        position=question.options.count() + 1,
        text=text.strip(),
        description=description.strip(),
        image_alt=image_alt.strip(),
    )
    if image is not None:
        content, _name = clean_picture(image)
        option.image.save("picture", content, save=False)
        if not option.image_alt:
            option.image_alt = option.text
    option.save()
    audit(actor=actor, action="survey.add_option", survey=question.survey_id, option=option.pk)
    return option


@transaction.atomic
def delete_option(*, actor, option_id: int) -> None:
    option = Option.objects.select_related("question").get(pk=option_id)
    _lock_unfrozen(actor, option.question.survey_id)
    option.delete()
    audit(
        actor=actor,
        action="survey.delete_option",
        survey=option.question.survey_id,
        option=option_id,
    )


@transaction.atomic
def publish_survey(*, actor, survey_id: int) -> Survey:
    """Make a complete draft public; the announcement sweep tells the subscribed residents of its audience."""
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    check_manager(actor, survey)
    if survey.published_at is not None:
        return survey
    questions = list(survey.questions.prefetch_related("options"))
    if not questions:
        raise DomainError(_("Add at least one question before publishing."))
    for question in questions:
        if question.is_choice and len(question.options.all()) < 2:
            raise DomainError(
                _("The question «%(text)s» needs at least two options.") % {"text": question.text}
            )
    if survey.closes_at <= timezone.now():
        raise DomainError(_("The closing time has passed: set a new period before publishing."))
    survey.published_at = timezone.now()
    survey.save(update_fields=["published_at"])
    audit(actor=actor, action="survey.publish", survey=survey.pk)
    return survey


def _validate(
    questions: list[Question], answers: dict[int, object]
) -> tuple[list[Answer], dict[int, str]]:
    rows, errors = [], {}
    for question in questions:
        raw = answers.get(question.pk)
        if question.is_choice:
            chosen = list(
                dict.fromkeys(raw if isinstance(raw, list | tuple) else ([raw] if raw else []))
            )
            valid = {option.pk: option for option in question.options.all()}
            if any(option_id not in valid for option_id in chosen):
                errors[question.pk] = _("Choose from the options given.")
            elif question.kind == Question.Kind.SINGLE and len(chosen) > 1:
                errors[question.pk] = _("Choose one option.")
            elif question.max_choices and len(chosen) > question.max_choices:
                errors[question.pk] = _("Choose at most %(max)s options.") % {
                    "max": question.max_choices
                }
            elif question.is_required and not chosen:
                errors[question.pk] = _("Choose an option.")
            else:
                rows += [Answer(question=question, option=valid[option_id]) for option_id in chosen]
        elif question.kind == Question.Kind.SCALE:
            if raw in (None, ""):
                if question.is_required:
                    errors[question.pk] = _("Choose a value on the scale.")
            elif not isinstance(raw, int) or not question.scale_min <= raw <= question.scale_max:
                errors[question.pk] = _("Choose a value from %(min)s to %(max)s.") % {
                    "min": question.scale_min,
                    "max": question.scale_max,
                }
            else:
                rows.append(Answer(question=question, value=raw))
        else:
            text = (raw or "").strip() if isinstance(raw, str) else ""
            if len(text) > 3000:
                errors[question.pk] = _("At most 3000 characters.")
            elif question.is_required and not text:
                errors[question.pk] = _("Write your answer.")
            elif text:
                rows.append(Answer(question=question, text=text))
    return rows, errors


def submit_response(*, citizen, survey_id: int, answers: dict[int, object]) -> Response:
    """Record a citizen's answers (a poll) or ballot (a vote), once.

    `answers` maps a question id to option ids (a list), a scale value (int) or a text. Refuses
    outside the period, outside the audience, without the required verification, and a second
    time. Two submits at the same moment both pass the checks; the unique constraint lets one
    insert win and the other gets AlreadyTookPart, inside a savepoint so the caller's
    transaction survives.
    """
    survey = Survey.objects.select_related("region").get(pk=survey_id)
    refusal = selectors.participation_refusal(user=citizen, survey=survey)
    if refusal is not None:
        if selectors.has_responded(user=citizen, survey=survey):
            raise AlreadyTookPart()
        raise DomainError(refusal)
    questions = list(survey.questions.prefetch_related("options"))
    rows, errors = _validate(questions, answers)
    if errors:
        raise InvalidAnswers(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, citizen=citizen)
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            # The audit row says who took part, never what they answered.
            audit(actor=citizen, action=f"{survey.kind}.respond", survey=survey.pk)
    except IntegrityError:
        if Response.objects.filter(survey=survey, citizen=citizen).exists():
            raise AlreadyTookPart() from None
        raise
    return response
