from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction

from ambassadors.models import BuddyRequest, Consent
from ambassadors.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db


def test_the_database_refuses_two_open_requests_for_one_number(
    make_request: Callable[..., BuddyRequest],
) -> None:
    make_request(phone="+46701740605")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_request(phone="+46701740605")


def test_a_closed_request_and_an_open_one_may_share_a_number(
    make_request: Callable[..., BuddyRequest],
) -> None:
    make_request(phone="+46701740605", status=BuddyRequest.Status.WITHDRAWN)
    make_request(phone="+46701740605")

    assert BuddyRequest.objects.filter(phone="+46701740605").count() == 2


def test_withdrawing_consent_keeps_the_record_and_its_first_date(
    make_request: Callable[..., BuddyRequest],
) -> None:
    consent = consent_record(
        purpose=Consent.Purpose.BUDDY_REQUEST,
        language="sv",
        channel=Consent.Channel.WEB,
        buddy_request=make_request(),
    )

    consent_withdraw(consent=consent, channel=Consent.Channel.SMS)
    first = consent.withdrawn_at
    consent_withdraw(consent=consent, channel=Consent.Channel.PAPER)

    consent.refresh_from_db()
    assert Consent.objects.count() == 1
    assert consent.withdrawn_at == first is not None
    assert consent.withdrawal_channel == Consent.Channel.SMS


def test_a_consent_in_a_language_without_a_translation_is_recorded_as_shown_in_english(
    make_request: Callable[..., BuddyRequest],
) -> None:
    consent = consent_record(
        purpose=Consent.Purpose.BUDDY_REQUEST,
        language="so",
        channel=Consent.Channel.API,
        buddy_request=make_request(),
    )

    assert consent.language == "en"
    assert consent.text.startswith("Region Jämtland Härjedalen stores")
