from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open to every citizen; staff roles are granted only in the admin."""

    def is_open_for_signup(self, request) -> bool:
        return True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts created through the identity provider get their name and phone from its claims."""

    def populate_user(self, request, sociallogin, data):
        from accounts.signals import identity_claims

        user = super().populate_user(request, sociallogin, data)
        claims = identity_claims(sociallogin.account.extra_data)
        user.patronymic = str(claims.get("middle_name") or "")[:100]
        return user
