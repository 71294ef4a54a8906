"""Public endpoints are limited per client address, and sign-in codes per number too.

The counters live in the configured cache: Redis when REDIS_URL is set (as in
CI's second run), so every web process counts together; the tests that swap
in a fresh cache connection show that a second process sees the same count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from ambassadors.models import Ambassador, BuddyRequest, Language, Municipality, OutboundSms
from ambassadors.self_service import newcomer_token

pytestmark = pytest.mark.django_db

HOME = "203.0.113.5"
ELSEWHERE = "198.51.100.7"


def post(path: str, data: dict[str, Any], *, address: str = HOME, **extra: Any) -> Any:
    return Client().post(path, data, REMOTE_ADDR=address, **extra)


def buddy_form(phone: str) -> dict[str, Any]:
    return {
        "first_name": "Amina",
        "phone": phone,
        "preferred_language": Language.objects.get(code="ar").id,
        "municipality": Municipality.objects.get(name="Åre").id,
        "consent": "on",
    }


@pytest.fixture
def another_process(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """From now on, talk to the cache over a new connection, as another web process would."""

    def switch() -> None:
        # The handler keeps one connection per alias in `_connections`.
        connections = getattr(caches, "_connections")  # noqa: B009
        monkeypatch.setattr(connections, "default", caches.create_connection("default"))

    return switch


def test_the_buddy_form_takes_a_few_posts_per_address_then_answers_429(settings: Any) -> None:
    settings.PUBLIC_FORM_RATE = "2/hour"
    first = post("/en/buddy/", buddy_form("070-174 06 11"))
    second = post("/en/buddy/", buddy_form("070-174 06 12"))

    third = post("/en/buddy/", buddy_form("070-174 06 13"))
    other = post("/en/buddy/", buddy_form("070-174 06 14"), address=ELSEWHERE)

    assert [first.status_code, second.status_code] == [302, 302]
    assert third.status_code == 429
    assert "Too many tries" in third.content.decode()
    assert other.status_code == 302
    assert BuddyRequest.objects.count() == 3


def test_reading_the_form_is_not_counted(settings: Any) -> None:
    settings.PUBLIC_FORM_RATE = "1/hour"
    for _ in range(3):
        assert Client().get("/en/buddy/", REMOTE_ADDR=HOME).status_code == 200

    assert post("/en/buddy/", buddy_form("070-174 06 11")).status_code == 302


def test_the_ambassador_form_is_limited_and_the_page_is_in_the_visitors_language(
    settings: Any,
) -> None:
    settings.PUBLIC_FORM_RATE = "1/hour"
    post("/sv/ambassador/", {"first_name": "Anna"})

    limited = post("/sv/ambassador/", {"first_name": "Anna"})

    assert limited.status_code == 429
    assert '<html lang="sv"' in limited.content.decode()


def test_behind_a_proxy_each_forwarded_address_counts_for_itself(settings: Any) -> None:
    settings.PUBLIC_FORM_RATE = "1/hour"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"address": "10.0.0.1"}
    first = post("/en/buddy/", buddy_form("070-174 06 11"), HTTP_X_FORWARDED_FOR=HOME, **proxy)

    # The client wrote its own X-Forwarded-For; our proxy appended the real address.
    spoofed = post(
        "/en/buddy/",
        buddy_form("070-174 06 12"),
        HTTP_X_FORWARDED_FOR=f"192.0.2.1, {HOME}",
        **proxy,
    )
    other = post("/en/buddy/", buddy_form("070-174 06 13"), HTTP_X_FORWARDED_FOR=ELSEWHERE, **proxy)

    assert [first.status_code, spoofed.status_code, other.status_code] == [302, 429, 302]


def test_sign_in_codes_are_limited_per_number_whoever_asks(
    ambassador: Callable[..., Ambassador], settings: Any
) -> None:
    settings.OTP_RATE_PER_NUMBER = "3/hour"
    ambassador(phone="+46701740650")
    addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]

    answers = [
        post("/en/me/sign-in/", {"phone": "070-174 06 50"}, address=address).status_code
        for address in addresses
    ]

    assert answers == [302, 302, 302, 429]
    assert OutboundSms.objects.count() == 3


def test_an_unknown_number_is_limited_the_same_way(settings: Any) -> None:
    settings.OTP_RATE_PER_NUMBER = "1/hour"
    post("/en/me/sign-in/", {"phone": "070-174 06 51"})

    assert post("/en/me/sign-in/", {"phone": "070-174 06 51"}, address=ELSEWHERE).status_code == 429


def test_sign_in_codes_are_limited_per_address_across_numbers(settings: Any) -> None:
    settings.OTP_RATE_PER_IP = "2/hour"
    numbers = ["070-174 06 51", "070-174 06 52", "070-174 06 53"]

    answers = [post("/en/me/sign-in/", {"phone": number}).status_code for number in numbers]

    assert answers == [302, 302, 429]
    assert post("/en/me/sign-in/", {"phone": numbers[2]}, address=ELSEWHERE).status_code == 302


def test_code_guesses_are_limited_per_address(settings: Any) -> None:
    settings.OTP_VERIFY_RATE_PER_IP = "2/hour"
    answers = []
    for guess in ("111111", "222222", "333333"):
        client = Client(REMOTE_ADDR=HOME)
        client.post("/en/me/sign-in/", {"phone": "070-174 06 51"}, REMOTE_ADDR=ELSEWHERE)
        answers.append(client.post("/en/me/code/", {"code": guess}).status_code)

    assert answers == [200, 200, 429]


def test_posts_through_a_households_link_are_limited(
    household: Callable[..., BuddyRequest], settings: Any
) -> None:
    settings.PUBLIC_FORM_RATE = "1/hour"
    path = f"/en/request/{newcomer_token(buddy_request=household())}/"
    english = {"action": "language", "preferred_language": Language.objects.get(code="en").id}
    post(path, english)

    assert post(path, english).status_code == 429
    assert Client().get(path, REMOTE_ADDR=HOME).status_code == 200


def test_the_web_limit_is_counted_in_the_shared_cache(
    settings: Any, another_process: Callable[[], None]
) -> None:
    settings.PUBLIC_FORM_RATE = "1/hour"
    post("/en/buddy/", buddy_form("070-174 06 11"))

    another_process()

    assert post("/en/buddy/", buddy_form("070-174 06 12")).status_code == 429


def test_the_api_throttle_is_counted_in_the_shared_cache(
    monkeypatch: pytest.MonkeyPatch, another_process: Callable[[], None]
) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"signup": "1/hour"})
    APIClient(REMOTE_ADDR=HOME).post("/api/v1/buddy-requests/", {}, format="json")

    another_process()

    answer = APIClient(REMOTE_ADDR=HOME).post("/api/v1/buddy-requests/", {}, format="json")
    assert answer.status_code == 429
