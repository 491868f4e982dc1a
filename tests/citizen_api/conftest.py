"""The citizen API's fixtures: the appeals world, a public OAuth client of the mobile app and
tokens issued through the real PKCE flow (or made directly where the flow is not the subject)."""

import base64
import hashlib
import io
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model
from PIL import Image

from citizen_api.demo import DEMO_REDIRECT_URI, load_demo_mobile_client
from tests.appeals.conftest import world  # noqa: F401  (the appeals world, shared)

Application = get_application_model()


@pytest.fixture(autouse=True)
def platform(settings, world, tmp_path):  # noqa: F811
    settings.PLATFORM_REGION_CODE = world.region.code
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def mobile_app(db):
    load_demo_mobile_client()
    return Application.objects.get(client_id="ru.example.feedback")


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(client, app, user, *, challenge: str) -> str:
    """The app's browser step: the citizen signed in, the consent page, «Allow»: the code."""
    client.force_login(user)
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": DEMO_REDIRECT_URI,
        "scope": "appeals",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = client.get("/o/authorize/", params)
    assert page.status_code == 200
    response = client.post("/o/authorize/", {**params, "allow": "on"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}:{location.path}" == DEMO_REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    client.logout()
    return query["code"][0]


def exchange(client, app, code: str, verifier: str):
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DEMO_REDIRECT_URI,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )


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


def photo(name: str = "pothole.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
