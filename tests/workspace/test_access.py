"""Who gets into the workspace: coordinators after logging in, nobody else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["today", "people", "meetups", "pictures", "reports", "import"]


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_is_sent_to_the_workspace_login(client: Client, page: str) -> None:
    response = client.get(reverse(f"workspace:{page}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))


@pytest.mark.parametrize("page", PAGES)
def test_someone_who_is_not_a_coordinator_is_refused(
    client: Client, django_user_model: type[User], page: str
) -> None:
    client.force_login(django_user_model.objects.create_user(username="someone"))

    assert client.get(reverse(f"workspace:{page}")).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_coordinator_gets_every_page(
    client: Client, make_coordinator: Callable[..., User], page: str
) -> None:
    client.force_login(make_coordinator("Åre"))

    response = client.get(reverse(f"workspace:{page}"))

    assert response.status_code == 200
    assert b"<main" in response.content


def test_a_coordinator_logs_in_with_the_form_and_lands_on_today(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    make_coordinator("Åre")

    response = client.post(
        reverse("workspace:login"),
        {"username": "coordinator-Åre", "password": "a long test password"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:today")


def test_a_wrong_password_is_told_and_logs_nobody_in(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    make_coordinator("Åre")

    response = client.post(
        reverse("workspace:login"), {"username": "coordinator-Åre", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
