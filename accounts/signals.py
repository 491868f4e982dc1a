"""A login through the national identity provider marks the person identity-verified."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from accounts.services import record_identity_verification

IDENTITY_PROVIDER_ID = "esia"


def identity_claims(extra_data: dict | None) -> dict:
    """The provider's claims as allauth keeps them: userinfo first (it has more), else the ID token."""
    extra_data = extra_data or {}
    return extra_data.get("userinfo") or extra_data.get("id_token") or extra_data


@receiver(user_logged_in)
def identity_provider_login(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None or sociallogin.account.provider != IDENTITY_PROVIDER_ID:
        return
    record_identity_verification(
        user=user,
        provider=IDENTITY_PROVIDER_ID,
        claims=identity_claims(sociallogin.account.extra_data),
    )
