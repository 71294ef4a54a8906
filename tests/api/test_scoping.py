"""A coordinator of Åre cannot list, read, change or export Östersund's people."""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ambassadors.models import Ambassador, BuddyRequest, Municipality, Organisation

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db


class People(TypedDict):
    are_request: BuddyRequest
    ostersund_request: BuddyRequest
    are_ambassador: Ambassador
    ostersund_ambassador: Ambassador


@pytest.fixture
def people(
    make_request: Callable[..., BuddyRequest], make_ambassador: Callable[..., Ambassador]
) -> People:
    return {
        "are_request": make_request("Åre", first_name="Ali"),
        "ostersund_request": make_request("Östersund", first_name="Olga"),
        "are_ambassador": make_ambassador("Åre", first_name="Åsa"),
        "ostersund_ambassador": make_ambassador("Östersund", first_name="Östen"),
    }


@pytest.fixture
def are(api: APIClient, make_coordinator: Callable[..., User]) -> APIClient:
    user = make_coordinator("Åre")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def ids(response: "_MonkeyPatchedResponse") -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_the_are_coordinator_lists_only_are(are: APIClient, people: People) -> None:
    requests = are.get("/api/v1/buddy-requests/")
    ambassadors = are.get("/api/v1/ambassadors/")

    assert ids(requests) == {people["are_request"].id}
    assert ids(ambassadors) == {people["are_ambassador"].id}


def test_the_are_coordinator_cannot_read_ostersund(are: APIClient, people: People) -> None:
    assert are.get(f"/api/v1/buddy-requests/{people['are_request'].id}/").status_code == 200
    assert are.get(f"/api/v1/buddy-requests/{people['ostersund_request'].id}/").status_code == 404
    assert are.get(f"/api/v1/ambassadors/{people['ostersund_ambassador'].id}/").status_code == 404


def test_the_are_coordinator_cannot_change_ostersund(are: APIClient, people: People) -> None:
    target = people["ostersund_request"]

    response = are.patch(
        f"/api/v1/buddy-requests/{target.id}/", {"status": "closed"}, format="json"
    )

    assert response.status_code == 404
    target.refresh_from_db()
    assert target.status == "new"
    response = are.patch(
        f"/api/v1/ambassadors/{people['ostersund_ambassador'].id}/", {"active": True}
    )
    assert response.status_code == 404


def test_the_are_coordinator_changes_their_own_people(are: APIClient, people: People) -> None:
    target = people["are_request"]

    response = are.patch(
        f"/api/v1/buddy-requests/{target.id}/", {"status": "closed"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed"
    target.refresh_from_db()
    assert target.status == "closed"


def test_the_are_coordinator_cannot_move_people_to_ostersund(
    are: APIClient, people: People
) -> None:
    target = people["are_request"]

    response = are.patch(
        f"/api/v1/buddy-requests/{target.id}/", {"municipality": "2380"}, format="json"
    )

    assert response.status_code == 400
    assert "municipality" in response.json()
    target.refresh_from_db()
    assert target.municipality.code == "2321"


def test_the_are_coordinators_exports_hold_only_are(are: APIClient, people: People) -> None:
    requests = are.get("/api/v1/buddy-requests/export/")
    ambassadors = are.get("/api/v1/ambassadors/export/")

    assert requests["Content-Type"].startswith("text/csv")
    assert "Ali" in requests.content.decode()
    assert "Olga" not in requests.content.decode()
    assert "Åsa" in ambassadors.content.decode()
    assert "Östen" not in ambassadors.content.decode()


def test_the_are_coordinator_cannot_list_or_add_ostersund_organisations(
    are: APIClient,
) -> None:
    Organisation.objects.create(
        name="Östersund AB",
        org_number="556016-0680",
        municipality=Municipality.objects.get(code="2380"),
    )

    listed = are.get("/api/v1/organisations/")
    added = are.post(
        "/api/v1/organisations/",
        {"name": "New AB", "org_number": "2120002411", "municipality": "2380"},
        format="json",
    )

    assert listed.json()["results"] == []
    assert added.status_code == 400
    assert "municipality" in added.json()


def test_a_region_admin_sees_everyone(
    api: APIClient, make_coordinator: Callable[..., User], people: People
) -> None:
    api.force_authenticate(make_coordinator(region_admin=True))

    assert len(ids(api.get("/api/v1/buddy-requests/"))) == 2
    assert len(ids(api.get("/api/v1/ambassadors/"))) == 2


def test_people_who_are_not_coordinators_see_nothing(
    api: APIClient, django_user_model: type[User], people: People
) -> None:
    assert api.get("/api/v1/buddy-requests/").status_code == 401
    assert api.get("/api/v1/ambassadors/export/").status_code == 401

    api.force_authenticate(django_user_model.objects.create_user("someone"))

    assert api.get("/api/v1/buddy-requests/").status_code == 403
    assert api.get("/api/v1/ambassadors/").status_code == 403


def test_a_csv_cell_that_looks_like_a_formula_is_defused(
    are: APIClient, make_request: Callable[..., BuddyRequest]
) -> None:
    make_request("Åre", first_name='=HYPERLINK("http://evil")')

    content = are.get("/api/v1/buddy-requests/export/").content.decode()

    assert "'=HYPERLINK" in content
