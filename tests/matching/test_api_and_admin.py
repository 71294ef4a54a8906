"""Coordinators run, approve and override from the API and the admin, in their municipalities."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from ambassadors.models import Ambassador, BuddyRequest
from matching.models import MatchRun, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> dict[str, object]:
    return {
        "best": ambassador("Åre", "ar:4", interests="skiing"),
        "second": ambassador("Krokom", "ar:4"),
        "are_household": household("Åre", "ar", interests="skiing"),
        "ostersund_household": household("Östersund", "uk", first_name="Olena"),
        "ukrainian": ambassador("Östersund", "uk:4"),
    }


@pytest.fixture
def are_api(api: APIClient, make_coordinator: Callable[..., User]) -> APIClient:
    api.force_authenticate(make_coordinator("Åre"))
    return api


def test_a_coordinator_starts_a_run_through_the_api(
    are_api: APIClient, network: dict[str, Any]
) -> None:
    response = are_api.post("/api/v1/match-runs/")

    assert response.status_code == 201
    assert response.json()["matched"] == 2
    assert MatchRun.objects.get().trigger == MatchRun.Trigger.COORDINATOR


def test_the_api_lists_only_proposals_for_the_coordinators_municipalities(
    are_api: APIClient, network: dict[str, Any]
) -> None:
    are_api.post("/api/v1/match-runs/")

    listed = are_api.get("/api/v1/proposals/").json()["results"]

    assert [row["buddy_request"] for row in listed] == [network["are_household"].id]
    assert listed[0]["ambassador"] == network["best"].id
    assert listed[0]["explanation"].startswith("يتحدث العربية.")
    assert [c["ambassador"] for c in listed[0]["candidates"]] == [network["second"].id]
    other = Proposal.objects.get(buddy_request=network["ostersund_household"])
    assert are_api.post(f"/api/v1/proposals/{other.id}/approve/").status_code == 404


def test_approve_pick_and_reject_through_the_api(
    are_api: APIClient, network: dict[str, Any]
) -> None:
    are_api.post("/api/v1/match-runs/")
    proposal = Proposal.objects.get(buddy_request=network["are_household"])

    picked = are_api.post(
        f"/api/v1/proposals/{proposal.id}/pick/", {"ambassador": network["second"].id}
    )
    again = are_api.post(f"/api/v1/proposals/{proposal.id}/reject/")

    assert picked.status_code == 200, picked.json()
    assert (picked.json()["ambassador"], picked.json()["status"]) == (
        network["second"].id,
        "approved",
    )
    assert again.status_code == 400
    assert "already been decided" in again.json()["detail"]


def test_picking_a_stranger_through_the_api_names_the_field(
    are_api: APIClient, network: dict[str, Any]
) -> None:
    are_api.post("/api/v1/match-runs/")
    proposal = Proposal.objects.get(buddy_request=network["are_household"])

    response = are_api.post(
        f"/api/v1/proposals/{proposal.id}/pick/", {"ambassador": network["ukrainian"].id}
    )

    assert response.status_code == 400
    assert "ambassador" in response.json()


def test_the_public_cannot_run_or_see_proposals(api: APIClient, network: dict[str, Any]) -> None:
    assert api.post("/api/v1/match-runs/").status_code == 401
    assert api.get("/api/v1/proposals/").status_code == 401


def test_a_coordinator_runs_and_approves_from_the_admin(
    client: Client, make_coordinator: Callable[..., User], network: dict[str, Any]
) -> None:
    client.force_login(make_coordinator("Åre"))

    ran = client.post("/admin/matching/matchrun/run/")
    proposal = Proposal.objects.get(buddy_request=network["are_household"])
    page = client.get(f"/admin/matching/proposal/{proposal.id}/change/").content.decode()
    decided = client.post(
        f"/admin/matching/proposal/{proposal.id}/decide/", {"decision": "approve"}
    )

    assert ran.status_code == 302
    assert "Pick" in page and str(network["second"]) in page
    assert decided.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED


def test_a_coordinator_picks_another_candidate_in_the_admin(
    client: Client, make_coordinator: Callable[..., User], network: dict[str, Any]
) -> None:
    client.force_login(make_coordinator("Åre"))
    client.post("/admin/matching/matchrun/run/")
    proposal = Proposal.objects.get(buddy_request=network["are_household"])

    client.post(
        f"/admin/matching/proposal/{proposal.id}/decide/",
        {"decision": "pick", "ambassador": network["second"].id},
    )

    proposal.refresh_from_db()
    assert (proposal.ambassador, proposal.status) == (network["second"], "approved")


def test_the_admin_hides_other_municipalities_proposals(
    client: Client, make_coordinator: Callable[..., User], network: dict[str, Any]
) -> None:
    client.force_login(make_coordinator("Åre"))
    client.post("/admin/matching/matchrun/run/")
    other = Proposal.objects.get(buddy_request=network["ostersund_household"])

    listed = client.get("/admin/matching/proposal/").content.decode()
    decided = client.post(f"/admin/matching/proposal/{other.id}/decide/", {"decision": "reject"})

    assert "Amina" in listed
    assert "Olena" not in listed
    assert decided.status_code == 404
    other.refresh_from_db()
    assert other.status == Proposal.Status.PROPOSED


def test_a_coordinator_sees_the_best_five_for_a_new_request(
    are_api: APIClient,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    near = [ambassador("Åre", "ar:4") for _ in range(3)]
    far = [ambassador("Härjedalen", "ar:4") for _ in range(3)]
    ambassador("Åre", "th:4")
    new = household("Åre", "ar", first_name="Nadia")

    response = are_api.get(f"/api/v1/buddy-requests/{new.id}/candidates/")

    rows = response.json()
    assert response.status_code == 200
    assert len(rows) == 5
    assert {row["ambassador"] for row in rows[:3]} == {a.id for a in near}
    assert {row["ambassador"] for row in rows[3:]} <= {a.id for a in far}
    assert rows[0]["explanation"].startswith("يتحدث العربية.")
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
