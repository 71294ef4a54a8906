"""Meetups in the admin: each coordinator plans, publishes and cancels their own events,
and what guests must hear of goes through the services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, Language, Municipality
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation, Reminder
from events.services import event_publish, rsvp, series_create

pytestmark = pytest.mark.django_db

MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# Thursday 3 December 2026, 18:00 in Stockholm.
THURSDAY_EVENING = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
EVENTS = "/admin/events/event/"

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


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def berg_coordinator(make_coordinator: Callable[..., User]) -> User:
    return make_coordinator("Berg")


@pytest.fixture
def berg(berg_coordinator: User) -> Client:
    return logged_in(berg_coordinator)


@pytest.fixture
def are(make_coordinator: Callable[..., User]) -> Client:
    return logged_in(make_coordinator("Åre"))


@pytest.fixture
def make_event(berg_coordinator: User) -> Callable[..., Event]:
    def make(municipality: str = "Berg", **fields: Any) -> Event:
        place = Municipality.objects.get(name=municipality)
        fields.setdefault("title_sv", f"Träff i {place.seat}")
        event = Event.objects.create(
            kind=Event.Kind.NETWORK_MEETUP,
            starts_at=THURSDAY_EVENING,
            ends_at=THURSDAY_EVENING + timedelta(hours=2),
            municipality=place,
            address=f"Storgatan 1, {place.seat}",
            organiser=berg_coordinator if municipality == "Berg" else None,
            **fields,
        )
        event.audience_municipalities.set([place])
        return event

    return make


@pytest.fixture
def guest(ambassador: Callable[..., Ambassador]) -> Callable[..., Ambassador]:
    def make(first_name: str, municipality: str = "Berg") -> Ambassador:
        return ambassador(
            municipality,
            "en:4",
            first_name=first_name,
            preferred_language=Language.objects.get(code="en"),
        )

    return make


class FormReader(HTMLParser):
    """The values a browser would post from the page's forms."""

    def __init__(self) -> None:
        super().__init__()
        self.values: defaultdict[str, list[str]] = defaultdict(list)
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "button"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.values[name].append(attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select].append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][-1] += data.removeprefix("\n")


def form_of(client: Client, url: str, **changes: str | list[str]) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    reader = FormReader()
    reader.feed(page.content.decode())
    values = dict(reader.values)
    values.pop("csrfmiddlewaretoken", None)
    for name, value in changes.items():
        values[name] = value if isinstance(value, list) else [value]
    return values


def texts_to(outbox: list[LocmemMessage], person: Ambassador) -> list[str]:
    return [message.body for message in outbox if message.to == str(person.phone)]


def test_the_are_coordinator_sees_and_opens_only_are_events(
    are: Client, make_event: Callable[..., Event]
) -> None:
    own = make_event("Åre", title_sv="Fjällträff i Åre")
    bergs = make_event("Berg", title_sv="Bygdeträff i Svenstavik")

    listed = are.get(EVENTS).content.decode()

    assert "Fjällträff i Åre" in listed
    assert "Bygdeträff i Svenstavik" not in listed
    assert are.get(f"{EVENTS}{own.id}/change/").status_code == 200
    assert are.get(f"{EVENTS}{bergs.id}/change/").status_code == 302


def test_a_region_admin_sees_every_event(
    make_coordinator: Callable[..., User], make_event: Callable[..., Event]
) -> None:
    make_event("Åre", title_sv="Fjällträff i Åre")
    make_event("Berg", title_sv="Bygdeträff i Svenstavik")

    listed = logged_in(make_coordinator(region_admin=True)).get(EVENTS).content.decode()

    assert "Fjällträff i Åre" in listed
    assert "Bygdeträff i Svenstavik" in listed


def test_the_list_is_searched_by_title_and_filtered_by_status(
    berg: Client, make_event: Callable[..., Event]
) -> None:
    make_event(title_sv="Bokcirkel")
    make_event(title_sv="Skidtur", status=Event.Status.CANCELLED)

    searched = berg.get(f"{EVENTS}?q=bokcirkel").content.decode()
    drafts = berg.get(f"{EVENTS}?status__exact=draft").content.decode()

    assert "Bokcirkel" in searched and "Skidtur" not in searched
    assert "Bokcirkel" in drafts and "Skidtur" not in drafts


