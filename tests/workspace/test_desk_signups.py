"""Today's "New ambassadors to meet": who signed up or was imported and waits for a
coordinator to meet them, in the coordinator's municipalities, with the button to activate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest, Consent, Source
from ambassadors.services import consent_record
from matching.models import Match

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
TODAY = reverse("workspace:today")


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def are(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Åre"))
    return client


def panel(html: str) -> str:
    found = re.search(r'<section id="to-meet".*?</section>', html, re.S)
    assert found is not None, "no panel to-meet"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def signed_up(
    make: Callable[..., Ambassador], name: str, days_ago: int, **fields: Any
) -> Ambassador:
    fields.setdefault("active", False)
    fields.setdefault("source", Source.WEB)
    ambassador = make("Åre", first_name=name, **fields)
    Ambassador.objects.filter(id=ambassador.id).update(created_at=NOW - timedelta(days=days_ago))
    return ambassador


def test_the_panel_lists_inactive_sign_ups_the_oldest_first(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    signed_up(ambassador, "Recent", 2, languages="uk:4 sv:2", phone="+46701740605")
    signed_up(ambassador, "Imported", 30, languages="sv:4", source=Source.IMPORT)

    text = panel(are.get(TODAY).content.decode())

    assert text.startswith("New ambassadors to meet 2 ")
    assert "Imported Åre" in text and "Recent Åre 070-174 06 05" in text
    assert text.index("Imported") < text.index("Recent")
    assert "Ukrainian, Swedish 27 Feb web form Activate Recent" in text
    assert "Swedish 30 Jan import Activate Imported" in text


def test_the_panel_leaves_out_the_active_others_municipalities_and_the_deactivated(
    are: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    signed_up(ambassador, "Waiting", 3)
    signed_up(ambassador, "Active", 3, active=True)
    ambassador("Östersund", first_name="Elsewhere", active=False)
    former = signed_up(ambassador, "Former", 60)
    Match.objects.create(
        buddy_request=household("Åre"), ambassador=former, status=Match.Status.ENDED
    )
    withdrew = signed_up(ambassador, "Withdrew", 5)
    consent = consent_record(
        purpose=Consent.Purpose.AMBASSADOR,
        language="sv",
        channel=Consent.Channel.WEB,
        ambassador=withdrew,
    )
    Consent.objects.filter(id=consent.id).update(withdrawn_at=NOW)

    text = panel(are.get(TODAY).content.decode())

    assert text.startswith("New ambassadors to meet 1 ")
    assert "Waiting" in text
    for name in ("Active", "Elsewhere", "Former", "Withdrew"):
        assert name not in text


def test_the_panel_links_each_name_to_the_ambassadors_page(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    sara = signed_up(ambassador, "Sara", 1)

    html = are.get(TODAY).content.decode()

    assert f'<a href="{reverse("workspace:ambassador", args=[sara.id])}">Sara</a>' in html


def test_activating_from_the_panel_takes_them_off_it(
    are: Client, ambassador: Callable[..., Ambassador]
) -> None:
    sara = signed_up(ambassador, "Sara", 4)
    signed_up(ambassador, "Nils", 2)

    response = are.post(
        reverse("workspace:ambassador_activate", args=[sara.id]), {"next": TODAY}, follow=True
    )

    sara.refresh_from_db()
    assert sara.active is True
    assert response.redirect_chain == [(TODAY, 302)]
    html = response.content.decode()
    assert "Sara is active: they can now be proposed, put on the rota and invited." in html
    text = panel(html)
    assert text.startswith("New ambassadors to meet 1 ")
    assert "Sara" not in text and "Nils" in text


def test_nobody_waiting_to_be_met_says_so(are: Client) -> None:
    assert panel(are.get(TODAY).content.decode()) == (
        "New ambassadors to meet 0 Nobody is waiting to be met."
    )


def test_a_region_admin_sees_sign_ups_everywhere(
    make_coordinator: Callable[..., User], ambassador: Callable[..., Ambassador]
) -> None:
    signed_up(ambassador, "Astrid", 2)
    ambassador("Berg", first_name="Bengt", active=False)
    client = Client()
    client.force_login(make_coordinator(region_admin=True))

    text = panel(client.get(TODAY).content.decode())

    assert text.startswith("New ambassadors to meet 2 ")
    assert "Astrid" in text and "Bengt" in text
