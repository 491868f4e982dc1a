from django.utils.functional import SimpleLazyObject

from appeals.selectors import unread_count
from feedback_platform.navigation import navigation_for
from organizations.selectors import request_region

A11Y_COOKIE = "a11y"


def site(request):
    """Shared context of every page: the role-aware menu and the low-vision mode."""
    return {
        "nav_items": navigation_for(request),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user=request.user)),
        "low_vision": request.COOKIES.get(A11Y_COOKIE) == "on",
        "platform_region": SimpleLazyObject(lambda: request_region(request)),
    }
