from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("held-appeals/<str:token>/", views.held_appeal, name="held_appeal"),
]
