"""Demo consultations for Kamchatka Krai: an open poll with live results, an open vote for a public
space (options with descriptions and pictures), an open discussion and a closed one with its final
report. ``load_demo_consultations(region=...)`` is idempotent: it does nothing when the region
already has polls or discussions.

Content goes in through the services (as the organizer would create it); the other residents'
earlier answers and comments are history and are written as rows, like the appeals demo does.
"""

import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from organizations.models import Membership, Municipality, Organization, Region
from surveys import services
from surveys.models import Answer, Comment, Discussion, Response, Survey

DEMO_HEAD = "head@demo.local"
# The role accounts keep their turn: the demo citizen can still answer the poll and vote.
ROLE_ACCOUNTS = [
    f"{role}@demo.local"
    for role in ("citizen", "executor", "head", "moderator", "analyst", "admin")
]
CAPITAL = "Петропавловск-Камчатский городской округ"

TERRITORIES = [
    (
        "Сквер на улице Ленинской",
        "Новые скамейки, освещение и детская площадка у Никольской сопки.",
        "#2f6f4f",
    ),
    (
        "Набережная Култучного озера",
        "Продолжение прогулочной зоны, велодорожка и смотровые площадки.",
        "#1f5fa8",
    ),
    ("Парк «Раздолье»", "Тропы, зимняя лыжня, места для пикника и тёплый туалет.", "#a16207"),
]

SECTIONS = [
    (
        "Общие положения",
        "Правила устанавливают требования к **содержанию и уборке** территорий городского округа.\n\n"
        "Правила обязательны для собственников зданий, управляющих организаций и жителей.",
    ),
    (
        "Уборка снега",
        "Дворовые территории очищаются от снега:\n\n- проезды — **до 8 часов** после окончания снегопада;\n"
        "- тротуары — до 10 часов;\n- крыши и козырьки — по мере накопления снега.",
    ),
    (
        "Озеленение",
        "Снос деревьев допускается только по разрешению администрации. За каждое снесённое дерево "
        "высаживаются **два** новых.",
    ),
]

COMMENTS = [
    (1, "Просим убирать тротуары у школ раньше, до начала занятий."),
    (1, "Восемь часов — слишком долго для проездов к больнице."),
    (2, "Поддерживаю требование высаживать два дерева вместо одного."),
    (None, "Хорошо бы опубликовать схему уборки по районам."),
]
DECISIONS = [
    ("accepted", "Срок уборки тротуаров у школ установлен до 7:30 (пункт 2.3)."),
    ("partly", "Подъезды к больницам убираются в первую очередь; общий срок сохранён."),
    ("accepted", "Норма сохранена в окончательной редакции."),
    ("rejected", "Схемы уборки публикует управляющая организация; это не предмет правил."),
]


