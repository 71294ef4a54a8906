"""Deciding from today's page: approve, pick another, reject, run matching, and texts dealt
with, each as the services do it and within the coordinator's municipalities."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest, InboundSms, OptOut, OutboundSms
from matching.models import Exclusion, MatchRun, Offer, Proposal
from matching.services import match_run

pytestmark = pytest.mark.django_db


@dataclass
class Network:
    karim: Ambassador
    lina: Ambassador
    amina: BuddyRequest
    olena: BuddyRequest
    coordinator: User

    @property
    def proposal(self) -> Proposal:
        return Proposal.objects.get(buddy_request=self.amina)

    @property
    def elsewhere(self) -> Proposal:
        return Proposal.objects.get(buddy_request=self.olena)


@pytest.fixture
def network(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    make_coordinator: Callable[..., User],
) -> Iterator[Network]:
    """Amina in Åre is proposed Karim, with Lina as the runner-up; Olena in Östersund is
    proposed Taras."""
    settings.QUIET_HOURS = None
    karim = ambassador("Åre", "ar:4", first_name="Karim", interests="skiing")
    lina = ambassador("Krokom", "ar:4", first_name="Lina")
    ambassador("Östersund", "uk:4", first_name="Taras")
    amina = household("Åre", "ar", first_name="Amina", interests="skiing")
    olena = household("Östersund", "uk", first_name="Olena")
    match_run(trigger=MatchRun.Trigger.COMMAND)
    yield Network(karim, lina, amina, olena, make_coordinator("Åre"))


@pytest.fixture
def are(client: Client, network: Network) -> Client:
    client.force_login(network.coordinator)
    return client


def url(name: str, proposal: Proposal) -> str:
    return reverse(f"workspace:{name}", args=[proposal.id])


def messages_shown(response: Any) -> list[str]:
    html = response.content.decode()
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
        for item in re.findall(r'<li class="message-[^"]*">(.*?)</li>', html, re.S)
    ]


def offer_texts_to(ambassador: Ambassador) -> list[OutboundSms]:
    return list(OutboundSms.objects.filter(ambassador=ambassador, purpose="offer"))


def test_approving_offers_the_request_to_the_proposed_ambassador_by_sms(
    are: Client, network: Network
) -> None:
    response = are.post(url("proposal_approve", network.proposal), follow=True)

    proposal = network.proposal
    assert response.redirect_chain == [(reverse("workspace:today"), 302)]
    assert messages_shown(response) == ["Approved: Karim gets the offer for Amina by SMS."]
    assert (proposal.status, proposal.decided_by) == (Proposal.Status.APPROVED, network.coordinator)
    offer = Offer.objects.get(buddy_request=network.amina)
    assert (offer.ambassador, offer.status) == (network.karim, Offer.Status.OPEN)
    assert offer.code in offer_texts_to(network.karim)[0].body
    network.amina.refresh_from_db()
    assert network.amina.status == BuddyRequest.Status.OFFERED
    assert "No proposal is waiting for a decision." in response.content.decode()


def test_picking_the_runner_up_offers_the_request_to_them_instead(
    are: Client, network: Network
) -> None:
    response = are.post(
        url("proposal_pick", network.proposal), {"ambassador": network.lina.id}, follow=True
    )

    proposal = network.proposal
    assert messages_shown(response) == ["Approved: Lina gets the offer for Amina by SMS."]
    assert (proposal.ambassador, proposal.status) == (network.lina, Proposal.Status.APPROVED)
    assert Offer.objects.get(buddy_request=network.amina).ambassador == network.lina
    assert len(offer_texts_to(network.lina)) == 1
    assert offer_texts_to(network.karim) == []
    # The engine's choice takes the runner-up's place, as the service keeps it.
    assert [c.ambassador for c in proposal.candidates.all()] == [network.karim]


def test_picking_someone_who_is_not_a_candidate_is_refused_with_the_reason(
    are: Client, network: Network
) -> None:
    taras = Ambassador.objects.get(first_name="Taras")

    response = are.post(
        url("proposal_pick", network.proposal), {"ambassador": taras.id}, follow=True
    )

    assert messages_shown(response) == ["Pick one of the proposal's candidates."]
    assert network.proposal.status == Proposal.Status.PROPOSED
    assert not Offer.objects.exists()


def test_rejecting_keeps_the_pair_apart_and_sends_the_request_back_to_matching(
    are: Client, network: Network
) -> None:
    response = are.post(url("proposal_reject", network.proposal), follow=True)

    assert messages_shown(response) == [
        "Rejected: Karim will not be proposed for Amina again; the request waits for the next run."
    ]
    assert network.proposal.status == Proposal.Status.REJECTED
    assert Exclusion.objects.filter(buddy_request=network.amina, ambassador=network.karim).exists()
    network.amina.refresh_from_db()
    assert network.amina.status == BuddyRequest.Status.NEW
    assert not Offer.objects.exists()


def test_a_decision_the_service_refuses_is_shown_and_changes_nothing(
    are: Client, network: Network
) -> None:
    OptOut.objects.create(phone=str(network.karim.phone), source=OptOut.Source.KEYWORD)

    response = are.post(url("proposal_approve", network.proposal), follow=True)

    assert messages_shown(response) == [
        "Karim has asked for no more texts; pick another candidate."
    ]
    assert network.proposal.status == Proposal.Status.PROPOSED
    assert "Approve Karim" in response.content.decode()


def test_deciding_twice_says_it_is_already_decided(are: Client, network: Network) -> None:
    are.post(url("proposal_approve", network.proposal), follow=True)

    response = are.post(url("proposal_reject", network.proposal), follow=True)

    assert messages_shown(response) == ["This proposal has already been decided."]
    assert network.proposal.status == Proposal.Status.APPROVED


@pytest.mark.parametrize("name", ["proposal_approve", "proposal_reject", "proposal_pick"])
def test_another_municipalitys_proposal_is_not_found(
    are: Client, network: Network, name: str
) -> None:
    response = are.post(url(name, network.elsewhere), {"ambassador": network.lina.id})

    assert response.status_code == 404
    assert network.elsewhere.status == Proposal.Status.PROPOSED


@pytest.mark.parametrize("name", ["proposal_approve", "proposal_reject", "proposal_pick"])
def test_someone_who_is_not_a_coordinator_cannot_decide(
    client: Client, django_user_model: type[User], network: Network, name: str
) -> None:
    client.force_login(django_user_model.objects.create_user(username="someone"))

    response = client.post(url(name, network.proposal), {"ambassador": network.lina.id})

    assert response.status_code == 403
    assert network.proposal.status == Proposal.Status.PROPOSED


def test_a_visitor_is_sent_to_log_in_instead_of_deciding(client: Client, network: Network) -> None:
    response = client.post(url("proposal_approve", network.proposal))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))
    assert network.proposal.status == Proposal.Status.PROPOSED


def test_a_decision_is_never_made_by_following_a_link(are: Client, network: Network) -> None:
    response = are.get(url("proposal_approve", network.proposal))

    assert response.status_code == 405
    assert network.proposal.status == Proposal.Status.PROPOSED


def test_with_htmx_the_button_gets_back_only_its_panel_with_the_message(
    are: Client, network: Network
) -> None:
    response = are.post(url("proposal_approve", network.proposal), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="proposals"')
    assert "<main" not in html
    assert messages_shown(response) == ["Approved: Karim gets the offer for Amina by SMS."]
    assert "No proposal is waiting for a decision." in html
    assert network.proposal.status == Proposal.Status.APPROVED


def test_running_matching_makes_proposals_and_says_how_many(are: Client, network: Network) -> None:
    Proposal.objects.update(status=Proposal.Status.SUPERSEDED)

    response = are.post(reverse("workspace:match_run"), follow=True)

    run = MatchRun.objects.get(trigger=MatchRun.Trigger.COORDINATOR)
    assert run.started_by == network.coordinator
    assert messages_shown(response) == ["Proposals made: 2, for 2 waiting requests."]
    assert "Approve Karim" in response.content.decode()


def test_someone_who_is_not_a_coordinator_cannot_run_matching(
    client: Client, django_user_model: type[User], network: Network
) -> None:
    client.force_login(django_user_model.objects.create_user(username="someone"))

    assert client.post(reverse("workspace:match_run")).status_code == 403
    assert not MatchRun.objects.filter(trigger=MatchRun.Trigger.COORDINATOR).exists()


@pytest.fixture
def texts(network: Network) -> dict[str, InboundSms]:
    def text(sid: str, **fields: Any) -> InboundSms:
        return InboundSms.objects.create(
            message_sid=sid, from_number="+46701740650", body="???", needs_attention=True, **fields
        )

    return {
        "are": text("SM1", ambassador=network.karim),
        "ostersund": text("SM2", buddy_request=network.olena),
    }


def test_a_text_marked_dealt_with_leaves_the_list_and_records_who(
    are: Client, network: Network, texts: dict[str, InboundSms]
) -> None:
    response = are.post(reverse("workspace:text_dealt_with", args=[texts["are"].id]), follow=True)

    texts["are"].refresh_from_db()
    assert messages_shown(response) == ["The text is marked as dealt with."]
    assert not texts["are"].needs_attention
    assert texts["are"].dealt_with_by == network.coordinator
    assert texts["are"].dealt_with_at is not None
    assert "Every text has been read." in response.content.decode()


def test_a_text_dealt_with_twice_says_so(
    are: Client, network: Network, texts: dict[str, InboundSms]
) -> None:
    are.post(reverse("workspace:text_dealt_with", args=[texts["are"].id]), follow=True)

    response = are.post(reverse("workspace:text_dealt_with", args=[texts["are"].id]), follow=True)

    assert messages_shown(response) == ["Someone has already dealt with this text."]


def test_a_text_of_another_municipality_cannot_be_dealt_with(
    are: Client, texts: dict[str, InboundSms]
) -> None:
    response = are.post(reverse("workspace:text_dealt_with", args=[texts["ostersund"].id]))

    texts["ostersund"].refresh_from_db()
    assert response.status_code == 404
    assert texts["ostersund"].needs_attention


def test_someone_who_is_not_a_coordinator_cannot_mark_a_text(
    client: Client, django_user_model: type[User], texts: dict[str, InboundSms]
) -> None:
    client.force_login(django_user_model.objects.create_user(username="someone"))

    response = client.post(reverse("workspace:text_dealt_with", args=[texts["are"].id]))

    texts["are"].refresh_from_db()
    assert response.status_code == 403
    assert texts["are"].needs_attention


def test_with_htmx_dealt_with_returns_the_texts_panel(
    are: Client, texts: dict[str, InboundSms]
) -> None:
    response = are.post(
        reverse("workspace:text_dealt_with", args=[texts["are"].id]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="texts"')
    assert messages_shown(response) == ["The text is marked as dealt with."]
    assert "Every text has been read." in html
