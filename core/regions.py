"""Which region a request or an e-mail belongs to: one region per deployment, or one national
deployment whose hosts name the regions (settings.REGION_HOSTS).

Without REGION_HOSTS every host serves settings.PLATFORM_REGION_CODE and every link points at
settings.SITE_URL, exactly as a one-region deployment always did. With it, the host of a request
picks the region (RegionHostMiddleware sets `request.region_code`), a host it does not name gets a
404, and a link sent about a region's appeal points at that region's host (with SITE_URL's scheme).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port


def _domain(host: str) -> str:
    return split_domain_port(host.lower())[0] or host.lower()


def region_code_for_host(host: str) -> str | None:
    """The code of the region served on `host`; None for a host REGION_HOSTS does not name."""
    if not settings.REGION_HOSTS:
        return settings.PLATFORM_REGION_CODE
    domain = _domain(host)
    for configured, code in settings.REGION_HOSTS.items():
        if _domain(configured) == domain:
            return code
    return None


def site_url(*, region_code: str | None = None) -> str:
    """The public address (no trailing slash) of the region's pages: its host under REGION_HOSTS,
    else SITE_URL (also for a region without a host of its own)."""
    if region_code and settings.REGION_HOSTS:
        for host, code in settings.REGION_HOSTS.items():
            if code == region_code:
                return f"{urlsplit(settings.SITE_URL).scheme or 'https'}://{host}"
    return settings.SITE_URL


def request_region_code(request) -> str:
    """The region code the middleware set on `request` (the default region outside requests
    that went through it, such as a RequestFactory request in a test)."""
    return getattr(request, "region_code", None) or settings.PLATFORM_REGION_CODE
