"""A page per ambassador and per household in the workspace: what a coordinator reads there,
activating and deactivating, and nothing of another municipality's people."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import (
    Ambassador,
    BuddyRequest,
    Consent,
    Interest,
    Language,
    Municipality,
    Need,
    OptOut,
    Source,
)
from ambassadors.services import consent_record
from events.models import Event, Hotline, HotlineVolunteer, Invitation, Rota, Shift, ShiftAssignment
from matching.models import Match, MatchRun, Offer, Proposal
from matching.offers import followup_answer, offer_accept, offer_decline
from matching.services import match_run, proposal_approve

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday 1 March 2027, ten in the morning.
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _monday_morning(settings: Any) -> Iterator[time_machine.Traveller]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coordinator(make_coordinator: Callable[..., User]) -> User:
    return make_coordinator("Åre")


@pytest.fixture
def are(coordinator: User) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def ostersund(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Östersund"))
    return client


def ambassador_url(ambassador: Ambassador, action: str = "") -> str:
    return reverse(f"workspace:ambassador{'_' + action if action else ''}", args=[ambassador.id])


def request_url(buddy_request: BuddyRequest) -> str:
    return reverse("workspace:buddy_request", args=[buddy_request.id])


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, title_id: str) -> str:
    """The text of one section of a page, as a reader sees it."""
    found = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', html, re.S)
    assert found is not None, f"no section {title_id}"
    return text(found.group(0))


def details(html: str) -> dict[str, str]:
    """The details list: each term with its description."""
    return {
        text(term): text(description)
        for term, description in re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    }


def heading(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found is not None
    return text(found.group(1))


def messages_shown(html: str) -> list[str]:
    return [text(item) for item in re.findall(r'<li class="message-[^"]*">(.*?)</li>', html, re.S)]


def test_an_ambassadors_page_shows_their_details(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    karim = ambassador(
        "Åre",
        "ar:4 sv:2",
        interests="skiing",
        first_name="Karim",
        last_name="Haddad",
        phone="+46701740605",
        email="karim@example.se",
        meets_digitally=True,
        capacity=3,
        about="Came here in 2015.\nWorks at the ski lift.",
        source=Source.WEB,
        preferred_language=Language.objects.get(code="ar"),
    )
    karim.meeting_municipalities.add(Municipality.objects.get(name="Krokom"))
    karim.helps_with.set(Need.objects.all()[:1])
    Ambassador.objects.filter(id=karim.id).update(created_at=NOW - timedelta(days=20))
    consent_record(
        purpose=Consent.Purpose.AMBASSADOR,
        language="ar",
        channel=Consent.Channel.WEB,
        ambassador=karim,
    )

    html = are.get(ambassador_url(karim)).content.decode()
    shown = details(html)

    assert heading(html) == "Karim Haddad Active"
    assert 'href="tel:+46701740605"' in html
    assert shown["Mobile number"] == "070-174 06 05"
    assert shown["Email"] == "karim@example.se"
    assert shown["Home municipality"] == "Åre"
    assert shown["Where they meet"] == "Krokom, Åre"
    assert shown["Meets digitally"] == "Yes"
    assert shown["Languages"] == "Arabic: native Swedish: conversational"
    assert shown["Texts in"] == "Arabic"
    assert shown["Interests"] == Interest.objects.get(slug="skiing").name_en
    assert shown["Helps with"] == Need.objects.all()[0].name_en
    assert shown["Capacity"] == "3 buddies at once"
    assert shown["About them"] == "Came here in 2015. Works at the ski lift."
    assert shown["Came through"] == "Web form"
    assert shown["Signed up"] == "9 Feb 2027"
    assert shown["Consent"].startswith("Given on 1 Mar 2027 (web form): text ")


def test_the_page_shows_an_ambassadors_buddies_offers_shifts_and_events(
    are: Client,
    coordinator: User,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    karim = ambassador("Åre", "ar:4", first_name="Karim", capacity=3)
    amina = household("Åre", first_name="Amina", last_name="Saleh")
    Match.objects.create(buddy_request=amina, ambassador=karim, created_at=NOW - timedelta(days=9))
    Match.objects.create(
        buddy_request=household("Åre", first_name="Former"),
        ambassador=karim,
        status=Match.Status.ENDED,
    )
    waiting = household("Åre", first_name="Leila")
    match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal_approve(proposal=Proposal.objects.get(buddy_request=waiting), user=coordinator)
    offer = Offer.objects.get(buddy_request=waiting)

    hotline = Hotline.objects.create(
        name="Buddy hotline",
        phone="+46101234567",
        fallback_name="Jonas",
        fallback_phone="+46701740699",
    )
    volunteer = HotlineVolunteer.objects.create(hotline=hotline, ambassador=karim)
    rota = Rota.objects.create(
        hotline=hotline, first_day=date(2027, 2, 1), last_day=date(2027, 3, 31),
        status=Rota.Status.PUBLISHED,
    )  # fmt: skip
    for number, days in enumerate((-20, -10, -3, -1, 2, 4, 6, 8), start=1):
        shift = Shift.objects.create(
            hotline=hotline,
            rota=rota,
            number=number,
            starts_at=NOW + timedelta(days=days),
            ends_at=NOW + timedelta(days=days, hours=3),
        )
        ShiftAssignment.objects.create(
            shift=shift, volunteer=volunteer, language=Language.objects.get(code="ar")
        )
    meetup = Event.objects.create(
        title_sv="Fika i Åre",
        title_en="Coffee in Åre",
        kind=Event.Kind.NETWORK_MEETUP,
        municipality=Municipality.objects.get(name="Åre"),
        starts_at=NOW - timedelta(days=5),
        ends_at=NOW - timedelta(days=5, hours=-2),
        status=Event.Status.PUBLISHED,
    )
    elsewhere = Event.objects.create(
        title_sv="Träff i Östersund",
        title_en="Meetup in Östersund",
        kind=Event.Kind.NETWORK_MEETUP,
        municipality=Municipality.objects.get(name="Östersund"),
        starts_at=NOW + timedelta(days=3),
        ends_at=NOW + timedelta(days=3, hours=2),
        status=Event.Status.PUBLISHED,
    )
    unanswered = Event.objects.create(
        title_sv="Obesvarad",
        title_en="Not answered",
        kind=Event.Kind.NETWORK_MEETUP,
        municipality=Municipality.objects.get(name="Åre"),
        starts_at=NOW + timedelta(days=4),
        ends_at=NOW + timedelta(days=4, hours=2),
        status=Event.Status.PUBLISHED,
    )
    Invitation.objects.create(event=meetup, ambassador=karim, status="going", attended=True)
    Invitation.objects.create(event=elsewhere, ambassador=karim, status="declined")
    Invitation.objects.create(event=unanswered, ambassador=karim, status="invited")

    html = are.get(ambassador_url(karim)).content.decode()

    buddies = section(html, "buddies-title")
    assert buddies == "Active buddies (1) Household Since Amina 20 Feb 2027"
    assert f'href="{request_url(amina)}"' in html
    assert "Saleh" not in buddies
    offers = section(html, "offers-title")
    expires = timezone.localtime(offer.expires_at)
    assert offers == (
        f"Open offers (1) Household Code Answer by Leila {offer.code} "
        f"{expires:%a} {expires.day} {expires:%b %H:%M}"
    )
    hotline_text = section(html, "hotline-title")
    assert hotline_text == (
        "Hotline Buddy hotline "
        "Next shifts When Hotline Takes calls in "
        "Wed 3 Mar 10:00 –13:00 Buddy hotline shift 5 Arabic "
        "Fri 5 Mar 10:00 –13:00 Buddy hotline shift 6 Arabic "
        "Sun 7 Mar 10:00 –13:00 Buddy hotline shift 7 Arabic "
        "Last shifts When Hotline Takes calls in "
        "Sun 28 Feb 10:00 –13:00 Buddy hotline shift 4 Arabic "
        "Fri 26 Feb 10:00 –13:00 Buddy hotline shift 3 Arabic "
        "Fri 19 Feb 10:00 –13:00 Buddy hotline shift 2 Arabic"
    )
    events = section(html, "events-title")
    assert events == (
        "Events answered (2) Event When Answer Came "
        "Meetup in Östersund 4 Mar 2027 Not coming – "
        "Coffee in Åre 24 Feb 2027 Coming Yes"
    )
    # The Östersund meetup is named but not linked: its page is not the Åre coordinator's.
    assert f'href="{reverse("workspace:meetup", args=[meetup.id])}"' in html
    assert f'href="{reverse("workspace:meetup", args=[elsewhere.id])}"' not in html


def test_a_buddy_from_another_municipality_is_named_but_not_linked(
    ostersund: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    erik = ambassador("Östersund", first_name="Erik")
    astrid = household("Åre", first_name="Astrid")
    Match.objects.create(buddy_request=astrid, ambassador=erik)

    html = ostersund.get(ambassador_url(erik)).content.decode()

    assert section(html, "buddies-title").startswith("Active buddies (1) Household Since Astrid")
    assert request_url(astrid) not in html


def test_the_state_says_whether_they_are_active_paused_not_yet_met_or_deactivated(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    paused = ambassador("Åre", first_name="Petra", paused_until=date(2027, 3, 20))
    new = ambassador("Åre", first_name="Nils", active=False)
    former = ambassador("Åre", first_name="Frida", active=False)
    Match.objects.create(
        buddy_request=household("Åre"), ambassador=former, status=Match.Status.ENDED
    )

    assert heading(are.get(ambassador_url(paused)).content.decode()) == (
        "Petra Paused until 20 Mar 2027"
    )
    new_page = are.get(ambassador_url(new)).content.decode()
    assert heading(new_page) == "Nils Not yet met"
    assert "Activate (we have met)" in new_page and "Deactivate" not in new_page
    former_page = are.get(ambassador_url(former)).content.decode()
    assert heading(former_page) == "Frida Deactivated"
    assert "Activate (we have met)" in former_page


def test_activating_makes_the_ambassador_active_and_says_so(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    sara = ambassador("Åre", first_name="Sara", active=False)

    response = are.post(
        ambassador_url(sara, "activate"), {"next": ambassador_url(sara)}, follow=True
    )

    sara.refresh_from_db()
    assert sara.active is True
    assert response.redirect_chain == [(ambassador_url(sara), 302)]
    html = response.content.decode()
    assert messages_shown(html) == [
        "Sara is active: they can now be proposed, put on the rota and invited."
    ]
    assert heading(html) == "Sara Active"
    assert "Deactivate" in html


def test_deactivating_takes_them_out_and_keeps_their_buddies(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    Match.objects.create(buddy_request=household("Åre", first_name="Amina"), ambassador=karim)

    response = are.post(ambassador_url(karim, "deactivate"), follow=True)

    karim.refresh_from_db()
    assert karim.active is False
    assert response.redirect_chain == [(ambassador_url(karim), 302)]
    html = response.content.decode()
    assert messages_shown(html) == [
        "Karim is no longer active: no new buddies, shifts or invitations."
    ]
    assert heading(html) == "Karim Deactivated"
    assert Match.objects.get(ambassador=karim).status == Match.Status.ACTIVE
    assert "Amina" in section(html, "buddies-title")


def test_activating_someone_already_active_changes_nothing_and_says_so(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    karim = ambassador("Åre", first_name="Karim")

    response = are.post(ambassador_url(karim, "activate"), follow=True)

    assert messages_shown(response.content.decode()) == ["Karim is already active."]


def test_someone_who_withdrew_their_consent_cannot_be_activated(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    nora = ambassador("Åre", first_name="Nora", active=False)
    consent = consent_record(
        purpose=Consent.Purpose.AMBASSADOR,
        language="sv",
        channel=Consent.Channel.WEB,
        ambassador=nora,
    )
    Consent.objects.filter(id=consent.id).update(
        withdrawn_at=NOW, withdrawal_channel=Consent.Channel.SMS
    )

    page = are.get(ambassador_url(nora)).content.decode()
    response = are.post(ambassador_url(nora, "activate"), follow=True)

    nora.refresh_from_db()
    assert nora.active is False
    assert "they cannot be activated" in page and "Activate (we have met)" not in page
    assert details(page)["Consent"].startswith("Withdrawn on 1 Mar 2027 (SMS).")
    assert messages_shown(response.content.decode()) == [
        "Nora has withdrawn their consent to be an ambassador."
    ]


def test_a_number_that_opted_out_is_pointed_out(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    karim = ambassador("Åre", first_name="Karim", phone="+46701740605")
    OptOut.objects.create(phone="+46701740605", source=OptOut.Source.KEYWORD)

    shown = details(are.get(ambassador_url(karim)).content.decode())

    assert shown["Mobile number"] == (
        "070-174 06 05 Asked for no more texts: "
        "offers, invitations and reminders do not reach this number."
    )


def test_pausing_from_the_page_comes_back_to_it(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    karim = ambassador("Åre", first_name="Karim")

    paused = are.post(
        reverse("workspace:people_pause", args=[karim.id]),
        {"until": "2027-04-01", "next": ambassador_url(karim)},
        follow=True,
    )
    resumed = are.post(
        reverse("workspace:people_resume", args=[karim.id]),
        {"next": ambassador_url(karim)},
        follow=True,
    )

    assert heading(paused.content.decode()) == "Karim Paused until 1 Apr 2027"
    assert paused.redirect_chain == [(ambassador_url(karim), 302)]
    assert heading(resumed.content.decode()) == "Karim Active"


def test_a_households_page_shows_their_details_and_days_waiting(
    are: Client, household: Callable[..., BuddyRequest]
) -> None:
    amina = household(
        "Åre",
        "ar en",
        interests="skiing",
        first_name="Amina",
        last_name="Saleh",
        phone="+46701740610",
        has_partner=True,
        children_ages=[9, 4],
        message="We arrive in April.\nMy husband is a nurse.",
        arrival_date=date(2027, 4, 10),
        source=Source.WEB,
    )
    amina.needs.set(Need.objects.all()[:1])
    BuddyRequest.objects.filter(id=amina.id).update(created_at=NOW - timedelta(days=12))

    html = are.get(request_url(amina)).content.decode()
    shown = details(html)

    assert heading(html) == "Amina Saleh New"
    assert "Waiting for a buddy for 12 days." in text(html)
    assert 'href="tel:+46701740610"' in html
    assert shown == {
        "Name": "Amina Saleh",
        "Mobile number": "070-174 06 10",
        "Municipality": "Åre",
        "Languages": "Arabic, English",
        "Partner": "Moving with a partner",
        "Children's ages": "9, 4",
        "Household size": "4 people",
        "Interests": Interest.objects.get(slug="skiing").name_en,
        "Needs": Need.objects.all()[0].name_en,
        "Message": "We arrive in April. My husband is a nurse.",
        "Expected arrival": "10 Apr 2027",
        "Came through": "Web form",
        "Asked": "17 Feb 2027",
        "Consent": "None recorded here: entered by a coordinator or imported, "
        "the consent kept elsewhere.",
    }


def test_a_households_page_shows_proposals_offers_the_match_and_the_follow_up(
    are: Client,
    coordinator: User,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    _monday_morning: time_machine.Traveller,
) -> None:
    karim = ambassador("Åre", "ar:4", first_name="Karim", interests="skiing")
    lina = ambassador("Krokom", "ar:4", first_name="Lina")
    amina = household("Åre", "ar", first_name="Amina", interests="skiing")
    match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal = Proposal.objects.get(buddy_request=amina)
    proposal_approve(proposal=proposal, user=coordinator)
    first = Offer.objects.get(buddy_request=amina, ambassador=karim)
    offer_decline(offer=first, reason="Away in March")
    second = Offer.objects.get(buddy_request=amina, ambassador=lina)
    _monday_morning.shift(timedelta(days=1))
    match = offer_accept(offer=second)
    assert match is not None
    Match.objects.filter(id=match.id).update(followup_sent_at=NOW + timedelta(days=16))
    followup_answer(match=match, choice=Match.Met.YES, from_ambassador=True)

    html = are.get(request_url(amina)).content.decode()

    assert heading(html) == "Amina Matched"
    assert "Waited 1 day for a buddy." in text(html)
    proposals = section(html, "proposals-title")
    assert proposals.startswith("Proposals (1) Karim · Åre · score")
    assert "approved Speaks Arabic. Can meet in your municipality." in proposals
    assert "Proposed on 1 Mar 2027 10:00. Decided on 1 Mar 2027 10:00 by coordinator-Åre." in (
        proposals
    )
    offers = section(html, "offers-title")
    assert (
        f"Lina {second.code} 1 Mar 2027 10:00" in offers and "Accepted 2 Mar 2027 10:00" in offers
    )
    assert f"Karim {first.code}" in offers
    assert "Declined 1 Mar 2027 10:00 Away in March" in offers
    assert offers.index("Lina") < offers.index("Karim")
    matches = section(html, "matches-title")
    assert matches == (
        "Buddy and follow-up Buddy Since Status Asked whether they have met "
        "Ambassador's answer Household's answer "
        "Lina Krokom 2 Mar 2027 Active 17 Mar 2027 Yes, we have met No answer"
    )
    # Lina lives in Krokom, which the Åre coordinator does not see; Karim is theirs.
    assert f'href="{ambassador_url(karim)}"' in html
    assert f'href="{ambassador_url(lina)}"' not in html


def test_a_proposal_is_approved_from_the_households_page_and_the_page_comes_back(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Åre", "ar:4", first_name="Karim")
    amina = household("Åre", "ar", first_name="Amina")
    match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal = Proposal.objects.get(buddy_request=amina)
    page = are.get(request_url(amina)).content.decode()
    assert "Approve Karim" in page and "Reject" in page

    response = are.post(
        reverse("workspace:proposal_approve", args=[proposal.id]),
        {"next": request_url(amina)},
        follow=True,
    )

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert response.redirect_chain == [(request_url(amina), 302)]
    assert messages_shown(response.content.decode()) == [
        "Approved: Karim gets the offer for Amina by SMS."
    ]


def test_a_next_address_on_another_site_is_ignored(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Åre", "ar:4", first_name="Karim")
    sara = ambassador("Åre", first_name="Sara", active=False)
    amina = household("Åre", "ar", first_name="Amina")
    match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal = Proposal.objects.get(buddy_request=amina)

    rejected = are.post(
        reverse("workspace:proposal_reject", args=[proposal.id]),
        {"next": "https://evil.example/"},
    )
    activated = are.post(ambassador_url(sara, "activate"), {"next": "//evil.example/"})

    assert rejected["Location"] == reverse("workspace:today")
    assert activated["Location"] == ambassador_url(sara)


def test_another_municipalitys_people_are_not_found(
    ostersund: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    sara = ambassador("Åre", first_name="Sara", active=False)
    amina = household("Åre", first_name="Amina")

    assert ostersund.get(ambassador_url(karim)).status_code == 404
    assert ostersund.get(request_url(amina)).status_code == 404
    assert ostersund.post(ambassador_url(sara, "activate")).status_code == 404
    assert ostersund.post(ambassador_url(karim, "deactivate")).status_code == 404
    karim.refresh_from_db()
    sara.refresh_from_db()
    assert (karim.active, sara.active) == (True, False)


def test_a_region_admin_sees_everyones_pages(
    make_coordinator: Callable[..., User],
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    client = Client()
    client.force_login(make_coordinator(region_admin=True))

    assert client.get(ambassador_url(ambassador("Åre"))).status_code == 200
    assert client.get(request_url(household("Berg"))).status_code == 200


def test_activating_and_deactivating_take_a_post_with_the_csrf_token(
    make_coordinator: Callable[..., User], ambassador: Callable[..., Ambassador]
) -> None:
    sara = ambassador("Åre", first_name="Sara", active=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_coordinator("Åre"))

    assert client.get(ambassador_url(sara, "activate")).status_code == 405
    assert client.post(ambassador_url(sara, "activate")).status_code == 403
    sara.refresh_from_db()
    assert sara.active is False


def test_someone_not_logged_in_is_sent_to_the_workspace_login(
    client: Client, ambassador: Callable[..., Ambassador]
) -> None:
    response = client.get(ambassador_url(ambassador("Åre")))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))


def test_the_search_and_the_load_table_link_to_the_new_pages(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    karima = household("Åre", first_name="Karima")

    found = are.get(reverse("workspace:people"), {"q": "karim"}).content.decode()
    load = are.get(reverse("workspace:people")).content.decode()

    assert f'<a href="{ambassador_url(karim)}">Karim</a>' in found
    assert f'<a href="{request_url(karima)}">Karima</a>' in found
    assert f'<a href="{ambassador_url(karim)}">Karim</a>' in load
    assert "/admin/" not in found and "/admin/" not in load
