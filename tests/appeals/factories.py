"""Appeals in any status, built the way the services would leave them (for tests of later steps)."""

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from appeals.models import Answer, Appeal
from tests.accounts.factories import UserFactory
from tests.organizations.factories import CategoryFactory, MunicipalityFactory, OrganizationFactory

S = Appeal.Status


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    number = factory.Sequence(lambda n: f"41-2026-{900000 + n:06d}")
    citizen = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.LazyAttribute(lambda appeal: appeal.municipality.region)
    category = factory.SubFactory(CategoryFactory)
    address = "г. Петропавловск-Камчатский, ул. Ленинская, д. 1"
    text = "Во дворе дома не убирают снег уже неделю, проход к подъезду закрыт."
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_due_at = factory.LazyAttribute(
        lambda appeal: appeal.submitted_at + timedelta(days=3)
    )
    consent_at = factory.LazyAttribute(lambda appeal: appeal.submitted_at)
    consent_version = "2026-11"
    idempotency_key = factory.LazyFunction(uuid.uuid4)


def make_appeal(status: str = S.SUBMITTED, *, organization=None, executor=None, **fields) -> Appeal:
    """An appeal in `status` with the fields that status implies (organization, due date, answer)."""
    now = timezone.now()
    if status != S.SUBMITTED and status != S.REJECTED:
        organization = organization or OrganizationFactory()
        fields.setdefault("registered_at", now - timedelta(hours=12))
        fields.setdefault("due_at", now + timedelta(days=29))
        fields.setdefault("organization", organization)
        fields.setdefault("region", organization.region)
        if "municipality" not in fields:  # not setdefault: it would create one every time
            fields["municipality"] = MunicipalityFactory(region=organization.region)
    if status in (S.IN_PROGRESS, S.CLARIFICATION, S.ANSWERED, S.CLOSED) and executor is not None:
        fields.setdefault("executor", executor)
    if status in (S.ANSWERED, S.CLOSED):
        fields.setdefault("answered_at", now - timedelta(hours=1))
    if status == S.CLOSED:
        fields.setdefault("closed_at", now)
        fields.setdefault("close_reason", Appeal.CloseReason.RATED)
    if status == S.REJECTED:
        fields.setdefault("ground", "spam")
    appeal = AppealFactory(status=status, **fields)
    if status in (S.ANSWERED, S.CLOSED):
        Answer.objects.create(
            appeal=appeal,
            author=executor or UserFactory(),
            organization=appeal.organization,
            text="Снег убран, территория обработана противогололёдными материалами.",
            review_round=appeal.review_round,
        )
    return appeal


WORLD_FIELDS = ("organization", "executor", "citizen", "category", "municipality", "region")


def world_appeal(world, status: str = S.SUBMITTED, **fields) -> Appeal:
    """An appeal of the `world` fixture (tests/appeals/conftest.py): its organization, executor,
    citizen, category, municipality and region unless `fields` name others (executor=None: none)."""
    for name in WORLD_FIELDS:
        fields.setdefault(name, getattr(world, name))
    return make_appeal(status, **fields)


def filing_form(world, **overrides) -> dict:
    """What the filing form (site, widget, staff on a citizen's behalf) posts for an appeal of
    `world`; `overrides` change or add fields, and a None value leaves a field out."""
    data = {
        "category": world.category.pk,
        "municipality": world.municipality.pk,
        "address": "ул. Ленинская, 12",
        "text": "Во дворе не убран снег уже неделю, к подъезду не пройти.",
        "consent": "on",
        "idempotency_key": str(uuid.uuid4()),
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}
