"""Pausing an ambassador from the load table, and resuming them: with and without htmx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador
from ambassadors.services import ApplicationError
from workspace.people.services import ambassador_pause, ambassador_resume

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Half past midnight on Tuesday 2 March in Stockholm, still Monday in UTC: "today"
# is the Stockholm date.
NOW = datetime(2027, 3, 2, 0, 30, tzinfo=STOCKHOLM)
PEOPLE = reverse("workspace:people")
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _march_2027() -> Iterator[None]:
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


def pause_url(ambassador: Ambassador) -> str:
    return reverse("workspace:people_pause", args=[ambassador.id])


def resume_url(ambassador: Ambassador) -> str:
    return reverse("workspace:people_resume", args=[ambassador.id])


def test_a_coordinator_pauses_an_ambassador_and_is_told_so(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik", last_name="Berg")

    response = ostersund.post(
        pause_url(erik), {"until": "2027-04-15", "next": f"{PEOPLE}?sort=-free"}, follow=True
    )

    erik.refresh_from_db()
    assert erik.paused_until == date(2027, 4, 15)
    assert response.redirect_chain == [(f"{PEOPLE}?sort=-free", 302)]
    assert "Erik Berg is paused until April 15, 2027." in response.content.decode()


def test_a_pause_must_end_after_today(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    response = ostersund.post(pause_url(erik), {"until": "2027-03-02"}, follow=True)

    erik.refresh_from_db()
    assert erik.paused_until is None
    assert "Erik: Choose a day after today." in response.content.decode()


def test_a_pause_without_a_day_is_refused(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    response = ostersund.post(pause_url(erik), {"until": "soon"}, follow=True)

    erik.refresh_from_db()
    assert erik.paused_until is None
    assert "Choose the last day of the pause." in response.content.decode()


def test_a_coordinator_resumes_a_paused_ambassador(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik", paused_until=date(2027, 5, 1))

    response = ostersund.post(resume_url(erik), follow=True)

    erik.refresh_from_db()
    assert erik.paused_until is None
    assert "Erik is no longer paused." in response.content.decode()


def test_with_htmx_only_the_ambassadors_row_comes_back(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    paused = ostersund.post(pause_url(erik), {"until": "2027-04-15"}, headers=HTMX).content.decode()
    resumed = ostersund.post(resume_url(erik), headers=HTMX).content.decode()

    assert paused.startswith(f'<tr id="ambassador-{erik.id}">')
    assert "<html" not in paused
    assert '<time datetime="2027-04-15">15 Apr 2027</time>' in paused
    assert "Erik is paused until April 15, 2027." in paused
    assert resume_url(erik) in paused
    assert "Erik is no longer paused." in resumed
    assert pause_url(erik) in resumed


def test_with_htmx_a_refused_pause_is_said_in_the_row(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    row = ostersund.post(pause_url(erik), {"until": "2027-02-01"}, headers=HTMX).content.decode()

    assert '<p class="people-error" role="alert">Erik: Choose a day after today.</p>' in row


def test_with_htmx_someone_not_in_the_table_is_paused_and_the_page_reloaded(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    waiting = ambassador("Östersund", first_name="Nyström", active=False)

    response = ostersund.post(
        pause_url(waiting), {"until": "2027-04-15", "next": PEOPLE}, headers=HTMX
    )

    waiting.refresh_from_db()
    assert waiting.paused_until == date(2027, 4, 15)
    assert response["HX-Redirect"] == PEOPLE
    assert "Nyström is paused until April 15, 2027." in ostersund.get(PEOPLE).content.decode()


def test_a_coordinator_cannot_pause_or_resume_someone_they_do_not_coordinate(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    astrid = ambassador("Åre", first_name="Astrid", paused_until=date(2027, 5, 1))

    assert ostersund.post(pause_url(astrid), {"until": "2027-04-15"}).status_code == 404
    assert ostersund.post(resume_url(astrid)).status_code == 404
    astrid.refresh_from_db()
    assert astrid.paused_until == date(2027, 5, 1)


def test_the_way_back_never_leaves_the_site(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    response = ostersund.post(
        pause_url(erik), {"until": "2027-04-15", "next": "https://evil.example/"}
    )

    assert response["Location"] == PEOPLE


def test_pausing_is_a_post(ostersund: Client, ambassador: Callable[..., Ambassador]) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    assert ostersund.get(pause_url(erik), {"until": "2027-04-15"}).status_code == 405


def test_the_pause_service_refuses_today_and_keeps_a_later_day(
    ambassador: Callable[..., Ambassador], coordinator: User
) -> None:
    erik = ambassador("Östersund", first_name="Erik")

    with pytest.raises(ApplicationError) as refused:
        ambassador_pause(ambassador=erik, until=date(2027, 3, 2), by=coordinator)
    ambassador_pause(ambassador=erik, until=date(2027, 3, 3), by=coordinator)

    assert refused.value.field == "until"
    assert Ambassador.objects.get(id=erik.id).paused_until == date(2027, 3, 3)
    ambassador_resume(ambassador=erik, by=coordinator)
    assert Ambassador.objects.get(id=erik.id).paused_until is None
