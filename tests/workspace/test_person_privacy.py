"""A coordinator hands a person their data (a page and JSON) and erases them, from the
person's page, within their municipalities; looking at people leaves a row in the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, AuditEvent, BuddyRequest

pytestmark = pytest.mark.django_db

PHONE = "+46701740688"


@pytest.fixture
def are(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Åre"))
    return client


@pytest.fixture
def person(make_ambassador: Callable[..., Ambassador]) -> Ambassador:
    return make_ambassador("Åre", first_name="Signe", last_name="Holmqvist", phone=PHONE)


def test_the_ambassadors_page_links_to_the_export_and_the_erasure(
    are: Client, person: Ambassador
) -> None:
    page = are.get(reverse("workspace:ambassador", args=[person.id])).content.decode()

    assert reverse("workspace:person_export", args=["ambassador", person.id]) in page
    assert reverse("workspace:person_erase", args=["ambassador", person.id]) in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, subject_id=person.id,
                                     via="workspace:ambassador").exists()  # fmt: skip


def test_the_export_is_a_readable_page_and_a_json_download_of_every_row_with_the_number(
    are: Client, person: Ambassador, make_request: Callable[..., BuddyRequest]
) -> None:
    make_request("Åre", first_name="Signe", phone=PHONE, message="We arrive in May")
    url = reverse("workspace:person_export", args=["ambassador", person.id])

    page = are.get(url).content.decode()
    download = are.get(url, {"format": "json"})

    assert "Holmqvist" in page and "We arrive in May" in page
    assert download["Content-Disposition"].startswith("attachment")
    tables = json.loads(download.content)["tables"]
    assert [row["message"] for row in tables["ambassadors.buddyrequest"]] == ["We arrive in May"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 4


def test_erasing_asks_first_and_only_a_post_erases(are: Client, person: Ambassador) -> None:
    url = reverse("workspace:person_erase", args=["ambassador", person.id])

    confirm = are.get(url)
    person.refresh_from_db()
    assert confirm.status_code == 200 and person.erased_at is None
    assert '<form method="post">' in confirm.content.decode()

    assert are.post(url).status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.erased_at is not None) == ("(erased)", True)


def test_another_municipalitys_person_cannot_be_exported_or_erased(
    are: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    other = make_ambassador("Östersund", first_name="Olle")

    assert (
        are.get(reverse("workspace:person_export", args=["ambassador", other.id])).status_code
        == 404
    )
    assert (
        are.post(reverse("workspace:person_erase", args=["ambassador", other.id])).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.erased_at is None


def test_a_search_and_a_pause_are_recorded_with_a_count_and_a_field_name(
    are: Client, person: Ambassador
) -> None:
    are.get(reverse("workspace:people"), {"q": "Signe"})
    are.post(reverse("workspace:people_pause", args=[person.id]), {"until": "2099-01-01"})

    listed = AuditEvent.objects.filter(action=AuditEvent.Action.LIST, via="workspace:people")
    assert sorted((e.subject_type, e.count) for e in listed) == [
        ("ambassadors.ambassador", 1),
        ("ambassadors.buddyrequest", 0),
    ]
    changed = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
    assert (changed.subject_id, changed.fields) == (person.id, ["paused_until"])
