"""Filing: a citizen (or staff on their behalf) submits an appeal for moderation."""

import uuid
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments
from appeals.models import Appeal, Attachment, Event
from core.errors import DomainError
from core.outbox import notify
from core.uploads import AttachmentError
from organizations.models import Category, Municipality, Official, Organization
from outages.selectors import outage_under_way
from places.models import House
from regimes.selectors import regime_version_for

# Version of the consent text shown on the form (152-FZ); stored with each appeal.
CONSENT_VERSION = "2026-11"
REGISTRATION_WINDOW = timedelta(days=3)


def registration_window(category: Category, *, now) -> timedelta:
    """The moderators' registration term: the category's regime's (the body is not chosen yet)."""
    version = regime_version_for(
        category_id=category.pk, parent_id=category.parent_id, organization_kind="", as_of=now
    )
    return timedelta(days=version.registration_days) if version else REGISTRATION_WINDOW


def _next_number(*, region, year: int) -> str:
    """`{region}-{year}-{sequence:06d}`. The counter row is updated in the submitting transaction,
    so concurrent submissions queue on it for a moment and a rollback leaves no gap."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO appeals_appealnumbercounter (region_id, year, last) VALUES (%s, %s, 1)
            ON CONFLICT (region_id, year)
            DO UPDATE SET last = appeals_appealnumbercounter.last + 1
            RETURNING last
            """,
            [region.pk, year],
        )
        sequence = cursor.fetchone()[0]
    return f"{region.code}-{year}-{sequence:06d}"


@transaction.atomic
def _submit(
    *,
    citizen,
    category: Category,
    municipality: Municipality,
    address: str,
    house: House | None,
    place_description: str,
    text: str,
    consent_version: str,
    idempotency_key: uuid.UUID | None,
    channel: str,
    draft_key: uuid.UUID | None,
    uploads,
    latitude: Decimal | None,
    longitude: Decimal | None,
    complained_organization: Organization | None,
    complaint_about: Appeal | None,
    proposed_organization: Organization | None,
    answer_by_email: bool,
    actor,
    is_public: bool,
    addressee: Official | None,
    complained_official: Official | None,
) -> Appeal:
    if category.parent_id is None or not category.is_active:
        raise DomainError(_("Choose a category, not a whole section."))
    if addressee is not None and (not addressee.is_active or not addressee.organization.is_active):
        raise DomainError(_("This official is no longer listed: choose another or none."))
    drafts = (
        list(
            Attachment.objects.filter(draft_key=draft_key, appeal__isnull=True, uploaded_by=citizen)
        )
        if draft_key
        else []
    )
    attachments.check_count(existing=len(drafts), adding=len(uploads))
    now = timezone.now()
    region = municipality.region
    local_year = now.astimezone(ZoneInfo(region.timezone)).year
    if house is not None and latitude is None and house.latitude is not None:
        latitude, longitude = house.latitude, house.longitude
    # Filed anyway while a published outage is on at the address: staff see the link and may
    # answer with the outage's notice.
    outage = outage_under_way(
        house=house, municipality_id=municipality.pk, service=category.served_by, at=now
    )
    appeal = Appeal.objects.create(
        number=_next_number(region=region, year=local_year),
        citizen=citizen,
        region=region,
        category=category,
        municipality=municipality,
        address=address.strip(),
        house=house,
        place_description=place_description.strip(),
        latitude=latitude,
        longitude=longitude,
        text=text.strip(),
        channel=channel,
        complained_organization=complained_organization,
        is_public=is_public,
        complaint_about=complaint_about,
        # A proposal for the moderator (registration may choose another): the supervising body
        # of a complaint about an answer, the organization of the official addressed.
        organization=proposed_organization
        or (addressee.organization if addressee is not None else None),
        addressee=addressee,
        complained_official=complained_official,
        answer_by_email=answer_by_email,
        outage=outage,
        submitted_at=now,
        registration_due_at=now + registration_window(category, now=now),
        consent_at=now,
        consent_version=consent_version,
        idempotency_key=idempotency_key,
    )
    if drafts:
        Attachment.objects.filter(pk__in=[d.pk for d in drafts]).update(
            appeal=appeal, draft_key=None
        )
    for upload in uploads:
        attachments.store_attachment(upload=upload, uploaded_by=citizen, appeal=appeal)
    Event.objects.create(
        appeal=appeal,
        actor=actor,
        action=Event.Action.SUBMIT,
        to_status=appeal.status,
        data={
            "channel": channel,
            "is_public": is_public,
            **({"outage": outage.pk} if outage is not None else {}),
        },
        created_at=now,
    )
    notify(recipient=citizen, appeal=appeal, template="submitted")
    return appeal


