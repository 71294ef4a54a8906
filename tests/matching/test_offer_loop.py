"""The offer loop by SMS, as the ambassadors and the newcomer see it: texts out, texts in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from ambassadors.models import Ambassador, BuddyRequest, InboundSms, OptOut, OutboundSms
from ambassadors.services import ApplicationError
from ambassadors.sms import LocmemMessage
from matching.models import Exclusion, Match, MatchRun, Offer, Proposal
from matching.offers import followups_send_due, offers_expire_due
from matching.services import match_run, proposal_approve

pytestmark = pytest.mark.django_db


@dataclass
class Loop:
    household: BuddyRequest
    best: Ambassador
    second: Ambassador
    proposal: Proposal
    outbox: list[LocmemMessage]
    sms: Callable[..., Any]
    coordinator: User

    def texts_to(self, phone: object) -> list[str]:
        return [message.body for message in self.outbox if message.to == str(phone)]

    def code(self, ambassador: Ambassador) -> str:
        return Offer.objects.get(ambassador=ambassador, status=Offer.Status.OPEN).code


@pytest.fixture
def loop(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    make_coordinator: Callable[..., User],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> Iterator[Loop]:
    settings.QUIET_HOURS = None
    best = ambassador("Åre", "ar:4 sv:4", first_name="Karim")
    second = ambassador("Krokom", "ar:4 sv:4", first_name="Lina")
    family = household("Åre", "ar", first_name="Amina", has_partner=True, children_ages=[4, 9])
    coordinator = make_coordinator("Åre")
    run, _result = match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal = run.proposals.get()
    assert proposal.ambassador == best

    def sms(sender: Ambassador | BuddyRequest, body: str, **extra: str) -> Any:
        sid = extra.pop("sid", f"SM{InboundSms.objects.count() + 1:032x}")
        with committing():
            return twilio_post(
                "/webhooks/twilio/sms/",
                {"MessageSid": sid, "From": str(sender.phone), "To": "+46101380000", "Body": body}
                | extra,
            )

    yield Loop(family, best, second, proposal, sms_outbox, sms, coordinator)


def approve(loop: Loop, committing: Callable[[], AbstractContextManager[Any]]) -> str:
    with committing():
        proposal_approve(proposal=loop.proposal, user=loop.coordinator)
    return loop.code(loop.best)


def answered(response: Any) -> list[str]:
    """The texts in a TwiML answer."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return re.findall(r"<Message>(.*?)</Message>", response.content.decode(), re.S)


def test_approving_sends_the_offer_in_the_ambassadors_language(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)

    [offer] = loop.texts_to(loop.best.phone)
    assert "Amina" in offer
    assert f"JA {code}" in offer and f"NEJ {code}" in offer
    assert "Åre" in offer
    loop.household.refresh_from_db()
    assert loop.household.status == BuddyRequest.Status.OFFERED
    message = OutboundSms.objects.get(purpose=OutboundSms.Purpose.OFFER)
    assert (message.status, message.language, message.ambassador) == ("sent", "sv", loop.best)


def test_yes_with_the_code_makes_the_match_and_introduces_both(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)

    response = loop.sms(loop.best, f"Ja {code}")

    assert answered(response) == []
    match = Match.objects.get()
    assert (match.buddy_request, match.ambassador, match.status) == (
        loop.household,
        loop.best,
        Match.Status.ACTIVE,
    )
    [_offer, to_ambassador] = loop.texts_to(loop.best.phone)
    assert "Amina" in to_ambassador and str(loop.household.phone) in to_ambassador
    [to_household] = loop.texts_to(loop.household.phone)
    # The newcomer reads it in Arabic, their preferred language.
    assert "Karim" in to_household and str(loop.best.phone) in to_household
    assert re.search("[\u0600-\u06ff]", to_household)
    loop.household.refresh_from_db()
    assert loop.household.status == BuddyRequest.Status.MATCHED


