"""Today's page: each panel lists what needs a coordinator in their municipalities, and
nothing of anyone else's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Ambassador, BuddyRequest, InboundSms, Language, Municipality
from events.models import Event, Hotline, Invitation, Rota, RotaGap, Shift
from matching.models import Match, MatchRun, Offer, Proposal
from matching.offers import followup_answer
from matching.services import match_run, proposal_approve

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday 1 March 2027, ten in the morning.
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _monday_morning(settings: Any) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def are(client: Client, make_coordinator: Callable[..., User]) -> Client:
    client.force_login(make_coordinator("Åre"))
    return client


def panel(client: Client, panel_id: str) -> str:
    """The text of one panel of today's page, as a reader sees it."""
    response = client.get(reverse("workspace:today"))
    assert response.status_code == 200
    found = re.search(rf'<section id="{panel_id}".*?</section>', response.content.decode(), re.S)
    assert found is not None, f"no panel {panel_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def test_the_households_waiting_longest_come_first_with_their_days(
    are: Client, household: Callable[..., BuddyRequest]
) -> None:
    recent = household("Åre", first_name="Recent")
    oldest = household("Åre", first_name="Oldest")
    household("Östersund", first_name="Elsewhere")
    household("Åre", first_name="Withdrawn", status=BuddyRequest.Status.WITHDRAWN)
    BuddyRequest.objects.filter(id=recent.id).update(created_at=days_ago(3))
    BuddyRequest.objects.filter(id=oldest.id).update(created_at=days_ago(40))

    html = are.get(reverse("workspace:today")).content.decode()
    text = panel(are, "waiting")

    assert "Requests waiting longest 2" in text
    assert f'href="{reverse("workspace:buddy_request", args=[oldest.id])}"' in html
    assert text.index("Oldest") < text.index("Recent")
    assert "Oldest Arabic Åre New 40 days" in text
    assert "Recent Arabic Åre New 3 days" in text
    assert "Elsewhere" not in text
    assert "Withdrawn" not in text


def test_a_household_with_a_buddy_is_not_waiting(
    are: Client, household: Callable[..., BuddyRequest], ambassador: Callable[..., Ambassador]
) -> None:
    matched = household("Åre", first_name="Matched")
    Match.objects.create(buddy_request=matched, ambassador=ambassador("Åre"))

    text = panel(are, "waiting")

    assert "Requests waiting longest 0" in text
    assert "No household is waiting for a buddy." in text


