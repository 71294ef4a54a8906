"""Export and erasure over the API, each coordinator within their municipalities, and the
audit trail of what coordinators list, read, change and export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from ambassadors.models import Ambassador, AuditEvent, BuddyRequest, OutboundSms

pytestmark = pytest.mark.django_db

PHONE = "+46701740677"


@pytest.fixture
def are(api: APIClient, make_coordinator: Callable[..., User]) -> APIClient:
    api.force_authenticate(make_coordinator("Åre"))
    return api


@pytest.fixture
def household(make_request: Callable[..., BuddyRequest]) -> BuddyRequest:
    household = make_request("Åre", first_name="Noor", phone=PHONE)
    OutboundSms.objects.create(
        to=PHONE, buddy_request=household, body="Hej Noor", language="sv",
        purpose=OutboundSms.Purpose.REPLY, encoding="GSM-7", segments=1,
    )  # fmt: skip
    return household


def test_a_coordinator_exports_everything_held_about_a_person_of_their_municipality(
    are: APIClient, household: BuddyRequest
) -> None:
    response = are.get("/api/v1/people/export/", {"phone": "070-174 06 77"})

    assert response.status_code == 200
    tables = response.json()["tables"]
    assert tables["ambassadors.buddyrequest"][0]["first_name"] == "Noor"
    assert tables["ambassadors.outboundsms"][0]["body"] == "Hej Noor"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, subject_id=household.id,
                                     via="api:person-export").exists()  # fmt: skip


def test_a_person_of_another_municipality_is_not_found(
    are: APIClient, make_request: Callable[..., BuddyRequest]
) -> None:
    make_request("Östersund", phone=PHONE)

    assert are.get("/api/v1/people/export/", {"phone": PHONE}).status_code == 404
    assert are.post("/api/v1/people/erase/", {"phone": PHONE}).status_code == 404
    assert BuddyRequest.objects.get().first_name == "Amina"


def test_a_malformed_number_is_a_400_on_the_phone_field(are: APIClient) -> None:
    response = are.post("/api/v1/people/erase/", {"phone": "12"})

    assert response.status_code == 400
    assert "phone" in response.json()


def test_a_coordinator_erases_a_person_and_is_told_what_went(
    are: APIClient, household: BuddyRequest
) -> None:
    response = are.post("/api/v1/people/erase/", {"phone": PHONE}, format="json")

    assert response.status_code == 200
    assert response.json()["anonymised"] == {"ambassadors.buddyrequest": 1}
    assert response.json()["deleted"]["ambassadors.outboundsms"] == 1
    household.refresh_from_db()
    assert (household.first_name, household.erased_at is not None) == ("(erased)", True)


def test_the_public_cannot_export_or_erase(api: APIClient, household: BuddyRequest) -> None:
    assert api.get("/api/v1/people/export/", {"phone": PHONE}).status_code in (401, 403)
    assert api.post("/api/v1/people/erase/", {"phone": PHONE}).status_code in (401, 403)


def _actions(via: str) -> list[tuple[str, Any, list[str]]]:
    return [(e.action, e.count, e.fields) for e in AuditEvent.objects.filter(via=via)]


def test_lists_reads_changes_and_exports_leave_ids_counts_and_field_names_in_the_trail(
    are: APIClient, make_ambassador: Callable[..., Ambassador]
) -> None:
    person = make_ambassador("Åre", first_name="Åsa")
    make_ambassador("Åre")

    are.get("/api/v1/ambassadors/")
    are.get(f"/api/v1/ambassadors/{person.id}/")
    are.patch(f"/api/v1/ambassadors/{person.id}/", {"capacity": 3, "last_name": "Berg"},
              format="json")  # fmt: skip
    are.get("/api/v1/ambassadors/export/")

    assert _actions("api:ambassador-list") == [(AuditEvent.Action.LIST, 2, [])]
    assert sorted(_actions("api:ambassador-detail")) == [
        (AuditEvent.Action.CHANGE, None, ["capacity", "last_name"]),
        (AuditEvent.Action.VIEW, None, []),
    ]
    assert _actions("api:ambassador-export") == [(AuditEvent.Action.EXPORT, 2, [])]
    assert "Berg" not in str(list(AuditEvent.objects.values()))
