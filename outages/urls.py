from django.urls import path

from outages.views import public, staff, subscriptions

app_name = "outages"
urlpatterns = [
    path("", public.outage_list, name="list"),
    path("at-address/", public.at_address, name="at_address"),
    path("subscriptions/", subscriptions.subscriptions, name="subscriptions"),
    path("unsubscribe/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
]

# The organizations' side, mounted at staff/outages/ beside the staff work place.
staff_patterns = (
    [
        path("", staff.outage_list, name="list"),
        path("new/", staff.outage_new, name="new"),
        path("<int:outage_id>/", staff.outage_edit, name="edit"),
        path("<int:outage_id>/cancel/", staff.outage_cancel, name="cancel"),
    ],
    "outage_staff",
)