def test_a_proposal_shows_its_reasons_and_the_runners_up_to_pick_from(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Åre", "ar:4", first_name="Karim", interests="skiing")
    ambassador("Krokom", "ar:4", first_name="Lina")
    household("Åre", "ar", first_name="Amina", interests="skiing")
    household("Östersund", "uk", first_name="Olena")
    ambassador("Östersund", "uk:4", first_name="Taras")
    match_run(trigger=MatchRun.Trigger.COMMAND)

    text = panel(are, "proposals")

    assert "Proposals to approve 1" in text
    assert "Proposed: Karim (Åre)" in text
    # In the coordinator's language, though the stored explanation is in Arabic.
    assert "Speaks Arabic. Can meet in your municipality." in text
    assert "Approve Karim" in text and "Reject" in text
    assert "Other candidates for Amina" in text
    assert "Lina Krokom" in text and "Pick Lina" in text
    assert "Olena" not in text and "Taras" not in text


def test_a_runner_up_without_room_cannot_be_picked(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Åre", "ar:4", first_name="Karim", interests="skiing")
    lina = ambassador("Krokom", "ar:4", first_name="Lina")
    household("Åre", "ar", first_name="Amina", interests="skiing")
    match_run(trigger=MatchRun.Trigger.COMMAND)
    Ambassador.objects.filter(id=lina.id).update(paused_until=timezone.localdate())

    text = panel(are, "proposals")

    assert "Lina Krokom" in text
    assert "Pick Lina" not in text
    assert "No room now." in text


def test_offers_running_out_within_twelve_hours_are_listed_soonest_first(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    for name, municipality in [("Karim", "Åre"), ("Lina", "Åre"), ("Nils", "Åre")]:
        ambassador(municipality, "ar:4", first_name=name)
    ambassador("Östersund", "uk:4", first_name="Taras")
    for name in ["Amina", "Badr", "Dalia"]:
        household("Åre", "ar", first_name=name)
    household("Östersund", "uk", first_name="Olena")
    run, _result = match_run(trigger=MatchRun.Trigger.COMMAND)
    for proposal in run.proposals.all():
        proposal_approve(proposal=proposal, user=AnonymousUser())
    deadlines = {"Amina": 11, "Badr": 2, "Dalia": 13, "Olena": 1}
    for name, hours in deadlines.items():
        Offer.objects.filter(buddy_request__first_name=name).update(
            expires_at=timezone.now() + timedelta(hours=hours)
        )

    text = panel(are, "offers")

    assert "Offers about to expire 2" in text
    assert text.index("Badr") < text.index("Amina")
    assert "Mon 1 Mar 12:00 in 2 hours" in text
    assert "Dalia" not in text
    assert "Olena" not in text


def test_an_offer_past_its_deadline_is_overdue_until_the_sweep_passes_it_on(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Åre", "ar:4", first_name="Karim")
    household("Åre", "ar", first_name="Amina")
    run, _result = match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal_approve(proposal=run.proposals.get(), user=AnonymousUser())
    Offer.objects.update(expires_at=timezone.now() - timedelta(minutes=5))

    text = panel(are, "offers")

    assert "Amina" in text and "overdue" in text


@pytest.fixture
def texts(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> dict[str, InboundSms]:
    karim = ambassador("Åre", first_name="Karim")
    olena = household("Östersund", "uk", first_name="Olena")

    def text(sid: str, body: str, **fields: Any) -> InboundSms:
        return InboundSms.objects.create(
            message_sid=sid, from_number="+46701740650", body=body, **fields
        )

    return {
        "are": text("SM1", "Vilket nummer?", ambassador=karim, needs_attention=True),
        "ostersund": text("SM2", "Коли зустріч?", buddy_request=olena, needs_attention=True),
        "stranger": text("SM3", "Hej vem är detta", needs_attention=True),
        "read": text("SM4", "JA 1234", ambassador=karim, intent="accept"),
    }


def test_a_coordinator_sees_the_unread_texts_of_their_people_only(
    are: Client, texts: dict[str, InboundSms]
) -> None:
    text = panel(are, "texts")

    assert "Texts nobody could read 1" in text
    assert "Karim ambassador" in text and "Vilket nummer?" in text
    assert "Dealt with" in text
    assert "Коли зустріч?" not in text
    assert "Hej vem är detta" not in text
    assert "JA 1234" not in text


def test_the_region_admin_also_sees_texts_from_unknown_numbers(
    client: Client, make_coordinator: Callable[..., User], texts: dict[str, InboundSms]
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    text = panel(client, "texts")

    assert "Texts nobody could read 3" in text
    assert "+46701740650 unknown number" in text
    assert "Коли зустріч?" in text


def test_matches_ended_by_asking_for_a_new_match_in_the_last_thirty_days_are_listed(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    taras = ambassador("Östersund", first_name="Taras")

    def ended(name: str, municipality: str, buddy: Ambassador, days: int, **answer: Any) -> None:
        match = Match.objects.create(
            buddy_request=household(municipality, first_name=name), ambassador=buddy
        )
        with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
            followup_answer(match=match, **answer)

    ended("Amina", "Åre", karim, 5, choice=Match.Met.NEW_MATCH, from_ambassador=False)
    ended("Badr", "Åre", karim, 40, choice=Match.Met.NEW_MATCH, from_ambassador=True)
    ended("Dalia", "Åre", karim, 2, choice=Match.Met.YES, from_ambassador=True)
    ended("Olena", "Östersund", taras, 1, choice=Match.Met.NEW_MATCH, from_ambassador=True)

    text = panel(are, "new-matches")

    assert "Asked for a new match 1" in text
    assert "Amina Åre" in text
    assert "Karim ended 24 Feb" in text
    assert "Ambassador: no answer Household: we need a new match" in text
    assert "Badr" not in text and "Dalia" not in text and "Olena" not in text


def test_events_of_the_coming_week_show_their_answers_and_places(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    def event(title: str, municipality: str, days: float, **fields: Any) -> Event:
        starts = timezone.now() + timedelta(days=days)
        fields.setdefault("status", Event.Status.PUBLISHED)
        return Event.objects.create(
            title_sv=title,
            title_en=title,
            kind=Event.Kind.NETWORK_MEETUP,
            municipality=Municipality.objects.get(name=municipality),
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            **fields,
        )

    fika = event("Fika in Åre", "Åre", 2, capacity=3)
    event("Far ahead", "Åre", 9)
    event("Still a draft", "Åre", 1, status=Event.Status.DRAFT)
    event("Östersund quiz", "Östersund", 1)
    answers = [
        Invitation.Status.GOING,
        Invitation.Status.GOING,
        Invitation.Status.PLACE_OFFERED,
        Invitation.Status.WAITLISTED,
        Invitation.Status.DECLINED,
        Invitation.Status.INVITED,
        Invitation.Status.INVITED,
    ]
    for status in answers:
        Invitation.objects.create(event=fika, ambassador=ambassador("Åre"), status=status)

    html = are.get(reverse("workspace:today")).content.decode()
    text = panel(are, "events")

    assert "Events this week 1" in text
    assert "Fika in Åre Åre · door list Wed 3 Mar 10:00 2 of 3 1 freed place offered 1 1 2" in text
    assert "Far ahead" not in text
    assert "Still a draft" not in text
    assert "Östersund quiz" not in text
    assert reverse("workspace:meetup", args=[fika.id]) in html
    assert reverse("events:checkin", args=[fika.id]) in html


def test_gaps_of_published_rotas_in_the_next_two_weeks_link_to_their_rota(
    are: Client, language: Callable[[str], Language]
) -> None:
    def hotline(name: str, municipality: str | None, phone: str) -> Hotline:
        return Hotline.objects.create(
            name=name,
            phone=phone,
            municipality=Municipality.objects.get(name=municipality) if municipality else None,
            fallback_name="Jonas",
            fallback_phone="+46701740699",
        )

    def gap(line: Hotline, status: Rota.Status, days: int, number: int, code: str | None) -> Rota:
        starts = timezone.now() + timedelta(days=days, hours=7)
        rota = Rota.objects.create(
            hotline=line, first_day=starts.date(), last_day=starts.date(), status=status
        )
        shift = Shift.objects.create(
            hotline=line,
            rota=rota,
            number=number,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
        )
        RotaGap.objects.create(
            shift=shift,
            language=language(code) if code else None,
            reason=RotaGap.Reason.NO_SPEAKER,
        )
        return rota

    are_line = hotline("Åre line", "Åre", "+46647123400")
    region = hotline("Region line", None, "+46631234500")
    ostersund = hotline("Östersund line", "Östersund", "+46631234501")
    soon = gap(are_line, Rota.Status.PUBLISHED, 1, 1, "ar")
    gap(region, Rota.Status.PUBLISHED, 3, 1, None)
    gap(are_line, Rota.Status.DRAFT, 2, 2, "ar")
    gap(are_line, Rota.Status.PUBLISHED, 20, 3, "ar")
    gap(ostersund, Rota.Status.PUBLISHED, 1, 1, "ar")

    response = are.get(reverse("workspace:today"))
    text = panel(are, "gaps")

    assert "Hotline gaps 2" in text
    assert (
        "Tue 2 Mar 17:00–20:00 Åre line · shift 1 Arabic No volunteer speaks the language" in text
    )
    assert "Thu 4 Mar 17:00–20:00 Region line · shift 1 Backup" in text
    assert "shift 2" not in text and "shift 3" not in text
    assert "Östersund line" not in text
    assert reverse("events:hotline_rota", args=[are_line.id, soon.id]) in response.content.decode()


def test_a_long_list_shows_the_first_eight_and_says_how_many_there_are(
    are: Client, household: Callable[..., BuddyRequest]
) -> None:
    for number in range(11):
        household("Åre", first_name=f"Family{number}")

    text = panel(are, "waiting")

    assert "Requests waiting longest 11" in text
    assert "Showing the first 8 of 11." in text
    assert "Family7" in text and "Family8" not in text


def test_a_region_admin_sees_every_municipality(
    client: Client, make_coordinator: Callable[..., User], household: Callable[..., BuddyRequest]
) -> None:
    household("Åre", first_name="Amina")
    household("Östersund", first_name="Olena")
    client.force_login(make_coordinator(region_admin=True))

    text = panel(client, "waiting")

    assert "Amina" in text and "Olena" in text


def test_the_page_marks_today_in_the_navigation(are: Client) -> None:
    html = are.get(reverse("workspace:today")).content.decode()

    assert f'<a href="{reverse("workspace:today")}" aria-current="page">' in html


def test_proposals_pending_is_empty_without_a_run(are: Client) -> None:
    assert not Proposal.objects.exists()
    assert "No proposal is waiting for a decision." in panel(are, "proposals")
