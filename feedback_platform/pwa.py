"""The installable web app: the manifest, the service worker and the page it shows offline.

The service worker (templates/sw.js) keeps only what is the same for everybody: the static files
and the offline page. Pages with personal data (appeals, the cabinet) are never stored on the
device, so a shared phone shows nobody's appeals to the next person."""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#0b4f8a"  # --brand of static/css/site.css

# Stored by the service worker when it installs: what the offline page and the filing form's
# queue need to show without a network. Other static files are stored the first time a page uses
# them (their names carry a hash of their content, so a stored copy never goes stale).
SHELL_FILES = (
    "css/site.css",
    "js/site.js",
    "js/offline-drafts.js",
    "img/favicon.svg",
)
# htmx is not in it: the filing form fetches it on the first touch (a weak link carries the form
# first), and the worker keeps it, as every hashed static file, once a page has fetched it.


def cache_version() -> str:
    """Changes whenever the static files change: a hash of the manifest that
    ManifestStaticFilesStorage writes at collectstatic (every file's hashed name), or, where the
    files are served unhashed (development), of the shell files' contents."""
    digest = hashlib.sha256()
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and staticfiles_storage.exists(manifest):
        with staticfiles_storage.open(manifest) as handle:
            digest.update(handle.read())
    else:
        for name in SHELL_FILES:
            path = finders.find(name)
            if path:
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request):
    """/manifest.webmanifest: what a browser needs to offer «install the app»."""
    icons = [
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "id": "/",
        "name": _("Feedback Platform"),
        "short_name": _("Feedback"),
        "description": _(
            "Appeals to state, municipal and social organizations, polls, votes and public discussions."
        ),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": icons,
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


# How long a browser uses its copy of /sw.js before asking again (the page registers it with
# updateViaCache "all"): on a 256 kbit/s link each visit would otherwise ask. A new deployment
# reaches an open app within this time; pages and hashed static files are never stale meanwhile.
SERVICE_WORKER_MAX_AGE = 3600


@require_GET
@cache_control(max_age=SERVICE_WORKER_MAX_AGE)
def service_worker(request):
    """/sw.js at the site's root (a service worker controls the paths below its own): shows the
    pushes and opens their page on a click; keeps the static files and the offline page for
    weak links. After SERVICE_WORKER_MAX_AGE the browser asks again, and the ETag makes an
    unchanged script a 304 of a few hundred bytes, not the whole script."""
    version = cache_version()
    body = render_to_string(
        "sw.js",
        {
            "cache_version": version,
            "offline_url": reverse("offline"),
            "static_url": settings.STATIC_URL,
            "shell_json": json.dumps([static(name) for name in SHELL_FILES]),
        },
        request=request,
    )
    etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript")
    response["ETag"] = etag
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """/offline/: what the service worker shows when a page cannot load. Rendered as for a
    visitor who is not signed in whoever asks: the device keeps this copy, so it must not carry
    anyone's name."""
    request.user = AnonymousUser()
    return render(request, "offline.html")
