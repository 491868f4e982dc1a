"""Staff register an appeal received by phone, on paper or at a personal visit, on a citizen's behalf.

An unknown e-mail gets an account; the e-mail of an existing account gets the appeal only once its
holder confirms it (see `find_or_create_citizen` and `hold_for_account`, also used by the partner
API). The appeal then goes through the normal filing service (`submit_appeal`): moderation, the
three-day registration window, the deadlines: a held appeal is registered like any other.

Citizens without an e-mail get an *offline* account: a placeholder address
`offline-<hex>@pos.invalid` (the `.invalid` top-level domain never resolves, RFC 2606), an unusable
password, no allauth e-mail address. Nobody can sign in to it; such citizens are answered by post at
the postal address given, which is why an appeal without an e-mail needs one.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OFFLINE_EMAIL_DOMAIN, AuditEvent, User
from appeals.models import AccountHold, Appeal, Event
from appeals.services.filing import CONSENT_VERSION, submit_appeal
from appeals.workflow import transition
from core.errors import AlreadyDone, DomainError, NotAllowed
from core.outbox import notify
from organizations import permissions

OFFLINE_CHANNELS = (Appeal.Channel.PHONE, Appeal.Channel.PAPER, Appeal.Channel.VISIT)
AUDIT_ACTION = "appeal_registered_on_behalf"
# Profile fields staff may give; they go to a new account or a contact record, never an existing one.
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

    Effect: for an unknown e-mail a new account with an unusable password; without an e-mail an
    offline one (see the module docstring). For the e-mail of an existing account (any letter
    case) the appeal is filed by a contact record with what staff typed and held for that account
    until its holder confirms it (`hold_for_account`); the account itself is never written to.
    Such an appeal needs the postal address (the answer goes there until the holder confirms);
    the e-mail of a staff or admin account is refused (DomainError). A `submitted` appeal whose
    `submit` event names the staff member; an `appeal_registered_on_behalf` audit event on the
    appeal's account; for a new account with a real e-mail, an "invitation" notification (in-app
    and e-mail, text in `appeals/email/invitation.txt`) telling how to set a password.
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

    filer = find_or_create_citizen(
        email=email, data={**citizen_data, "postal_address": postal_address}
    )
    if filer.existing_is_staff:
        # Staff are told plainly (a partner is not, see partner.py): the citizen is at hand and
        # can give another address; an appeal never lands in a staff or admin account.
        raise DomainError(
            _(
                "This e-mail belongs to a staff account of the platform: an appeal cannot be "
                "filed for it. Enter the citizen's own e-mail or leave it empty and enter the "
                "postal address."
            )
        )
    if filer.existing is not None and not postal_address:
        raise DomainError(
            _(
                "An account with this e-mail already exists: the appeal reaches it only when its "
                "holder confirms it. Enter the postal address too, so that the answer reaches "
                "the citizen anyway."
            )
        )
    citizen = filer.citizen
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
    if filer.existing is not None:
        hold_for_account(appeal=appeal, account=filer.existing, actor=actor, channel=channel)
    AuditEvent.objects.create(
        actor=actor,
        target_user=citizen,
        action=AUDIT_ACTION,
        # Field names only, never values: the audit log is not a second copy of personal data.
        changes={
            "appeal": appeal.number,
            "channel": channel,
            "new_account": filer.new_account,
            "offline_account": not citizen.can_receive_email,
            "held_for_account": filer.existing.pk if filer.existing else None,
        },
    )
    if filer.new_account and citizen.can_receive_email:
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


@dataclass(frozen=True)
class Filer:
    """Who an appeal filed by a partner or staff is filed by.

    `citizen` is the appeal's account: a new one for an unknown e-mail, else a contact record (an
    offline account) holding what the filer typed. `existing` is the account that already signs in
    with the e-mail given: never written to, never the appeal's until its holder confirms it.
    """

    citizen: User
    new_account: bool
    existing: User | None = None

    @property
    def existing_is_staff(self) -> bool:
        return self.existing is not None and is_staff_account(self.existing)


def find_or_create_citizen(*, email: str, data: dict) -> Filer:
    """The account an appeal filed for `email` by someone else (a partner, staff) is filed by.

    An unknown e-mail gets a new account without a password. No e-mail, or the e-mail of an
    existing account, gets a contact record of its own: typing an e-mail proves nothing, so an
    existing account's profile is never written to and its appeals list never grows by itself.
    """
    profile = _profile(data)
    existing = _account_with(email) if email else None
    if email and existing is None:
        try:
            with transaction.atomic():
                citizen = User.objects.create_user(email, None, **profile)
                EmailAddress.objects.create(user=citizen, email=email, primary=True, verified=False)
        except IntegrityError:
            # Someone registered the same e-mail a moment ago: it is an existing account now.
            existing = _account_with(email)
            if existing is None:
                raise
        else:
            return Filer(citizen=citizen, new_account=True)
    contact = User.objects.create_user(
        f"offline-{uuid.uuid4().hex}@{OFFLINE_EMAIL_DOMAIN}", None, **profile
    )
    return Filer(citizen=contact, new_account=existing is None, existing=existing)


def is_staff_account(user: User) -> bool:
    """Staff, admin or anyone with a staff role: never given an appeal someone else filed."""
    return user.is_staff or user.is_superuser or user.memberships.exists()


def _account_with(email: str) -> User | None:
    """The account signing in with `email` (its own address or another verified one)."""
    return (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(
            pk__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
        ).first()
    )


HOLD_SALT = "appeals.account_hold"
# The notice's link outlives the usual review term, so a holder back from leave can still confirm.
HOLD_LINK_MAX_AGE = timedelta(days=90)


@transaction.atomic
def hold_for_account(*, appeal: Appeal, account: User, actor, channel: str) -> AccountHold:
    """Hold an appeal filed for the e-mail of `account` until the account holder confirms it.

    Precondition: inside the filing transaction; `account` is not a staff account. Effect: an
    AccountHold, a `hold_for_account` event (staff only) on the appeal, and a notice to the
    account (in-app and e-mail) with a signed link to the confirmation page. The notice names the
    number, the category and the channel, never the text: the holder reads it after signing in.
    Moderation and the terms run as for any appeal: the hold is about whose account it is in.
    """
    assert not is_staff_account(account)
    transition(
        appeal_id=appeal.pk,
        action="hold_for_account",
        actor=actor,
        is_public=False,
        data={"channel": channel},
    )
    hold = AccountHold.objects.create(appeal=appeal, account=account)
    notify(
        recipient=account,
        template="held_appeal",
        context={
            "number": appeal.number,
            "category": appeal.category.name,
            "channel": channel,
            "url": reverse("accounts:held_appeal", args=[hold_token(hold)]),
        },
    )
    return hold


def hold_token(hold: AccountHold) -> str:
    return signing.dumps({"hold": hold.pk}, salt=HOLD_SALT, compress=True)


def get_hold_for_account(*, user: User, token: str) -> AccountHold:
    """The hold a notice's link names, for its account holder only (else Http404)."""
    try:
        payload = signing.loads(token, salt=HOLD_SALT, max_age=HOLD_LINK_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    hold = (
        AccountHold.objects.select_related("appeal__category", "appeal__municipality")
        .filter(pk=payload.get("hold"), account_id=user.pk)
        .first()
    )
    if hold is None:
        raise Http404
    return hold


@transaction.atomic
def confirm_held_appeal(*, actor: User, hold_id: int) -> Appeal:
    """The account holder confirms a held appeal is theirs: it moves into their account.

    Precondition: `actor` is the hold's account (else NotAllowed) and the hold is pending (else
    AlreadyDone: a link works once). Effect: the appeal's citizen is the account, the hold is
    marked confirmed, a `confirm_for_account` event and an audit row. The contact record stays,
    empty of appeals, as the record of what the filer typed; the account's profile is not touched.
    """
    hold = AccountHold.objects.select_for_update().get(pk=hold_id)
    if hold.account_id != actor.pk:
        raise NotAllowed(_("This appeal was not filed for your account."))
    if not hold.is_pending:
        raise AlreadyDone(_("This appeal is already confirmed and is in your account."))
    contact_id = hold.appeal.citizen_id

    def attach(appeal: Appeal) -> None:
        appeal.citizen = actor

    outcome = transition(
        appeal_id=hold.appeal_id, action="confirm_for_account", actor=actor, apply=attach
    )
    hold.confirmed_at = outcome.event.created_at
    hold.save(update_fields=["confirmed_at"])
    AuditEvent.objects.create(
        actor=actor,
        target_user=actor,
        action="held_appeal_confirmed",
        changes={"appeal": outcome.appeal.number, "contact_record": contact_id},
    )
    return outcome.appeal
