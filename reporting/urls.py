from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.<slug:fmt>", views.export, name="export"),
]
