"""System checks that stop the worker (and every other command) on a configuration that loses or
doubles work.

`manage.py qcluster` runs Django's system checks before it starts, like every management command,
so an Error here keeps the worker from starting at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error


def q_cluster_timing_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """django-q2 hands a task out again `retry` seconds after it was taken, finished or not.

    With `retry` at or below `timeout` a task still running (an SMS send waiting on Twilio) is
    handed to a second worker: two sends. Without a `timeout` a hung task holds its worker for
    ever. django-q2 itself only logs a warning, and only when `retry` is strictly smaller.
    """
    cluster: dict[str, object] = getattr(settings, "Q_CLUSTER", {})
    timeout, retry = cluster.get("timeout"), cluster.get("retry")
    if not isinstance(timeout, int) or not isinstance(retry, int) or timeout <= 0 or retry <= 0:
        return [
            Error(
                "Q_CLUSTER needs a positive whole `timeout` and `retry` "
                f"(now timeout={timeout!r}, retry={retry!r}).",
                hint="Set Q_TIMEOUT and Q_RETRY, with Q_RETRY larger than Q_TIMEOUT.",
                id="ambassadors.E001",
            )
        ]
    if retry <= timeout:
        return [
            Error(
                f"Q_CLUSTER retry ({retry} s) must be larger than timeout ({timeout} s): "
                "a task still running would be handed to a second worker and run twice.",
                hint="Set Q_RETRY larger than Q_TIMEOUT.",
                id="ambassadors.E001",
            )
        ]
    return []


def outbox_timing_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """A text left SENDING is looked up at Twilio after STUCK_AFTER and sent again if not found.

    A send task may legitimately run for `timeout` seconds; if that reached STUCK_AFTER, the
    sweep could resend a text whose first request is still on its way to Twilio.
    """
    from ambassadors.outbox import STUCK_AFTER

    timeout = getattr(settings, "Q_CLUSTER", {}).get("timeout")
    if isinstance(timeout, int) and timeout >= STUCK_AFTER.total_seconds():
        return [
            Error(
                f"Q_CLUSTER timeout ({timeout} s) must be shorter than the outbox's "
                f"STUCK_AFTER ({int(STUCK_AFTER.total_seconds())} s): a text still being "
                "sent would be taken for lost and sent again.",
                hint="Lower Q_TIMEOUT.",
                id="ambassadors.E002",
            )
        ]
    return []
