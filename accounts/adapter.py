from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open to every citizen; staff roles are granted only in the admin."""

    def is_open_for_signup(self, request) -> bool:
        return True
