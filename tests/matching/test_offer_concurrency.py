"""Answers that arrive together: one match, one state change, one reply."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from ambassadors.models import Ambassador, BuddyRequest, InboundSms, OutboundSms
from ambassadors.sms import LocmemMessage
from matching.models import Match, MatchRun, Offer
from matching.offers import offers_expire_due
from matching.services import match_run, proposal_approve

PATH = "/webhooks/twilio/sms/"


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released together; each gets its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.fixture
def offered(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    make_coordinator: Callable[..., User],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
) -> Offer:
    settings.QUIET_HOURS = None
    settings.TWILIO_AUTH_TOKEN = "concurrency-test-token"
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"
    ambassador("Åre", "ar:4 sv:4")
    ambassador("Krokom", "ar:4 sv:4")
    household("Åre", "ar")
    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal_approve(proposal=run.proposals.get(), user=make_coordinator("Åre"))
    return Offer.objects.select_related("ambassador").get()


def post_signed(settings: Any, form: dict[str, str]) -> Any:
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        f"{settings.PUBLIC_BASE_URL}{PATH}", form
    )
    return Client().post(PATH, form, HTTP_X_TWILIO_SIGNATURE=signature)


def replies(response: Any) -> list[str]:
    assert response.status_code == 200
    return re.findall(r"<Message>(.*?)</Message>", response.content.decode(), re.S)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_copies_of_one_webhook_at_once_give_one_effect(
    settings: Any, offered: Offer
) -> None:
    form = {
        "MessageSid": "SM" + "c" * 32,
        "From": str(offered.ambassador.phone),
        "Body": f"NEJ {offered.code}",
    }

    responses = at_once(20, lambda _: post_signed(settings, form))

    assert sorted(len(replies(response)) for response in responses) == [0] * 19 + [1]
    assert InboundSms.objects.count() == 1
    assert Offer.objects.filter(status=Offer.Status.DECLINED).count() == 1
    # The next candidate got exactly one offer.
    assert Offer.objects.filter(status=Offer.Status.OPEN).count() == 1
    assert OutboundSms.objects.filter(purpose=OutboundSms.Purpose.REPLY).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_accepts_in_the_same_second_leave_exactly_one_match(
    settings: Any, offered: Offer
) -> None:
    def accept(index: int) -> Any:
        return post_signed(
            settings,
            {
                "MessageSid": f"SM{index:032x}",
                "From": str(offered.ambassador.phone),
                "Body": f"JA {offered.code}",
            },
        )

    responses = at_once(2, accept)

    assert Match.objects.filter(buddy_request_id=offered.buddy_request_id).count() == 1
    assert sorted(len(replies(response)) for response in responses) == [0, 1]
    introductions = OutboundSms.objects.filter(purpose=OutboundSms.Purpose.INTRODUCTION)
    assert introductions.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_accept_racing_the_expiry_sweep_ends_one_way_only(settings: Any, offered: Offer) -> None:
    Offer.objects.filter(id=offered.id).update(expires_at=timezone.now())
    form = {
        "MessageSid": "SM" + "d" * 32,
        "From": str(offered.ambassador.phone),
        "Body": f"JA {offered.code}",
    }

    at_once(2, lambda index: post_signed(settings, form) if index else offers_expire_due())

    offered.refresh_from_db()
    matched = Match.objects.filter(buddy_request_id=offered.buddy_request_id).count()
    if offered.status == Offer.Status.ACCEPTED:
        assert matched == 1
        assert not Offer.objects.filter(status=Offer.Status.OPEN).exists()
    else:
        assert offered.status == Offer.Status.EXPIRED
        assert matched == 0
        assert Offer.objects.filter(status=Offer.Status.OPEN).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_offer_for_one_request(offered: Offer) -> None:
    other = Ambassador.objects.exclude(id=offered.ambassador_id).get()

    with pytest.raises(IntegrityError):
        Offer.objects.create(
            proposal=offered.proposal,
            buddy_request=offered.buddy_request,
            ambassador=other,
            code="1234",
            score=1.0,
            reasons={},
            expires_at=timezone.now(),
        )
