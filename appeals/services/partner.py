"""Appeals filed by partner systems through the Open311 API.

A partner (the mobile app, a municipal website) files on behalf of a citizen named by e-mail: an
unknown e-mail gets an account without a password, a known one gets the appeal only once its
holder confirms it (see `appeals.services.on_behalf.find_or_create_citizen`), and the appeal then goes through the normal filing service (`submit_appeal`):
moderation, the three-day registration window, the deadlines.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import AuditEvent
from appeals.models import Appeal
from appeals.services.filing import CONSENT_VERSION, submit_appeal
from appeals.services.on_behalf import find_or_create_citizen, hold_for_account
from core.outbox import notify
from organizations.models import Category, Municipality

AUDIT_ACTION = "appeal_filed_through_api"


@transaction.atomic
def submit_partner_request(
    *,
    partner_key_id: int,
    partner: str,
    citizen_data: dict,
    category: Category,
    municipality: Municipality,
    address: str,
    text: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Appeal:
    """File an appeal received from a partner system.

    Precondition: the partner's API key is valid and the partner has the citizen's consent to
    personal-data processing under its agreement with the operator (recorded as the current
    `CONSENT_VERSION`). `citizen_data`: `email` (required), `first_name`, `last_name`, `phone`.

    Effect: for an unknown e-mail a new account without a password and an invitation to set one.
    For the e-mail of an existing account (any letter case) a contact record with the names and
    phone given files the appeal, held for that account until its holder confirms it
    (`hold_for_account`); the account is never written to. For the e-mail of a staff or admin
    account the appeal stays with the contact record, never attached and no notice sent (the
    partner's answer is the same, so the API tells nobody which e-mails are staff). A `submitted`
    appeal with channel `api`; an `appeal_filed_through_api` audit row naming the key.
    """
    email = citizen_data["email"].strip().lower()
    profile = {
        "last_name": citizen_data.get("last_name", ""),
        "first_name": citizen_data.get("first_name", ""),
        "phone": citizen_data.get("phone", ""),
        "postal_address": "",
        "patronymic": "",
        "municipality": None,
    }
    filer = find_or_create_citizen(email=email, data=profile)
    citizen = filer.citizen
    appeal = submit_appeal(
        citizen=citizen,
        category=category,
        municipality=municipality,
        address=address,
        text=text,
        consent_version=CONSENT_VERSION,
        channel=Appeal.Channel.API,
        latitude=latitude,
        longitude=longitude,
        actor=citizen,
    )
    # The partner gets the same answer in every case, so the API never tells whose e-mail it is.
    held = filer.existing is not None and not filer.existing_is_staff
    if held:
        hold_for_account(
            appeal=appeal, account=filer.existing, actor=None, channel=Appeal.Channel.API
        )
    AuditEvent.objects.create(
        actor=None,
        target_user=citizen,
        action=AUDIT_ACTION,
        changes={
            "appeal": appeal.number,
            "api_key": partner_key_id,
            "partner": partner,
            "new_account": filer.new_account,
            "held_for_account": filer.existing.pk if held else None,
            "staff_email_refused": filer.existing_is_staff,
        },
    )
    if filer.new_account and citizen.can_receive_email:
        notify(recipient=citizen, appeal=appeal, template="api_invitation")
    return appeal
