"""Issuing, revoking and checking partners' API keys. Every change writes an audit row."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent
from partners.models import ApiKey

KEY_PREFIX = "pos"


def digest_of(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def issue_api_key(*, actor, partner: str, contact: str = "") -> tuple[ApiKey, str]:
    """Create a key for `partner`. Returns the row and the key itself, which is never stored:
    the caller shows it once."""
    prefix = secrets.token_hex(4)
    raw_key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        partner=partner.strip(),
        contact=contact.strip(),
        prefix=prefix,
        digest=digest_of(raw_key),
        created_by=actor,
    )
    AuditEvent.objects.create(
        actor=actor,
        action="api_key_issued",
        changes={"key": api_key.pk, "prefix": prefix, "partner": api_key.partner},
    )
    return api_key, raw_key


@transaction.atomic
def revoke_api_key(*, actor, api_key_id: int) -> ApiKey:
    """Revoke a key at once; a revoked key is refused like an unknown one. Revoking twice changes nothing."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        AuditEvent.objects.create(
            actor=actor,
            action="api_key_revoked",
            changes={"key": api_key.pk, "prefix": api_key.prefix},
        )
    return api_key


def authenticate_api_key(raw_key: str) -> ApiKey | None:
    """The active key `raw_key` is, or None. Marks it used (at most once a minute, to spare writes)."""
    parts = (raw_key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    api_key = ApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.digest, digest_of(raw_key)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
