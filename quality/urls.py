"""The reviewer's pages, mounted at /moderation/answers/ (feedback_platform/urls.py)."""

from django.urls import path

from quality import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:number>/", views.review, name="review"),
    path("<str:number>/release/", views.release, name="release"),
    path("<str:number>/return/", views.return_answer, name="return"),
    path("<str:number>/formal/", views.mark_formal, name="formal"),
    path("<str:number>/confirm/", views.confirm, name="confirm"),
]