def submit_appeal(
    *,
    citizen,
    category: Category,
    municipality: Municipality,
    address: str,
    text: str,
    house: House | None = None,
    place_description: str = "",
    consent_version: str = CONSENT_VERSION,
    idempotency_key: uuid.UUID | None = None,
    channel: str = Appeal.Channel.WEB,
    draft_key: uuid.UUID | None = None,
    uploads=(),
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    complained_organization: Organization | None = None,
    complaint_about: Appeal | None = None,
    proposed_organization: Organization | None = None,
    answer_by_email: bool = False,
    actor=None,
    is_public: bool = False,
    addressee: Official | None = None,
    complained_official: Official | None = None,
) -> Appeal:
    """Submit an appeal for moderation and give it its public number.

    Precondition: the form is valid and the citizen consented to personal-data processing
    (`consent_version`). Effect: a `submitted` appeal with its files (uploads and the drafts kept
    from an earlier attempt of the same form), a `submit` event and a receipt for the citizen.
    The same `idempotency_key` twice (double click, back and resubmit) returns the first appeal.
    A `house` of the address registry gives the appeal its coordinates when none are given.
    A published outage under way at the address (the house, or without one the whole
    municipality) links the appeal to it (`outage`, named in the submit event).
    `is_public`: the citizen asked to show it on /problems/ (after moderation, without personal
    data, the text only once a moderator has checked it). `addressee`: the official of an
    organization the citizen addressed («Кому адресовано»); their organization is proposed to the
    moderator.
    """
    # No look-up first: the unique form token refuses the second INSERT, and the transaction
    # (number counter included) is rolled back. A filing costs one query less that way.
    try:
        return _submit(
            citizen=citizen,
            category=category,
            municipality=municipality,
            address=address,
            house=house,
            place_description=place_description,
            text=text,
            consent_version=consent_version,
            idempotency_key=idempotency_key,
            channel=channel,
            draft_key=draft_key,
            uploads=list(uploads),
            latitude=latitude,
            longitude=longitude,
            complained_organization=complained_organization,
            complaint_about=complaint_about,
            proposed_organization=proposed_organization,
            answer_by_email=answer_by_email,
            actor=actor or citizen,
            is_public=is_public,
            addressee=addressee,
            complained_official=complained_official,
        )
    except IntegrityError:
        # The same form was submitted before (a double click, Back and resubmit) or concurrently:
        # answer with its appeal.
        if idempotency_key is not None:
            existing = Appeal.objects.filter(
                idempotency_key=idempotency_key, citizen=citizen
            ).first()
            if existing is not None:
                return existing
        raise


def submit_filing_form(*, citizen, data: dict) -> Appeal:
    """Submit what AppealForm cleaned (the site's form and the citizen API of the mobile app):
    `submit_appeal` with the form's token as the idempotency key and as the key of the files kept
    from an earlier attempt, and the place description only when there is no exact address."""
    return submit_appeal(
        citizen=citizen,
        category=data["category"],
        municipality=data["municipality"],
        address=data["address"],
        house=data["house"],
        place_description=data["place_description"] if data["no_exact_address"] else "",
        text=data["text"],
        idempotency_key=data["idempotency_key"],
        draft_key=data["idempotency_key"],
        uploads=data["files"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        is_public=data["is_public"],
        answer_by_email=data["answer_by_email"],
        addressee=data["addressee"],
    )


def keep_draft_uploads(*, citizen, draft_key: uuid.UUID, uploads) -> list[str]:
    """Store the good files of a form that came back with errors, so they need not be uploaded again.

    Each file is checked on its own: a bad one is refused with its message, the others are kept.
    Returns the messages of the refused files.
    """
    problems = []
    existing = Attachment.objects.filter(
        draft_key=draft_key, appeal__isnull=True, uploaded_by=citizen
    ).count()
    for upload in uploads:
        try:
            attachments.check_count(existing=existing, adding=1)
            attachments.store_attachment(upload=upload, uploaded_by=citizen, draft_key=draft_key)
        except AttachmentError as error:
            problems.append(str(error.message))
        else:
            existing += 1
    return problems


def remove_draft_upload(*, citizen, draft_key: uuid.UUID, attachment_id: int) -> None:
    Attachment.objects.filter(
        pk=attachment_id, draft_key=draft_key, appeal__isnull=True, uploaded_by=citizen
    ).delete()
