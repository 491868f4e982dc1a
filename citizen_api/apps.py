from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenApiConfig(AppConfig):
    name = "citizen_api"
    verbose_name = _("Citizen API of the mobile app")
