"""Calendar files: the public feed, one event, and an ambassador's personal feed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar  # type: ignore[import-untyped, unused-ignore]
import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, Language, Municipality
from ambassadors.sms import LocmemMessage
from events.calendar import stockholm_vtimezone
from events.models import Accessibility, Event, Invitation
from events.services import (
    calendar_token,
    event_cancel,
    event_publish,
    event_update,
    invitation_token,
    rsvp,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
SUMMER = datetime(2027, 7, 15, 18, 0, tzinfo=STOCKHOLM)
WINTER = datetime(2027, 12, 9, 18, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _march_2027(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def make_event(make_coordinator: Callable[..., User]) -> Callable[..., Event]:
    organiser = make_coordinator("Åre")

    def make(starts_at: datetime, *, publish: bool = True, **fields: Any) -> Event:
        fields.setdefault("title_sv", "Nätverksträff")
        fields.setdefault("title_en", "Network meetup")
        fields.setdefault("kind", Event.Kind.NETWORK_MEETUP)
        fields.setdefault("address", "Stationsvägen 1")
        fields.setdefault("municipality", Municipality.objects.get(name="Åre"))
        event = Event.objects.create(
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            organiser=organiser,
            **fields,
        )
        if publish:
            event_publish(event=event)
            event.refresh_from_db()
        return event

    return make


def parse(content: bytes) -> Any:
    return icalendar.Calendar.from_ical(content)


def vevents(content: bytes) -> list[Any]:
    return list(parse(content).walk("VEVENT"))


def summaries(content: bytes) -> list[str]:
    return [str(vevent["SUMMARY"]) for vevent in vevents(content)]


def going(event: Event, ambassador: Ambassador) -> Invitation:
    invitation = Invitation.objects.get(event=event, ambassador=ambassador)
    rsvp(invitation=invitation, going=True, channel=Invitation.Channel.SMS)
    return invitation


def test_the_public_feed_is_a_calendar_with_stockholm_time(
    client: Client, make_event: Callable[..., Event]
) -> None:
    make_event(SUMMER)

    response = client.get("/events/feed.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Stockholm"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    # Outlook and Apple Calendar poll a subscription this often.
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    # Some calendar apps ask with HEAD before they subscribe.
    assert client.head("/events/feed.ics").status_code == 200


def test_an_event_keeps_18_00_local_time_in_summer_and_in_winter(
    client: Client, make_event: Callable[..., Event]
) -> None:
    summer = make_event(SUMMER)
    winter = make_event(WINTER)

    content = client.get("/events/feed.ics").content

    text = content.decode()
    assert "DTSTART;TZID=Europe/Stockholm:20270715T180000" in text
    assert "DTSTART;TZID=Europe/Stockholm:20271209T180000" in text
    assert "DTEND;TZID=Europe/Stockholm:20271209T200000" in text
    starts = {str(vevent["UID"]): vevent.decoded("DTSTART") for vevent in vevents(content)}
    assert starts[f"event-{summer.id}@ambassadors.regionjh.se"] == SUMMER
    assert starts[f"event-{winter.id}@ambassadors.regionjh.se"] == WINTER
    assert SUMMER.astimezone(UTC).hour == 16
    assert WINTER.astimezone(UTC).hour == 17


def test_the_stockholm_timezone_definition_agrees_with_tzdata() -> None:
    # Read back without looking the name up, so the rules themselves are tested.
    written = icalendar.Timezone.from_ical(stockholm_vtimezone().to_ical())
    rules = written.to_tz(lookup_tzid=False)

    moment = datetime(2024, 1, 1, tzinfo=UTC)
    while moment < datetime(2036, 1, 1, tzinfo=UTC):
        assert moment.astimezone(rules).utcoffset() == moment.astimezone(STOCKHOLM).utcoffset()
        moment += timedelta(hours=1)


def test_the_public_feed_lists_only_published_public_upcoming_events_in_swedish(
    client: Client, make_event: Callable[..., Event]
) -> None:
    make_event(SUMMER, title_sv="Sommarträff")
    make_event(SUMMER, title_sv="Utkast", publish=False)
    make_event(SUMMER, title_sv="Internt", is_public=False)
    event_cancel(event=make_event(WINTER, title_sv="Inställd"))
    with time_machine.travel(NOW - timedelta(days=20), tick=False):
        make_event(NOW - timedelta(days=10), title_sv="Förbi")

    content = client.get("/events/feed.ics").content

    assert summaries(content) == ["Sommarträff"]


def test_the_public_feed_has_no_alarms_but_one_event_has_its_reminders(
    client: Client, make_event: Callable[..., Event]
) -> None:
    event = make_event(SUMMER)

    feed = client.get("/events/feed.ics").content
    single = client.get(f"/events/{event.id}.ics")

    assert list(parse(feed).walk("VALARM")) == []
    assert single["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    alarms = list(parse(single.content).walk("VALARM"))
    assert [alarm.decoded("TRIGGER") for alarm in alarms] == [
        timedelta(minutes=-1440),
        timedelta(minutes=-120),
    ]
    assert {str(alarm["ACTION"]) for alarm in alarms} == {"DISPLAY"}
    assert all(str(alarm["DESCRIPTION"]) for alarm in alarms)


def test_one_event_holds_its_details_in_the_language_asked_for(
    client: Client, make_event: Callable[..., Event]
) -> None:
    event = make_event(
        SUMMER,
        description_en="Coffee and cake.",
        accessibility=[Accessibility.STEP_FREE],
        reminder_offsets=[60],
    )

    (vevent,) = vevents(client.get(f"/events/{event.id}.ics?lang=en").content)

    assert str(vevent["SUMMARY"]) == "Network meetup"
    assert str(vevent["LOCATION"]) == "Stationsvägen 1, Åre"
    assert "Coffee and cake." in str(vevent["DESCRIPTION"])
    assert "step-free access" in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]).endswith(f"/en/events/#event-{event.id}")
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert [alarm.decoded("TRIGGER") for alarm in vevent.walk("VALARM")] == [timedelta(minutes=-60)]


def test_a_digital_event_is_located_at_its_video_link(
    client: Client, make_event: Callable[..., Event]
) -> None:
    event = make_event(
        SUMMER,
        address="",
        municipality=None,
        kind=Event.Kind.DIGITAL,
        video_url="https://meet.example.se/abc",
    )

    (vevent,) = vevents(client.get(f"/events/{event.id}.ics").content)

    assert str(vevent["LOCATION"]) == "https://meet.example.se/abc"


def test_a_draft_or_unlisted_event_has_no_public_file(
    client: Client, make_event: Callable[..., Event]
) -> None:
    draft = make_event(SUMMER, publish=False)
    unlisted = make_event(SUMMER, is_public=False)

    assert client.get(f"/events/{draft.id}.ics").status_code == 404
    assert client.get(f"/events/{unlisted.id}.ics").status_code == 404


def test_the_sequence_rises_when_the_time_changes(
    client: Client, make_event: Callable[..., Event]
) -> None:
    event = make_event(SUMMER)
    (before,) = vevents(client.get(f"/events/{event.id}.ics").content)

    event_update(
        event=event,
        starts_at=SUMMER + timedelta(hours=1),
        ends_at=SUMMER + timedelta(hours=3),
    )
    (after,) = vevents(client.get(f"/events/{event.id}.ics").content)

    assert before["UID"] == after["UID"]
    assert int(before["SEQUENCE"]) == 0
    assert int(after["SEQUENCE"]) == 1
    assert after.decoded("DTSTART") == SUMMER + timedelta(hours=1)


def test_the_personal_feed_holds_only_the_events_the_ambassador_said_yes_to(
    client: Client,
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
    language: Callable[[str], Language],
) -> None:
    erik = ambassador(first_name="Erik", preferred_language=language("en"))
    accepted = make_event(SUMMER, title_en="Accepted")
    declined = make_event(SUMMER, title_en="Declined")
    make_event(SUMMER, title_en="Unanswered")
    going(accepted, erik)
    rsvp(
        invitation=Invitation.objects.get(event=declined, ambassador=erik),
        going=False,
        channel=Invitation.Channel.SMS,
    )

    response = client.get(f"/events/calendar/{calendar_token(erik)}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    assert summaries(response.content) == ["Accepted"]
    (vevent,) = vevents(response.content)
    invitation = Invitation.objects.get(event=accepted, ambassador=erik)
    assert str(vevent["URL"]).endswith(f"/events/i/{invitation_token(invitation)}/")
    assert [alarm.decoded("TRIGGER") for alarm in vevent.walk("VALARM")] == [
        timedelta(days=-1),
        timedelta(hours=-2),
    ]


def test_a_cancelled_event_stays_in_the_personal_feed_marked_cancelled(
    client: Client,
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
) -> None:
    erik = ambassador()
    event = make_event(SUMMER)
    going(event, erik)
    event_cancel(event=event)

    (vevent,) = vevents(client.get(f"/events/calendar/{calendar_token(erik)}.ics").content)

    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 1
    assert list(vevent.walk("VALARM")) == []


def test_the_personal_feed_keeps_a_month_of_past_events(
    client: Client,
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
    language: Callable[[str], Language],
) -> None:
    erik = ambassador(preferred_language=language("en"))
    going(make_event(SUMMER, title_en="Last week"), erik)
    going(make_event(SUMMER - timedelta(days=60), title_en="Two months ago"), erik)

    with time_machine.travel(SUMMER + timedelta(days=7), tick=False):
        content = client.get(f"/events/calendar/{calendar_token(erik)}.ics").content

    assert summaries(content) == ["Last week"]


def test_the_personal_feed_is_in_the_ambassadors_language(
    client: Client,
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
    language: Callable[[str], Language],
) -> None:
    layla = ambassador(languages="ar:4 sv:2", preferred_language=language("ar"))
    going(make_event(SUMMER, title_ar="لقاء الشبكة"), layla)

    content = client.get(f"/events/calendar/{calendar_token(layla)}.ics").content

    assert summaries(content) == ["لقاء الشبكة"]


@pytest.mark.parametrize(
    "token",
    [
        "1-000000000000000000000000",
        "not-a-token",
        "1",
    ],
)
def test_a_forged_calendar_token_finds_nothing(
    client: Client, ambassador: Callable[..., Ambassador], token: str
) -> None:
    ambassador()

    assert client.get(f"/events/calendar/{token}.ics").status_code == 404


def test_a_token_changed_by_one_character_finds_nothing(
    client: Client, ambassador: Callable[..., Ambassador]
) -> None:
    token = calendar_token(ambassador())
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")

    assert client.get(f"/events/calendar/{token}.ics").status_code == 200
    assert client.get(f"/events/calendar/{forged}.ics").status_code == 404


def test_an_invitation_token_does_not_open_a_calendar(
    client: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador()
    # Signed for an invitation with the ambassador's number: the right key, the wrong kind.
    token = invitation_token(Invitation(id=erik.id))

    assert client.get(f"/events/calendar/{token}.ics").status_code == 404
