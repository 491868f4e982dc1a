import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from appeals.models import AnswerTemplate, Appeal
from appeals.services.templates import (
    create_answer_template,
    delete_answer_template,
    update_answer_template,
)
from core.errors import DomainError, NotAllowed
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TEXT = "Уважаемый(ая) {citizen_name}! По обращению № {number} от {submitted} сообщаем: снег убран."


@pytest.fixture
def other_head(world):
    user = UserFactory(email="other.head@example.ru")
    MembershipFactory(user=user, organization=world.other_organization, role=Membership.Role.HEAD)
    return user


def _template(world, title="Уборка снега", text=TEXT):
    return AnswerTemplate.objects.create(
        organization=world.organization, title=title, text=text, created_by=world.head
    )


def test_head_creates_edits_and_deletes_a_template_through_the_pages(client, world):
    client.force_login(world.head)
    assert client.get(reverse("staff:templates")).status_code == 200
    assert client.get(reverse("staff:template_new")).status_code == 200

    response = client.post(
        reverse("staff:template_new"),
        {
            "organization": world.organization.pk,
            "title": "Уборка снега",
            "text": TEXT,
        },
    )
    assert response.status_code == 302 and response.url == reverse("staff:templates")
    template = AnswerTemplate.objects.get()
    assert (template.organization, template.title, template.text, template.created_by) == (
        world.organization,
        "Уборка снега",
        TEXT,
        world.head,
    )
    created = AuditEvent.objects.get(action="answer_template_created")
    assert created.actor == world.head
    assert created.changes == {
        "template": template.pk,
        "organization": world.organization.pk,
        "title": "Уборка снега",
    }
    page = client.get(reverse("staff:templates")).content.decode()
    assert "Уборка снега" in page and reverse("staff:template_edit", args=[template.pk]) in page

    edit_page = client.get(reverse("staff:template_edit", args=[template.pk])).content.decode()
    assert "Уборка снега" in edit_page
    response = client.post(
        reverse("staff:template_edit", args=[template.pk]),
        {
            "title": "Уборка снега во дворе",
            "text": "Снег убран, {citizen_name}.",
        },
    )
    assert response.status_code == 302 and response.url == reverse("staff:templates")
    template.refresh_from_db()
    assert (template.title, template.text) == (
        "Уборка снега во дворе",
        "Снег убран, {citizen_name}.",
    )
    updated = AuditEvent.objects.get(action="answer_template_updated")
    assert updated.actor == world.head
    assert updated.changes == {
        "template": template.pk,
        "organization": world.organization.pk,
        "title": "Уборка снега во дворе",
    }

    assert client.get(reverse("staff:template_delete", args=[template.pk])).status_code == 405
    response = client.post(reverse("staff:template_delete", args=[template.pk]))
    assert response.status_code == 302 and response.url == reverse("staff:templates")
    assert not AnswerTemplate.objects.exists()
    deleted = AuditEvent.objects.get(action="answer_template_deleted")
    assert deleted.actor == world.head
    assert deleted.changes == {
        "template": template.pk,
        "organization": world.organization.pk,
        "title": "Уборка снега во дворе",
    }


def test_services_write_the_audit_log(world):
    template = create_answer_template(
        actor=world.head, organization=world.organization, title="Ответ", text="Текст"
    )
    update_answer_template(
        actor=world.head, template_id=template.pk, title="Ответ 2", text="Текст 2"
    )
    delete_answer_template(actor=world.head, template_id=template.pk)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "answer_template_created",
        "answer_template_updated",
        "answer_template_deleted",
    ]
    assert {event.changes["template"] for event in AuditEvent.objects.all()} == {template.pk}


def test_executor_may_not_manage_templates(client, world):
    template = _template(world)
    client.force_login(world.executor)
    assert client.get(reverse("staff:templates")).status_code == 403
    assert client.get(reverse("staff:template_new")).status_code == 403
    assert (
        client.post(reverse("staff:template_new"), {"title": "x", "text": "y"}).status_code == 403
    )
    assert client.get(reverse("staff:template_edit", args=[template.pk])).status_code == 403
    assert client.post(reverse("staff:template_delete", args=[template.pk])).status_code == 403

    with pytest.raises(NotAllowed):
        create_answer_template(
            actor=world.executor, organization=world.organization, title="x", text="y"
        )
    with pytest.raises(NotAllowed):
        update_answer_template(actor=world.executor, template_id=template.pk, title="x", text="y")
    with pytest.raises(NotAllowed):
        delete_answer_template(actor=world.executor, template_id=template.pk)
    template.refresh_from_db()
    assert template.title == "Уборка снега"
    assert not AuditEvent.objects.exists()


def test_citizen_and_moderator_get_403(client, world):
    for user in (world.citizen, world.moderator):
        client.force_login(user)
        assert client.get(reverse("staff:templates")).status_code == 403


