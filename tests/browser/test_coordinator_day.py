"""A coordinator's day in the workspace, in a real browser: approve, plan a meetup, report."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from ambassadors.models import Ambassador, BuddyRequest
from events.models import Event, Invitation
from matching.models import MatchRun, Offer, Proposal
from matching.services import match_run
from tests.browser.conftest import accessibility_problems, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# A Tuesday morning, outside the quiet hours.
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture
def english(browser: Browser, live_server: Any) -> Iterator[Page]:
    """The workspace in English: it follows the browser's language."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def day(
    make_coordinator: Callable[..., User],
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    settings: Any,
) -> Iterator[Proposal]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=True):
        make_coordinator("Åre")
        ambassador("Åre", languages="sv:4 ar:3", first_name="Yusuf", last_name="Haddad")
        household("Åre", languages="ar", first_name="Amina")
        match_run(trigger=MatchRun.Trigger.COORDINATOR)
        yield Proposal.objects.get()


def _log_in(page: Page) -> None:
    page.goto("/workspace/")
    expect(page).to_have_url(re.compile(r"/workspace/login/"))
    screenshot(page, "workspace-login")
    page.fill("#id_username", "coordinator-Åre")
    page.fill("#id_password", "a long test password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name=name).click()


def test_a_coordinator_approves_a_proposal_plans_a_meetup_and_reads_the_report(
    english: Page, day: Proposal
) -> None:
    page = english
    _log_in(page)
    screenshot(page, "workspace-today")
    assert accessibility_problems(page) == []

    page.get_by_role("button", name=re.compile(r"Approve Yusuf")).click()
    expect(page.locator("body")).to_contain_text("Yusuf")
    screenshot(page, "workspace-today-approved")
    assert Offer.objects.filter(proposal=day).count() == 1

    _nav(page, "Meetups")
    screenshot(page, "workspace-meetups")
    page.goto("/workspace/meetups/new/")
    page.fill("#id_title_sv", "Fika för nya i Åre")
    page.fill("#id_title_en", "Coffee for newcomers in Åre")
    page.select_option("#id_kind", value=Event.Kind.NETWORK_MEETUP)
    page.fill("#id_starts_at", "2026-12-10T18:00")
    page.fill("#id_ends_at", "2026-12-10T20:00")
    page.select_option("#id_municipality", label="Åre")
    page.fill("#id_address", "Storlien station")
    page.fill("#id_capacity", "20")
    screenshot(page, "workspace-meetup-new")
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="Save the draft").click()

    expect(page.locator("h1")).to_contain_text("Coffee for newcomers in Åre")
    page.get_by_role("button", name="Publish and send invitations").click()
    expect(page.locator("h1")).to_contain_text("Published")
    screenshot(page, "workspace-meetup-published")
    event = Event.objects.get()
    assert event.status == Event.Status.PUBLISHED
    assert Invitation.objects.filter(event=event).exists()

    _nav(page, "Reports")
    expect(page.locator("h1")).to_contain_text("Report for the funder")
    screenshot(page, "workspace-report")
    assert accessibility_problems(page) == []


@pytest.mark.parametrize(
    "path", ["/workspace/people/", "/workspace/pictures/", "/workspace/import/"]
)
def test_the_other_workspace_pages_have_no_serious_accessibility_problem(
    english: Page, day: Proposal, path: str
) -> None:
    _log_in(english)

    english.goto(path)

    screenshot(english, "workspace" + path.replace("/workspace", "").rstrip("/"))
    assert accessibility_problems(english) == []