def test_publishing_from_the_admin_invites_the_audience(
    berg: Client,
    make_event: Callable[..., Event],
    guest: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = guest("Bodil"), guest("Britt")
    event = make_event(title_en="Meetup in Svenstavik")

    with committing():
        response = berg.post(
            EVENTS, {"action": "publish", "_selected_action": [event.id]}, follow=True
        )

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert "People invited: 2" in response.content.decode()
    for person in (bodil, britt):
        [invitation] = texts_to(texts, person)
        assert invitation.startswith("Invitation: Meetup in Svenstavik")


def test_the_are_coordinator_cannot_publish_bergs_event(
    are: Client, make_event: Callable[..., Event], guest: Callable[..., Ambassador]
) -> None:
    guest("Bodil")
    event = make_event()

    are.post(EVENTS, {"action": "publish", "_selected_action": [event.id]})

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert not Invitation.objects.exists()


def test_cancelling_from_the_admin_tells_those_coming(
    berg: Client,
    make_event: Callable[..., Event],
    guest: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = guest("Bodil"), guest("Britt")
    event = make_event(title_en="Meetup in Svenstavik")
    with committing():
        event_publish(event=event)
        rsvp(
            invitation=Invitation.objects.get(ambassador=bodil),
            going=True,
            channel=Invitation.Channel.COORDINATOR,
        )
    texts.clear()

    with committing():
        response = berg.post(
            EVENTS, {"action": "cancel", "_selected_action": [event.id]}, follow=True
        )

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert "People told: 1" in response.content.decode()
    [notice] = texts_to(texts, bodil)
    assert notice.startswith("Cancelled: Meetup in Svenstavik")
    assert texts_to(texts, britt) == []


def test_an_event_is_never_deleted_and_a_cancelled_one_not_changed(
    berg: Client, make_event: Callable[..., Event]
) -> None:
    event = make_event()
    cancelled = make_event(status=Event.Status.CANCELLED)

    assert berg.get(f"{EVENTS}{event.id}/delete/").status_code == 403
    assert "delete_selected" not in berg.get(EVENTS).content.decode()
    page = berg.get(f"{EVENTS}{cancelled.id}/change/").content.decode()
    assert 'name="title_sv"' not in page
    assert Event.objects.count() == 2


def test_a_coordinator_adds_a_draft_in_their_municipality_as_its_organiser(
    berg: Client, berg_coordinator: User
) -> None:
    berg_id = str(Municipality.objects.get(name="Berg").id)
    form = form_of(
        berg,
        f"{EVENTS}add/",
        title_sv="Språkcafé",
        kind="network_meetup",
        starts_at_0="2026-12-10",
        starts_at_1="18:00:00",
        ends_at_0="2026-12-10",
        ends_at_1="20:00:00",
        municipality=berg_id,
        address="Biblioteket, Svenstavik",
        accessibility=["step_free", "quiet_room"],
        audience_municipalities=[berg_id],
    )

    response = berg.post(f"{EVENTS}add/", form)

    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert event.organiser == berg_coordinator
    assert event.status == Event.Status.DRAFT
    assert event.starts_at == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert event.accessibility == ["step_free", "quiet_room"]


def test_the_add_form_refuses_other_municipalities_and_the_whole_region(berg: Client) -> None:
    are_id = str(Municipality.objects.get(name="Åre").id)
    common = {
        "title_sv": "Språkcafé",
        "kind": "network_meetup",
        "starts_at_0": "2026-12-10",
        "starts_at_1": "18:00:00",
        "ends_at_0": "2026-12-10",
        "ends_at_1": "17:00:00",
        "address": "Biblioteket",
    }

    response = berg.post(
        f"{EVENTS}add/",
        form_of(berg, f"{EVENTS}add/", **common, municipality=are_id, audience_municipalities=[]),
    )

    form = response.context["adminform"].form
    assert set(form.errors) == {"municipality", "ends_at", "audience_municipalities"}
    assert [str(choice) for choice in form.fields["municipality"].queryset] == ["Berg"]
    assert not Event.objects.exists()


def test_a_new_start_in_the_admin_texts_those_coming(
    berg: Client,
    make_event: Callable[..., Event],
    guest: Callable[..., Ambassador],
    texts: list[LocmemMessage],
    committing: Committing,
) -> None:
    bodil, britt = guest("Bodil"), guest("Britt")
    event = make_event(title_en="Meetup in Svenstavik")
    with committing():
        event_publish(event=event)
        rsvp(
            invitation=Invitation.objects.get(ambassador=bodil),
            going=True,
            channel=Invitation.Channel.COORDINATOR,
        )
    texts.clear()
    url = f"{EVENTS}{event.id}/change/"

    with committing():
        response = berg.post(url, form_of(berg, url, starts_at_1="19:00:00", ends_at_1="21:00:00"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.starts_at == THURSDAY_EVENING + timedelta(hours=1)
    assert event.sequence == 1
    [changed] = texts_to(texts, bodil)
    assert changed.startswith("Changed: Meetup in Svenstavik") and "19:00" in changed
    assert texts_to(texts, britt) == []
    assert {r.due_at for r in Reminder.objects.all()} == {
        event.starts_at - timedelta(days=1),
        event.starts_at - timedelta(hours=2),
    }


def test_the_invitations_show_answers_and_attendance_read_only(
    berg: Client,
    make_event: Callable[..., Event],
    guest: Callable[..., Ambassador],
    texts: list[LocmemMessage],
) -> None:
    bodil = guest("Bodil")
    event = make_event()
    event_publish(event=event)
    Invitation.objects.filter(ambassador=bodil).update(attended=True)

    page = berg.get(f"{EVENTS}{event.id}/change/").content.decode()

    assert "Bodil" in page
    assert str(bodil.phone) not in page
    assert 'name="invitations-0-status"' not in page
    assert 'name="invitations-0-attended"' not in page


def test_invitations_reminders_and_series_are_read_only_and_scoped(
    berg: Client,
    are: Client,
    make_event: Callable[..., Event],
    guest: Callable[..., Ambassador],
    texts: list[LocmemMessage],
) -> None:
    bodil = guest("Bodil")
    event = make_event()
    series_create(template=event, rule="FREQ=WEEKLY;COUNT=2")
    event_publish(event=event)
    invitation = Invitation.objects.get(ambassador=bodil)
    rsvp(invitation=invitation, going=True, channel=Invitation.Channel.COORDINATOR)
    pages = {
        "invitation": f"/admin/events/invitation/{invitation.id}/change/",
        "reminder": f"/admin/events/reminder/{Reminder.objects.earliest('due_at').id}/change/",
        "series": f"/admin/events/series/{event.series_id}/change/",
    }

    for model, page in pages.items():
        assert berg.get(page).status_code == 200, model
        assert are.get(page).status_code == 302, model
        assert berg.get(f"/admin/events/{model}/add/").status_code == 403, model
        assert berg.get(page.replace("change", "delete")).status_code == 403, model
    assert "Bodil" not in are.get("/admin/events/invitation/").content.decode()
    assert "Bodil" in berg.get("/admin/events/invitation/").content.decode()
    assert 'name="status"' not in berg.get(pages["invitation"]).content.decode()
