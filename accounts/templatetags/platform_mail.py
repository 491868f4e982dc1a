"""What every e-mail of the platform signs with: the platform's name, its region and its address.

The region is the e-mail's (`region_code` in the context: the appeal's, core/outbox.py), else the
region of the request that sends it (a password reset), else the deployment's."""

from django import template
from django.conf import settings

from core.regions import request_region_code, site_url
from organizations.selectors import get_platform_region

register = template.Library()


def _region_code(context) -> str:
    code = context.get("region_code")
    if code:
        return code
    request = context.get("request")
    return request_region_code(request) if request is not None else settings.PLATFORM_REGION_CODE


@register.simple_tag(takes_context=True)
def platform_region_name(context) -> str:
    """The name of the e-mail's region, or ""."""
    region = get_platform_region(code=_region_code(context))
    return region.name if region is not None else ""


@register.simple_tag(takes_context=True)
def platform_site_url(context) -> str:
    return site_url(region_code=_region_code(context))
