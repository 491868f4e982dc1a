from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from appeals.urls import moderation_patterns, notification_patterns, staff_patterns
from feedback_platform import views
from organizations import views as organization_views

admin.site.site_header = _("Feedback Platform — administration")
admin.site.site_title = _("Feedback Platform")

analytics_patterns = ([path("", organization_views.analytics_home, name="home")], "analytics")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("display/low-vision/", views.toggle_low_vision, name="toggle_low_vision"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("staff/", include(staff_patterns)),
    path("appeals/", include("appeals.urls")),
    path("moderation/", include(moderation_patterns)),
    path("notifications/", include(notification_patterns)),
    path("analytics/", include(analytics_patterns)),
    path("admin/", admin.site.urls),
]