def _picture(colour: str, name: str) -> SimpleUploadedFile:
    """A simple drawn landscape standing in for the photo of the place (sky, a volcano, the ground)."""
    image = Image.new("RGB", (480, 270), "#cfe3f3")
    draw = ImageDraw.Draw(image)
    draw.polygon([(120, 200), (250, 60), (380, 200)], fill="#6b7280")
    draw.polygon([(220, 92), (250, 60), (280, 92)], fill="#ffffff")
    draw.ellipse((390, 25, 440, 75), fill="#f4c542")
    draw.rectangle((0, 190, 480, 270), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _organizer(region: Region):
    User = get_user_model()
    head = User.objects.filter(email=DEMO_HEAD).first()
    membership = (
        Membership.objects.filter(user=head, role=Membership.Role.HEAD)
        .select_related("organization")
        .first()
        if head
        else None
    )
    if membership is not None and membership.organization.region_id == region.pk:
        return head, membership.organization
    organization = Organization.objects.filter(region=region, is_active=True).order_by("pk").first()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    return admin, organization


@transaction.atomic
def load_demo_consultations(*, region: Region, seed: int = 41) -> dict[str, int]:
    """Create the demo polls, votes and discussions of `region` once; returns what was created."""
    if (
        Survey.objects.filter(region=region).exists()
        or Discussion.objects.filter(region=region).exists()
    ):
        return {}
    actor, organization = _organizer(region)
    if actor is None or organization is None:
        return {}
    rng = random.Random(seed)
    now = timezone.now()
    capital = Municipality.objects.filter(region=region, name=CAPITAL).first()
    residents = list(
        get_user_model()
        .objects.filter(municipality__region=region, is_active=True)
        .exclude(email__in=ROLE_ACCOUNTS)
        .order_by("pk")[:60]
    )

    # An open poll with live results and some answers already in.
    poll = services.create_survey(
        actor=actor,
        organization=organization,
        kind="poll",
        title="Качество общественного транспорта",
        description="Расскажите, как вы пользуетесь автобусами и что нужно улучшить в первую очередь.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        results_visibility="live",
    )
    how_often = services.add_question(
        actor=actor,
        survey_id=poll.pk,
        text="Как часто вы ездите на автобусе?",
        kind="single",
        options=["Каждый день", "Несколько раз в неделю", "Редко"],
    )
    improve = services.add_question(
        actor=actor,
        survey_id=poll.pk,
        text="Что улучшить в первую очередь?",
        kind="multiple",
        max_choices=2,
        options=["Интервалы движения", "Остановки", "Чистота в салоне", "Тарифы"],
    )
    score = services.add_question(
        actor=actor,
        survey_id=poll.pk,
        text="Оцените работу транспорта",
        kind="scale",
        scale_min=1,
        scale_max=5,
    )
    services.add_question(
        actor=actor, survey_id=poll.pk, text="Ваши предложения", kind="text", is_required=False
    )
    services.publish_survey(actor=actor, survey_id=poll.pk)
    often_options, improve_options = list(how_often.options.all()), list(improve.options.all())
    for resident in residents[:40]:
        response = Response.objects.create(
            survey=poll, citizen=resident, submitted_at=now - timedelta(hours=rng.randint(1, 100))
        )
        rows = [
            Answer(response=response, question=how_often, option=rng.choice(often_options)),
            Answer(response=response, question=score, value=rng.randint(2, 5)),
        ]
        rows += [
            Answer(response=response, question=improve, option=option)
            for option in rng.sample(improve_options, 2)
        ]
        Answer.objects.bulk_create(rows)

    # An open vote of the capital's residents for the public space improved next year.
    vote = services.create_survey(
        actor=actor,
        organization=organization,
        kind="vote",
        title="Какую общественную территорию благоустроить в 2027 году",
        description="Территория, набравшая больше голосов, будет благоустроена по программе «Формирование "
        "комфортной городской среды». Итоги — после окончания голосования.",
        audience="municipalities" if capital else "region",
        municipalities=[capital] if capital else [],
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
    )
    territory = services.add_question(
        actor=actor, survey_id=vote.pk, text="Выберите одну территорию", kind="single"
    )
    for name, description, colour in TERRITORIES:
        services.add_option(
            actor=actor,
            question_id=territory.pk,
            text=name,
            description=description,
            image=_picture(colour, "territory.png"),
            image_alt=f"Схема: {name}",
        )
    services.publish_survey(actor=actor, survey_id=vote.pk)

    # An open discussion and a closed one with its final report.
    open_discussion = _discussion(
        actor,
        organization,
        "Проект правил благоустройства (редакция 2027 года)",
        opens=now - timedelta(days=3),
        closes=now + timedelta(days=27),
    )
    closed = _discussion(
        actor,
        organization,
        "Проект схемы размещения нестационарных торговых объектов",
        opens=now - timedelta(days=60),
        closes=now + timedelta(days=1),
    )
    sections = list(closed.sections.all())
    comments = []
    for index, (section_index, text) in enumerate(COMMENTS):
        author = residents[index % len(residents)] if residents else actor
        comments.append(
            Comment.objects.create(
                discussion=closed,
                section=sections[section_index] if section_index is not None else None,
                author=author,
                text=text,
                created_at=now - timedelta(days=50 - index),
            )
        )
    for index, (_section, text) in enumerate(COMMENTS[:2]):
        author = residents[(index + 5) % len(residents)] if residents else actor
        Comment.objects.create(
            discussion=open_discussion,
            section=open_discussion.sections.all()[1],
            author=author,
            text=text,
            created_at=now - timedelta(days=2, hours=index),
        )
    # It closed a month ago: the period moves back (history), then the organizer decides and reports.
    Discussion.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(days=30))
    for comment, (decision, reason) in zip(comments, DECISIONS, strict=True):
        services.decide_comment(
            actor=actor, comment_id=comment.pk, decision=decision, reason=reason
        )
    services.publish_discussion_report(
        actor=actor,
        discussion_id=closed.pk,
        summary="Поступило 4 предложения; 2 учтены, 1 учтено частично, 1 отклонено с объяснением.",
    )
    return {
        "surveys": 2,
        "discussions": 2,
        "responses": len(residents[:40]),
        "comments": len(comments) + 2,
    }


def _discussion(actor, organization, title: str, *, opens, closes) -> Discussion:
    discussion = services.create_discussion(
        actor=actor,
        organization=organization,
        title=title,
        opens_at=opens,
        closes_at=closes,
        description="Прочитайте проект и оставьте замечания к разделам или к документу в целом.",
    )
    for section_title, body in SECTIONS:
        services.add_section(
            actor=actor, discussion_id=discussion.pk, title=section_title, body=body
        )
    services.publish_discussion(actor=actor, discussion_id=discussion.pk)
    return discussion
