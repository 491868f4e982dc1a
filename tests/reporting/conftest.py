"""The appeals tests' `world` (an organization, its staff, a citizen and a moderator)."""

from tests.appeals.conftest import world  # noqa: F401
