"""The demo's registered mobile app: a public OAuth 2.0 client (no secret, PKCE required) with the
app's own redirect URI scheme. Idempotent like the rest of `load_demo`: looked up by client id,
never overwriting what an operator changed."""

from oauth2_provider.models import get_application_model

DEMO_CLIENT_ID = "ru.example.feedback"
DEMO_REDIRECT_URI = "ru.example.feedback:/oauth/callback"
DEMO_APP_NAME = "Обратная связь (мобильное приложение)"


def load_demo_mobile_client() -> str:
    application_model = get_application_model()
    _app, created = application_model.objects.get_or_create(
        client_id=DEMO_CLIENT_ID,
        defaults={
            "name": DEMO_APP_NAME,
            "client_type": application_model.CLIENT_PUBLIC,
            "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": DEMO_REDIRECT_URI,
            "client_secret": "",
            "skip_authorization": False,
        },
    )
    return f"Мобильное приложение (OAuth, client_id {DEMO_CLIENT_ID}): {'создано' if created else 'уже есть'}"
