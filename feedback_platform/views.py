"""Site-wide pages: home, health check, display preferences."""

import threading
import time

import redis
from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.regions import request_region_code
from core.replica import replica_configured, replica_health
from feedback_platform.context_processors import A11Y_COOKIE
from organizations.selectors import platform_overview


@require_GET
def home(request):
    return render(request, "home.html", platform_overview(region_code=request_region_code(request)))


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 — any failure means "not ready"
        return False


def _redis_ok(url: str) -> bool:
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _broker_ok(url: str) -> bool:
    if url.startswith(("redis://", "rediss://")):
        return _redis_ok(url)
    from kombu import Connection  # RabbitMQ and other brokers of a larger installation

    try:
        with Connection(url, connect_timeout=settings.REDIS_SOCKET_TIMEOUT) as broker:
            broker.ensure_connection(max_retries=1, timeout=settings.REDIS_SOCKET_TIMEOUT)
        return True
    except Exception:  # noqa: BLE001 — any failure means "unavailable"
        return False


STORAGE_CHECK_SECONDS = 5
_storage_checks: dict[tuple, tuple[float, bool]] = {}
_storage_lock = threading.Lock()


def _object_storage_options() -> dict | None:
    """The default storage's options when it is the S3 bucket (README «Object storage»)."""
    default = settings.STORAGES["default"]
    return default.get("OPTIONS", {}) if default["BACKEND"].endswith(".S3Storage") else None


def _storage_ok(options: dict) -> bool:
    """The bucket answers a HEAD with these credentials; remembered for STORAGE_CHECK_SECONDS
    per process, so a load balancer polling every node does not poll the store as often."""
    key = (options.get("endpoint_url"), options["bucket_name"], options.get("access_key"))
    now = time.monotonic()
    with _storage_lock:
        checked = _storage_checks.get(key)
    if checked and checked[0] > now:
        return checked[1]
    from botocore.config import Config

    # A client of its own with short timeouts and no retries: the uploads' keep boto3's.
    config = Config(
        connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        read_timeout=2 * settings.REDIS_SOCKET_TIMEOUT,
        retries={"total_max_attempts": 1},
        s3={"addressing_style": options.get("addressing_style")},
        signature_version=options.get("signature_version"),
    )
    storage = storages.create_storage(
        {**settings.STORAGES["default"], "OPTIONS": {**options, "client_config": config}}
    )
    try:
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        ok = True
    except Exception:  # noqa: BLE001 — refused, timed out, no such bucket, a bad key
        ok = False
    with _storage_lock:
        _storage_checks[key] = (time.monotonic() + STORAGE_CHECK_SECONDS, ok)
    return ok


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers.

    503 only when the database is down: without it nothing works. Redis (cache) and the broker
    are reported (and the read replica, when there is one, with its lag in seconds, and the
    object storage's bucket when the uploads go to one), and their
    loss makes the status "degraded" with 200, because the site keeps
    taking appeals without them (the sweeps catch up); pulling every web node out of the load
    balancer for a Redis outage would turn a delay into an outage.
    """
    checks = {
        "database": _database_ok(),
        "redis": _redis_ok(settings.CACHES["default"]["LOCATION"]),
        "broker": _broker_ok(settings.CELERY_BROKER_URL),
    }
    body = {name: "ok" if ok else "unavailable" for name, ok in checks.items()}
    if replica_configured():
        # "ok", "lagging" (its reads go to the primary) or "unavailable"; degraded, never down:
        # the primary serves every read meanwhile.
        replica = replica_health(fresh=True)
        body["replica"] = replica["state"]
        body["replica_lag_seconds"] = replica["lag"]
        checks["replica"] = replica["state"] == "ok"
    if (options := _object_storage_options()) is not None:
        # Degraded, not down: pages and filing without photos work without the store.
        checks["storage"] = _storage_ok(options)
        body["storage"] = "ok" if checks["storage"] else "unavailable"
    if not checks["database"]:
        body["status"] = "unavailable"
    else:
        body["status"] = "ok" if all(checks.values()) else "degraded"
    return JsonResponse(body, status=503 if not checks["database"] else 200)


def _back(request, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.headers.get("referer") or fallback
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def toggle_low_vision(request):
    """«Версия для слабовидящих»: larger text and high contrast, remembered for a year."""
    response = HttpResponseRedirect(_back(request))
    if request.POST.get("mode") == "on":
        response.set_cookie(
            A11Y_COOKIE,
            "on",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(A11Y_COOKIE, samesite="Lax")
    return response
