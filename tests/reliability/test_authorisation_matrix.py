"""A coordinator of one municipality gets nothing of another's, on every route there is.

The routes come from the URL configuration itself (and the admin's from its registry), so a new
route is checked the day it is added. Each is built with the ids of municipality B's objects and
requested as a coordinator of A (session, and token on the API): the answer may refuse (403,
404, 405, a redirect, 400) or answer 200, but must never carry B's names, numbers (in any
spelling), email, or the words of their texts; a POST must change none of B's rows. A route whose
parameters cannot be filled fails the test until it is given ids here or listed, with its reason,
among the exemptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ambassadors.models import (
    Ambassador,
    BuddyRequest,
    InboundSms,
    Language,
    Municipality,
    Organisation,
    OutboundSms,
)
from events.models import (
    Call,
    Event,
    Hotline,
    HotlineLanguage,
    HotlineVolunteer,
    Invitation,
    Rota,
    Shift,
    ShiftAssignment,
)
from matching.models import Match, MatchRun, Offer, Proposal

pytestmark = pytest.mark.django_db

A, B = "Åre", "Östersund"

# B's people: names no other row or page holds, and numbers from PTS's range for fiction.
B_AMBASSADOR = {
    "first_name": "Zenobia",
    "last_name": "Quillfeather",
    "phone": "+46701740690",
    "email": "Zenobia.Quill@example.org",
}
B_HOUSEHOLD = {"first_name": "Yusupha", "last_name": "Drakenstierna", "phone": "+46701740691"}
B_SECOND = {"first_name": "Wilhelmina", "last_name": "Ostrogoth", "phone": "+46701740692"}
B_ORGANISATION = "Kvarnbergets Hemliga Förening"
B_EVENT = "Slutet möte hos Quillfeather"
B_TEXT = "Hemligt svar från Zenobia"
B_HOTLINE = "Östersunds lokala jourlinje"


def spellings(phone: str) -> list[str]:
    """+46701740690 as people and programs write it: 0701740690, 070-174 06 90 …"""
    national = "0" + phone[3:]
    return [
        phone,
        phone[1:],
        national,
        f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}",
        f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}",
        f"{national[:3]}-{national[3:]}",
        f"+46 {national[1:3]} {national[3:6]} {national[6:8]} {national[8:]}",
        # URL-encoded, as in a link or a query string.
        phone.replace("+", "%2B"),
    ]


MARKERS = [
    *(
        value.lower()
        for person in (B_AMBASSADOR, B_HOUSEHOLD, B_SECOND)
        for key, value in person.items()
        if key != "phone"
    ),
    *(
        spelling.lower()
        for person in (B_AMBASSADOR, B_HOUSEHOLD, B_SECOND)
        for spelling in spellings(person["phone"])
    ),
    B_ORGANISATION.lower(),
    B_EVENT.lower(),
    B_TEXT.lower(),
    B_HOTLINE.lower(),
]


def leaked(content: bytes) -> list[str]:
    text = content.decode("utf-8", errors="replace").lower()
    # JSON escapes ö as \u00f6; the names above are ASCII, the rest is checked both ways.
    unescaped = text.encode().decode("unicode_escape", errors="ignore") if "\\u" in text else text
    return [marker for marker in MARKERS if marker in text or marker in unescaped]


@dataclass
class World:
    ambassador: Ambassador
    household: BuddyRequest
    second: Ambassador
    organisation: Organisation
    run: MatchRun
    proposal: Proposal
    offer: Offer
    match: Match
    event: Event
    invitation: Invitation
    hotline: Hotline
    rota: Rota
    shift: Shift
    call: Call
    inbound: InboundSms
    outbound: OutboundSms

    def objects(self) -> list[Model]:
        return [getattr(self, name) for name in self.__dataclass_fields__]


@pytest.fixture
def world(make_coordinator: Callable[..., User]) -> World:
    """One of each kind of thing, all in municipality B."""
    home = Municipality.objects.get(name=B)
    swedish = Language.objects.get(code="sv")
    ambassador = Ambassador.objects.create(
        home_municipality=home, preferred_language=swedish, active=True, **B_AMBASSADOR
    )
    second = Ambassador.objects.create(
        home_municipality=home, preferred_language=swedish, active=True, **B_SECOND
    )
    household = BuddyRequest.objects.create(
        municipality=home, preferred_language=swedish, **B_HOUSEHOLD
    )
    organisation = Organisation.objects.create(name=B_ORGANISATION, municipality=home)
    owner = make_coordinator(B)
    run = MatchRun.objects.create(trigger=MatchRun.Trigger.COMMAND)
    proposal = Proposal.objects.create(
        run=run,
        buddy_request=household,
        ambassador=ambassador,
        score=1.0,
        reasons={},
        explanation=f"{B_AMBASSADOR['first_name']} and {B_HOUSEHOLD['first_name']}",
        explanation_language="en",
    )
    proposal.candidates.create(ambassador=second, rank=1, score=0.5, reasons={})
    offer = Offer.objects.create(
        proposal=proposal,
        buddy_request=household,
        ambassador=second,
        code="4821",
        score=1.0,
        reasons={},
        status=Offer.Status.DECLINED,
        expires_at=timezone.now() + timedelta(days=2),
    )
    match = Match.objects.create(buddy_request=household, ambassador=ambassador)
    starts = timezone.now() + timedelta(days=10)
    event = Event.objects.create(
        title_sv=B_EVENT,
        title_en=B_EVENT,
        kind=Event.Kind.NETWORK_MEETUP,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        municipality=home,
        address="Rådhusgatan 25",
        capacity=10,
        organiser=owner,
    )
    invitation = Invitation.objects.create(event=event, ambassador=ambassador)
    hotline = Hotline.objects.create(
        name=B_HOTLINE,
        phone="+46631234599",
        municipality=home,
        fallback_name=B_SECOND["first_name"],
        fallback_phone=B_SECOND["phone"],
    )
    HotlineLanguage.objects.create(hotline=hotline, language=swedish, digit=1)
    volunteer = HotlineVolunteer.objects.create(hotline=hotline, ambassador=ambassador)
    rota = Rota.objects.create(hotline=hotline, first_day=starts.date(), last_day=starts.date())
    shift = Shift.objects.create(
        hotline=hotline, rota=rota, number=1, starts_at=starts, ends_at=starts + timedelta(hours=3)
    )
    ShiftAssignment.objects.create(shift=shift, volunteer=volunteer, language=swedish)
    call = Call.objects.create(hotline=hotline, call_sid="CA" + "9" * 32, caller_last_digits="690")
    inbound = InboundSms.objects.create(
        message_sid="SM" + "9" * 32,
        from_number=B_AMBASSADOR["phone"],
        to_number="+46101380000",
        body=B_TEXT,
        ambassador=ambassador,
        needs_attention=True,
    )
    outbound = OutboundSms.objects.create(
        to=B_HOUSEHOLD["phone"],
        purpose=OutboundSms.Purpose.INTRODUCTION,
        body=f"Hej {B_HOUSEHOLD['first_name']}! {B_AMBASSADOR['first_name']} …",
        language="sv",
        buddy_request=household,
        encoding="GSM-7",
        segments=1,
    )
    return World(
        ambassador, household, second, organisation, run, proposal, offer, match, event,
        invitation, hotline, rota, shift, call, inbound, outbound,
    )  # fmt: skip


# --- Routes -------------------------------------------------------------------------------------

# Routes the matrix does not request, each with the reason. Keep it short: every other route is
# requested as A with B's ids.
EXEMPT = {
    # The key is a signed token, not a login: a coordinator's session opens nothing there.
    # Forged and other people's tokens are tested with the pages (tests/events/,
    # tests/ambassadors/).
    "events:invitation": "signed token (events/i/<token>/)",
    "events:invitation_ics": "signed token",
    "events:personal_feed": "signed token (an ambassador's calendar)",
    "events:ambassador_page": "signed token (an ambassador's page)",
    "newcomer_request": "signed token (a newcomer's link)",
}


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)
        else:
            yield "", prefix + str(pattern.pattern)


def all_routes() -> list[tuple[str, str]]:
    return sorted(set(walk(get_resolver().url_patterns)))


# DRF's router names its routes "<basename>-<action>": the basename says what `pk` is.
PK_BY_BASENAME = {
    "buddy-request": "household",
    "ambassador": "ambassador",
    "organisation": "organisation",
    "match-run": "run",
    "proposal": "proposal",
    "event": "event",
    "invitation": "invitation",
}
# Path parameters by name, as the apps spell them.
PARAMETERS = {
    "event_id": "event",
    "hotline_id": "hotline",
    "rota_id": "rota",
    "proposal_id": "proposal",
    "text_id": "inbound",
    "ambassador_id": "ambassador",
    "request_id": "household",
    "match_id": "match",
    "offer_id": "offer",
    "call_id": "call",
    "shift_id": "shift",
    "invitation_id": "invitation",
    "organisation_id": "organisation",
}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex>\w+)>[^)]*\)")


# Routes for "a person" name the kind of row and its id: one URL for each kind.
PERSON_KINDS = {"ambassador": "ambassador", "request": "household"}


def build_all(name: str, pattern: str, world: World) -> list[str] | None:
    """The route's URLs with B's ids, or None when a parameter means nothing known here."""
    if re.search(r"<(?:str:)?kind>", pattern) and re.search(r"<(?:int:)?key>", pattern):
        urls = []
        for kind, attribute in PERSON_KINDS.items():
            filled = re.sub(r"<(?:str:)?kind>", kind, pattern)
            filled = re.sub(r"<(?:int:)?key>", str(getattr(world, attribute).pk), filled)
            url = build(name, filled, world)
            if url is None:
                return None
            urls.append(url)
        return urls
    url = build(name, pattern, world)
    return None if url is None else [url]


def build(name: str, pattern: str, world: World) -> str | None:
    """The route's URL with B's ids, or None when a parameter means nothing known here."""
    missing = False

    def fill(found: re.Match[str]) -> str:
        nonlocal missing
        parameter = found.group("name") or found.group("regex")
        if parameter == "pk" or parameter == "object_id":
            basename = name.rsplit(":", 1)[-1].rsplit("-", 1)[0]
            attribute = PK_BY_BASENAME.get(basename)
        elif parameter == "kind" and name.endswith("import_template"):
            return "ambassadors"
        elif parameter == "format":
            return "json"
        else:
            attribute = PARAMETERS.get(parameter)
        if attribute is None:
            missing = True
            return ""
        return str(getattr(world, attribute).pk)

    path = PARAMETER.sub(fill, pattern)
    if missing:
        return None
    # The router's regular expressions: ^, $, and the optional format suffix.
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + path


ADMIN_MODEL_PAGES = ("_changelist", "_add", "_change", "_history", "_delete", "app_list",
                     "view_on_site")  # fmt: skip


def admin_urls(world: World) -> list[tuple[str, str, bool]]:
    """(name, url, holds an object of B's) for every registered model's admin pages."""
    by_model = {type(item): item for item in world.objects()}
    urls: list[tuple[str, str, bool]] = []
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append((f"{prefix}_changelist", reverse(f"{prefix}_changelist"), False))
        urls.append((f"{prefix}_add", reverse(f"{prefix}_add"), False))
        item = by_model.get(model)
        if item is None:
            continue
        for page in ("change", "history", "delete"):
            urls.append((f"{prefix}_{page}", reverse(f"{prefix}_{page}", args=[item.pk]), True))
    for label in {model._meta.app_label for model in admin.site._registry}:
        urls.append(("admin:app_list", reverse("admin:app_list", args=[label]), False))
    kind = ContentType.objects.get_for_model(Ambassador)
    urls.append(("admin:view_on_site", f"/admin/r/{kind.pk}/{world.ambassador.pk}/", True))
    return urls


def matrix(world: World) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """Every route as (name, url, carries B's ids), and the routes that could not be built."""
    urls: list[tuple[str, str, bool]] = []
    unclassified: list[str] = []
    for name, pattern in all_routes():
        has_ids = PARAMETER.search(pattern) is not None
        if name in EXEMPT or (name.startswith("admin:") and name.endswith(ADMIN_MODEL_PAGES)):
            # The admin's pages per model come from its registry, below.
            continue
        if not name and pattern.startswith("admin/"):
            # The admin's unnamed routes: `<model>/<id>/` redirects to the change page
            # (requested below) and the catch-all answers 404 or the login.
            continue
        built = build_all(name, pattern, world)
        if built is None:
            unclassified.append(f"{name or '(unnamed)'}: {pattern}")
        else:
            urls += [(name, url, has_ids) for url in built]
    return urls + admin_urls(world), unclassified


# --- The coordinators -------------------------------------------------------------------------


@pytest.fixture
def outsider(make_coordinator: Callable[..., User]) -> User:
    return make_coordinator(A)


def clients(user: User) -> list[tuple[str, Client]]:
    session = Client()
    session.force_login(user)
    token = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return [("session", session), ("token", token)]


def state(world: World) -> list[dict[str, Any]]:
    return [
        dict(type(item)._default_manager.filter(pk=item.pk).values().get())
        for item in world.objects()
    ]


ACCEPTABLE = {200, 204, 301, 302, 303, 400, 403, 404, 405, 409, 429}


def test_every_route_is_classified(world: World) -> None:
    _urls, unclassified = matrix(world)

    assert unclassified == [], (
        "Routes the authorisation matrix cannot fill in: give their parameters B's ids in "
        "PARAMETERS (or PK_BY_BASENAME), or list them in EXEMPT with the reason."
    )


def test_a_coordinator_of_another_municipality_gets_nothing_of_theirs_on_any_route(
    world: World, outsider: User
) -> None:
    urls, _unclassified = matrix(world)
    before = state(world)
    problems: list[str] = []

    for how, client in clients(outsider):
        for name, url, _has_ids in urls:
            if how == "token" and not url.startswith("/api/"):
                continue
            response = client.get(url)
            if response.status_code >= 500 or response.status_code not in ACCEPTABLE:
                problems.append(f"GET {url} ({name}, {how}): {response.status_code}")
            elif found := leaked(response.content):
                problems.append(f"GET {url} ({name}, {how}): shows {found}")

    assert problems == []
    assert state(world) == before


def test_a_coordinator_of_another_municipality_changes_nothing_of_theirs_on_any_route(
    world: World, outsider: User
) -> None:
    urls, _unclassified = matrix(world)
    before = state(world)
    problems: list[str] = []

    for how, client in clients(outsider):
        for name, url, has_ids in urls:
            # Only the routes that name one of B's objects: a route without an id acts on the
            # coordinator's own municipalities (and some, like running matching, on all).
            if not has_ids or (how == "token" and not url.startswith("/api/")):
                continue
            response = client.post(url, {"post": "yes", "ambassador": world.second.pk})
            if response.status_code >= 500:
                problems.append(f"POST {url} ({name}, {how}): {response.status_code}")
            elif found := leaked(response.content):
                problems.append(f"POST {url} ({name}, {how}): shows {found}")

    assert problems == []
    assert state(world) == before


def test_the_coordinator_of_the_municipality_does_see_it(
    world: World, make_coordinator: Callable[..., User]
) -> None:
    # The control: the same routes as B's own coordinator show B's people, so the markers and
    # ids above would catch a leak.
    owner = User.objects.get(username=f"coordinator-{B}")
    urls = dict((name, url) for name, url, _ in matrix(world)[0])
    client = Client()
    client.force_login(owner)

    for name in (
        "ambassador-detail",
        "buddy-request-detail",
        "ambassador-export",
        "workspace:ambassador",
        "admin:ambassadors_ambassador_change",
    ):
        name = name if name in urls else name.split(":")[-1]
        response = client.get(urls[name])
        assert response.status_code == 200, name
        assert leaked(response.content), name