def test_a_bare_yes_works_with_exactly_one_open_offer(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    approve(loop, committing)

    loop.sms(loop.best, "JA")

    assert Match.objects.filter(ambassador=loop.best).exists()


def test_a_bare_yes_with_two_open_offers_asks_which_code(
    loop: Loop,
    household: Callable[..., BuddyRequest],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    first = approve(loop, committing)
    other = household("Åre", "ar", first_name="Omar")
    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)
    with committing():
        proposal_approve(proposal=run.proposals.get(buddy_request=other), user=loop.coordinator)
    second = Offer.objects.get(buddy_request=other).code

    [reply] = answered(loop.sms(Offer.objects.get(buddy_request=other).ambassador, "ja"))

    assert first in reply or second in reply
    assert not Match.objects.exists()


def test_no_with_a_reason_excludes_the_pair_and_offers_the_next_best(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)

    [reply] = answered(loop.sms(loop.best, f"NEJ {code} jag är bortrest i mars"))

    assert "Tack" in reply
    offer = Offer.objects.get(code=code, ambassador=loop.best)
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "jag är bortrest i mars")
    assert Exclusion.objects.filter(
        ambassador=loop.best, buddy_request=loop.household, reason=Exclusion.Reason.DECLINED
    ).exists()
    next_code = loop.code(loop.second)
    [offer_to_second] = loop.texts_to(loop.second.phone)
    assert f"JA {next_code}" in offer_to_second


def test_an_unanswered_offer_expires_and_passes_to_the_next_candidate(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)

    with time_machine.travel(timezone.now() + timedelta(hours=47), tick=False), committing():
        assert offers_expire_due() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)), committing():
        assert offers_expire_due() == 1

    assert Offer.objects.get(code=code, ambassador=loop.best).status == Offer.Status.EXPIRED
    assert loop.code(loop.second)
    assert Exclusion.objects.filter(
        ambassador=loop.best, reason=Exclusion.Reason.NO_ANSWER
    ).exists()


def test_a_late_yes_to_an_expired_offer_is_thanked_and_passed_on(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)
    Offer.objects.filter(code=code).update(expires_at=timezone.now())
    with committing():
        offers_expire_due()

    [reply] = answered(loop.sms(loop.best, f"JA {code}"))

    assert code in reply and "vidare" in reply
    assert not Match.objects.filter(ambassador=loop.best).exists()


def test_when_every_candidate_says_no_the_request_goes_back_to_matching(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)
    loop.sms(loop.best, f"NEJ {code}")

    loop.sms(loop.second, f"NEJ {loop.code(loop.second)}")

    loop.proposal.refresh_from_db()
    loop.household.refresh_from_db()
    assert loop.proposal.status == Proposal.Status.UNANSWERED
    assert loop.household.status == BuddyRequest.Status.NEW
    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)
    assert run.requests == 1 and run.matched == 0


def test_a_code_that_is_not_theirs_changes_nothing(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)

    [reply] = answered(loop.sms(loop.second, f"JA {code}"))

    assert code in reply
    assert not Match.objects.exists()
    assert Offer.objects.get(code=code, ambassador=loop.best).status == Offer.Status.OPEN


def test_stopp_opts_out_and_after_it_nothing_reaches_the_number(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)
    [offer] = loop.texts_to(loop.best.phone)

    [confirmation] = answered(loop.sms(loop.best, "STOPP"))

    assert "START" in confirmation
    assert OptOut.objects.filter(phone=str(loop.best.phone)).exists()
    assert answered(loop.sms(loop.best, "vad händer?")) == []
    assert answered(loop.sms(loop.best, "HJÄLP")) == []
    # An answer still counts, but its introduction is not sent to them.
    assert answered(loop.sms(loop.best, f"JA {code}")) == []
    with time_machine.travel(timezone.now() + timedelta(days=15)), committing():
        followups_send_due()
    assert loop.texts_to(loop.best.phone) == [offer]
    assert (
        OutboundSms.objects.filter(
            to=str(loop.best.phone), status=OutboundSms.Status.SUPPRESSED
        ).count()
        == 2
    )
    assert len(loop.texts_to(loop.household.phone)) == 2


