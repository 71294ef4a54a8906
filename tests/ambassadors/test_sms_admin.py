"""Coordinators read the message log of their municipalities' people, and clear the texts
nobody could read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, InboundSms, OptOut, OutboundSms

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(make_ambassador: Callable[..., Ambassador]) -> dict[str, InboundSms]:
    made = {}
    for name, municipality in (("are", "Åre"), ("berg", "Berg")):
        ambassador = make_ambassador(municipality, first_name=name)
        made[name] = InboundSms.objects.create(
            message_sid=f"SM-{name}",
            from_number=str(ambassador.phone),
            body=f"text from {name}",
            ambassador=ambassador,
            needs_attention=True,
        )
        OutboundSms.objects.create(
            to=ambassador.phone,
            ambassador=ambassador,
            purpose=OutboundSms.Purpose.OFFER,
            language="sv",
            body=f"offer to {name}",
            encoding="GSM-7",
            segments=1,
        )
    made["stranger"] = InboundSms.objects.create(
        message_sid="SM-stranger",
        from_number="+46701740699",
        body="text from a stranger",
        needs_attention=True,
    )
    return made


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coordinator_sees_only_texts_of_their_municipalitys_people(
    texts: dict[str, InboundSms], make_coordinator: Callable[..., User]
) -> None:
    client = logged_in(make_coordinator("Åre"))

    inbound = client.get("/admin/ambassadors/inboundsms/").content.decode()
    outbound = client.get("/admin/ambassadors/outboundsms/").content.decode()

    assert "text from are" in inbound
    assert "text from berg" not in inbound and "text from a stranger" not in inbound
    assert str(texts["are"].from_number) in outbound
    assert str(texts["berg"].from_number) not in outbound
    assert client.get(f"/admin/ambassadors/inboundsms/{texts['berg'].id}/change/").status_code in (
        302,
        404,
    )


def test_the_region_admin_sees_texts_from_unknown_numbers_and_the_opt_outs(
    texts: dict[str, InboundSms], make_coordinator: Callable[..., User]
) -> None:
    OptOut.objects.create(phone="+46701740698", source=OptOut.Source.KEYWORD)
    client = logged_in(make_coordinator(region_admin=True))

    assert "text from a stranger" in client.get("/admin/ambassadors/inboundsms/").content.decode()
    assert "+46701740698" in client.get("/admin/ambassadors/optout/").content.decode()
    local = logged_in(make_coordinator("Åre"))
    assert local.get("/admin/ambassadors/optout/").status_code == 403


def test_marking_texts_dealt_with_clears_only_the_coordinators_own(
    texts: dict[str, InboundSms], make_coordinator: Callable[..., User]
) -> None:
    user = make_coordinator("Åre")
    client = logged_in(user)

    response = client.post(
        "/admin/ambassadors/inboundsms/",
        {
            "action": "mark_dealt_with",
            "_selected_action": [texts["are"].id, texts["berg"].id],
        },
    )

    assert response.status_code == 302
    waiting = InboundSms.objects.filter(needs_attention=True)
    assert set(waiting.values_list("message_sid", flat=True)) == {"SM-stranger", "SM-berg"}
    texts["are"].refresh_from_db()
    assert texts["are"].dealt_with_by == user
