"""The identity-provider login is configured from the environment (fresh processes)."""

import json

from tests.platform.test_settings import PRODUCTION, manage

SHOW = (
    "from django.conf import settings; import json; "
    "print(json.dumps({'apps': settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'], "
    "'form_action': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
)


def _settings(env: dict) -> dict:
    result = manage("shell", "-c", SHOW, env={**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_not_configured_means_no_provider():
    shown = _settings({"ESIA_OIDC_ISSUER": "", "ESIA_OIDC_CLIENT_ID": ""})
    # the mobile app's redirect scheme (citizen_api): the consent form's redirect goes there
    assert shown == {"apps": [], "form_action": ["'self'", "ru.example.feedback:"]}


def test_configured_from_the_environment_and_in_the_csp():
    shown = _settings(
        {
            "ESIA_OIDC_ISSUER": "https://esia.example.gov/oidc/",
            "ESIA_OIDC_CLIENT_ID": "pos-41",
            "ESIA_OIDC_CLIENT_SECRET": "secret",
        }
    )
    [app] = shown["apps"]
    assert (
        app["provider_id"] == "esia" and app["client_id"] == "pos-41" and app["secret"] == "secret"
    )
    assert app["settings"]["server_url"] == "https://esia.example.gov/oidc"
    assert shown["form_action"] == ["'self'", "https://esia.example.gov", "ru.example.feedback:"]
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            **PRODUCTION,
            "ESIA_OIDC_ISSUER": "https://esia.example.gov/oidc/",
            "ESIA_OIDC_CLIENT_ID": "pos-41",
            "DJANGO_WIDGET_FRAME_SESSION": "1",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
