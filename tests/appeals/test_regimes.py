"""Regimes: which rules an appeal gets, and that it keeps them (59-FZ, platform message, housing)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.deadlines import fill_calendar
from appeals.models import Appeal
from core.errors import DomainError
from organizations.models import Organization
from regimes.models import RegimeRule, RegimeVersion
from tests.appeals.factories import world_appeal
from tests.organizations.factories import (
    CategoryFactory,
    OrganizationFactory,
    RoutingRuleFactory,
)

pytestmark = pytest.mark.django_db
S = Appeal.Status
KAMCHATKA = ZoneInfo("Asia/Kamchatka")
K = Organization.Kind


def end_of(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(
        hour=23, minute=59, second=59, microsecond=999999, tzinfo=KAMCHATKA
    )


def _registered(world, *, category=None, kind=K.MUNICIPAL_ADMINISTRATION, at: str):
    organization = OrganizationFactory(region=world.region, kind=kind)
    category = category or CategoryFactory(parent=world.category.parent, term_days=30)
    with time_machine.travel(at):
        appeal = world_appeal(world, S.SUBMITTED, category=category, submitted_at=timezone.now())
        return services.accept_appeal(
            moderator=world.moderator, appeal_id=appeal.pk, organization=organization
        )


# --- which regime, which term: regimes × kinds of body, with the calendar's traps ---------------


@pytest.mark.parametrize(
    ("kind", "pressing", "registered", "code", "due"),
    [
        # 59-FZ: 30 calendar days; the last day is not moved off a weekend (2026-04-12 is a Sunday)
        (K.EXECUTIVE_BODY, False, "2026-03-13T10:00:00+12:00", "59-fz", "2026-04-12"),
        (K.MUNICIPAL_ADMINISTRATION, False, "2026-03-13T10:00:00+12:00", "59-fz", "2026-04-12"),
        # late evening in Kamchatka is the same local day, whatever the UTC date says
        (K.EXECUTIVE_BODY, False, "2026-03-13T23:30:00+12:00", "59-fz", "2026-04-12"),
        # leap year: 30 days from 15 February run through the 29th
        (K.EXECUTIVE_BODY, False, "2028-02-15T10:00:00+12:00", "59-fz", "2028-03-16"),
        (K.EXECUTIVE_BODY, False, "2027-02-15T10:00:00+12:00", "59-fz", "2027-03-17"),
        # housing rules: 10 working days; 31 December 2026 and the New Year holidays
        # (1–8 January 2027) do not count
        (K.MANAGEMENT_COMPANY, False, "2026-12-28T10:00:00+12:00", "housing", "2027-01-20"),
        # and a weekday holiday hidden in May (2026-05-11, the Victory Day transfer) neither
        (K.MANAGEMENT_COMPANY, False, "2026-05-06T10:00:00+12:00", "housing", "2026-05-21"),
        # the pressing category: a platform message of 10 calendar days at any body
        (K.MANAGEMENT_COMPANY, True, "2026-12-28T10:00:00+12:00", "message", "2027-01-07"),
        (K.EXECUTIVE_BODY, True, "2028-02-25T10:00:00+12:00", "message", "2028-03-06"),
    ],
)
def test_the_regime_and_its_term_follow_the_category_and_the_kind_of_body(
    world, demo_rules, kind, pressing, registered, code, due
):
    fill_calendar(years=[2026, 2027, 2028])
    appeal = _registered(
        world, category=world.category if pressing else None, kind=kind, at=registered
    )
    assert appeal.regime_version.regime.code == code
    assert appeal.due_at == end_of(due)


def test_without_a_rule_the_category_keeps_its_own_term(world):
    appeal = _registered(world, at="2026-03-13T10:00:00+12:00")
    assert appeal.regime_version is None
    assert appeal.due_at == end_of("2026-04-12")  # the category's 30 days


def test_the_most_specific_rule_wins(world, demo_rules):
    section_rule = RegimeRule.objects.create(
        regime=demo_rules["housing"], category=world.category.parent
    )
    other = CategoryFactory(parent=world.category.parent, term_days=30)
    appeal = _registered(world, category=other, at="2026-03-13T10:00:00+12:00")
    assert appeal.regime_version.regime == section_rule.regime  # the section's rule, not "any"
    pressing = _registered(world, category=world.category, at="2026-03-13T10:00:00+12:00")
    assert pressing.regime_version.regime.code == "message"  # the category's own rule


def test_one_rule_per_category_and_kind(world, demo_rules):
    with pytest.raises(IntegrityError):
        RegimeRule.objects.create(regime=demo_rules["message"])  # a second "any × any"


# --- an appeal keeps the rules it was filed under ------------------------------------------------


def test_an_appeal_keeps_the_version_in_force_when_it_was_filed(world, demo_rules):
    regime = demo_rules["59-fz"]
    with time_machine.travel("2026-03-01T10:00:00+12:00"):
        filed_before = world_appeal(world, S.SUBMITTED, category=CategoryFactory(term_days=30))
        filed_before.submitted_at = timezone.now()
        filed_before.save(update_fields=["submitted_at"])
    with time_machine.travel("2026-03-02T10:00:00+12:00"):
        # the rules change: from today a 20-day term
        first = regime.versions.order_by("-valid_from", "-number").first()  # in force
        RegimeVersion.objects.create(
            regime=regime,
            number=first.number + 1,
            valid_from=timezone.now(),
            answer_days=20,
            extension_max_days=30,
        )
        kept = services.accept_appeal(
            moderator=world.moderator, appeal_id=filed_before.pk, organization=world.organization
        )
        new = _registered(world, at="2026-03-02T10:00:00+12:00")
    assert kept.regime_version == first and kept.due_at == end_of("2026-04-01")
    assert new.regime_version.number == first.number + 1 and new.due_at == end_of("2026-03-22")

    # A redirect within the forwarding term gives a fresh term of the kept rules, not the new ones
    with time_machine.travel("2026-03-05T10:00:00+12:00"):
        redirected = services.redirect_appeal(
            actor=world.moderator,
            appeal_id=kept.pk,
            organization=world.other_organization,
            reason="Вопрос краевого значения.",
        )
    assert redirected.due_at == end_of("2026-04-04")


# --- what the regime allows ----------------------------------------------------------------------


def test_the_housing_rules_allow_no_extension_and_59_fz_at_most_30_days(world, demo_rules):
    housing = _registered(world, kind=K.MANAGEMENT_COMPANY, at="2026-03-13T10:00:00+12:00")
    appeal = _registered(world, at="2026-03-13T10:00:00+12:00")
    head = _head_of(appeal.organization)
    with time_machine.travel("2026-03-16T10:00:00+12:00"):
        with pytest.raises(DomainError) as refused:
            services.extend_deadline(
                head=_head_of(housing.organization),
                appeal_id=housing.pk,
                days=5,
                reason="Нужна экспертиза.",
            )
        with pytest.raises(DomainError) as too_long:
            services.extend_deadline(head=head, appeal_id=appeal.pk, days=31, reason="Экспертиза.")
        extended = services.extend_deadline(
            head=head, appeal_id=appeal.pk, days=30, reason="Экспертиза."
        )
    assert "не допускают продления" in str(refused.value.message)
    assert "30" in str(too_long.value.message)
    housing.refresh_from_db()
    assert housing.extension_days is None
    assert extended.due_at == end_of("2026-05-12")


def test_the_forwarding_term_is_the_regimes(world, demo_rules):
    # housing rules forward within 3 days: a redirect on day 5 keeps the term (59-FZ: 7 days)
    appeal = _registered(world, kind=K.MANAGEMENT_COMPANY, at="2026-03-02T10:00:00+12:00")
    due = appeal.due_at
    with time_machine.travel("2026-03-07T10:00:00+12:00"):
        kept = services.redirect_appeal(
            actor=world.moderator,
            appeal_id=appeal.pk,
            organization=world.other_organization,
            reason="Не наш дом.",
        )
    assert kept.due_at == due
    appeal = _registered(world, at="2026-03-02T10:00:00+12:00")
    with time_machine.travel("2026-03-07T10:00:00+12:00"):
        fresh = services.redirect_appeal(
            actor=world.moderator,
            appeal_id=appeal.pk,
            organization=world.other_organization,
            reason="Краевая дорога.",
        )
    assert fresh.due_at == end_of("2026-04-06")


def test_a_regime_may_limit_the_closing_grounds(world, demo_rules):
    version = demo_rules["housing"].versions.get()
    version.closing_grounds = ["abusive", "duplicate"]
    version.save()
    appeal = _registered(world, kind=K.MANAGEMENT_COMPANY, at="2026-03-13T10:00:00+12:00")
    head = _head_of(appeal.organization)
    with pytest.raises(DomainError):
        services.close_on_ground(actor=head, appeal_id=appeal.pk, ground="state_secret")
    closed = services.close_on_ground(actor=head, appeal_id=appeal.pk, ground="abusive")
    assert closed.status == S.CLOSED


def test_the_registration_term_is_the_regimes_of_the_category(world, demo_rules):
    pressing = services.submit_appeal(
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        address="ул. Ленинская, 12",
        text="Не убран снег во дворе, к подъезду не пройти.",
    )
    assert pressing.registration_due_at - pressing.submitted_at == timedelta(days=1)
    other = services.submit_appeal(
        citizen=world.citizen,
        category=CategoryFactory(parent=world.category.parent),
        municipality=world.municipality,
        address="ул. Ленинская, 12",
        text="Не горят фонари на улице уже неделю.",
    )
    assert other.registration_due_at - other.submitted_at == timedelta(days=3)


# --- what people see --------------------------------------------------------------------------


def test_the_citizen_and_staff_see_the_regime(client, world, demo_rules):
    appeal = _registered(world, kind=K.MANAGEMENT_COMPANY, at="2026-03-13T10:00:00+12:00")
    client.force_login(appeal.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Правила управления многоквартирными домами" in page
    assert "10 рабочих дней" in page

    head = _head_of(appeal.organization)
    client.force_login(head)
    queue = client.get(reverse("staff:home") + "?tab=all").content.decode()
    assert "Жилищные" in queue
    staff_page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "без продления" in staff_page


def test_the_filing_form_tells_the_term_of_the_body_the_appeal_will_go_to(
    client, world, demo_rules
):
    company = OrganizationFactory(region=world.region, kind=K.MANAGEMENT_COMPANY)
    category = CategoryFactory(parent=world.category.parent, name="Протечка кровли")
    RoutingRuleFactory(
        category=category,
        municipality=world.municipality,
        organization=company,
        region=world.region,
    )
    client.force_login(world.citizen)
    hint = client.get(
        reverse("appeals:term"), {"category": category.pk, "municipality": world.municipality.pk}
    ).content.decode()
    assert "Правила управления многоквартирными домами" in hint and "10 рабочих дней" in hint
    no_place = client.get(reverse("appeals:term"), {"category": category.pk}).content.decode()
    assert "59-ФЗ" in no_place and "30 дней" in no_place
    bad = client.get(reverse("appeals:term"), {"category": category.pk, "municipality": "x'"})
    assert bad.status_code == 200 and "30 дней" in bad.content.decode()


def test_a_rule_changed_in_the_admin_applies_to_the_next_registration(client, world, demo_rules):
    from tests.accounts.factories import UserFactory

    admin = UserFactory(email="root@example.ru", is_staff=True, is_superuser=True)
    client.force_login(admin)
    rule = RegimeRule.objects.get(organization_kind=K.MANAGEMENT_COMPANY)
    response = client.post(
        reverse("admin:regimes_regimerule_change", args=[rule.pk]),
        {
            "regime": demo_rules["message"].pk,
            "category": "",
            "organization_kind": rule.organization_kind,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = _registered(world, kind=K.MANAGEMENT_COMPANY, at="2026-03-13T10:00:00+12:00")
    assert appeal.regime_version.regime.code == "message"


def test_a_new_version_in_the_admin_leaves_the_old_one_as_it_was(client, world, demo_rules):
    from tests.accounts.factories import UserFactory

    admin = UserFactory(email="root@example.ru", is_staff=True, is_superuser=True)
    client.force_login(admin)
    regime = demo_rules["message"]
    first = regime.versions.get()
    url = reverse("admin:regimes_regime_change", args=[regime.pk])
    assert client.get(url).status_code == 200
    prefix = "versions"
    data = {
        "code": regime.code,
        "name": regime.name,
        "short_name": regime.short_name,
        "kind": regime.kind,
        "description": regime.description,
        # the read-only list of versions
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "0",
        f"{prefix}-0-id": first.pk,
        f"{prefix}-0-regime": regime.pk,
        # the new version
        f"{prefix}-2-TOTAL_FORMS": "1",
        f"{prefix}-2-INITIAL_FORMS": "0",
        f"{prefix}-2-MIN_NUM_FORMS": "0",
        f"{prefix}-2-MAX_NUM_FORMS": "1",
        f"{prefix}-2-0-valid_from_0": "01.03.2026",
        f"{prefix}-2-0-valid_from_1": "00:00:00",
        f"{prefix}-2-0-registration_days": "1",
        f"{prefix}-2-0-answer_days": "7",
        f"{prefix}-2-0-day_count": "calendar",
        f"{prefix}-2-0-extension_max_days": "10",
        f"{prefix}-2-0-forwarding_days": "3",
        f"{prefix}-2-0-outcomes": "explained",
        f"{prefix}-2-0-closing_grounds": "",
        f"{prefix}-2-0-notices": "registered,answered",
        f"{prefix}-2-0-signer": "executor",
        f"{prefix}-2-0-regime": regime.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    versions = list(regime.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    first.refresh_from_db()
    assert first.answer_days == 10 and versions[1].answer_days == 7


def _head_of(organization):
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.organizations.factories import MembershipFactory

    user = UserFactory()
    MembershipFactory(user=user, organization=organization, role=Membership.Role.HEAD)
    return user


# --- identification by channel (547-FZ) ----------------------------------------------------------

C = Appeal.Channel


@pytest.mark.parametrize(
    ("channel", "identified", "reviewed_as", "official"),
    [
        (C.WEB, True, "59-fz", None),
        (C.WEB, False, "message", "59-fz"),  # a confirmed e-mail is not an identity
        (C.WIDGET, True, "59-fz", None),
        (C.WIDGET, False, "message", "59-fz"),
        (C.API, True, "message", "59-fz"),  # a partner call carries no identity assertion
        (C.PHONE, True, "message", "59-fz"),  # never a 59-FZ channel
        (C.PAPER, False, "59-fz", None),  # a written letter: a 59-FZ appeal
        (C.VISIT, False, "59-fz", None),  # the staff member at the reception checks
    ],
)
def test_what_a_channel_creates_depends_on_who_can_be_identified(
    world, demo_rules, channel, identified, reviewed_as, official
):
    world.citizen.identity_verified_at = timezone.now() if identified else None
    world.citizen.save()
    organization = OrganizationFactory(region=world.region, kind=K.EXECUTIVE_BODY)
    appeal = world_appeal(
        world, S.SUBMITTED, category=CategoryFactory(term_days=30), channel=channel
    )
    appeal = services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, organization=organization
    )
    assert appeal.regime_version.regime.code == reviewed_as
    assert getattr(appeal.official_regime_version, "regime", None) == (
        demo_rules[official] if official else None
    )
    days = appeal.regime_version.answer_days
    assert days == (30 if reviewed_as == "59-fz" else 10)


def test_a_message_becomes_an_official_appeal_after_identification(client, world, demo_rules):
    from appeals.services import rights

    world.citizen.identity_verified_at = None
    world.citizen.save()
    organization = OrganizationFactory(region=world.region, kind=K.EXECUTIVE_BODY)
    with time_machine.travel("2026-03-02T10:00:00+12:00"):
        appeal = world_appeal(
            world, S.SUBMITTED, category=CategoryFactory(term_days=30), channel=C.WIDGET
        )
        appeal = services.accept_appeal(
            moderator=world.moderator, appeal_id=appeal.pk, organization=organization
        )
    assert appeal.regime_version.regime.code == "message"
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Войдите через Госуслуги" in page or "через Госуслуги" in page
    with pytest.raises(DomainError):  # not identified yet
        rights.make_official(citizen=world.citizen, appeal_id=appeal.pk)

    world.citizen.identity_verified_at = timezone.now()  # signed in through Gosuslugi
    world.citizen.save()
    with time_machine.travel("2026-03-05T10:00:00+12:00"):
        response = client.post(reverse("appeals:make_official", args=[appeal.number]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.regime_version.regime.code == "59-fz" and appeal.official_regime_version is None
    assert appeal.due_at == end_of("2026-04-04")  # a fresh 30-day term from the conversion
    event = appeal.events.get(action="make_official")
    assert event.actor == world.citizen and event.data == {
        "regime": "59-fz",
        "organization": appeal.organization_id,
    }
    with pytest.raises(DomainError):
        rights.make_official(citizen=world.citizen, appeal_id=appeal.pk)


def test_the_filing_form_tells_an_unidentified_citizen_how_to_file_officially(
    client, world, demo_rules
):
    world.citizen.identity_verified_at = None
    world.citizen.save()
    category = CategoryFactory(parent=world.category.parent)
    client.force_login(world.citizen)
    hint = client.get(reverse("appeals:term"), {"category": category.pk}).content.decode()
    assert "Сообщение платформы" in hint and "Госуслуги" in hint
