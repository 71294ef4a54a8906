from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from ambassadors.consent import CONSENT_TEXTS
from ambassadors.models import Ambassador, BuddyRequest, Consent

pytestmark = pytest.mark.django_db


def buddy_request(**overrides: Any) -> dict[str, Any]:
    body = {
        "first_name": "Abdi",
        "last_name": "Warsame",
        "phone": "+46 70 174 06 10",
        "preferred_language": "so",
        "other_languages": ["en", "sv"],
        "municipality": "2380",
        "arrival_date": "2027-02-01",
        "has_partner": True,
        "children_ages": [2],
        "interests": ["football"],
        "needs": ["housing", "school"],
        "consent": True,
        "consent_language": "en",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def test_a_newcomer_asks_for_a_buddy_without_logging_in(api: APIClient) -> None:
    response = api.post("/api/v1/buddy-requests/", buddy_request(), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["updated"] is False
    stored = BuddyRequest.objects.get(id=response.json()["id"])
    assert stored.phone == "+46701740610"
    assert stored.preferred_language.code == "so"
    assert {language.code for language in stored.other_languages.all()} == {"en", "sv"}
    assert {need.slug for need in stored.needs.all()} == {"housing", "school"}
    assert stored.source == "api"
    consent = stored.consents.get()
    assert (consent.channel, consent.language) == (Consent.Channel.API, "en")


def test_the_response_does_not_echo_personal_data(api: APIClient) -> None:
    response = api.post("/api/v1/buddy-requests/", buddy_request(), format="json")

    assert set(response.json()) == {"id", "status", "updated", "detail"}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"phone": "12345"}, "phone", "valid phone number"),
        ({"phone": "+46 8 465 004 00"}, "phone", "landline"),
        ({"municipality": "9999"}, "municipality", '"9999"'),
        ({"preferred_language": "xx"}, "preferred_language", '"xx"'),
        ({"other_languages": ["en", "klingon"]}, "other_languages", '"klingon"'),
        ({"interests": ["base-jumping"]}, "interests", '"base-jumping"'),
        ({"consent": False}, "consent", "Consent is required"),
        ({"consent": None}, "consent", "required"),
        ({"consent_text_version": "1999-1"}, "consent_text_version", '"1999-1"'),
        ({"children_ages": [4, 40]}, "children_ages", "less than or equal to 17"),
        ({"first_name": None}, "first_name", "required"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(
    api: APIClient, overrides: dict[str, Any], field: str, words: str
) -> None:
    response = api.post("/api/v1/buddy-requests/", buddy_request(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert words in str(response.json()[field])
    assert BuddyRequest.objects.count() == 0
    assert Consent.objects.count() == 0


def test_the_same_number_updates_the_open_request(api: APIClient) -> None:
    first = api.post("/api/v1/buddy-requests/", buddy_request(), format="json")

    second = api.post(
        "/api/v1/buddy-requests/",
        buddy_request(phone="0701740610", municipality="2321"),
        format="json",
    )

    assert second.status_code == 200
    assert second.json()["updated"] is True
    assert second.json()["id"] == first.json()["id"]
    assert BuddyRequest.objects.get().municipality.code == "2321"


def test_a_client_that_posts_too_often_is_throttled(
    api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"signup": "2/hour"})
    for number in ("0701740611", "0701740612"):
        response = api.post("/api/v1/buddy-requests/", buddy_request(phone=number), format="json")
        assert response.status_code == 201

    response = api.post("/api/v1/buddy-requests/", buddy_request(phone="0701740613"), format="json")

    assert response.status_code == 429
    assert BuddyRequest.objects.count() == 2


def ambassador(**overrides: Any) -> dict[str, Any]:
    body = {
        "first_name": "Anna",
        "phone": "0701740620",
        "preferred_language": "sv",
        "languages": [{"language": "sv", "level": "native"}, {"language": "ar", "level": "basic"}],
        "home_municipality": "2326",
        "meeting_municipalities": ["2380"],
        "interests": ["hunting-fishing"],
        "helps_with": ["partner-work"],
        "consent": True,
        "consent_language": "sv",
        "consent_text_version": CONSENT_TEXTS[Consent.Purpose.AMBASSADOR].version,
    }
    body.update(overrides)
    return body


def test_someone_signs_up_as_an_ambassador(api: APIClient) -> None:
    response = api.post("/api/v1/ambassadors/", ambassador(), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["active"] is False
    stored = Ambassador.objects.get()
    assert {(level.language.code, level.level) for level in stored.language_levels.all()} == {
        ("sv", 4),
        ("ar", 1),
    }
    assert stored.consents.get().language == "sv"


def test_an_ambassador_names_a_language_only_once(api: APIClient) -> None:
    languages = [{"language": "sv", "level": "native"}, {"language": "sv", "level": "basic"}]

    response = api.post("/api/v1/ambassadors/", ambassador(languages=languages), format="json")

    assert response.status_code == 400
    assert "listed twice" in str(response.json()["languages"])


def test_an_ambassador_needs_a_language(api: APIClient) -> None:
    response = api.post("/api/v1/ambassadors/", ambassador(languages=[]), format="json")

    assert response.status_code == 400
    assert "languages" in response.json()
    assert Ambassador.objects.count() == 0


def test_a_number_already_signed_up_is_named_in_the_error(api: APIClient) -> None:
    api.post("/api/v1/ambassadors/", ambassador(), format="json")

    response = api.post("/api/v1/ambassadors/", ambassador(first_name="Other"), format="json")

    assert response.status_code == 400
    assert "already registered" in response.json()["phone"][0]
    assert Ambassador.objects.count() == 1


def test_a_code_with_a_nul_character_is_a_bad_request_not_a_server_error(
    api: APIClient,
) -> None:
    # PostgreSQL refuses a NUL in a query parameter: the field must refuse it first.
    response = api.post(
        "/api/v1/ambassadors/",
        {"first_name": "Test", "phone": "070-174 06 05", "home_municipality": "23\x0021"},
        format="json",
    )

    assert response.status_code == 400
    assert "NUL" in str(response.json()["home_municipality"])
