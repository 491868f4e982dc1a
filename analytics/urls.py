from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.home, name="home"),
    path("export/<slug:table>.<slug:fmt>", views.export, name="export"),
]