def test_a_coordinator_cannot_offer_to_a_number_that_opted_out(loop: Loop) -> None:
    OptOut.objects.create(phone=str(loop.best.phone), source=OptOut.Source.KEYWORD)

    with pytest.raises(ApplicationError, match="no more texts"):
        proposal_approve(proposal=loop.proposal, user=loop.coordinator)


def test_start_opts_back_in(loop: Loop) -> None:
    loop.sms(loop.best, "STOP")

    [welcome] = answered(loop.sms(loop.best, "START"))

    assert welcome
    assert not OptOut.objects.exists()


def test_twilio_handled_stop_is_recorded_without_a_second_confirmation(loop: Loop) -> None:
    assert answered(loop.sms(loop.best, "STOP", OptOutType="STOP")) == []
    assert OptOut.objects.get(phone=str(loop.best.phone)).source == OptOut.Source.TWILIO


def test_yes_marked_by_twilio_as_an_opt_in_still_answers_the_offer(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)
    OptOut.objects.create(phone=str(loop.best.phone), source=OptOut.Source.TWILIO)

    loop.sms(loop.best, f"YES {code}", OptOutType="START")

    assert not OptOut.objects.exists()
    assert Match.objects.filter(ambassador=loop.best).exists()


def test_help_answers_with_the_coordinators_number(loop: Loop) -> None:
    coordinator = loop.coordinator.coordinator
    coordinator.phone = "+46631234567"
    coordinator.save()

    [help_text] = answered(loop.sms(loop.best, "hjälp"))

    assert "+46631234567" in help_text
    assert "STOPP" in help_text


def test_anything_else_gets_the_options_and_waits_for_a_coordinator(loop: Loop) -> None:
    [reply] = answered(loop.sms(loop.best, "Vem är det här?"))

    assert "JA" in reply and "STOPP" in reply
    inbound = InboundSms.objects.get()
    assert inbound.needs_attention is True
    assert inbound.ambassador == loop.best


def test_a_replayed_webhook_changes_things_once_and_answers_once(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)

    replies = [answered(loop.sms(loop.best, f"NEJ {code}", sid="SM" + "a" * 32)) for _ in range(5)]

    assert [len(reply) for reply in replies] == [1, 0, 0, 0, 0]
    assert InboundSms.objects.count() == 1
    assert Offer.objects.filter(status=Offer.Status.DECLINED).count() == 1
    assert Offer.objects.filter(ambassador=loop.second).count() == 1
    assert OutboundSms.objects.filter(purpose=OutboundSms.Purpose.REPLY).count() == 1


