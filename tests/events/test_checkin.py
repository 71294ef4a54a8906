"""The organiser's check-in list: who is coming, who came, and who tends not to."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, BuddyRequest, Language, Municipality
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation
from events.services import event_publish, rsvp

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
START = datetime(2027, 3, 4, 18, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _march_2027(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


def make_event(starts_at: datetime = START, **fields: Any) -> Event:
    fields.setdefault("title_sv", "Välkomstkväll")
    fields.setdefault("title_en", "Welcome evening")
    fields.setdefault("kind", Event.Kind.WELCOME_EVENING)
    fields.setdefault("address", "Stationsvägen 1")
    fields.setdefault("municipality", Municipality.objects.get(name="Åre"))
    fields.setdefault("audience", Event.Audience.BOTH)
    return Event.objects.create(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields
    )


@dataclass
class Evening:
    event: Event
    organiser: User
    anna: Ambassador
    bo: Ambassador
    yusra: BuddyRequest
    carl: Ambassador

    def invitation(self, guest: Ambassador | BuddyRequest) -> Invitation:
        if isinstance(guest, Ambassador):
            return self.event.invitations.get(ambassador=guest)
        return self.event.invitations.get(buddy_request=guest)

    @property
    def url(self) -> str:
        return f"/events/{self.event.id}/checkin/"


@pytest.fixture
def evening(
    make_coordinator: Callable[..., User],
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    language: Callable[[str], Language],
) -> Evening:
    english = language("en")
    organiser = make_coordinator("Åre")
    anna = ambassador("Åre", first_name="Anna", last_name="Berg", preferred_language=english)
    bo = ambassador("Åre", first_name="Bo", last_name="Ek", preferred_language=english)
    carl = ambassador("Åre", first_name="Carl", last_name="Dahl", preferred_language=english)
    yusra = household("Åre", "en", first_name="Yusra", last_name="Haddad")
    event = make_event(organiser=organiser)
    event_publish(event=event)
    result = Evening(event, organiser, anna, bo, yusra, carl)
    for guest in (anna, bo, yusra):
        rsvp(invitation=result.invitation(guest), going=True, channel=Invitation.Channel.SMS)
    rsvp(invitation=result.invitation(carl), going=False, channel=Invitation.Channel.SMS)
    return result


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_list_shows_everyone_coming_and_nobody_else(client: Client, evening: Evening) -> None:
    client.force_login(evening.organiser)

    response = client.get(evening.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Check-in: Welcome evening" in html
    for name in ["Anna Berg", "Bo Ek", "Yusra Haddad"]:
        assert name in html
    assert "Carl" not in html
    assert html.count('type="checkbox" name="attended"') == 3


def test_ticked_guests_are_recorded_as_came_and_the_others_as_not(
    client: Client, evening: Evening
) -> None:
    client.force_login(evening.organiser)
    anna, bo, yusra = (evening.invitation(g) for g in (evening.anna, evening.bo, evening.yusra))

    response = client.post(
        evening.url,
        {"listed": [anna.id, bo.id, yusra.id], "attended": [anna.id, yusra.id]},
        follow=True,
    )

    assert response.redirect_chain == [(evening.url, 302)]
    assert evening.invitation(evening.anna).attended is True
    assert evening.invitation(evening.bo).attended is False
    assert evening.invitation(evening.yusra).attended is True
    assert evening.invitation(evening.carl).attended is None
    html = response.content.decode()
    assert "Attendance is saved." in html
    assert f'value="{anna.id}" id="attended-{anna.id}" checked' in html
    assert f'value="{bo.id}" id="attended-{bo.id}">' in html


def test_someone_who_said_yes_after_the_list_was_shown_is_left_unrecorded(
    client: Client, evening: Evening
) -> None:
    client.force_login(evening.organiser)
    anna = evening.invitation(evening.anna)

    client.post(evening.url, {"listed": [anna.id], "attended": [anna.id]})

    assert evening.invitation(evening.anna).attended is True
    assert evening.invitation(evening.bo).attended is None


def test_the_csv_has_a_row_per_guest_with_their_no_shows(client: Client, evening: Evening) -> None:
    earlier = make_event(NOW - timedelta(days=30), title_en="Earlier")
    later = make_event(NOW + timedelta(days=30), title_en="Later")
    going = Invitation.Status.GOING
    Invitation.objects.create(event=earlier, ambassador=evening.bo, status=going, attended=False)
    Invitation.objects.create(
        event=earlier, buddy_request=evening.yusra, status=going, attended=False
    )
    Invitation.objects.create(event=earlier, ambassador=evening.anna, status=going, attended=True)
    # Not over yet: a mistaken tick before the event is no no-show.
    Invitation.objects.create(event=later, ambassador=evening.anna, status=going, attended=False)
    client.force_login(evening.organiser)
    Invitation.objects.filter(id=evening.invitation(evening.anna).id).update(attended=True)

    response = client.get(evening.url + "?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="checkin-event-{evening.event.id}-2027-03-01.csv"'
    )
    rows = csv_rows(response.content)
    assert [
        (row["first_name"], row["last_name"], row["guest"], row["attended"], row["no_shows"])
        for row in rows
    ] == [
        ("Anna", "Berg", "ambassador", "True", "0"),
        ("Bo", "Ek", "ambassador", "", "1"),
        ("Yusra", "Haddad", "newcomer", "", "1"),
    ]
    assert rows[0]["invitation"] == str(evening.invitation(evening.anna).id)


def test_the_csv_defuses_names_a_spreadsheet_would_run(client: Client, evening: Evening) -> None:
    Ambassador.objects.filter(id=evening.anna.id).update(first_name="=HYPERLINK(1)")
    client.force_login(evening.organiser)

    rows = csv_rows(client.get(evening.url + "?format=csv").content)

    assert "'=HYPERLINK(1)" in [row["first_name"] for row in rows]


def test_a_coordinator_of_another_municipality_finds_nothing(
    client: Client, evening: Evening, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator("Östersund"))
    anna = evening.invitation(evening.anna)

    assert client.get(evening.url).status_code == 404
    assert client.get(evening.url + "?format=csv").status_code == 404
    assert client.post(evening.url, {"listed": [anna.id]}).status_code == 404
    assert evening.invitation(evening.anna).attended is None


def test_a_region_admin_sees_every_list(
    client: Client, evening: Evening, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    assert client.get(evening.url).status_code == 200


def test_someone_logged_in_who_is_not_a_coordinator_is_refused(
    client: Client, evening: Evening, django_user_model: type[User]
) -> None:
    client.force_login(django_user_model.objects.create_user(username="visitor"))

    assert client.get(evening.url).status_code == 403


def test_a_visitor_is_sent_to_the_login(client: Client, evening: Evening) -> None:
    response = client.get(evening.url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={evening.url}"
