"""Schemathesis against the live server: every operation of /api/schema/ with generated input,
a bounded number of examples each, and not one server error (nor a response outside the schema)."""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from appeals.models import Appeal
from partners.services import issue_api_key

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 40


def test_no_server_errors_for_generated_requests(live_server, world, settings_override):
    _row, raw_key = issue_api_key(actor=None, partner="schemathesis")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    turn = itertools.count()
    for operation in operations:
        _explore(operation, live_server.url, turn, raw_key, world)
    assert Appeal.objects.filter(channel=Appeal.Channel.API).exists()


def _explore(operation, base_url: str, turn, raw_key: str, world) -> None:
    place = {
        "api_key": raw_key,
        "jurisdiction_id": "kamgov.ru",
        "service_code": world.category.slug,
        "attribute[municipality]": str(world.municipality.pk),
    }
    person = {
        "first_name": "Мария",
        "last_name": "Сидорова",
        "address_string": "ул. Ленинская, 1",
        "description": "Во дворе не убран снег.",
        "email": "maria@example.ru",
    }

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if operation.method.upper() == "POST" and isinstance(case.body, dict):
            # Two bodies in three carry a real key, service and place (one of them also a valid
            # citizen), so the checks reach the validation and filing code and not only the 403.
            mode = next(turn) % 3
            if mode:
                body = {**case.body, **place}
                if mode == 2:
                    body = {key: value for key, value in body.items() if key in place} | person
                case.body = body
        response = case.call(base_url=base_url)
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    run()


@pytest.fixture
def settings_override(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code
    settings.OPEN311_JURISDICTION_ID = "kamgov.ru"