def test_a_forged_or_unsigned_webhook_is_refused_and_changes_nothing(
    loop: Loop,
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    code = approve(loop, committing)
    form = {"MessageSid": "SM" + "b" * 32, "From": str(loop.best.phone), "Body": f"JA {code}"}

    forged = twilio_post("/webhooks/twilio/sms/", form, signature="RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    unsigned = twilio_post("/webhooks/twilio/sms/", form, signature="")

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert not InboundSms.objects.exists()
    assert not Match.objects.exists()


def test_the_automatic_mode_offers_without_a_coordinator(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    settings.MATCH_AUTO_APPROVE = True
    settings.QUIET_HOURS = None
    helper = ambassador("Åre", "ar:4")
    household("Åre", "ar")

    with committing():
        run, _ = match_run(trigger=MatchRun.Trigger.SCHEDULE)

    assert run.proposals.get().status == Proposal.Status.APPROVED
    assert Offer.objects.get().ambassador == helper
    assert [message.to for message in sms_outbox] == [str(helper.phone)]


def accepted(loop: Loop, committing: Callable[[], AbstractContextManager[Any]]) -> Match:
    code = approve(loop, committing)
    loop.sms(loop.best, f"JA {code}")
    loop.outbox.clear()
    return Match.objects.get()


def test_two_weeks_after_the_match_both_are_asked_whether_they_have_met(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    match = accepted(loop, committing)

    with time_machine.travel(timezone.now() + timedelta(days=13), tick=False), committing():
        assert followups_send_due() == 0
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)), committing():
        assert followups_send_due() == 1
        assert followups_send_due() == 0

    [to_ambassador] = loop.texts_to(loop.best.phone)
    [to_household] = loop.texts_to(loop.household.phone)
    assert "Amina" in to_ambassador and "1" in to_ambassador and "3" in to_ambassador
    assert "Karim" in to_household
    match.refresh_from_db()
    assert match.followup_sent_at is not None


def test_follow_up_answers_are_recorded_on_the_match(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    match = accepted(loop, committing)
    with time_machine.travel(timezone.now() + timedelta(days=15)), committing():
        followups_send_due()

    [thanks] = answered(loop.sms(loop.best, "1"))
    loop.sms(loop.household, "2 inte än")

    match.refresh_from_db()
    assert (match.met_ambassador, match.met_newcomer) == (Match.Met.YES, Match.Met.NOT_YET)
    assert match.status == Match.Status.ACTIVE
    assert thanks


def test_three_ends_the_match_and_sends_the_request_back_to_matching(
    loop: Loop, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    match = accepted(loop, committing)
    with time_machine.travel(timezone.now() + timedelta(days=15)), committing():
        followups_send_due()

    loop.sms(loop.household, "3")

    match.refresh_from_db()
    loop.household.refresh_from_db()
    assert (match.status, match.met_newcomer) == (Match.Status.ENDED, Match.Met.NEW_MATCH)
    assert loop.household.status == BuddyRequest.Status.NEW
    assert Exclusion.objects.filter(
        ambassador=loop.best, buddy_request=loop.household, reason=Exclusion.Reason.NEW_MATCH
    ).exists()
    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)
    assert run.proposals.get().ambassador == loop.second


def test_a_digit_without_a_follow_up_is_not_read_as_an_answer(loop: Loop) -> None:
    [reply] = answered(loop.sms(loop.best, "3"))

    assert reply
    assert InboundSms.objects.get().needs_attention is True


def test_the_status_callback_moves_the_offer_text_forward(
    loop: Loop,
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    approve(loop, committing)
    offer = OutboundSms.objects.get(purpose=OutboundSms.Purpose.OFFER)
    assert offer.twilio_sid

    delivered = twilio_post(
        "/webhooks/twilio/status/", {"MessageSid": offer.twilio_sid, "MessageStatus": "delivered"}
    )
    late = twilio_post(
        "/webhooks/twilio/status/", {"MessageSid": offer.twilio_sid, "MessageStatus": "sent"}
    )

    assert (delivered.status_code, late.status_code) == (204, 204)
    offer.refresh_from_db()
    assert offer.status == OutboundSms.Status.DELIVERED


def test_the_api_shows_each_proposals_offers(
    loop: Loop, api: Any, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    code = approve(loop, committing)
    loop.sms(loop.best, f"NEJ {code} bortrest")
    api.force_authenticate(loop.coordinator)

    [proposal] = api.get("/api/v1/proposals/").json()["results"]

    assert [(o["ambassador"], o["status"]) for o in proposal["offers"]] == [
        (loop.second.id, "open"),
        (loop.best.id, "declined"),
    ]
    assert proposal["offers"][1]["decline_reason"] == "bortrest"


def test_an_ambassador_who_opted_out_is_not_proposed(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    away = ambassador("Åre", "ar:4")
    reachable = ambassador("Krokom", "ar:4")
    household("Åre", "ar")
    OptOut.objects.create(phone=str(away.phone), source=OptOut.Source.KEYWORD)

    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)

    assert run.proposals.get().ambassador == reachable
