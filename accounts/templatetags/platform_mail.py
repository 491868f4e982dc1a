"""What every e-mail of the platform signs with: the platform's name, its region and its address."""

from django import template
from django.conf import settings

from organizations.selectors import get_platform_region

register = template.Library()


@register.simple_tag
def platform_region_name() -> str:
    """The name of the region this platform serves (settings.PLATFORM_REGION_CODE), or ""."""
    region = get_platform_region(code=settings.PLATFORM_REGION_CODE)
    return region.name if region is not None else ""


@register.simple_tag
def platform_site_url() -> str:
    return settings.SITE_URL
