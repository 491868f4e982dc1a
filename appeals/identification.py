"""How sure the platform is of who filed an appeal, by channel (547-FZ).

An electronic 59-FZ appeal must come from an identified person: the regime names the level it
needs per channel (regimes.models.RegimeVersion.assurance). The level an appeal has is decided by
the channel it came through and the account behind it.
"""

from django.conf import settings

from appeals.models import Appeal
from regimes.models import Assurance

C = Appeal.Channel


def account_assurance(user) -> str:
    """The signed-in person's level: identity verified through Gosuslugi, else a confirmed e-mail
    (the platform's login needs one); an account created by staff without an e-mail has none."""
    if getattr(user, "identity_verified_at", None) is not None:
        return Assurance.IDENTITY
    if getattr(user, "can_receive_email", False):
        return Assurance.EMAIL
    return Assurance.NONE


def appeal_assurance(*, channel: str, citizen) -> str:
    """The level of an appeal filed through `channel` for `citizen`.

    The site and the widget need a signed-in account: its level. A partner's API call carries no
    identity assertion, a phone call cannot identify anyone, and for paper letters and visits the
    staff member registering it is the check (the regime decides what those channels need).
    """
    if channel in (C.WEB, C.WIDGET):
        return account_assurance(citizen)
    return Assurance.NONE


def answer_email_allowed(user) -> bool:
    """Whether the text of an answer may be e-mailed to `user` (ANSWER_EMAIL_DOMAINS; empty: any).

    A state body sends official answers only to mail services it may use; elsewhere the citizen
    reads the answer in the cabinet and the letter only says that it came."""
    if not getattr(user, "can_receive_email", False):
        return False
    domains = settings.ANSWER_EMAIL_DOMAINS
    if not domains:
        return True
    domain = user.email.rsplit("@", 1)[-1].lower()
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in domains)
