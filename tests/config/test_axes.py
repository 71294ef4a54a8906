"""Staff logins lock after five wrong passwords, for that username from that address only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a long test password"


def log_in(client: Client, username: str, password: str, *, address: str = "203.0.113.5") -> Any:
    return client.post(
        "/workspace/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def coordinator(make_coordinator: Callable[..., User]) -> User:
    return make_coordinator("Åre")


def test_five_wrong_passwords_lock_out_even_the_right_one(
    client: Client, coordinator: User
) -> None:
    wrong = [log_in(client, coordinator.username, "guess").status_code for _ in range(4)]
    fifth = log_in(client, coordinator.username, "guess")

    sixth = log_in(client, coordinator.username, PASSWORD)

    assert wrong == [200, 200, 200, 200]
    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert "Login locked" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_leaves_other_users_and_other_addresses_alone(
    client: Client, coordinator: User, make_coordinator: Callable[..., User]
) -> None:
    colleague = make_coordinator("Krokom")
    for _ in range(5):
        log_in(client, coordinator.username, "guess")

    other_user = log_in(Client(), colleague.username, PASSWORD)
    other_address = log_in(Client(), coordinator.username, PASSWORD, address="198.51.100.7")

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_a_right_password_before_the_limit_starts_the_count_again(
    client: Client, coordinator: User
) -> None:
    for _ in range(4):
        log_in(client, coordinator.username, "guess")
    assert log_in(client, coordinator.username, PASSWORD).status_code == 302
    client.logout()

    after = [log_in(client, coordinator.username, "guess").status_code for _ in range(4)]

    assert after == [200, 200, 200, 200]


def test_the_admin_login_is_locked_too(client: Client, coordinator: User) -> None:
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": coordinator.username, "password": "guess"},
            REMOTE_ADDR="203.0.113.5",
        )  # fmt: skip

    response = client.post(
        "/admin/login/", {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )  # fmt: skip

    assert response.status_code == 429


def test_the_lockout_page_is_in_the_visitors_language(client: Client, coordinator: User) -> None:
    for _ in range(5):
        log_in(client, coordinator.username, "guess")

    response = client.post(
        "/workspace/login/",
        {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
        headers={"accept-language": "sv"},
    )

    assert response.status_code == 429
    assert '<html lang="sv"' in response.content.decode()


def test_behind_a_proxy_the_forwarded_address_is_the_one_locked(
    client: Client, coordinator: User, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(5):
        client.post(
            "/workspace/login/", {"username": coordinator.username, "password": "guess"},
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5",
        )  # fmt: skip

    elsewhere = Client().post(
        "/workspace/login/", {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7",
    )  # fmt: skip

    assert elsewhere.status_code == 302
