"""The installable web app: the manifest a browser reads to offer «install», the service worker's
cache named after the static files it keeps, and the offline page it keeps (nobody's name on it)."""

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Платформа обратной связи"
    assert data["short_name"] == "Обратная связь"
    assert (data["start_url"], data["display"], data["lang"]) == ("/", "standalone", "ru")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_every_page_links_the_manifest(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest" data-service-worker="/sw.js">' in html


def _cache_name(client) -> str:
    body = client.get("/sw.js").content.decode()
    return body.split('var CACHE = PREFIX + "')[1].split('"')[0]


def test_the_cache_is_named_after_the_collected_static_files(client, settings, tmp_path):
    settings.DEBUG = False  # the storage serves hashed names only then, as in production
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "-v", "0", "-i", "swagger-ui", "-i", "chartjs")
    manifest = tmp_path / "staticfiles.json"
    names = json.loads(manifest.read_text())["paths"]
    body = client.get("/sw.js").content.decode()
    # The shell by its hashed names: a new deployment's files are new entries, never stale ones.
    assert f'"/static/{names["js/offline-drafts.js"]}"' in body
    first = _cache_name(client)
    assert _cache_name(client) == first
    manifest.write_text(manifest.read_text().replace(names["css/site.css"], "css/site.changed.css"))
    assert _cache_name(client) != first


def test_the_service_worker_answers_an_unchanged_copy_with_304(client):
    response = client.get("/sw.js")
    again = client.get("/sw.js", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["Cache-Control"] == "max-age=3600" and again["Service-Worker-Allowed"] == "/"


def test_the_offline_page_never_carries_the_signed_in_persons_name(client):
    client.force_login(UserFactory(first_name="Зинаида", last_name="Уникальнова"))
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Нет соединения" in html
    assert "Зинаида" not in html and "Уникальнова" not in html
    assert "Войти" in html
