from django.urls import path, register_converter

from appeals.api import docs, views


class FormatConverter:
    """The format suffix of an Open311 resource (`xml`, `json`); others get the spec's 404."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns = [
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.service_list, name="services"),
    path("services/<str:code>.<open311_format:fmt>", views.service_definition, name="service"),
    path("requests.<open311_format:fmt>", views.requests, name="requests"),
    path("requests/<str:number>.<open311_format:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<open311_format:fmt>", views.token, name="token"),
]

api_patterns = (
    [
        path("schema/", docs.schema, name="schema"),
        path("docs/", docs.docs, name="docs"),
    ],
    "api",
)
