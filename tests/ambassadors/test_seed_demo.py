from __future__ import annotations

from collections import Counter
from io import StringIO

import phonenumbers
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import Client
from pytest_django.fixtures import Settings
from stdnum.se import orgnr

from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Consent,
    Coordinator,
    LanguageLevel,
    Municipality,
    Organisation,
    Source,
)

pytestmark = pytest.mark.django_db

NEWCOMER_LANGUAGES = {"ar", "so", "ti", "prs", "uk", "pl", "th", "de", "nl", "en"}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Ambassador,
            AmbassadorLanguage,
            BuddyRequest,
            Consent,
            Organisation,
            Coordinator,
            User,
        )
    }


def test_it_creates_a_network_across_all_municipalities() -> None:
    seed()

    assert 55 <= Ambassador.objects.count() <= 65
    assert 110 <= BuddyRequest.objects.count() <= 130
    assert 8 <= Organisation.objects.count() <= 10
    for municipality in Municipality.objects.all():
        assert municipality.ambassadors.exists(), municipality
        assert municipality.buddy_requests.exists(), municipality
    assert not Ambassador.objects.exclude(source=Source.DEMO).exists()
    assert not BuddyRequest.objects.exclude(source=Source.DEMO).exists()


def test_most_requests_are_in_ostersund_and_few_in_ragunda_and_bracke() -> None:
    seed()

    per_municipality = Counter(BuddyRequest.objects.values_list("municipality__name", flat=True))
    assert per_municipality.most_common(1)[0][0] == "Östersund"
    assert per_municipality["Östersund"] > BuddyRequest.objects.count() / 3
    assert 1 <= per_municipality["Ragunda"] <= 8
    assert 1 <= per_municipality["Bräcke"] <= 8


def test_requests_come_in_the_languages_of_the_regions_newcomers() -> None:
    seed()

    spoken = set(BuddyRequest.objects.values_list("preferred_language__code", flat=True))
    assert NEWCOMER_LANGUAGES <= spoken
    without_other_language = BuddyRequest.objects.filter(other_languages=None).count()
    assert 0 < without_other_language < BuddyRequest.objects.count() / 2


def test_ambassadors_mostly_speak_swedish_and_many_a_newcomer_language_natively() -> None:
    seed()

    ambassadors = Ambassador.objects.count()
    swedish = Ambassador.objects.filter(language_levels__language__code="sv").count()
    assert swedish == ambassadors
    native = set(
        AmbassadorLanguage.objects.filter(level=LanguageLevel.NATIVE).values_list(
            "language__code", flat=True
        )
    )
    assert NEWCOMER_LANGUAGES <= native
    messages_in = set(Ambassador.objects.values_list("preferred_language__code", flat=True))
    assert messages_in <= {"sv", "en", "ar", "uk"}


def test_a_few_ambassadors_are_paused_and_most_are_active() -> None:
    seed()

    assert 1 <= Ambassador.objects.filter(paused_until__isnull=False).count() <= 5
    assert Ambassador.objects.filter(active=True).count() > Ambassador.objects.count() * 0.8


def test_every_person_has_given_consent_once() -> None:
    seed()
    seed()

    for ambassador in Ambassador.objects.all():
        assert [c.purpose for c in ambassador.consents.all()] == [Consent.Purpose.AMBASSADOR]
    for buddy_request in BuddyRequest.objects.all():
        assert [c.purpose for c in buddy_request.consents.all()] == [Consent.Purpose.BUDDY_REQUEST]


def test_running_it_twice_does_not_duplicate_anything() -> None:
    seed()
    before = row_counts()

    seed()

    assert row_counts() == before


def test_running_it_again_restores_a_demo_row_changed_by_hand() -> None:
    seed()
    ambassador = Ambassador.objects.order_by("phone").first()
    assert ambassador is not None
    name = ambassador.first_name
    Ambassador.objects.filter(id=ambassador.id).update(first_name="Changed")
    buddy_request = BuddyRequest.objects.filter(status=BuddyRequest.Status.NEW).first()
    assert buddy_request is not None
    BuddyRequest.objects.filter(id=buddy_request.id).update(status=BuddyRequest.Status.CLOSED)

    seed()

    ambassador.refresh_from_db()
    buddy_request.refresh_from_db()
    assert ambassador.first_name == name
    assert buddy_request.status == BuddyRequest.Status.NEW
    assert BuddyRequest.objects.filter(phone=buddy_request.phone).count() == 1


def test_every_phone_number_is_a_valid_swedish_mobile_used_once() -> None:
    seed()

    phones = [str(a.phone) for a in Ambassador.objects.all()]
    phones += [str(r.phone) for r in BuddyRequest.objects.all()]
    assert len(phones) == len(set(phones))
    assert "+46701740605" in phones
    for phone in phones:
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.region_code_for_number(number) == "SE"
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def test_organisation_numbers_pass_the_check_digit() -> None:
    seed()

    for org_number in Organisation.objects.values_list("org_number", flat=True):
        assert orgnr.is_valid(org_number), org_number


def test_it_refuses_to_run_in_production(settings: Settings) -> None:
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed()

    assert not Ambassador.objects.exists()


def test_it_refuses_to_run_unless_sms_go_to_the_console(settings: Settings) -> None:
    settings.SMS_BACKEND = "twilio"

    with pytest.raises(CommandError, match="SMS_BACKEND"):
        seed()

    assert not BuddyRequest.objects.exists()


def test_it_leaves_a_real_person_with_a_demo_number_alone() -> None:
    seed()
    BuddyRequest.objects.filter(phone="+46701740700").update(source=Source.WEB, first_name="Real")

    with pytest.raises(CommandError, match="will not overwrite"):
        seed()

    assert BuddyRequest.objects.get(phone="+46701740700").first_name == "Real"


def test_demo_coordinators_can_log_in(client: Client) -> None:
    seed()

    for username in ("region", "are", "ostersund"):
        # django-axes checks every login against the request it came with.
        assert client.login(
            request=HttpRequest(), username=username, password="demo-password-2026"
        ), username
        assert User.objects.get(username=username).is_staff
        client.logout()
    assert Coordinator.objects.get(user__username="region").is_region_admin


def test_the_are_coordinator_sees_only_are_requests() -> None:
    seed()

    visible = BuddyRequest.objects.visible_to(User.objects.get(username="are"))

    assert visible.exists()
    assert set(visible.values_list("municipality__name", flat=True)) == {"Åre"}
    everything = BuddyRequest.objects.visible_to(User.objects.get(username="region"))
    assert everything.count() == BuddyRequest.objects.count()


def test_it_prints_a_summary_and_the_demo_logins() -> None:
    output = seed()

    assert "Demo network: 60 ambassadors, 120 requests, 9 organisations, 3 coordinators." in output
    assert "demo-password-2026" in output
    assert "demo only" in output
