"""Writes of the accounts app."""

from django.db import transaction

from accounts.models import AuditEvent, User

PROFILE_FIELDS = ("last_name", "first_name", "patronymic", "phone", "municipality", "postal_address")


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
    changed = [field for field in PROFILE_FIELDS if getattr(locked, field) != data.get(field)]
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, data.get(field))
    locked.save(update_fields=changed)
    AuditEvent.objects.create(
        actor=actor, target_user=locked, action="profile_updated", changes={"fields": changed}
    )
    return locked
