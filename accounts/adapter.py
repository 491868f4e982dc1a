from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from organizations import permissions


def landing_url_for(user) -> str:
    """Where a person lands after signing in: where their work is, the first role that has work.

    A platform admin gets the admin site, a moderator the moderation queue, an executor or a
    head the organization's queue, an analyst the dashboard; a citizen their appeals, where
    «Подать обращение» is. An explicit ?next= wins over all of this (allauth asks the adapter
    only without one).
    """
    from analytics.scope import can_view_analytics

    if permissions.is_platform_admin(user):
        return reverse("admin:index")
    if permissions.is_moderator(user):
        return reverse("moderation:home")
    if permissions.is_organization_staff(user):
        return reverse("staff:home")
    if can_view_analytics(user):
        return reverse("analytics:home")
    return reverse("appeals:list")


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open to every citizen; staff roles are granted only in the admin."""

    def is_open_for_signup(self, request) -> bool:
        return True

    def get_login_redirect_url(self, request) -> str:
        return landing_url_for(request.user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts created through the identity provider get their name and phone from its claims."""

    def populate_user(self, request, sociallogin, data):
        from accounts.signals import identity_claims

        user = super().populate_user(request, sociallogin, data)
        claims = identity_claims(sociallogin.account.extra_data)
        user.patronymic = str(claims.get("middle_name") or "")[:100]
        return user
