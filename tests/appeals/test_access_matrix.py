"""Every URL that takes an object, every role that has no business with that object: 403/404,
and not a word of the citizen's personal data in the answer. A new URL pattern with a parameter
fails the meta-test until it is added here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from answers.models import PublishedAnswer
from appeals.models import (
    Answer,
    AnswerTemplate,
    Appeal,
    Attachment,
    CoSigner,
    DocumentRequest,
    Incident,
    MaterialsRequest,
)
from organizations.models import Membership, Official
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.citizen_api.tokens import demo_app_token
from tests.organizations.factories import MembershipFactory, OrganizationFactory, RegionFactory
from tests.outages.factories import OutageFactory

# Patterns with parameters that are not "someone's object": allauth's one-time keys are secrets
# themselves, the admin is for superusers only (Django checks is_staff before any lookup).
# Polls, votes and discussions are public once published; their drafts and organizer pages have
# their own matrix (tests/surveys/test_views.py, with the same meta-test for new patterns).
EXEMPT_NAMESPACES = {"admin", "surveys", "discussions"}
# The Open311 API is public and anonymous by design: tests/appeals/test_open311.py proves that it
# never returns personal data. The widget form is addressed by the organization's public slug and
# shows only the signed-in citizen's own appeal.
EXEMPT_NAMESPACES |= {"open311"}
EXEMPT = {
    "widget_form",
    "account_confirm_email",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "analytics:export",  # <table>.<format> of the dashboard: aggregates of the user's own scope
    "reporting:export",  # <format> of the Decree 171 report: aggregates of the user's own scope
    "accounts:held_appeal",  # a signed token, for its account only: test_register_on_behalf.py
    # The unsubscribe link of an outage notice: a signed token of one subscription, working from
    # the letter without signing in; forged tokens are 404 (tests/outages/test_views.py).
    "outages:unsubscribe",
    # An active organization's public page: its contacts and the officials it lists, for anyone.
    "organizations:detail",
    # A published answer to a question of general concern: public by design, without personal data.
    "answers:detail",
    # The citizen API: the review term of a category (reference data, no one's object).
    "citizen_api:category_term",
}

COVERED = {
    "appeals:detail": {"number"},
    "appeals:reply": {"number"},
    "appeals:rate": {"number"},
    "appeals:withdraw": {"number"},
    "appeals:add_documents": {"number"},
    "appeals:complain": {"number"},
    "appeals:make_official": {"number"},
    "appeals:answer_letter": {"number", "answer_id"},
    "appeals:download": {"number", "attachment_id"},
    "appeals:thumbnail": {"number", "attachment_id"},
    "appeals:make_private": {"number"},
    "appeals:request_materials": {"number"},
    # Proof of fix: only the author confirms or refutes the work on site.
    "appeals:confirm_fix": {"number"},
    "appeals:refute_fix": {"number"},
    # A collective appeal: the join link (the matrix's appeal is answered, so signing is closed for
    # everybody and the page shows nothing of it), the author's and the co-signer's own actions.
    "appeals:join": {"token"},
    "appeals:collect_signatures": {"number"},
    "appeals:choose_representative": {"number"},
    "appeals:cosigned": {"number"},
    "appeals:withdraw_signature": {"number"},
    "moderation:organization_options": {"number"},
    "moderation:review": {"number"},
    # The quality review of answers (quality/): reviewers of the appeal's region or organization
    "quality:review": {"number"},
    "quality:release": {"number"},
    "quality:return": {"number"},
    "quality:formal": {"number"},
    "quality:confirm": {"number"},
    "moderation:accept": {"number"},
    "moderation:reject": {"number"},
    "moderation:duplicate": {"number"},
    "moderation:public_text": {"number"},
    "moderation:withhold_text": {"number"},
    "moderation:send_copies": {"number"},
    "moderation:complained_official": {"number"},
    # Public pages: the appeal of the setting is private, so every role (the anonymous visitor
    # included) gets a 404 and none of its data.
    "problems:detail": {"number"},
    "problems:photo": {"number", "attachment_id"},
    "problems:photo_thumbnail": {"number", "attachment_id"},
    # «Вы сказали — мы сделали»: the proof photos of a public problem only (the setting's appeal
    # is private, and its file is a PDF).
    "done_photo": {"number", "attachment_id"},
    "done_photo_thumbnail": {"number", "attachment_id"},
    "staff:appeal": {"number"},
    "staff:contacts": {"number"},
    "staff:take": {"number"},
    "staff:assign": {"number"},
    "staff:answer": {"number"},
    "staff:sign": {"number"},
    "staff:answer_letter": {"number", "answer_id"},
    "staff:record_posting": {"number"},
    "staff:report_work_done": {"number"},
    "staff:return_for_rework": {"number"},
    "staff:clarify": {"number"},
    "staff:redirect": {"number"},
    "staff:redirect_options": {"number"},
    "staff:extend": {"number"},
    "staff:note": {"number"},
    "staff:close": {"number"},
    "staff:grant_materials": {"number", "request_id"},
    "staff:refuse_materials": {"number", "request_id"},
    "staff:send_document_request": {"number"},
    "staff:record_document_reply": {"number", "document_request_id"},
    "staff:template_edit": {"template_id"},
    "staff:template_delete": {"template_id"},
    # The officials of the owner's organization: its head only (head_a heads another one).
    "staff:official_edit": {"official_id"},
    # «Присоединиться»: the matrix's appeal is private, so not a public problem for anybody.
    "problem_join": {"number"},
    "problem_leave": {"number"},
    "problem_rate": {"number"},
    "staff:incident": {"incident_id"},
    "staff:incident_answer": {"incident_id"},
    "staff:incident_close": {"incident_id"},
    "staff:incident_add": {"incident_id"},
    "staff:incident_remove": {"incident_id"},
    # Outages (issue 16): an outage of another organization is a 404 for its staff pages.
    "outage_staff:edit": {"outage_id"},
    "outage_staff:cancel": {"outage_id"},
    # Published answers (issue 16): another organization's answer or appeal is a 404.
    "answers_staff:edit": {"published_id"},
    "answers_staff:withdraw": {"published_id"},
    "answers_staff:for_appeal": {"number"},
    # The classifier heading of an appeal: its organization's staff and its region's moderator.
    "appeal_topic": {"number"},
    # The citizen API of the mobile app (bearer tokens: tests/citizen_api/test_access.py has the
    # token matrix); here every role's token is a 404, the anonymous visitor's request a 401.
    "citizen_api:appeal": {"number"},
    "citizen_api:reply": {"number"},
    "citizen_api:rating": {"number"},
    "citizen_api:support": {"number"},
}

ROLES = [
    "anonymous",
    "other_citizen",
    "executor_a",
    "head_a",
    "executor_b",
    "moderator_elsewhere",
    "analyst",
]


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from _patterns(item, inner)
        elif isinstance(item, URLPattern) and item.name:
            yield f"{namespace}{item.name}", set(item.pattern.converters)


def test_every_url_with_a_parameter_is_in_the_matrix():
    found = {
        name: params
        for name, params in _patterns()
        if params and name.split(":")[0] not in EXEMPT_NAMESPACES and name not in EXEMPT
    }
    assert found == COVERED


@pytest.fixture
def setting(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    owner_org = OrganizationFactory(region=region, name="Управляющая компания «Северная»")
    org_a = OrganizationFactory(region=region, name="Администрация поселения А")
    org_b = OrganizationFactory(region=region, name="Администрация поселения Б")
    owner = UserFactory(
        email="owner.secret@example.ru",
        last_name="Секретова",
        first_name="Тайна",
        phone="+7 900 111-22-33",
        postal_address="ул. Потайная, 13",
    )
    appeal = make_appeal(
        Appeal.Status.ANSWERED,
        organization=owner_org,
        citizen=owner,
        region=region,
        text="Текст, который никто посторонний не должен прочесть.",
    )
    answer = Answer.objects.get(appeal=appeal)
    attachment = Attachment.objects.create(
        appeal=appeal,
        answer=answer,
        original_name="scan.pdf",
        content_type="application/pdf",
        size=4,
        file="attachments/x",
    )
    template = AnswerTemplate.objects.create(
        organization=owner_org, title="Шаблон", text="Текст шаблона"
    )
    official = Official.objects.create(
        organization=owner_org, name="Секретова Тайна", position="директор", is_active=False
    )
    people = {"anonymous": None, "other_citizen": UserFactory(email="other@example.ru")}
    for role, org, kind in [
        ("executor_a", org_a, "executor"),
        ("head_a", org_a, "head"),
        ("executor_b", org_b, "executor"),
    ]:
        people[role] = UserFactory(email=f"{role}@example.ru")
        MembershipFactory(user=people[role], organization=org, role=kind)
    people["moderator_elsewhere"] = UserFactory(email="moderator.25@example.ru")
    MembershipFactory(
        user=people["moderator_elsewhere"],
        organization=None,
        region=RegionFactory(code="25"),
        role=Membership.Role.MODERATOR,
    )
    people["analyst"] = UserFactory(email="analyst@example.ru")
    MembershipFactory(
        user=people["analyst"], organization=None, region=region, role=Membership.Role.ANALYST
    )
    incident = Incident.objects.create(
        region=region, organization=owner_org, title="Прорыв теплотрассы"
    )
    Appeal.objects.filter(pk=appeal.pk).update(
        incident=incident, collective_token="k9Qx-collective-link-token", cosigners_count=1
    )
    materials_request = MaterialsRequest.objects.create(appeal=appeal, citizen=owner)
    document_request = DocumentRequest.objects.create(
        appeal=appeal,
        body_name="Росреестр",
        question="Выписка о собственниках",
        due_at=appeal.due_at,
        sent_at=appeal.registered_at,
    )
    CoSigner.objects.create(
        appeal=appeal,
        citizen=UserFactory(email="cosigner.secret@example.ru", last_name="Соподписантова"),
        wants_copy=True,
    )
    outage = OutageFactory(organization=owner_org, description="Замена задвижки, секретно.")
    published = PublishedAnswer.objects.create(
        organization=owner_org,
        title="Снег",
        question="Когда?",
        answer="Секретова, никто посторонний",
    )
    kwargs = {
        "token": "k9Qx-collective-link-token",
        "number": appeal.number,
        "attachment_id": attachment.pk,
        "request_id": materials_request.pk,
        "document_request_id": document_request.pk,
        "template_id": template.pk,
        "incident_id": incident.pk,
        "answer_id": answer.pk,
        "outage_id": outage.pk,
        "published_id": published.pk,
        "official_id": official.pk,
    }
    secrets = [
        owner.email,
        "Секретова",
        "+7 900 111-22-33",
        "ул. Потайная",
        "никто посторонний",
        "Соподписантова",
        "cosigner.secret@example.ru",
    ]
    return {"people": people, "kwargs": kwargs, "secrets": secrets}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(COVERED))
def test_nobody_else_gets_the_object(client, setting, name, role):
    person = setting["people"][role]
    api = name.startswith("citizen_api:")
    if person is not None:
        client.force_login(person)
        if api:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {demo_app_token(person)}"
    url = reverse(name, kwargs={key: setting["kwargs"][key] for key in COVERED[name]})
    methods = (client.get, client.post, client.delete) if api else (client.get, client.post)
    for method in methods:
        response = method(
            url,
            {
                "text": "x",
                "ground": "spam",
                "days": "5",
                "reason": "x",
                "score": "5",
                "solved": "yes",
                "original_number": "41-2026-000001",
                "documents": str(setting["kwargs"]["attachment_id"]),
                "body_name": "x",
                "question": "x",
                "comment": "x",
                "copies": "1",
                "official": setting["kwargs"]["official_id"],
                "name": "Взлом",
                "position": "x",
                "order": "1",
            },
        )
        expected = {302, 403, 404, 405} if person is None else {403, 404, 405}
        if api:
            expected = {401, 405} if person is None else {404, 405}
        assert response.status_code in expected, (method.__name__, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response.url
        body = b"".join(response) if response.streaming else response.content
        for secret in setting["secrets"]:
            assert secret.encode() not in body, secret
