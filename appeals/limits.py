"""The limits of what a citizen sends, shared by the site's views and the mobile app's API
(citizen_api/): one rate limit for a person's filings and one for their joins, however they come
(django-ratelimit groups and rates), and the longest address text the suggestions look up."""

from django.conf import settings

FILING_RATE_GROUP = "appeals.filing"
SUPPORT_RATE_GROUP = "appeals.support"
ADDRESS_QUERY_MAX = 200


def filing_rate(group, request) -> str:
    return settings.APPEAL_FILING_RATE


def support_rate(group, request) -> str:
    return settings.APPEAL_SUPPORT_RATE
