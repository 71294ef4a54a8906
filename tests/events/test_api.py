"""Meetups over the API: coordinators plan, publish, invite, answer for guests and cancel,
each within their own municipalities."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from ambassadors.models import Ambassador, BuddyRequest, Language
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation, Series

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

pytestmark = pytest.mark.django_db

# Monday 30 November 2026, 10:00 in Stockholm; meetups are on Thursday evening.
MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BERG = "2326"
ARE = "2321"
OSTERSUND = "2380"

Committing = Callable[[], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def texts(
    settings: Any, sms_outbox: list[LocmemMessage], tasks_run_at_once: None
) -> list[LocmemMessage]:
    settings.QUIET_HOURS = None
    return sms_outbox


def as_coordinator(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def berg(make_coordinator: Callable[..., User]) -> APIClient:
    return as_coordinator(make_coordinator("Berg"))


@pytest.fixture
def are(make_coordinator: Callable[..., User]) -> APIClient:
    return as_coordinator(make_coordinator("Åre"))


@pytest.fixture
def english_speaker(ambassador: Callable[..., Ambassador]) -> Callable[..., Ambassador]:
    """An ambassador who reads their texts in English."""

    def make(municipality: str, first_name: str) -> Ambassador:
        return ambassador(
            municipality,
            "en:4",
            first_name=first_name,
            preferred_language=Language.objects.get(code="en"),
        )

    return make


def plan(client: APIClient, *, omit: str = "", **fields: Any) -> _MonkeyPatchedResponse:
    body = {
        "title_sv": "Nätverksträff i Svenstavik",
        "title_en": "Network meetup in Svenstavik",
        "kind": "network_meetup",
        "starts_at": "2026-12-03T18:00:00+01:00",
        "ends_at": "2026-12-03T20:00:00+01:00",
        "municipality": BERG,
        "address": "Kyrkvägen 1, Svenstavik",
        "audience_municipalities": [BERG],
        **fields,
    }
    for name in omit.split():
        del body[name]
    return client.post("/api/v1/events/", body, format="json")


def planned(client: APIClient, **fields: Any) -> int:
    response = plan(client, **fields)
    assert response.status_code == 201, response.json()
    event_id: int = response.json()["id"]
    return event_id


def texts_to(outbox: list[LocmemMessage], person: Ambassador | BuddyRequest) -> list[str]:
    return [message.body for message in outbox if message.to == str(person.phone)]


def test_a_coordinator_plans_a_draft_in_stockholm_time(berg: APIClient) -> None:
    response = plan(
        berg,
        accessibility=["step_free", "hearing_loop", "step_free"],
        audience="both",
        audience_languages=["ar", "uk"],
        audience_interests=["skiing"],
        capacity=20,
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["starts_at"] == "2026-12-03T18:00:00+01:00"
    assert body["municipality"] == BERG
    assert body["accessibility"] == ["step_free", "hearing_loop"]
    assert body["audience_languages"] == ["ar", "uk"]
    assert body["audience_interests"] == ["skiing"]
    assert body["organiser_name"] == "coordinator-Berg"
    event = Event.objects.get(id=body["id"])
    assert event.starts_at == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert event.organiser is not None and event.organiser.username == "coordinator-Berg"


def test_a_swedish_title_is_required(berg: APIClient) -> None:
    response = plan(berg, title_sv="")

    assert response.status_code == 400
    assert "title_sv" in response.json()


def test_an_event_that_ends_before_it_starts_is_refused_on_ends_at(berg: APIClient) -> None:
    response = plan(berg, ends_at="2026-12-03T17:00:00+01:00")

    assert response.status_code == 400
    assert list(response.json()) == ["ends_at"]
    assert not Event.objects.exists()


def test_a_time_without_its_offset_is_refused(berg: APIClient) -> None:
    response = plan(berg, starts_at="2026-12-03T18:00:00")

    assert response.status_code == 400
    assert "offset" in response.json()["starts_at"][0]


def test_an_unknown_accessibility_value_is_refused(berg: APIClient) -> None:
    response = plan(berg, accessibility=["step_free", "lift"])

    assert response.status_code == 400
    assert "accessibility" in response.json()
    assert not Event.objects.exists()


def test_an_unknown_municipality_code_is_named(berg: APIClient) -> None:
    response = plan(berg, municipality="9999")

    assert response.status_code == 400
    assert "9999" in response.json()["municipality"][0]


def test_a_coordinator_cannot_plan_in_another_municipality(are: APIClient) -> None:
    elsewhere = plan(are, municipality=BERG, audience_municipalities=[ARE])
    invites_elsewhere = plan(are, municipality=ARE, audience_municipalities=[OSTERSUND])

    assert elsewhere.status_code == 400
    assert list(elsewhere.json()) == ["municipality"]
    assert invites_elsewhere.status_code == 400
    assert list(invites_elsewhere.json()) == ["audience_municipalities"]
    assert not Event.objects.exists()


def test_a_coordinators_audience_is_their_municipalities_unless_narrowed(
    berg: APIClient, make_coordinator: Callable[..., User]
) -> None:
    defaulted = plan(berg, omit="audience_municipalities")
    everyone = plan(berg, audience_municipalities=[])
    region = as_coordinator(make_coordinator(region_admin=True))

    assert defaulted.status_code == 201, defaulted.json()
    assert defaulted.json()["audience_municipalities"] == [BERG]
    assert everyone.status_code == 400
    assert list(everyone.json()) == ["audience_municipalities"]
    assert plan(region, audience_municipalities=[]).json()["audience_municipalities"] == []


def test_the_are_coordinator_cannot_see_or_touch_bergs_events(
    berg: APIClient, are: APIClient, english_speaker: Callable[..., Ambassador]
) -> None:
    event_id = planned(berg)
    berg.post(f"/api/v1/events/{event_id}/publish/")
    english_speaker("Berg", "Bodil")
    invitation = berg.post(
        f"/api/v1/events/{event_id}/invitations/",
        {"ambassador": english_speaker("Berg", "Britt").id},
        format="json",
    ).json()
    url = f"/api/v1/events/{event_id}"

    assert are.get("/api/v1/events/").json()["results"] == []
    assert are.get(f"{url}/").status_code == 404
    assert are.patch(f"{url}/", {"title_sv": "Kapad"}, format="json").status_code == 404
    assert are.post(f"{url}/publish/").status_code == 404
    assert are.post(f"{url}/cancel/").status_code == 404
    assert are.post(f"{url}/series/", {"rule": "FREQ=WEEKLY;COUNT=2"}).status_code == 404
    assert are.get(f"{url}/occurrences/").status_code == 404
    assert are.get(f"{url}/invitations/").status_code == 404
    rsvp_url = f"/api/v1/invitations/{invitation['id']}"
    assert are.post(f"{rsvp_url}/rsvp/", {"going": True}, format="json").status_code == 404
    assert are.post(f"{rsvp_url}/attendance/", {"attended": True}).status_code == 404
    event = Event.objects.get(id=event_id)
    assert event.title_sv == "Nätverksträff i Svenstavik"
    assert event.status == Event.Status.PUBLISHED
    assert Invitation.objects.get(id=invitation["id"]).status == Invitation.Status.INVITED


def test_a_region_admin_sees_every_event(
    berg: APIClient, are: APIClient, make_coordinator: Callable[..., User]
) -> None:
    planned(berg)
    planned(are, municipality=ARE, audience_municipalities=[ARE])
    region = as_coordinator(make_coordinator(region_admin=True))

    listed = region.get("/api/v1/events/").json()["results"]

    assert {row["municipality"] for row in listed} == {BERG, ARE}


def test_people_who_are_not_coordinators_see_no_events(
    api: APIClient, django_user_model: type[User]
) -> None:
    assert api.get("/api/v1/events/").status_code == 401
    api.force_authenticate(django_user_model.objects.create_user("someone"))
    assert api.get("/api/v1/events/").status_code == 403


def test_the_list_filters_by_status_and_stockholm_days(berg: APIClient) -> None:
    # 00:30 on 4 December in Stockholm is still 3 December in UTC.
    late = planned(berg, starts_at="2026-12-04T00:30:00+01:00", ends_at="2026-12-04T02:00:00+01:00")
    early = planned(berg)
    berg.post(f"/api/v1/events/{early}/publish/")

    def listed(query: str) -> list[int]:
        response = berg.get(f"/api/v1/events/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert listed("") == [early, late]
    assert listed("status=draft") == [late]
    assert listed("from=2026-12-04") == [late]
    assert listed("to=2026-12-03") == [early]
    assert berg.get("/api/v1/events/?from=someday").status_code == 400
    assert berg.get("/api/v1/events/?status=postponed").status_code == 400


def test_publishing_invites_the_audience_by_sms(
    berg: APIClient,
    english_speaker: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = english_speaker("Berg", "Bodil"), english_speaker("Berg", "Britt")
    outside = english_speaker("Östersund", "Östen")
    event_id = planned(berg)

    with committing():
        response = berg.post(f"/api/v1/events/{event_id}/publish/")

    assert response.json() == {"invited": 2}
    code = Event.objects.get(id=event_id).code
    for guest in (bodil, britt):
        [invitation] = texts_to(texts, guest)
        assert invitation.startswith("Invitation: Network meetup in Svenstavik")
        assert f"YES {code}" in invitation
    assert texts_to(texts, outside) == []
    rows = berg.get(f"/api/v1/events/{event_id}/invitations/").json()["results"]
    assert [(row["guest_first_name"], row["status"]) for row in rows] == [
        ("Bodil", "invited"),
        ("Britt", "invited"),
    ]
    assert all(str(bodil.phone) not in str(row) for row in rows)
    assert berg.post(f"/api/v1/events/{event_id}/publish/").status_code == 400


def test_a_draft_without_a_place_or_link_is_not_published(berg: APIClient) -> None:
    event_id = planned(berg, address="")

    response = berg.post(f"/api/v1/events/{event_id}/publish/")

    assert response.status_code == 400
    assert "address" in response.json()


def test_a_coordinator_invites_one_person_they_coordinate(
    berg: APIClient,
    english_speaker: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    event_id = planned(berg, audience="newcomers")
    url = f"/api/v1/events/{event_id}/invitations/"
    britt = english_speaker("Berg", "Britt")
    family = household("Berg", "en", first_name="Farah")
    elsewhere = household("Östersund", "en", first_name="Olga")

    draft = berg.post(url, {"ambassador": britt.id}, format="json")
    berg.post(f"/api/v1/events/{event_id}/publish/")
    texts.clear()
    with committing():
        invited = berg.post(url, {"ambassador": britt.id}, format="json")
    twice = berg.post(url, {"ambassador": britt.id}, format="json")
    published_to = berg.post(url, {"buddy_request": family.id}, format="json")
    not_mine = berg.post(url, {"buddy_request": elsewhere.id}, format="json")
    neither = berg.post(url, {}, format="json")

    assert draft.status_code == 400
    assert invited.status_code == 201, invited.json()
    assert invited.json()["guest_type"] == "ambassador"
    assert invited.json()["guest_id"] == britt.id
    assert len(texts_to(texts, britt)) == 1
    assert twice.status_code == 400
    assert list(twice.json()) == ["ambassador"]
    assert list(published_to.json()) == ["buddy_request"]
    assert not_mine.status_code == 400
    assert list(not_mine.json()) == ["buddy_request"]
    assert neither.status_code == 400
    assert texts_to(texts, elsewhere) == []
    assert {row["guest_first_name"] for row in berg.get(url).json()["results"]} == {
        "Britt",
        "Farah",
    }


def test_a_second_yes_to_one_place_joins_the_waiting_list(
    berg: APIClient,
    english_speaker: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = english_speaker("Berg", "Bodil"), english_speaker("Berg", "Britt")
    event_id = planned(berg, capacity=1)
    with committing():
        berg.post(f"/api/v1/events/{event_id}/publish/")
    invitations = {i.ambassador: i for i in Invitation.objects.filter(event_id=event_id)}

    def answer(guest: Ambassador, going: bool) -> _MonkeyPatchedResponse:
        url = f"/api/v1/invitations/{invitations[guest].id}/rsvp/"
        with committing():
            return berg.post(url, {"going": going}, format="json")

    assert answer(bodil, True).json() == {"id": invitations[bodil].id, "status": "going"}
    assert answer(britt, True).json()["status"] == "waitlisted"
    # Bodil cannot come after all: her place is offered to Britt.
    assert answer(bodil, False).json()["status"] == "declined"
    britt_now = Invitation.objects.get(id=invitations[britt].id)
    assert britt_now.status == Invitation.Status.PLACE_OFFERED
    assert Invitation.objects.get(id=invitations[bodil].id).channel == Invitation.Channel.API
    assert answer(britt, True).json()["status"] == "going"


def test_an_answer_to_a_cancelled_event_is_refused(
    berg: APIClient, english_speaker: Callable[..., Ambassador], texts: list[LocmemMessage]
) -> None:
    english_speaker("Berg", "Bodil")
    event_id = planned(berg)
    berg.post(f"/api/v1/events/{event_id}/publish/")
    berg.post(f"/api/v1/events/{event_id}/cancel/")
    invitation = Invitation.objects.get(event_id=event_id)

    response = berg.post(f"/api/v1/invitations/{invitation.id}/rsvp/", {"going": True})

    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_coordinator_records_who_came(
    berg: APIClient, english_speaker: Callable[..., Ambassador], texts: list[LocmemMessage]
) -> None:
    english_speaker("Berg", "Bodil")
    event_id = planned(berg)
    berg.post(f"/api/v1/events/{event_id}/publish/")
    invitation = Invitation.objects.get(event_id=event_id)

    response = berg.post(
        f"/api/v1/invitations/{invitation.id}/attendance/", {"attended": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["attended"] is True
    invitation.refresh_from_db()
    assert invitation.attended is True


def test_a_series_makes_occurrences_that_change_one_by_one(berg: APIClient) -> None:
    # The first Tuesday of three months, at 18:00 in Stockholm whatever the season.
    event_id = planned(
        berg,
        starts_at="2026-12-01T18:00:00+01:00",
        ends_at="2026-12-01T20:00:00+01:00",
        audience_languages=["ar"],
    )

    response = berg.post(
        f"/api/v1/events/{event_id}/series/",
        {"rule": "FREQ=MONTHLY;BYDAY=1TU;COUNT=3"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    occurrences = response.json()["occurrences"]
    assert [row["starts_at"] for row in occurrences] == [
        "2026-12-01T18:00:00+01:00",
        "2027-01-05T18:00:00+01:00",
        "2027-02-02T18:00:00+01:00",
    ]
    assert all(row["audience_languages"] == ["ar"] for row in occurrences)
    assert occurrences[0]["id"] == event_id
    second = occurrences[1]["id"]
    moved = berg.patch(
        f"/api/v1/events/{second}/",
        {"starts_at": "2027-01-05T17:00:00+01:00", "ends_at": "2027-01-05T19:00:00+01:00"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    listed = berg.get(f"/api/v1/events/{event_id}/occurrences/").json()
    assert [row["starts_at"][11:16] for row in listed] == ["18:00", "17:00", "18:00"]
    assert Series.objects.get().rule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=3"


def test_a_rule_that_is_not_a_rule_is_refused_on_rule(berg: APIClient) -> None:
    event_id = planned(berg)

    response = berg.post(f"/api/v1/events/{event_id}/series/", {"rule": "EVERY TUESDAY"})

    assert response.status_code == 400
    assert list(response.json()) == ["rule"]
    assert not Series.objects.exists()


def test_an_event_outside_a_series_is_its_only_occurrence(berg: APIClient) -> None:
    event_id = planned(berg)

    listed = berg.get(f"/api/v1/events/{event_id}/occurrences/").json()

    assert [row["id"] for row in listed] == [event_id]


def test_a_new_start_texts_those_coming_and_nobody_else(
    berg: APIClient,
    english_speaker: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = english_speaker("Berg", "Bodil"), english_speaker("Berg", "Britt")
    event_id = planned(berg)
    with committing():
        berg.post(f"/api/v1/events/{event_id}/publish/")
        going = Invitation.objects.get(event_id=event_id, ambassador=bodil)
        berg.post(f"/api/v1/invitations/{going.id}/rsvp/", {"going": True}, format="json")
    texts.clear()

    with committing():
        response = berg.patch(
            f"/api/v1/events/{event_id}/",
            {"starts_at": "2026-12-03T19:00:00+01:00", "ends_at": "2026-12-03T21:00:00+01:00"},
            format="json",
        )

    assert response.status_code == 200, response.json()
    assert response.json()["sequence"] == 1
    [changed] = texts_to(texts, bodil)
    assert changed.startswith("Changed: Network meetup in Svenstavik")
    assert "19:00" in changed
    assert texts_to(texts, britt) == []


def test_a_new_title_texts_nobody(
    berg: APIClient,
    english_speaker: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil = english_speaker("Berg", "Bodil")
    event_id = planned(berg)
    with committing():
        berg.post(f"/api/v1/events/{event_id}/publish/")
        going = Invitation.objects.get(event_id=event_id, ambassador=bodil)
        berg.post(f"/api/v1/invitations/{going.id}/rsvp/", {"going": True}, format="json")
    texts.clear()

    with committing():
        response = berg.patch(
            f"/api/v1/events/{event_id}/",
            {"title_en": "Winter meetup", "audience_languages": ["en"]},
            format="json",
        )

    assert response.status_code == 200, response.json()
    assert response.json()["title_en"] == "Winter meetup"
    assert response.json()["audience_languages"] == ["en"]
    assert response.json()["sequence"] == 0
    assert texts == []


def test_a_change_that_ends_before_the_start_is_refused_on_ends_at(berg: APIClient) -> None:
    event_id = planned(berg)

    response = berg.patch(
        f"/api/v1/events/{event_id}/", {"ends_at": "2026-12-03T17:00:00+01:00"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["ends_at"]
    assert Event.objects.get(id=event_id).ends_at == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)


def test_a_coordinator_cannot_move_an_event_out_of_their_municipalities(
    berg: APIClient,
) -> None:
    event_id = planned(berg)

    response = berg.patch(f"/api/v1/events/{event_id}/", {"municipality": ARE}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["municipality"]


def test_cancelling_tells_everyone_coming_or_waiting(
    berg: APIClient,
    english_speaker: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = english_speaker("Berg", "Bodil"), english_speaker("Berg", "Britt")
    english_speaker("Berg", "Bo")
    event_id = planned(berg, capacity=1)
    with committing():
        berg.post(f"/api/v1/events/{event_id}/publish/")
        for guest in (bodil, britt):
            invitation = Invitation.objects.get(event_id=event_id, ambassador=guest)
            berg.post(f"/api/v1/invitations/{invitation.id}/rsvp/", {"going": True})
    texts.clear()

    with committing():
        response = berg.post(f"/api/v1/events/{event_id}/cancel/")

    assert response.json() == {"notified": 2}
    assert sorted(message.to for message in texts) == sorted(str(p.phone) for p in (bodil, britt))
    assert all(message.body.startswith("Cancelled: Network meetup") for message in texts)
    assert berg.get(f"/api/v1/events/{event_id}/").json()["status"] == "cancelled"
    assert berg.post(f"/api/v1/events/{event_id}/cancel/").status_code == 400
    changed = berg.patch(f"/api/v1/events/{event_id}/", {"title_sv": "Ny"}, format="json")
    assert changed.status_code == 400
