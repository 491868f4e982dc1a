"""Staff register an appeal received by phone, on paper or at a personal visit, on a citizen's behalf.

The citizen is found by e-mail or gets an account, and the appeal then goes through the normal
filing service (`submit_appeal`): moderation, the three-day registration window, the deadlines.

Citizens without an e-mail get an *offline* account: a placeholder address
`offline-<hex>@pos.invalid` (the `.invalid` top-level domain never resolves, RFC 2606), an unusable
password, no allauth e-mail address. Nobody can sign in to it; such citizens are answered by post at
the postal address given, which is why an appeal without an e-mail needs one.
"""

import uuid

from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import OFFLINE_EMAIL_DOMAIN, AuditEvent, User
from appeals.models import Appeal, Event
from appeals.services.filing import CONSENT_VERSION, submit_appeal
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations import permissions

OFFLINE_CHANNELS = (Appeal.Channel.PHONE, Appeal.Channel.PAPER, Appeal.Channel.VISIT)
AUDIT_ACTION = "appeal_registered_on_behalf"
# Profile fields staff may give; an existing account keeps what it has and gets only the empty ones.
CITIZEN_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "phone",
    "postal_address",
    "municipality",
)


def is_offline_email(email: str) -> bool:
    """True for the placeholder address of a citizen registered without an e-mail."""
    return email.lower().endswith("@" + OFFLINE_EMAIL_DOMAIN)


@transaction.atomic
def register_on_behalf(*, actor: User, citizen_data: dict, appeal_data: dict, uploads=()) -> Appeal:
    """Register an appeal received offline, on behalf of the citizen who made it.

    `citizen_data`: `last_name`, `first_name` (required), `patronymic`, `email`, `phone`,
    `postal_address`, `municipality` (a Municipality or None). An e-mail or a postal address is
    required: the answer is sent there.
    `appeal_data`: `channel` (phone, paper or visit), `category`, `municipality`, `address`,
    `text`, `idempotency_key` (the form's token; may be None).

    Precondition: the actor is staff of an organization (else NotAllowed) and the citizen's
    consent to personal-data processing is recorded (signed or verbal), so the appeal carries the
    current `CONSENT_VERSION`.

    Effect: the citizen is the account with that e-mail (any letter case), whose filled profile
    fields are kept and empty ones filled in; or a new account with an unusable password (an
    offline one without an e-mail, see the module docstring). A `submitted` appeal whose `submit`
    event names the staff member; an `appeal_registered_on_behalf` audit event on the citizen; for
    a new account with a real e-mail, an "invitation" notification (in-app and e-mail, text in
    `appeals/email/invitation.txt`) telling how to set a password.
    The same `idempotency_key` again (double submit) returns the first appeal and changes nothing.
    """
    if not permissions.is_organization_staff(actor):
        raise NotAllowed(
            _("Only staff of an organization may register appeals on behalf of citizens.")
        )
    channel = appeal_data["channel"]
    if channel not in OFFLINE_CHANNELS:
        raise DomainError(
            _("Choose how the appeal was received: by phone, on paper or at a personal visit.")
        )
    email = (citizen_data.get("email") or "").strip().lower()
    postal_address = (citizen_data.get("postal_address") or "").strip()
    if not email and not postal_address:
        raise DomainError(
            _("Enter the citizen's e-mail or postal address: the answer is sent there.")
        )
    if email and is_offline_email(email):
        raise DomainError(_("Enter the citizen's real e-mail or leave the field empty."))
    if (
        not (citizen_data.get("last_name") or "").strip()
        or not (citizen_data.get("first_name") or "").strip()
    ):
        raise DomainError(_("Enter the citizen's surname and name."))

    key: uuid.UUID | None = appeal_data.get("idempotency_key")
    if key is not None:
        # Two submits of one form queue here: the second one then finds the first one's appeal.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(key)])
        existing = Appeal.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if not Event.objects.filter(
                appeal=existing, action=Event.Action.SUBMIT, actor=actor
            ).exists():
                raise DomainError(
                    _("This form has already been used. Open the registration page again.")
                )
            return existing

    citizen, new_account, filled = find_or_create_citizen(
        email=email, data={**citizen_data, "postal_address": postal_address}
    )
    appeal = submit_appeal(
        citizen=citizen,
        category=appeal_data["category"],
        municipality=appeal_data["municipality"],
        address=appeal_data["address"],
        text=appeal_data["text"],
        consent_version=CONSENT_VERSION,
        idempotency_key=key,
        channel=channel,
        uploads=uploads,
        actor=actor,
    )
    AuditEvent.objects.create(
        actor=actor,
        target_user=citizen,
        action=AUDIT_ACTION,
        # Field names only, never values: the audit log is not a second copy of personal data.
        changes={
            "appeal": appeal.number,
            "channel": channel,
            "new_account": new_account,
            "offline_account": not email,
            "filled_fields": filled,
        },
    )
    if new_account and email:
        notify(
            recipient=citizen, appeal=appeal, template="invitation", context={"channel": channel}
        )
    return appeal


def _lock_id(key: uuid.UUID) -> int:
    """A signed 64-bit advisory lock id derived from the form token."""
    value = key.int & 0xFFFF_FFFF_FFFF_FFFF
    return value - (1 << 64) if value >= (1 << 63) else value


def _profile(data: dict) -> dict:
    profile = {field: data.get(field) for field in CITIZEN_FIELDS}
    for field in CITIZEN_FIELDS:
        if field != "municipality":
            profile[field] = (profile[field] or "").strip()
    return profile


def find_or_create_citizen(*, email: str, data: dict) -> tuple[User, bool, list[str]]:
    """The citizen's account, whether it is new, and the profile fields filled in on an old one."""
    profile = _profile(data)
    if not email:
        citizen = User.objects.create_user(
            f"offline-{uuid.uuid4().hex}@{OFFLINE_EMAIL_DOMAIN}", None, **profile
        )
        return citizen, True, []
    existing = _account_with(email)
    if existing is None:
        try:
            with transaction.atomic():
                citizen = User.objects.create_user(email, None, **profile)
                EmailAddress.objects.create(user=citizen, email=email, primary=True, verified=False)
        except IntegrityError:
            # Someone registered the same e-mail a moment ago: that account is the citizen's.
            existing = _account_with(email)
            if existing is None:
                raise
        else:
            return citizen, True, []
    filled = [
        field
        for field in CITIZEN_FIELDS
        if _is_empty(getattr(existing, field)) and not _is_empty(profile[field])
    ]
    for field in filled:
        setattr(existing, field, profile[field])
    if filled:
        existing.save(update_fields=filled)
    return existing, False, filled


def _account_with(email: str) -> User | None:
    """The account signing in with `email` (its own address or another verified one), locked."""
    accounts = User.objects.select_for_update(of=("self",))
    return (
        accounts.filter(email__iexact=email).first()
        or accounts.filter(
            pk__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
        ).first()
    )


def _is_empty(value) -> bool:
    return value is None or value == ""
