"""Site-wide pages: home, health check, display preferences."""

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from feedback_platform.context_processors import A11Y_COOKIE
from organizations.selectors import platform_overview


@require_GET
def home(request):
    return render(request, "home.html", platform_overview(region_code=settings.PLATFORM_REGION_CODE))


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 — any failure means "not ready"
        return False


def _redis_ok() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers: 200 when the database and Redis answer."""
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "unavailable"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def _back(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.headers.get("referer") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def toggle_low_vision(request):
    """«Версия для слабовидящих»: larger text and high contrast, remembered for a year."""
    response = HttpResponseRedirect(_back(request))
    if request.POST.get("mode") == "on":
        response.set_cookie(
            A11Y_COOKIE, "on", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=True
        )
    else:
        response.delete_cookie(A11Y_COOKIE, samesite="Lax")
    return response
