from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_q.conf import Conf
from rest_framework.test import APIClient
from twilio.request_validator import RequestValidator

from ambassadors import sms
from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Coordinator,
    Interest,
    Language,
    LanguageLevel,
    Municipality,
    Need,
)
from ambassadors.sms import LocmemMessage
from tests.twilio_contract import ContractSetupError, TwilioProxy, prism_start, prism_stop

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

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


@pytest.fixture
def sms_outbox(settings: Any) -> Iterator[list[LocmemMessage]]:
    """Texts go to an in-memory list instead of the console; the list is returned."""
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def tasks_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-q2 runs each task in this process as it is queued, as its sync mode does."""
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def committing(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """Run what would run after commit (queueing the send tasks) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def twilio_post(settings: Any, client: Client) -> Callable[..., _MonkeyPatchedWSGIResponse]:
    """POST a form to one of our Twilio webhooks, signed the way Twilio signs it."""
    settings.TWILIO_AUTH_TOKEN = "test-auth-token-0123456789abcdef"
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"

    def post(
        path: str, data: dict[str, str], *, signature: str | None = None
    ) -> _MonkeyPatchedWSGIResponse:
        if signature is None:
            signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
                f"{settings.PUBLIC_BASE_URL}{path}", data
            )
        return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)

    return post


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


ROOT = Path(__file__).resolve().parents[1]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
# Kept next to the repository, shared with the other services.
TWILIO_SPEC = ROOT.parent / "shared" / "twilio" / "twilio_api_v2010.json"


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Prism mock of Twilio's REST API (about 10 s to start, once per run)."""
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    try:
        started = prism_start(prism=PRISM, spec=TWILIO_SPEC, log=log)
    except ContractSetupError as error:
        # No skip: a missing mock must not pass for a passing contract.
        pytest.fail(str(error), pytrace=False)
    yield started.url
    prism_stop(started)


@pytest.fixture(scope="session")
def twilio_proxy(prism: str) -> Iterator[TwilioProxy]:
    """Prism behind a proxy that can play Twilio's outages (429, 500, a dropped answer)."""
    proxy = TwilioProxy(prism)
    yield proxy
    proxy.close()


@pytest.fixture
def twilio_api(settings: Any, twilio_proxy: TwilioProxy) -> TwilioProxy:
    """Texts go to Twilio's contract mock through the proxy; the proxy is returned."""
    twilio_proxy.reset()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
    settings.TWILIO_AUTH_TOKEN = "contract-test-auth-token"
    # A Swedish 010 number that phonenumbers holds valid, as the settings demand.
    settings.TWILIO_FROM_NUMBER = "+46101380000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE_URL = twilio_proxy.url
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"
    return twilio_proxy
