"""Newcomers and ambassadors on the public pages, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ambassadors.models import Ambassador, BuddyRequest
from tests.browser.conftest import accessibility_problems, screenshot

# The reference data (municipalities, languages) comes from migrations: put
# it back after each test that empties the tables.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_newcomer_asks_for_a_buddy_on_the_arabic_form(page: Page) -> None:
    page.goto("/ar/buddy/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "newcomer-arabic-form")

    page.fill("#id_first_name", "ليلى")
    page.fill("#id_phone", "070-174 06 10")
    page.select_option("#id_municipality", label="Krokom")
    page.select_option(
        "#id_preferred_language",
        value=page.locator("#id_preferred_language option", has_text="العربية").first.get_attribute(
            "value"
        ),
    )
    page.check("#id_has_partner")
    page.fill("#id_children_ages", "٤، ٩")
    page.check("#id_consent")
    page.get_by_role("button").last.click()

    expect(page).to_have_url(re.compile(r"/ar/buddy/thanks/"))
    screenshot(page, "newcomer-arabic-thanks")
    request = BuddyRequest.objects.get()
    assert request.first_name == "ليلى"
    assert request.preferred_language.code == "ar"
    assert request.children_ages == [9, 4]  # stored oldest first
    assert request.municipality.name == "Krokom"


def test_an_arabic_form_with_a_mistake_says_what_is_wrong_and_keeps_the_input(
    page: Page,
) -> None:
    page.goto("/ar/buddy/")
    page.fill("#id_first_name", "ليلى")
    page.fill("#id_phone", "12")
    page.get_by_role("button").last.click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_first_name")).to_have_value("ليلى")
    screenshot(page, "newcomer-arabic-form-errors")
    assert BuddyRequest.objects.count() == 0


def test_an_ambassador_signs_up_in_ukrainian(page: Page) -> None:
    page.goto("/uk/ambassador/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    screenshot(page, "ambassador-ukrainian-form")

    page.fill("#id_first_name", "Олена")
    page.fill("#id_last_name", "Коваль")
    page.fill("#id_phone", "070-174 06 11")
    page.select_option("#id_home_municipality", label="Åre")
    page.select_option("#id_level_uk", index=4)
    page.select_option("#id_level_sv", index=2)
    page.select_option("#id_preferred_language", index=1)
    page.check("#id_consent")
    page.get_by_role("button").last.click()

    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "ambassador-ukrainian-thanks")
    ambassador = Ambassador.objects.get()
    assert ambassador.first_name == "Олена"
    assert ambassador.home_municipality.name == "Åre"
    assert set(ambassador.languages.values_list("code", flat=True)) == {"uk", "sv"}
    assert not ambassador.active


@pytest.mark.parametrize(
    "path", ["/sv/", "/ar/", "/sv/buddy/", "/ar/buddy/", "/uk/ambassador/", "/en/events/"]
)
def test_the_public_pages_have_no_serious_accessibility_problem(page: Page, path: str) -> None:
    page.goto(path)

    assert accessibility_problems(page) == []
