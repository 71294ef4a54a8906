"""One meetup's page in the workspace: publishing sends the invitations, the answers
by kind, cancelling after a confirmation, the check-in list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest, Municipality, OutboundSms
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation
from events.services import event_create, event_publish, rsvp

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=STOCKHOLM)
STARTS = datetime(2026, 12, 3, 18, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _november_2026(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(make_coordinator: Callable[..., User]) -> User:
    return make_coordinator("Östersund")


@pytest.fixture
def ostersund(coordinator: User) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def guests(ambassador: Callable[..., Ambassador]) -> list[Ambassador]:
    """Three active ambassadors in Östersund; one not yet active and one in Åre are not guests."""
    ambassador("Östersund", first_name="Nyström", active=False)
    ambassador("Åre", first_name="Astrid")
    return [
        ambassador("Östersund", first_name=name, last_name="Berg") for name in ("Anna", "Bo", "Cia")
    ]


@pytest.fixture
def draft(
    coordinator: User, guests: list[Ambassador], municipality: Callable[[str], Municipality]
) -> Event:
    return event_create(
        organiser=coordinator,
        title_sv="Nätverksträff",
        title_en="Network meetup",
        kind=Event.Kind.NETWORK_MEETUP,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        municipality=municipality("Östersund"),
        address="Rådhusgatan 25, Östersund",
        capacity=1,
        audience=Event.Audience.AMBASSADORS,
        audience_municipalities=[municipality("Östersund")],
    )


def page_of(event: Event) -> str:
    return reverse("workspace:meetup", args=[event.id])


def test_the_draft_says_whom_publishing_will_invite(ostersund: Client, draft: Event) -> None:
    page = ostersund.get(page_of(draft)).content.decode()

    assert "Publishing texts an invitation to everyone the event is for: ambassadors 3" in page
    assert "Nobody is invited while the event is a draft." in page
    assert reverse("events:checkin", args=[draft.id]) not in page


def test_publishing_texts_an_invitation_to_everyone_the_event_is_for(
    ostersund: Client,
    draft: Event,
    guests: list[Ambassador],
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
    tasks_run_at_once: None,
) -> None:
    with committing():
        response = ostersund.post(reverse("workspace:meetup_publish", args=[draft.id]))
    page = ostersund.get(response["Location"]).content.decode()

    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    assert {i.ambassador for i in Invitation.objects.filter(event=draft)} == set(guests)
    invitations = OutboundSms.objects.filter(purpose=OutboundSms.Purpose.INVITATION)
    assert {sms.ambassador for sms in invitations} == set(guests)
    assert sorted(message.to for message in sms_outbox) == sorted(str(a.phone) for a in guests)
    assert all(f"JA {draft.code}" in message.body for message in sms_outbox)
    assert "The event is published. Invitations sent: 3." in page
    assert "No answer yet (3)" in page
    assert "Anna Berg" in page
    assert f"People answer “JA {draft.code}” or “NEJ {draft.code}”." in page
    assert reverse("events:checkin", args=[draft.id]) in page


def test_a_draft_without_a_place_or_link_stays_a_draft_and_says_why(
    ostersund: Client, draft: Event
) -> None:
    Event.objects.filter(id=draft.id).update(address="")

    response = ostersund.post(reverse("workspace:meetup_publish", args=[draft.id]), follow=True)

    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT
    assert "Give an address or a video link." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_answers_are_shown_by_kind_with_the_waiting_list_in_order(
    ostersund: Client, draft: Event, guests: list[Ambassador]
) -> None:
    event_publish(event=draft)
    anna, bo, cia = (Invitation.objects.get(event=draft, ambassador=a) for a in guests)
    rsvp(invitation=cia, going=True, channel=Invitation.Channel.SMS)
    rsvp(invitation=anna, going=True, channel=Invitation.Channel.SMS)
    rsvp(invitation=bo, going=False, channel=Invitation.Channel.SMS)

    page = ostersund.get(page_of(draft)).content.decode()
    panels = {
        heading.split("</h3>")[0]: body
        for heading, body in (chunk.split("</h3>", 1) for chunk in page.split("<h3>")[1:])
    }

    assert "Cia Berg" in panels["Coming (1 / 1)"]
    assert "Anna Berg" in panels["Waiting list (1)"]
    assert "Bo Berg" in panels["Not coming (1)"]
    assert "Nobody." in panels["No answer yet (0)"]
    listing = ostersund.get(reverse("workspace:meetups")).content.decode()
    row = listing.split(page_of(draft))[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    # Where, status, coming, waiting, not coming, no answer yet, places.
    assert cells[2:6] == ["1", "1", "1", "0"]


def test_cancelling_asks_first_then_texts_everyone_coming_or_waiting(
    ostersund: Client,
    draft: Event,
    guests: list[Ambassador],
) -> None:
    event_publish(event=draft)
    anna, bo, cia = (Invitation.objects.get(event=draft, ambassador=a) for a in guests)
    rsvp(invitation=anna, going=True, channel=Invitation.Channel.SMS)
    rsvp(invitation=bo, going=True, channel=Invitation.Channel.SMS)
    cancel = reverse("workspace:meetup_cancel", args=[draft.id])

    asked = ostersund.get(cancel).content.decode()
    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    response = ostersund.post(cancel, follow=True)

    draft.refresh_from_db()
    assert "2 guests who are coming or waiting will get a text saying it is cancelled." in asked
    assert draft.status == Event.Status.CANCELLED
    notices = OutboundSms.objects.filter(purpose=OutboundSms.Purpose.EVENT_NOTICE)
    assert {sms.ambassador for sms in notices} == {guests[0], guests[1]}
    page = response.content.decode()
    assert "The event is cancelled. Guests texted: 2." in page
    assert cancel not in page
    assert "Publish and send invitations" not in page


def test_a_cancelled_event_cannot_be_cancelled_again(ostersund: Client, draft: Event) -> None:
    cancel = reverse("workspace:meetup_cancel", args=[draft.id])
    ostersund.post(cancel)

    asked = ostersund.get(cancel, follow=True)
    again = ostersund.post(cancel, follow=True)

    assert "This event is already cancelled." in asked.content.decode()
    assert "This event is already cancelled." in again.content.decode()


def test_publishing_is_a_post(ostersund: Client, draft: Event) -> None:
    response = ostersund.get(reverse("workspace:meetup_publish", args=[draft.id]))

    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.status == Event.Status.DRAFT


def test_a_household_is_shown_as_a_household(
    ostersund: Client,
    coordinator: User,
    household: Callable[..., BuddyRequest],
    municipality: Callable[[str], Municipality],
) -> None:
    amina = household("Östersund", first_name="Amina", last_name="Haddad")
    welcome = event_create(
        organiser=coordinator,
        title_sv="Välkomstkväll",
        kind=Event.Kind.WELCOME_EVENING,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        municipality=municipality("Östersund"),
        address="Stadsbiblioteket",
        audience=Event.Audience.NEWCOMERS,
        audience_municipalities=[municipality("Östersund")],
    )
    event_publish(event=welcome)

    page = ostersund.get(page_of(welcome)).content.decode()

    assert Invitation.objects.get(event=welcome).buddy_request == amina
    assert 'Amina Haddad <span class="muted">· household · Östersund</span>' in page
