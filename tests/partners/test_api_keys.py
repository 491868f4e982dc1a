"""Partners' API keys: issued in the admin and shown once, stored only as a digest, revocable."""

import re

import pytest

from accounts.models import AuditEvent
from partners.models import ApiKey
from partners.services import authenticate_api_key, digest_of, issue_api_key, revoke_api_key

pytestmark = pytest.mark.django_db


def test_admin_issues_a_key_shown_once_and_stored_hashed(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/partners/apikey/add/",
        {"partner": "Сайт администрации Елизово", "contact": "it@elizovo.ru"},
        follow=True,
    )
    assert response.status_code == 200
    raw = re.search(r"pos_[0-9a-f]{8}_[A-Za-z0-9_\-]{43}", response.content.decode()).group(0)
    api_key = ApiKey.objects.get()
    assert api_key.digest == digest_of(raw) and raw not in (api_key.digest, api_key.prefix)
    assert api_key.created_by == platform_admin
    assert authenticate_api_key(raw) == api_key
    page = client.get(f"/admin/partners/apikey/{api_key.pk}/change/").content.decode()
    assert raw not in page and api_key.prefix in page
    assert AuditEvent.objects.filter(action="api_key_issued", actor=platform_admin).exists()


def test_admin_revokes_keys(client, platform_admin):
    row, raw = issue_api_key(actor=platform_admin, partner="Приложение")
    client.force_login(platform_admin)
    client.post("/admin/partners/apikey/", {"action": "revoke", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert authenticate_api_key(raw) is None
    revoke_api_key(actor=platform_admin, api_key_id=row.pk)  # twice: nothing more happens
    assert AuditEvent.objects.filter(action="api_key_revoked").count() == 1


@pytest.mark.parametrize(
    "candidate", ["", "pos_", "pos_00000000_x", "abc_def_ghi", "pos_{prefix}_wrong"]
)
def test_wrong_keys_are_refused(candidate):
    row, raw = issue_api_key(actor=None, partner="Приложение")
    assert authenticate_api_key(candidate.format(prefix=row.prefix)) is None
    assert authenticate_api_key(raw) == row
