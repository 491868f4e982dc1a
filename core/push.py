"""Web Push: notices sent to the browsers a person subscribed (RFC 8030), the payload encrypted
for each browser (RFC 8291, aes128gcm) and signed with the platform's VAPID key (RFC 8292).

The outbox (core/outbox.py) calls `send` with one PUSH notification row; the row records which
subscriptions it reached, so a retry after one push service failed pushes only the others.
"""

import base64
import binascii
import json
import logging

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from pywebpush import WebPushException, webpush

from core.errors import Undeliverable
from core.models import Notification, PushSubscription

logger = logging.getLogger(__name__)

# The push service says the subscription no longer exists: never send to it again.
GONE_STATUSES = {404, 410}
PUSH_TIMEOUT_SECONDS = 10


class PushFailed(Exception):
    """A push service or the network failed: the outbox tries again later."""


def available() -> bool:
    """Push is offered only with a VAPID key pair configured."""
    return bool(settings.WEBPUSH_VAPID_PRIVATE_KEY and settings.WEBPUSH_VAPID_PUBLIC_KEY)


def _key(value, size: int) -> str | None:
    """A base64url key of the Push API of exactly `size` bytes, as given; else None."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return value if len(raw) == size else None


def parse_subscription(data) -> dict | None:
    """A browser's PushSubscription (its toJSON(): endpoint and keys) as sent by static/js/push.js
    or the mobile app: the https endpoint and each key checked (a bad key is None); None when the
    endpoint is unusable."""
    if not isinstance(data, dict):
        return None
    endpoint = data.get("endpoint")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    try:
        URLValidator(schemes=["https"])(endpoint)
    except (ValidationError, TypeError):
        return None
    if len(endpoint) > 1000:
        return None
    return {
        "endpoint": endpoint,
        "p256dh": _key(keys.get("p256dh"), 65),
        "auth": _key(keys.get("auth"), 16),
    }


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_vapid_keys() -> tuple[str, str]:
    """A new VAPID key pair: the private key (base64url of its 32 raw bytes) and the public key
    (base64url of the uncompressed point, the `applicationServerKey` a browser subscribes with)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(private), _b64url(public)


def _push_one(subscription: PushSubscription, payload: str) -> int:
    """Push to one browser; returns the push service's HTTP status (2xx: accepted)."""
    try:
        response = webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=payload,
            vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            ttl=settings.WEBPUSH_TTL,
            timeout=PUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        if error.status_code is not None:
            return error.status_code
        raise PushFailed(str(error)) from error
    except (requests.RequestException, ValueError) as error:
        raise PushFailed(str(error)) from error
    return response.status_code


def send(*, notification: Notification, payload: dict) -> None:
    """Push `payload` (JSON: title, url) to every live subscription of the recipient not reached yet.

    A subscription the push service calls gone (404/410) is marked so and skipped from now on.
    Raises PushFailed when some browser could not be reached now (the reached ones are recorded
    in `notification.delivery`, which the caller saves), Undeliverable when no browser is left.
    """
    if not available():
        raise PushFailed("Web Push is not configured (WEBPUSH_VAPID_* keys)")
    reached = set(notification.delivery.get("push_reached", []))
    subscriptions = list(
        PushSubscription.objects.filter(user_id=notification.recipient_id, gone_at=None).exclude(
            pk__in=reached
        )
    )
    if not subscriptions and not reached:
        raise Undeliverable("no browser is subscribed to push notifications")
    body = json.dumps(payload, ensure_ascii=False)
    errors = []
    for subscription in subscriptions:
        try:
            status = _push_one(subscription, body)
        except PushFailed as error:
            errors.append(str(error))
            continue
        now = timezone.now()
        if 200 <= status < 300:
            reached.add(subscription.pk)
            PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=now)
        elif status in GONE_STATUSES:
            PushSubscription.objects.filter(pk=subscription.pk).update(gone_at=now)
            logger.info("push subscription %s is gone (%s)", subscription.pk, status)
        else:
            errors.append(f"push service answered {status}")
    notification.delivery = {**notification.delivery, "push_reached": sorted(reached)}
    if errors:
        raise PushFailed("; ".join(errors))
    if not reached:
        raise Undeliverable("every subscribed browser has dropped its subscription")
