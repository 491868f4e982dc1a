"""Appeals filed by partner systems through the Open311 API.

A partner (the mobile app, a municipal website) files on behalf of a citizen named by e-mail: the
citizen is found or gets an account without a password, exactly as when staff register an appeal
on someone's behalf, and the appeal then goes through the normal filing service (`submit_appeal`):
moderation, the three-day registration window, the deadlines.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import AuditEvent
from appeals.models import Appeal
from appeals.services.filing import CONSENT_VERSION, submit_appeal
from appeals.services.on_behalf import find_or_create_citizen
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

    Effect: the citizen's account (found by e-mail, any letter case; filled fields are kept and
    empty ones filled in) or a new one without a password; a `submitted` appeal with channel
    `api`; an `appeal_filed_through_api` audit row naming the key (field names only, never
    values); for a new account an invitation to set a password.
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
    citizen, new_account, filled = find_or_create_citizen(email=email, data=profile)
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
    AuditEvent.objects.create(
        actor=None,
        target_user=citizen,
        action=AUDIT_ACTION,
        changes={
            "appeal": appeal.number,
            "api_key": partner_key_id,
            "partner": partner,
            "new_account": new_account,
            "filled_fields": filled,
        },
    )
    if new_account:
        notify(recipient=citizen, appeal=appeal, template="api_invitation")
    return appeal
