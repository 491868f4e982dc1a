"""The staff queue under htmx: the table alone for a filter, the whole page for a history restore,
and the tabs and the tab field swapped beside the table so a later filter keeps them."""

import pytest
from django.urls import reverse

from appeals.models import Appeal
from tests.appeals.factories import make_appeal

pytestmark = pytest.mark.django_db


def _appeal(world):
    return make_appeal(
        Appeal.Status.REGISTERED,
        organization=world.organization,
        executor=world.executor,
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
    )


def test_a_history_restore_gets_the_whole_page(client, world):
    appeal = _appeal(world)
    client.force_login(world.executor)
    response = client.get(
        reverse("staff:home"),
        {"q": ""},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" in body and "Обращения организации" in body and appeal.number in body
    assert 'data-hx-swap-oob="true"' not in body
    assert "HX-History-Restore-Request" in response.headers["Vary"]


def test_a_filter_swaps_the_tabs_and_the_tab_field_with_the_table(client, world):
    _appeal(world)
    client.force_login(world.executor)
    response = client.get(
        reverse("staff:home"), {"tab": "all", "q": "насос"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert '<nav class="tabs" id="queue-tabs" data-hx-swap-oob="true"' in body
    assert 'id="queue-tab" value="all" data-hx-swap-oob="true"' in body
    assert "tab=new&amp;q=%D0%BD%D0%B0%D1%81%D0%BE%D1%81" in body  # the tabs keep the search


def test_the_search_triggers_on_input_not_keyup(client, world):
    client.force_login(world.executor)
    body = client.get(reverse("staff:home")).content.decode()
    assert "input changed delay:400ms from:#id_q" in body and "keyup" not in body
