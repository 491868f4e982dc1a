"""The demo head's working tools out of the box: answer templates, a widget origin and the
officials citizens may address (the head among them, linked to her account).

Self-contained (data and two loaders, no other demo module needed) so it moves with the demo
loader. Idempotent like the rest of `load_demo`: templates are looked up by title and the origins
are written only while the organization has none, so nothing an operator changed is overwritten.
"""

from appeals.models import AnswerTemplate
from organizations.models import Membership, Official, Organization

# Local test pages for the widget: `python -m http.server 8080` in a folder with a page that
# holds the widget's script tag (README, «Widget on an organization's website»).
DEMO_WIDGET_ORIGINS = ["http://127.0.0.1:8080", "http://localhost:8080"]

# Placeholders: {citizen_name}, {number}, {submitted}, {due}, {organization}.
DEMO_ANSWER_TEMPLATES = [
    {
        "title": "Работы выполнены",
        "text": (
            "Уважаемый(ая) {citizen_name}!\n\n"
            "{organization} рассмотрела Ваше обращение № {number} от {submitted}. "
            "Сообщаем, что необходимые работы выполнены. Благодарим за неравнодушие к "
            "состоянию нашего города.\n\n"
            "Если проблема сохраняется, пожалуйста, отметьте это при оценке ответа: обращение "
            "будет рассмотрено повторно."
        ),
    },
    {
        "title": "Работы включены в план",
        "text": (
            "Уважаемый(ая) {citizen_name}!\n\n"
            "По Вашему обращению № {number} от {submitted} проведено обследование. "
            "Работы включены в план текущего ремонта и будут выполнены в летний период при "
            "благоприятных погодных условиях. Ход выполнения можно уточнить по телефону "
            "единой дежурно-диспетчерской службы."
        ),
    },
    {
        "title": "Вопрос вне компетенции",
        "text": (
            "Уважаемый(ая) {citizen_name}!\n\n"
            "Вопрос, изложенный в обращении № {number}, не относится к полномочиям "
            "{organization}. Разъясняем, что решение данного вопроса входит в компетенцию "
            "управляющей организации Вашего многоквартирного дома; рекомендуем обратиться к ней "
            "напрямую или через платформу, выбрав соответствующую категорию."
        ),
    },
    {
        "title": "Выдано предписание",
        "text": (
            "Уважаемый(ая) {citizen_name}!\n\n"
            "По Вашему обращению № {number} проведена проверка. Ответственной организации "
            "выдано предписание об устранении нарушений в срок до {due}. Исполнение "
            "предписания находится на контроле {organization}."
        ),
    },
]


def load_answer_templates(*, organization: Organization) -> int:
    """The demo templates the organization does not have yet (by title); returns how many were added."""
    existing = set(
        AnswerTemplate.objects.filter(organization=organization).values_list("title", flat=True)
    )
    missing = [t for t in DEMO_ANSWER_TEMPLATES if t["title"] not in existing]
    AnswerTemplate.objects.bulk_create(
        AnswerTemplate(organization=organization, title=t["title"], text=t["text"]) for t in missing
    )
    return len(missing)


# The officials of the capital's administration; the first is the demo head (head@demo.local).
DEMO_OFFICIALS = [
    ("Смирнова Елена Викторовна", "глава администрации", "head@demo.local"),
    ("Орлов Павел Андреевич", "первый заместитель главы администрации", None),
    ("Белова Ольга Николаевна", "заместитель главы по городскому хозяйству", None),
]


def load_officials(*, organization: Organization) -> int:
    """The demo officials the organization does not list yet (by name); returns how many."""
    existing = set(
        Official.objects.filter(organization=organization).values_list("name", flat=True)
    )
    added = 0
    for order, (name, position, email) in enumerate(DEMO_OFFICIALS, start=1):
        if name in existing:
            continue
        membership = (
            Membership.objects.filter(
                organization=organization, user__email__iexact=email, role=Membership.Role.HEAD
            ).first()
            if email
            else None
        )
        Official.objects.create(
            organization=organization,
            name=name,
            position=position,
            membership=membership,
            order=order,
        )
        added += 1
    return added


def load_widget_origins(*, organization: Organization) -> bool:
    """The local widget origins, only while the organization lists none; True when written."""
    return bool(
        Organization.objects.filter(pk=organization.pk, widget_origins="").update(
            widget_origins="\n".join(DEMO_WIDGET_ORIGINS)
        )
    )


def load_demo_staff_tools(*, organization_id: int) -> str:
    """Both, for the demo head's organization; a line for the command's report."""
    organization = Organization.objects.get(pk=organization_id)
    templates = load_answer_templates(organization=organization)
    officials = load_officials(organization=organization)
    load_widget_origins(organization=organization)
    organization.refresh_from_db(fields=["widget_origins"])
    origins = ", ".join(organization.embedding_origins) or "—"
    return (
        f"  Шаблоны ответов «{organization.name}»: {len(DEMO_ANSWER_TEMPLATES)} "
        f"(новых {templates}); должностные лица: {len(DEMO_OFFICIALS)} (новых {officials}); "
        f"сайты виджета: {origins}"
    )
