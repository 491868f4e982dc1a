"""The citizen API's fixtures: the appeals world, the demo's public OAuth client of the mobile app,
the browser step of its PKCE flow and the token exchange."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oauth2_provider.models import get_application_model
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


def photo(name: str = "pothole.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
