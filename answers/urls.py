from django.urls import path

from answers.views import public, staff

app_name = "answers"
urlpatterns = [
    path("", public.answer_list, name="list"),
    path("matching/", public.matching, name="matching"),
    path("<int:published_id>/", public.answer_detail, name="detail"),
]

# The organizations' side, mounted at staff/published-answers/ beside the staff work place.
staff_patterns = (
    [
        path("", staff.answer_list, name="list"),
        path("new/", staff.answer_new, name="new"),
        path("<int:published_id>/", staff.answer_edit, name="edit"),
        path("<int:published_id>/withdraw/", staff.answer_withdraw, name="withdraw"),
        path("for/<str:number>/", staff.for_appeal, name="for_appeal"),
    ],
    "answers_staff",
)