def test_another_organizations_head_gets_404(client, world, other_head):
    template = _template(world)
    client.force_login(other_head)
    assert client.get(reverse("staff:template_edit", args=[template.pk])).status_code == 404
    response = client.post(
        reverse("staff:template_edit", args=[template.pk]), {"title": "x", "text": "y"}
    )
    assert response.status_code == 404
    assert client.post(reverse("staff:template_delete", args=[template.pk])).status_code == 404
    assert "Уборка снега" not in client.get(reverse("staff:templates")).content.decode()
    # Nor can the other head create a template in an organization they do not head.
    response = client.post(
        reverse("staff:template_new"),
        {
            "organization": world.organization.pk,
            "title": "Чужой",
            "text": "Текст",
        },
    )
    assert response.status_code == 400
    assert AnswerTemplate.objects.get() == template
    template.refresh_from_db()
    assert template.title == "Уборка снега"

    with pytest.raises(NotAllowed):
        update_answer_template(actor=other_head, template_id=template.pk, title="x", text="y")
    with pytest.raises(NotAllowed):
        delete_answer_template(actor=other_head, template_id=template.pk)
    assert not AuditEvent.objects.exists()


def test_duplicate_title_is_refused_and_the_form_keeps_what_was_typed(client, world):
    _template(world)
    client.force_login(world.head)
    typed = "Совершенно новый текст ответа про наледь на тротуаре"
    response = client.post(
        reverse("staff:template_new"),
        {
            "organization": world.organization.pk,
            "title": "Уборка снега",
            "text": typed,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert typed in body and 'value="Уборка снега"' in body
    refusal = "У организации уже есть шаблон с таким названием. Выберите другое название."
    assert body.count(refusal) == 1  # once, in the form, not repeated as a message
    assert response.context["form"].errors == {"title": [refusal]}  # at the field it names
    assert AnswerTemplate.objects.count() == 1
    assert not AuditEvent.objects.exists()

    other = _template(world, title="Наледь")
    response = client.post(
        reverse("staff:template_edit", args=[other.pk]),
        {
            "title": "уборка снега",
            "text": typed,  # the same title in another case
        },
    )
    assert response.status_code == 400
    assert typed in response.content.decode()
    other.refresh_from_db()
    assert other.title == "Наледь"

    with pytest.raises(DomainError):
        create_answer_template(
            actor=world.head, organization=world.organization, title="Уборка снега", text="x"
        )


def test_same_title_is_allowed_in_another_organization(world, other_head):
    _template(world)
    template = create_answer_template(
        actor=other_head, organization=world.other_organization, title="Уборка снега", text="Текст"
    )
    assert template.organization == world.other_organization


def test_empty_fields_come_back_with_400(client, world):
    client.force_login(world.head)
    response = client.post(
        reverse("staff:template_new"),
        {
            "organization": world.organization.pk,
            "title": "Заголовок без текста",
            "text": "",
        },
    )
    assert response.status_code == 400
    assert 'value="Заголовок без текста"' in response.content.decode()
    assert not AnswerTemplate.objects.exists()


def test_head_of_several_organizations_picks_the_organization(client, world):
    subordinate = OrganizationFactory(
        region=world.region, parent=world.organization, name="Управление дорожного хозяйства"
    )
    client.force_login(world.head)
    form = client.get(reverse("staff:template_new")).content.decode()
    assert 'name="organization"' in form and "Управление дорожного хозяйства" in form
    assert "Министерство транспорта" not in form  # not headed
    response = client.post(
        reverse("staff:template_new"),
        {
            "organization": subordinate.pk,
            "title": "Ответ управления",
            "text": "Текст",
        },
    )
    assert response.status_code == 302
    assert AnswerTemplate.objects.get().organization == subordinate
    response = client.post(
        reverse("staff:template_new"),
        {
            "organization": world.other_organization.pk,
            "title": "Чужой",
            "text": "Текст",
        },
    )
    assert response.status_code == 400
    assert AnswerTemplate.objects.count() == 1
    page = client.get(reverse("staff:templates")).content.decode()
    assert "Управление дорожного хозяйства" in page and "Ответ управления" in page


def test_list_costs_the_same_for_2_or_12_templates(client, world):
    author = UserFactory(email="author@example.ru")
    for n in range(2):
        AnswerTemplate.objects.create(
            organization=world.organization, title=f"Шаблон {n}", text="…", created_by=author
        )
    client.force_login(world.head)
    client.get(reverse("staff:templates"))  # a warm process: the layout's data is cached
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("staff:templates")).status_code == 200
    for n in range(2, 12):
        AnswerTemplate.objects.create(
            organization=world.organization, title=f"Шаблон {n}", text="…", created_by=UserFactory()
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:templates"))
    body = response.content.decode()
    assert all(f"Шаблон {n}<" in body for n in range(12))
    assert len(many) == len(few)


def test_template_created_on_the_page_is_inserted_on_the_appeal_page(client, world):
    client.force_login(world.head)
    client.post(
        reverse("staff:template_new"),
        {
            "organization": world.organization.pk,
            "title": "Уборка снега",
            "text": TEXT,
        },
    )
    template = AnswerTemplate.objects.get()
    appeal = make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=world.organization,
        executor=world.executor,
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
    )
    client.force_login(world.executor)
    response = client.get(reverse("staff:appeal", args=[appeal.number]), {"template": template.pk})
    assert response.status_code == 200
    body = response.content.decode()
    name = world.citizen.get_full_name()
    assert f"Уважаемый(ая) {name}! По обращению № {appeal.number} от " in body
    assert "{citizen_name}" not in body and "{number}" not in body
