from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from analytics import views as analytics_views
from answers.urls import staff_patterns as answer_staff_patterns
from appeals.api.urls import api_patterns
from appeals.urls import (
    moderation_patterns,
    notification_patterns,
    problem_patterns,
    staff_patterns,
    support_patterns,
)
from appeals.views import fixes, health, problems, widget
from citizen_api.urls import oauth_patterns
from feedback_platform import pwa, views
from outages.urls import staff_patterns as outage_staff_patterns
from outages.views import public as outage_views
from reporting import views as reporting_views
from surveys.urls import discussion_patterns, survey_patterns

admin.site.site_header = _("Feedback Platform — administration")
admin.site.site_title = _("Feedback Platform")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("health/background/", health.background, name="background_health"),
    path("health/background/retry/", health.retry, name="background_health_retry"),
    path("display/low-vision/", views.toggle_low_vision, name="toggle_low_vision"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("staff/outages/", include(outage_staff_patterns)),
    path("staff/published-answers/", include(answer_staff_patterns)),
    path("staff/appeals/<str:number>/topic/", reporting_views.change_topic, name="appeal_topic"),
    path("staff/", include(staff_patterns)),
    path("appeals/", include("appeals.urls")),
    path("moderation/answers/", include("quality.urls")),
    path("moderation/", include(moderation_patterns)),
    path("problems/", include(support_patterns)),
    path("problems/", include(problem_patterns)),
    path("problems.geojson", problems.geojson, name="problems_geojson"),
    # «Вы сказали — мы сделали»: public problems fixed this month, with photos before and after
    path("done/", fixes.done, name="done"),
    path("done/<str:number>/photos/<int:attachment_id>/", fixes.proof_photo, name="done_photo"),
    path(
        "done/<str:number>/photos/<int:attachment_id>/thumbnail/",
        fixes.proof_photo_thumbnail,
        name="done_photo_thumbnail",
    ),
    path("outages/", include("outages.urls")),
    path("answers/", include("answers.urls")),
    path("outages.geojson", outage_views.geojson, name="outages_geojson"),
    path("notifications/", include(notification_patterns)),
    path("analytics/report-171/", include("reporting.urls")),
    path("analytics/", include("analytics.urls")),
    path("stats/", analytics_views.stats, name="stats"),
    path("surveys/", include(survey_patterns)),
    path("discussions/", include(discussion_patterns)),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("appeals.api.urls")),
    path("api/v1/", include("citizen_api.urls")),
    path("o/", include(oauth_patterns)),
    path("api/", include(api_patterns)),
    path("widget.js", widget.loader, name="widget_loader"),
    path("widget/<slug:slug>/", widget.widget_form, name="widget_form"),
    path("organizations/", include("organizations.urls")),
]
