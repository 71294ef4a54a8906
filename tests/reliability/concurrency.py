"""Running requests at the same moment, each on its own database connection, as two web
workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.test import Client
from twilio.request_validator import RequestValidator

T = TypeVar("T")


def at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(i)` in `count` threads released together; any exception fails the caller."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - handed to the test below
            errors.append(error)
        finally:
            # Each thread opened its own connections; a test database with one left open
            # cannot be dropped at the end of the run.
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    if errors:
        raise errors[0]
    return results


def post_signed(path: str, form: dict[str, str]) -> Any:
    """POST to one of our Twilio webhooks, signed the way Twilio signs it."""
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        f"{settings.PUBLIC_BASE_URL}{path}", form
    )
    return Client().post(path, form, HTTP_X_TWILIO_SIGNATURE=signature)
