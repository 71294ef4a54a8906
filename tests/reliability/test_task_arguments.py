"""Tasks and schedules carry ids only: never a name, a number or the text of a message.

django-q2 keeps a failed task with its arguments, and the broker (Redis or a table) holds every
queued one: personal data there outlives its erasure. Two scans: the packages the broker really
holds after the flows that queue work, and every call site in the code, so that a new task is
covered before a flow test reaches it.
"""

from __future__ import annotations

import ast
import io
import itertools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from django_q.brokers import Broker, get_broker
from django_q.brokers.orm import ORM
from django_q.models import OrmQ, Schedule
from django_q.signing import SignedPackage

from ambassadors.models import Ambassador, BuddyRequest, OutboundSms
from ambassadors.outbox import sms_dispatch_due, sms_queue
from events.hotline import rota_generate, rota_publish
from events.models import Event, Hotline, Invitation, Rota
from events.services import event_create, event_publish, reminders_dispatch_due, rsvp
from matching.models import MatchRun, Offer
from matching.services import match_run, proposal_approve

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "ambassadors", "matching", "events", "api", "workspace")
SIDS = (f"SM{n:032x}" for n in itertools.count(1))


# --- What may be an argument -------------------------------------------------------------------


def id_only(value: object) -> bool:
    """An id, a list of ids, None or a flag; nothing that could name or reach a person."""
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, list | tuple):
        return all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    return False


# --- The broker, read without taking anything from it -----------------------------------------


def queued_packages(broker: Broker) -> list[dict[str, Any]]:
    if isinstance(broker, ORM):
        payloads: list[Any] = list(
            OrmQ.objects.filter(key=broker.list_key).values_list("payload", flat=True)
        )
    else:
        payloads = broker.connection.lrange(broker.list_key, 0, -1)
    return [SignedPackage.loads(payload) for payload in payloads]


@pytest.fixture
def broker() -> Iterator[Broker]:
    # The same configuration the outbox queues through: ORM on SQLite, Redis in CI's second run.
    queue = get_broker()
    queue.purge_queue()
    yield queue
    queue.purge_queue()


def offences(packages: list[dict[str, Any]]) -> list[str]:
    found = []
    for package in packages:
        for position, value in enumerate(package.get("args") or ()):
            if not id_only(value):
                found.append(f"{package['func']} argument {position}: {value!r}")
        for name, value in (package.get("kwargs") or {}).items():
            if not id_only(value):
                found.append(f"{package['func']} keyword {name}: {value!r}")
    return found


def schedule_offences() -> list[str]:
    found = []
    for schedule in Schedule.objects.all():
        args = ast.literal_eval(schedule.args) if schedule.args else ()
        kwargs = ast.literal_eval(schedule.kwargs) if schedule.kwargs else {}
        if not isinstance(args, tuple | list):
            args = (args,)
        for value in [*args, *dict(kwargs).values()]:
            if not id_only(value):
                found.append(f"schedule {schedule.name!r} ({schedule.func}): {value!r}")
    return found


# --- The flows that queue work ------------------------------------------------------------------


@dataclass
class Network:
    coordinator: User
    committing: Callable[[], AbstractContextManager[Any]]
    twilio_post: Callable[..., Any]


@pytest.fixture
def network(
    settings: Any,
    make_coordinator: Callable[..., User],
    committing: Callable[[], AbstractContextManager[Any]],
    twilio_post: Callable[..., Any],
) -> Network:
    # Every text goes at once, whatever the hour the test runs at.
    settings.QUIET_HOURS = None
    settings.SMS_BACKEND = "console"
    with committing():
        # The demo network: people, a published hotline rota (texts to its volunteers).
        call_command("seed_demo", stdout=io.StringIO())
    return Network(make_coordinator(region_admin=True), committing, twilio_post)


def flow_public_submission(network: Network, api: Any) -> None:
    with network.committing():
        response = api.post(
            "/api/v1/buddy-requests/",
            {
                "first_name": "Olena",
                "phone": "+46 70 174 06 11",
                "municipality": "2380",
                "preferred_language": "uk",
                "consent": True,
                "consent_language": "en",
            },
            format="json",
        )
    assert response.status_code == 201, response.content


