"""Searching people in the workspace: by name, phone number in any spelling or email,
among the ambassadors and buddy requests the coordinator may see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest
from workspace.people.selectors import phone_e164

pytestmark = pytest.mark.django_db

PEOPLE = reverse("workspace:people")


def page_link(person: Ambassador | BuddyRequest) -> str:
    page = "ambassador" if isinstance(person, Ambassador) else "buddy_request"
    return reverse(f"workspace:{page}", args=[person.id])


@pytest.fixture
def ostersund(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Östersund"))
    return client


@pytest.mark.parametrize(
    "spelling",
    ["070-174 06 05", "0701740605", "+46 70 174 06 05", "0046 70 174 06 05", "46701740605"],
)
def test_a_coordinator_finds_an_ambassador_by_their_number_however_it_is_spelled(
    ostersund: Client, make_ambassador: Callable[..., Ambassador], spelling: str
) -> None:
    erik = make_ambassador("Östersund", first_name="Erik", phone="+46701740605")
    make_ambassador("Östersund", first_name="Sara", phone="+46701740606")

    page = ostersund.get(PEOPLE, {"q": spelling}).content.decode()

    assert page_link(erik) in page
    assert "Sara" not in page


def test_a_number_finds_the_household_that_asked_from_it(
    ostersund: Client, make_request: Callable[..., BuddyRequest]
) -> None:
    amina = make_request("Östersund", first_name="Amina", phone="+46701740610")

    page = ostersund.get(PEOPLE, {"q": "070 174 06 10"}).content.decode()

    assert page_link(amina) in page
    assert "070-174 06 10" in page


def test_a_name_finds_ambassadors_and_buddy_requests_alike(
    ostersund: Client,
    make_ambassador: Callable[..., Ambassador],
    make_request: Callable[..., BuddyRequest],
) -> None:
    anna = make_ambassador("Östersund", first_name="Anna", last_name="Berg")
    annika = make_request("Östersund", first_name="Annika", last_name="Bergström")
    make_ambassador("Östersund", first_name="Anna", last_name="Lind")

    page = ostersund.get(PEOPLE, {"q": "ann berg"}).content.decode()

    assert page_link(anna) in page
    assert page_link(annika) in page
    assert "Lind" not in page


def test_a_name_with_a_swedish_capital_is_found_in_lower_case(
    ostersund: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    asa = make_ambassador("Östersund", first_name="Åsa", last_name="Öberg")

    page = ostersund.get(PEOPLE, {"q": "åsa öberg"}).content.decode()

    assert page_link(asa) in page


def test_an_email_address_finds_the_ambassador(
    ostersund: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    erik = make_ambassador("Östersund", first_name="Erik", email="erik.berg@example.se")

    page = ostersund.get(PEOPLE, {"q": "erik.berg@example"}).content.decode()

    assert page_link(erik) in page
    assert "erik.berg@example.se" in page


def test_part_of_a_number_finds_everyone_whose_number_has_it(
    ostersund: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    erik = make_ambassador("Östersund", first_name="Erik", phone="+46701740605")
    sara = make_ambassador("Östersund", first_name="Sara", phone="+46701740615")

    starts = ostersund.get(PEOPLE, {"q": "070-174 06"}).content.decode()
    ends = ostersund.get(PEOPLE, {"q": "0615"}).content.decode()

    assert page_link(erik) in starts and page_link(sara) in starts
    assert page_link(sara) in ends and page_link(erik) not in ends


def test_a_coordinator_finds_nobody_outside_their_municipalities(
    ostersund: Client,
    make_ambassador: Callable[..., Ambassador],
    make_request: Callable[..., BuddyRequest],
) -> None:
    astrid = make_ambassador("Åre", first_name="Astrid", phone="+46701740620")
    household = make_request("Åre", first_name="Astrid", phone="+46701740621")

    by_name = ostersund.get(PEOPLE, {"q": "Astrid"}).content.decode()
    by_number = ostersund.get(PEOPLE, {"q": "070-174 06 20"}).content.decode()

    for page in (by_name, by_number):
        assert "Nobody you coordinate matches" in page
        assert page_link(astrid) not in page and page_link(household) not in page


def test_a_region_admin_finds_people_in_every_municipality(
    make_coordinator: Callable[..., User], make_ambassador: Callable[..., Ambassador]
) -> None:
    client = Client()
    client.force_login(make_coordinator(region_admin=True))
    astrid = make_ambassador("Åre", first_name="Astrid")
    olle = make_ambassador("Östersund", first_name="Astrid", last_name="Olsson")

    page = client.get(PEOPLE, {"q": "astrid"}).content.decode()

    assert page_link(astrid) in page and page_link(olle) in page


def test_a_single_letter_is_too_little_to_search_for(
    ostersund: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    make_ambassador("Östersund", first_name="Erik")

    page = ostersund.get(PEOPLE, {"q": "e"}).content.decode()

    assert "Type at least 2 characters." in page
    assert "Ambassadors (" not in page


def test_a_search_shows_the_first_25_and_says_how_many_more_there_are(
    ostersund: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    for _ in range(27):
        make_ambassador("Östersund", first_name="Erik")

    page = ostersund.get(PEOPLE, {"q": "erik"}).content.decode()

    assert 'Ambassadors <span class="muted">(27)</span>' in page
    assert "And 2 more: add a word to narrow the search." in page


@pytest.mark.parametrize(
    ("spelling", "stored"),
    [
        ("070-174 06 05", "+46701740605"),
        ("(070) 174 06 05", "+46701740605"),
        ("+46 (0)70 174 06 05", "+46701740605"),
        ("+358 40 123 4567", "+358401234567"),
        ("070-174", None),
        ("Erik", None),
    ],
)
def test_a_whole_number_is_read_in_the_spelling_it_is_stored_in(
    spelling: str, stored: str | None
) -> None:
    assert phone_e164(spelling) == stored
