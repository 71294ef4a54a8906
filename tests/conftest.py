from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Coordinator,
    Language,
    LanguageLevel,
    Municipality,
)

# Fictional numbers: PTS keeps 070-174 06 05 to 070-174 06 99 for fiction.
FICTION_NUMBERS = [f"+4670174{n:04d}" for n in range(605, 700)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Throttle counters live in the cache, which is Redis in CI: start clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_between_tests() -> Iterator[None]:
    # A request in /ar/ leaves Arabic active in this thread: start every test
    # in the default language, whatever ran before it.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Real password hashing is slow on purpose; tests set many passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def municipality() -> Callable[[str], Municipality]:
    def get(name: str) -> Municipality:
        return Municipality.objects.get(name=name)

    return get


@pytest.fixture
def language() -> Callable[[str], Language]:
    def get(code: str) -> Language:
        return Language.objects.get(code=code)

    return get


@pytest.fixture
def numbers() -> Iterator[str]:
    return iter(FICTION_NUMBERS)


@pytest.fixture
def make_request(numbers: Iterator[str]) -> Callable[..., BuddyRequest]:
    def make(municipality: str = "Östersund", **fields: Any) -> BuddyRequest:
        fields.setdefault("first_name", "Amina")
        fields.setdefault("phone", next(numbers))
        fields.setdefault("preferred_language", Language.objects.get(code="ar"))
        return BuddyRequest.objects.create(
            municipality=Municipality.objects.get(name=municipality), **fields
        )

    return make


@pytest.fixture
def make_ambassador(numbers: Iterator[str]) -> Callable[..., Ambassador]:
    def make(municipality: str = "Östersund", languages: str = "sv", **fields: Any) -> Ambassador:
        fields.setdefault("first_name", "Erik")
        fields.setdefault("phone", next(numbers))
        fields.setdefault("preferred_language", Language.objects.get(code="sv"))
        ambassador = Ambassador.objects.create(
            home_municipality=Municipality.objects.get(name=municipality), **fields
        )
        for code in languages.split():
            AmbassadorLanguage.objects.create(
                ambassador=ambassador,
                language=Language.objects.get(code=code),
                level=LanguageLevel.FLUENT,
            )
        return ambassador

    return make


@pytest.fixture
def make_coordinator(django_user_model: type[User]) -> Callable[..., User]:
    def make(*municipalities: str, region_admin: bool = False) -> User:
        name = "-".join(municipalities) or "region"
        user = django_user_model.objects.create_user(
            username=f"coordinator-{name}", password="a long test password", is_staff=True
        )
        coordinator = Coordinator.objects.create(user=user, is_region_admin=region_admin)
        coordinator.municipalities.set(Municipality.objects.filter(name__in=municipalities))
        return user

    return make


@pytest.fixture
def api() -> APIClient:
    return APIClient()