def flow_offer_and_yes(network: Network) -> None:
    with network.committing():
        run, _result = match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal = run.proposals.first()
    assert proposal is not None, "the demo network gives the engine nothing to propose"
    with network.committing():
        proposal_approve(proposal=proposal, user=network.coordinator)
    offer = Offer.objects.get(proposal=proposal, status=Offer.Status.OPEN)
    with network.committing():
        # The answer by SMS makes the match; both get an introduction.
        response = network.twilio_post(
            "/webhooks/twilio/sms/",
            {
                "MessageSid": next(SIDS),
                "From": str(offer.ambassador.phone),
                "To": "+46101380000",
                "Body": f"JA {offer.code}",
            },
        )
    assert response.status_code == 200


def flow_event_published_and_reminded(network: Network) -> None:
    guest = Ambassador.objects.filter(active=True).first()
    assert guest is not None
    with network.committing():
        event = event_create(
            organiser=network.coordinator,
            title_sv="Träff",
            title_en="Meetup",
            kind=Event.Kind.NETWORK_MEETUP,
            # The reminder two hours before is due within the dispatcher's lookahead.
            starts_at=timezone.now() + timedelta(minutes=121),
            ends_at=timezone.now() + timedelta(minutes=240),
            municipality=guest.home_municipality,
            address="Rådhusgatan 25",
            capacity=50,
            reminder_offsets=[120],
        )
        event_publish(event=event)
    invitation = Invitation.objects.filter(event=event).first()
    assert invitation is not None
    with network.committing():
        rsvp(invitation=invitation, going=True, channel=Invitation.Channel.LINK)
    with network.committing():
        assert reminders_dispatch_due()[0] >= 1


def flow_rota_published(network: Network) -> None:
    hotline = Hotline.objects.first()
    assert hotline is not None, "seed_demo made no hotline"
    start = timezone.localdate() + timedelta(weeks=8)
    with network.committing():
        rota = rota_generate(hotline=hotline, first_day=start, weeks=1)
        rota_publish(rota=Rota.objects.get(id=rota.id), by=network.coordinator)


def flow_retry_due(network: Network) -> None:
    household = BuddyRequest.objects.first()
    assert household is not None
    message = sms_queue(
        to=household.phone, purpose=OutboundSms.Purpose.OFFER, body="Hej", language="sv"
    )
    # As if Twilio had said 429 once and the pause were over.
    OutboundSms.objects.filter(id=message.id).update(
        attempts=1, send_after=timezone.now() - timedelta(seconds=1)
    )
    with network.committing():
        assert sms_dispatch_due() >= 1


def test_every_task_the_flows_queue_carries_ids_only(
    network: Network, broker: Broker, api: Any
) -> None:
    flow_public_submission(network, api)
    flow_offer_and_yes(network)
    flow_event_published_and_reminded(network)
    flow_rota_published(network)
    flow_retry_due(network)

    packages = queued_packages(broker)

    queued = {package["func"] for package in packages}
    # The scan saw the tasks that carry the most personal work.
    assert {"ambassadors.tasks.sms_send_task", "ambassadors.tasks.sms_send_many_task"} <= queued
    assert offences(packages) == []


def test_every_schedule_carries_ids_only(network: Network) -> None:
    # Migrations registered the periodic schedules; the flows may add their own.
    flow_event_published_and_reminded(network)

    assert Schedule.objects.exists()
    assert schedule_offences() == []


def test_the_scan_would_catch_a_task_carrying_a_phone_number_or_a_body(broker: Broker) -> None:
    from django_q.tasks import async_task

    async_task("ambassadors.tasks.sms_send_task", "+46701740605", broker=broker)
    async_task("ambassadors.tasks.sms_send_task", 7, body="Hej Amina", broker=broker)
    async_task("ambassadors.tasks.sms_send_many_task", [1, 2, 3], broker=broker)

    assert offences(queued_packages(broker)) == [
        "ambassadors.tasks.sms_send_task argument 0: '+46701740605'",
        "ambassadors.tasks.sms_send_task keyword body: 'Hej Amina'",
    ]


# --- Every call site in the code ----------------------------------------------------------------

