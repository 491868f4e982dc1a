"""Writes of the accounts app."""

from django.db import transaction

from accounts.models import AuditEvent, User
from core.models import PushSubscription

PROFILE_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "phone",
    "municipality",
    "postal_address",
    "staff_digest",
)


@transaction.atomic
def update_profile(*, user: User, actor: User, data: dict) -> User:
    """Store the citizen's name, contacts and address (what 59-FZ needs to answer an appeal).

    Precondition: `data` is cleaned by ProfileForm and the actor is the user themself (platform
    admins use the admin site, which keeps its own log). Writes a `profile_updated` audit event
    naming the changed fields, never their values: the audit log is not a second copy of
    personal data.
    """
    if actor.pk != user.pk:
        raise PermissionError("a profile is edited by its owner")
    locked = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    changed = [
        field for field in PROFILE_FIELDS if field in data and getattr(locked, field) != data[field]
    ]
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, data.get(field))
    locked.save(update_fields=changed)
    AuditEvent.objects.create(
        actor=actor, target_user=locked, action="profile_updated", changes={"fields": changed}
    )
    return locked


IDENTITY_CLAIMS = {
    "last_name": "family_name",
    "first_name": "given_name",
    "patronymic": "middle_name",
    "phone": "phone_number",
}


@transaction.atomic
def record_identity_verification(*, user: User, provider: str, claims: dict) -> User:
    """The national identity provider has just confirmed who `user` is.

    Effect: `identity_verified_at` is now; the name and phone come from the provider's claims
    (it is the authority on them; a claim it did not send leaves the field as it was); an
    `identity_verified` audit event names the provider and the fields taken from it (never values).
    """
    from django.utils import timezone

    from accounts.models import phone_validator

    locked = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    changed = []
    for field, claim in IDENTITY_CLAIMS.items():
        value = str(claims.get(claim) or "").strip()[: User._meta.get_field(field).max_length]
        if field == "phone" and value:
            try:
                phone_validator(value)
            except Exception:  # noqa: BLE001 — a phone the site cannot store is simply not taken
                value = ""
        if value and getattr(locked, field) != value:
            setattr(locked, field, value)
            changed.append(field)
    locked.identity_verified_at = timezone.now()
    locked.save(update_fields=[*changed, "identity_verified_at"])
    AuditEvent.objects.create(
        actor=locked,
        target_user=locked,
        action="identity_verified",
        changes={"provider": provider, "fields": changed},
    )
    return locked


NOTICE_FIELDS = (
    "notice_email",
    "notice_push",
    "notice_sms",
    "phone",
    "quiet_from",
    "quiet_to",
    "quiet_email",
)


@transaction.atomic
def update_notice_settings(*, user: User, actor: User, data: dict) -> User:
    """Store how the person wants to hear of their appeals (channels, SMS phone, quiet hours).

    Precondition: `data` is cleaned by NoticeSettingsForm (the phone of an SMS choice in E.164)
    and the actor is the user themself. Writes a `notice_settings_updated` audit event naming the
    changed fields, never their values.
    """
    if actor.pk != user.pk:
        raise PermissionError("notice settings are edited by their owner")
    locked = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    changed = [
        field for field in NOTICE_FIELDS if field in data and getattr(locked, field) != data[field]
    ]
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, data[field])
    locked.save(update_fields=changed)
    AuditEvent.objects.create(
        actor=actor,
        target_user=locked,
        action="notice_settings_updated",
        changes={"fields": changed},
    )
    return locked


@transaction.atomic
def subscribe_push(*, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """A browser of `user` subscribed to push (the Push API's subscription, checked by the view):
    store it (a browser that was another account's moves to this one: one device, one person
    signed in) and turn push notices on."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "gone_at": None},
    )
    if not user.notice_push:
        User.objects.filter(pk=user.pk).update(notice_push=True)
        user.notice_push = True
        AuditEvent.objects.create(
            actor=user, target_user=user, action="push_subscribed", changes={}
        )
    return subscription


@transaction.atomic
def unsubscribe_push(*, user: User, endpoint: str) -> bool:
    """A browser of `user` unsubscribed: forget it, and turn push notices off when it was their
    last one. Returns whether the subscription was theirs."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    left = PushSubscription.objects.filter(user=user, gone_at=None).exists()
    if not left and user.notice_push:
        User.objects.filter(pk=user.pk).update(notice_push=False)
        user.notice_push = False
        AuditEvent.objects.create(
            actor=user, target_user=user, action="push_unsubscribed", changes={}
        )
    return bool(deleted)
