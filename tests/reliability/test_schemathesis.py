"""The API against its own schema: generated requests find no server error and no answer
outside what /api/schema/ promises.

Schemathesis takes the schema /api/schema/ serves and calls the application in this process
(through its WSGI interface): every operation, as a coordinator with a token, with a bounded,
derandomised number of generated cases per operation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ambassadors.models import Coordinator

# Not yet status_code_conformance: the schema documents each operation's success only, not its
# 400 and 404, which every operation with input or an id can answer.
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def _connections_kept() -> Iterator[None]:
    # Django closes the database connection at the end of every request; in a test that is the
    # test's own transaction. Its test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def served_schema() -> dict[str, Any]:
    """What /api/schema/ serves, made the way its view makes it (no request, no database)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    # Through JSON, as a client reads it: lazy strings and enums become plain values.
    loaded: dict[str, Any] = json.loads(json.dumps(generated, cls=DjangoJSONEncoder))
    return loaded


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = WSGIHandler()


@pytest.mark.django_db
def test_the_schema_tested_is_the_one_served(client: Client) -> None:
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert response.json() == served_schema()


@pytest.fixture
def token(db: None, django_user_model: type[User]) -> str:
    user = django_user_model.objects.create_user(username="region-admin", is_staff=True)
    Coordinator.objects.create(user=user, is_region_admin=True)
    return str(Token.objects.create(user=user).key)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(
    case: schemathesis.Case,  # type: ignore[type-arg]
    token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The public sign-up is throttled per client; here every case is the same client.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"signup": "100000/hour"})
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