# The names that queue a task or make a schedule; wrappers that pass their *args on to one of
# them are found below and added.
QUEUEING = {"async_task", "schedule", "async_iter", "async_chain"}
SCHEDULE_MODEL_METHODS = {"create", "get_or_create", "update_or_create", "bulk_create"}
# Options of django-q2's, not arguments of the task.
Q_OPTIONS = {
    "broker",
    "hook",
    "group",
    "timeout",
    "save",
    "sync",
    "cached",
    "ack_failure",
    "task_name",
    "q_options",
    "cluster",
    "name",
    "schedule_type",
    "minutes",
    "repeats",
    "next_run",
    "cron",
    "intended_date_kwarg",
}
ID_NAMES = ("id", "pk", "ids", "pks")


def _leaf(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def id_like(node: ast.expr) -> bool:
    """An expression that by its name can only hold ids: `message.id`, `message_ids[:20]`, 3."""
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, int)
    if isinstance(node, ast.Subscript):
        return id_like(node.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(id_like(item) for item in node.elts)
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        return id_like(node.elt)
    if isinstance(node, ast.Call) and _leaf(node.func) in ("list", "sorted", "tuple"):
        return all(id_like(item) for item in node.args)
    name = _leaf(node)
    return name is not None and (name in ID_NAMES or name.endswith(("_id", "_ids", "_pk")))


def _called(node: ast.Call) -> str | None:
    return _leaf(node.func)


def _task_arguments(call: ast.Call, queueing: set[str]) -> list[ast.expr] | None:
    """The arguments a call hands to a task, or None when it queues nothing."""
    name = _called(call)
    if name == "partial" and call.args and _leaf(call.args[0]) in queueing:
        inner = ast.Call(func=call.args[0], args=call.args[1:], keywords=call.keywords)
        return _task_arguments(inner, queueing)
    if name in queueing:
        arguments = list(call.args[1:])
        arguments += [kw.value for kw in call.keywords if kw.arg not in Q_OPTIONS]
        return arguments
    if (
        name in SCHEDULE_MODEL_METHODS
        and isinstance(call.func, ast.Attribute)
        and "Schedule" in ast.unparse(call.func.value)
    ):
        found: list[ast.expr] = []
        for keyword in call.keywords:
            if keyword.arg in ("args", "kwargs"):
                found.append(keyword.value)
            if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in ("args", "kwargs"):
                        found.append(value)
        return found
    return None


def _passes_varargs_on(function: ast.FunctionDef, queueing: set[str]) -> bool:
    """A wrapper like `enqueue(func, *args)` that hands its own *args to async_task."""
    if function.args.vararg is None:
        return False
    vararg = function.args.vararg.arg
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and _called(node) in queueing:
            if any(
                isinstance(arg, ast.Starred) and _leaf(arg.value) == vararg for arg in node.args
            ):
                return True
    return False


def source_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def static_offences() -> tuple[int, list[str]]:
    trees = {path: ast.parse(path.read_text(), filename=str(path)) for path in source_files()}
    queueing = set(QUEUEING)
    while True:
        wrappers = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and _passes_varargs_on(node, queueing)
        }
        if wrappers <= queueing:
            break
        queueing |= wrappers
    sites, found = 0, []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            arguments = _task_arguments(node, queueing)
            if arguments is None:
                continue
            sites += 1
            for argument in arguments:
                if isinstance(argument, ast.Starred):
                    # The wrapper's own pass-through; its callers are checked instead.
                    continue
                if not id_like(argument):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append(f"{where}: {ast.unparse(argument)}")
    return sites, found


def test_every_call_that_queues_a_task_passes_ids_by_name() -> None:
    sites, found = static_offences()

    # enqueue, partial(enqueue, …), sms_send_batch's batches and the three schedule modules.
    assert sites >= 4
    assert found == [], (
        "A task or schedule argument that is not an id by its name (…_id, …_ids, .id, .pk). "
        "Pass the row's id and let the task load it."
    )


def test_the_call_site_scan_recognises_ids_and_refuses_the_rest() -> None:
    def arguments(source: str) -> list[bool]:
        call = ast.parse(source).body[0]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        found = _task_arguments(call.value, set(QUEUEING) | {"enqueue"})
        assert found is not None
        return [id_like(argument) for argument in found]

    assert arguments("async_task('t', message.id, [m.id for m in ms], ids[:20], broker=b)") == [
        True,
        True,
        True,
    ]
    assert arguments("partial(enqueue, 't', request_id, 3)") == [True, True]
    assert arguments("async_task('t', ambassador.phone, body=text)") == [False, False]
    assert arguments("Schedule.objects.create(func='t', args=repr((person.first_name,)))") == [
        False
    ]
