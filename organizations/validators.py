"""Check digits of Russian registration numbers (INN — taxpayer number, OGRN — state registration).

Algorithms from the Federal Tax Service: INN of a legal entity has 10 digits and one check digit, of
an individual 12 digits and two; OGRN has 13 digits (OGRNIP of an individual entrepreneur, 15).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.input import is_ascii_digits

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def inn_check_digits(prefix: str) -> str:
    """The check digit(s) completing a 9- or 10-digit INN prefix."""
    if len(prefix) == 9:
        return str(_check_digit(prefix, _INN10_WEIGHTS))
    if len(prefix) == 10:
        first = str(_check_digit(prefix, _INN12_WEIGHTS_1))
        return first + str(_check_digit(prefix + first, _INN12_WEIGHTS_2))
    raise ValueError("an INN prefix has 9 or 10 digits")


def ogrn_check_digit(prefix: str) -> str:
    """The check digit completing a 12-digit OGRN or 14-digit OGRNIP prefix."""
    if len(prefix) == 12:
        return str(int(prefix) % 11 % 10)
    if len(prefix) == 14:
        return str(int(prefix) % 13 % 10)
    raise ValueError("an OGRN prefix has 12 or 14 digits")


def is_valid_inn(value: str) -> bool:
    if not is_ascii_digits(value) or len(value) not in (10, 12):
        return False
    check_length = 1 if len(value) == 10 else 2
    return value[-check_length:] == inn_check_digits(value[:-check_length])


def is_valid_ogrn(value: str) -> bool:
    if not is_ascii_digits(value) or len(value) not in (13, 15):
        return False
    return value[-1] == ogrn_check_digit(value[:-1])


def validate_inn(value: str) -> None:
    if not is_ascii_digits(value) or len(value) not in (10, 12):
        raise ValidationError(_("An INN consists of 10 or 12 digits."), code="inn_format")
    if not is_valid_inn(value):
        raise ValidationError(
            _("The INN check digit does not match: please check the number."), code="inn_checksum"
        )


def validate_ogrn(value: str) -> None:
    if not is_ascii_digits(value) or len(value) not in (13, 15):
        raise ValidationError(
            _("An OGRN consists of 13 digits (15 for OGRNIP)."), code="ogrn_format"
        )
    if not is_valid_ogrn(value):
        raise ValidationError(
            _("The OGRN check digit does not match: please check the number."), code="ogrn_checksum"
        )


_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def validate_embedding_origins(value: str) -> None:
    """One web origin per line (`https://example.ru`, a port allowed), as CSP `frame-ancestors` takes it.

    Only https, except loopback hosts for local testing; no path, query, wildcard or user info,
    so a line can never widen the policy beyond one site.
    """
    from urllib.parse import urlsplit

    for line in value.splitlines():
        origin = line.strip()
        if not origin:
            continue
        try:
            parts = urlsplit(origin)
            port = parts.port
        except ValueError:
            parts, port = None, None
        host = (parts.hostname or "") if parts else ""
        shown_host = f"[{host}]" if ":" in host else host
        well_formed = (
            parts is not None
            and parts.scheme in ("https", "http")
            and host
            and "*" not in origin
            and not parts.username
            and parts.path in ("", "/")
            and not parts.query
            and not parts.fragment
            and origin.rstrip("/") == f"{parts.scheme}://{shown_host}{f':{port}' if port else ''}"
        )
        if not well_formed:
            raise ValidationError(
                _(
                    "«%(origin)s» is not a web origin such as https://example.ru (scheme and host, no path)."
                ),
                params={"origin": origin},
            )
        if parts.scheme == "http" and shown_host not in _LOOPBACK_HOSTS:
            raise ValidationError(
                _("«%(origin)s»: only https sites may embed the widget."), params={"origin": origin}
            )
