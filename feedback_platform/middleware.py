from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from core.regions import region_code_for_host


class RussianFirstLocaleMiddleware:
    """Russian unless the visitor chose another language with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a regional government
    service speaks the official language first, so only an explicit choice changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RegionTimezoneMiddleware:
    """Show times in the time zone of the user's region (Kamchatka is UTC+12)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = user.display_timezone
        timezone.activate(ZoneInfo(zone or settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RegionHostMiddleware:
    """Set `request.region_code` from the host (core/regions.py); a host REGION_HOSTS does not
    name gets the 404 page rather than some other region's pages. The health check answers on
    any allowed host (a load balancer asks by address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = region_code_for_host(request.get_host())
        if code is None and request.path_info != reverse("healthz"):
            raise Http404(_("No region is served at this address."))
        request.region_code = code or settings.PLATFORM_REGION_CODE
        return self.get_response(request)
