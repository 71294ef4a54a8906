"""The whole life of a meetup with the clock moved: publish, answers, waiting list,
reminders on time and never after the start, a change notice, a cancellation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from twilio.request_validator import RequestValidator

from ambassadors.models import Ambassador, BuddyRequest, OutboundSms
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation, Reminder
from events.services import (
    event_cancel,
    event_publish,
    event_update,
    invitation_token,
    reminders_dispatch_due,
    rsvp,
    waitlist_offers_expire_due,
)

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026, 10:00 in Stockholm; the meetup is on Thursday at 18:00.
MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STARTS = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def guests(ambassador: Callable[..., Ambassador]) -> list[Ambassador]:
    return [
        ambassador("Östersund", "sv:4", first_name=name)
        for name in ("Anna", "Bashir", "Cecilia", "Dmytro")
    ]


@pytest.fixture
def meetup(
    clock: Any,
    settings: Any,
    guests: list[Ambassador],
    make_coordinator: Callable[..., User],
    municipality: Callable[[str], Any],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
) -> Event:
    settings.QUIET_HOURS = None
    return Event.objects.create(
        title_sv="Nätverksträff på biblioteket",
        title_en="Network meetup at the library",
        kind=Event.Kind.NETWORK_MEETUP,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        municipality=municipality("Östersund"),
        address="Rådhusgatan 25, Östersund",
        capacity=2,
        organiser=make_coordinator("Östersund"),
    )


def texts_to(outbox: list[LocmemMessage], person: Ambassador | BuddyRequest) -> list[str]:
    return [message.body for message in outbox if message.to == str(person.phone)]


def invitation(event: Event, person: Ambassador) -> Invitation:
    return Invitation.objects.get(event=event, ambassador=person)


def sms(settings: Any, person: Ambassador, body: str, sid: str) -> str:
    form = {"MessageSid": sid, "From": str(person.phone), "Body": body}
    settings.TWILIO_AUTH_TOKEN = "events-test-token"
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"
    path = "/webhooks/twilio/sms/"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        f"{settings.PUBLIC_BASE_URL}{path}", form
    )
    response = Client().post(path, form, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    return response.content.decode()


def test_the_life_of_a_meetup(
    meetup: Event,
    guests: list[Ambassador],
    clock: Any,
    settings: Any,
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    anna, bashir, cecilia, dmytro = guests

    # Publishing invites the audience: every active ambassador, with a code and a link.
    with committing():
        assert event_publish(event=meetup) == 4
    meetup.refresh_from_db()
    code = meetup.code
    [invitation_text] = texts_to(sms_outbox, anna)
    assert f"JA {code}" in invitation_text and f"NEJ {code}" in invitation_text
    assert f"/events/i/{invitation_token(invitation(meetup, anna))}/" in invitation_text

    # Answers by SMS and by the link page; the third yes finds the event full.
    with committing():
        assert "Välkommen" in sms(settings, anna, f"JA {code}", "SM" + "1" * 32)
    link = f"/events/i/{invitation_token(invitation(meetup, bashir))}/"
    with committing():
        Client().post(link, {"answer": "yes"})
    with committing():
        reply = sms(settings, cecilia, "ja", "SM" + "2" * 32)
    assert "väntelista" in reply
    assert [invitation(meetup, p).status for p in (anna, bashir, cecilia)] == [
        Invitation.Status.GOING,
        Invitation.Status.GOING,
        Invitation.Status.WAITLISTED,
    ]

    # Bashir cancels: Cecilia is offered the place with a deadline; she lets it lapse,
    # so it moves on to Dmytro, who had joined the waiting list after her.
    with committing():
        rsvp(invitation=invitation(meetup, dmytro), going=True, channel=Invitation.Channel.API)
        sms(settings, bashir, f"NEJ {code}", "SM" + "3" * 32)
    assert invitation(meetup, cecilia).status == Invitation.Status.PLACE_OFFERED
    assert f"JA {code}" in texts_to(sms_outbox, cecilia)[-1]
    clock.shift(timedelta(hours=23))
    with committing():
        assert waitlist_offers_expire_due() == 0
    clock.shift(timedelta(hours=1, seconds=1))
    with committing():
        assert waitlist_offers_expire_due() == 1
    assert invitation(meetup, cecilia).status == Invitation.Status.DECLINED
    assert invitation(meetup, dmytro).status == Invitation.Status.PLACE_OFFERED
    with committing():
        sms(settings, dmytro, f"JA {code}", "SM" + "4" * 32)
    assert invitation(meetup, dmytro).status == Invitation.Status.GOING

    # Reminders: the day before and two hours before, to those coming, once each.
    sent_before = len(sms_outbox)
    clock.move_to(STARTS - timedelta(hours=24, minutes=2))
    with committing():
        assert reminders_dispatch_due() == (0, 0)
    clock.move_to(STARTS - timedelta(hours=24))
    with committing():
        assert reminders_dispatch_due() == (2, 0)
        assert reminders_dispatch_due() == (0, 0)
    reminders = sms_outbox[sent_before:]
    assert sorted(m.to for m in reminders) == sorted(str(p.phone) for p in (anna, dmytro))
    assert all("Påminnelse" in m.body for m in reminders)

    # The time changes: those coming are told, and their reminders move with it.
    new_start = STARTS + timedelta(hours=1)
    with committing():
        event_update(event=meetup, starts_at=new_start, ends_at=new_start + timedelta(hours=2))
    changed = [m for m in sms_outbox if m.body.startswith("Ändrat")]
    assert sorted(m.to for m in changed) == sorted(str(p.phone) for p in (anna, dmytro))
    assert "19:00" in changed[0].body
    clock.move_to(new_start - timedelta(hours=2))
    with committing():
        assert reminders_dispatch_due() == (2, 0)

    # Cancelled: everyone coming gets a notice; nothing is reminded any more.
    with committing():
        assert event_cancel(event=meetup) == 2
    assert sum(m.body.startswith("Inställt") for m in sms_outbox) == 2


def test_no_reminder_goes_after_the_start_and_a_missed_one_is_dropped(
    meetup: Event,
    guests: list[Ambassador],
    clock: Any,
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    with committing():
        event_publish(event=meetup)
        rsvp(invitation=invitation(meetup, guests[0]), going=True, channel=Invitation.Channel.API)
    sms_outbox.clear()

    # The service was down from the day before until after the start.
    clock.move_to(STARTS + timedelta(minutes=1))
    with committing():
        assert reminders_dispatch_due() == (0, 2)

    assert sms_outbox == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.DROPPED}


def test_a_reminder_is_never_later_than_a_minute_when_the_dispatcher_runs_each_minute(
    meetup: Event,
    guests: list[Ambassador],
    clock: Any,
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    with committing():
        event_publish(event=meetup)
        rsvp(invitation=invitation(meetup, guests[0]), going=True, channel=Invitation.Channel.API)
    due = STARTS - timedelta(hours=2)
    sent_at: list[datetime] = []

    # The schedule runs once a minute, up to 30 s late: try every start offset.
    clock.move_to(due - timedelta(minutes=3, seconds=17))
    while not sent_at:
        with committing():
            sent, _dropped = reminders_dispatch_due()
        if sent == 2 or Reminder.objects.filter(offset=120, status="sent").exists():
            sent_at.append(datetime.now(UTC))
        clock.shift(timedelta(seconds=90))

    assert sent_at[0] - due <= timedelta(seconds=60)


def test_a_cancelled_yes_frees_the_place_at_once(
    meetup: Event,
    guests: list[Ambassador],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    with committing():
        event_publish(event=meetup)
    anna, bashir, cecilia, _ = guests
    for person in (anna, bashir, cecilia):
        rsvp(invitation=invitation(meetup, person), going=True, channel=Invitation.Channel.API)

    rsvp(invitation=invitation(meetup, anna), going=False, channel=Invitation.Channel.API)

    assert invitation(meetup, cecilia).status == Invitation.Status.PLACE_OFFERED
    assert not Reminder.objects.filter(invitation__ambassador=anna, status="pending").exists()


def test_an_opted_out_guest_is_invited_but_not_texted(
    meetup: Event,
    guests: list[Ambassador],
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    from ambassadors.models import OptOut

    OptOut.objects.create(phone=str(guests[0].phone), source=OptOut.Source.KEYWORD)

    with committing():
        event_publish(event=meetup)

    assert texts_to(sms_outbox, guests[0]) == []
    assert OutboundSms.objects.filter(
        to=str(guests[0].phone), status=OutboundSms.Status.SUPPRESSED
    ).exists()
