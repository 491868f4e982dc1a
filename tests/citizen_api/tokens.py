"""Tokens of the demo's mobile app for tests: PKCE pairs, access tokens made directly (where the
flow itself is not the subject) and the header that carries them."""

import base64
import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

from citizen_api.demo import DEMO_CLIENT_ID, load_demo_mobile_client


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(app, user, *, scope: str = "appeals", expires_in: int = 3600) -> str:
    token = AccessToken.objects.create(
        user=user,
        application=app,
        token=secrets.token_urlsafe(30),
        expires=timezone.now() + timedelta(seconds=expires_in),
        scope=scope,
    )
    return token.token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def demo_app_token(user) -> str:
    """An access token of the demo's mobile app for `user` (the app registered on the way)."""
    load_demo_mobile_client()
    return make_token(get_application_model().objects.get(client_id=DEMO_CLIENT_ID), user)
