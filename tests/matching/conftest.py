from collections.abc import Callable
from typing import Any

import pytest

from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Interest,
    Language,
    LanguageLevel,
    Need,
)


@pytest.fixture
def ambassador(make_ambassador: Callable[..., Ambassador]) -> Callable[..., Ambassador]:
    """An active ambassador speaking `languages` ("sv:4 ar:2"), with interests and needs by slug."""

    def make(
        municipality: str = "Östersund",
        languages: str = "sv:4",
        interests: str = "",
        helps_with: str = "",
        **fields: Any,
    ) -> Ambassador:
        fields.setdefault("active", True)
        made = make_ambassador(municipality, languages="", **fields)
        for item in languages.split():
            code, level = item.split(":")
            AmbassadorLanguage.objects.create(
                ambassador=made,
                language=Language.objects.get(code=code),
                level=LanguageLevel(int(level)),
            )
        made.meeting_municipalities.add(made.home_municipality)
        made.interests.set(Interest.objects.filter(slug__in=interests.split()))
        made.helps_with.set(Need.objects.filter(slug__in=helps_with.split()))
        return made

    return make


@pytest.fixture
def household(make_request: Callable[..., BuddyRequest]) -> Callable[..., BuddyRequest]:
    """A waiting request: preferred language first in `languages` ("ar en")."""

    def make(
        municipality: str = "Östersund",
        languages: str = "ar",
        interests: str = "",
        needs: str = "",
        **fields: Any,
    ) -> BuddyRequest:
        preferred, *others = languages.split()
        made = make_request(
            municipality, preferred_language=Language.objects.get(code=preferred), **fields
        )
        made.other_languages.set(Language.objects.filter(code__in=others))
        made.interests.set(Interest.objects.filter(slug__in=interests.split()))
        made.needs.set(Need.objects.filter(slug__in=needs.split()))
        return made

    return make
