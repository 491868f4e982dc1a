"""Schemathesis against the live server: every operation of /api/v1/schema/ with generated input
and a valid token, a bounded number of examples each, and not one server error (nor a status,
content type or body outside the schema)."""

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
from tests.appeals.factories import world_appeal
from tests.citizen_api.tokens import make_token

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAX_EXAMPLES = 12


def test_no_server_errors_for_generated_requests(live_server, world, mobile_app, settings):
    settings.APPEAL_FILING_RATE = "1000/h"
    token = make_token(mobile_app, world.citizen)
    appeal = world_appeal(world, Appeal.Status.ANSWERED)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 15
    turn = itertools.count()
    filing = {
        "category": world.category.pk,
        "municipality": world.municipality.pk,
        "address": "ул. Ленинская, 12",
        "text": "Во дворе не убран снег уже неделю, к подъезду не пройти.",
        "consent": True,
    }
    for operation in operations:
        _explore(operation, f"{live_server.url}/api/v1", turn, token, appeal.number, filing)
    # The generated filings reached the service, not only the validation.
    assert Appeal.objects.filter(citizen=world.citizen).count() > 1


def _explore(operation, base_url: str, turn, token: str, number: str, filing: dict) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        mode = next(turn) % 2
        if mode and case.path_parameters and "number" in case.path_parameters:
            case.path_parameters = {**case.path_parameters, "number": number}
        filing_case = operation.path == "/appeals/" and operation.method.upper() == "POST"
        if mode and filing_case and isinstance(case.body, dict):
            case.body = {**case.body, **filing}
        response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
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
