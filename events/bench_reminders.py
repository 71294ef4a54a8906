"""Benchmark meetup reminders end to end: N due in one minute, through the real worker.

    python -m events.bench_reminders --count 10000 [--kill-worker K] [--workers 4]
        [--clusters N] [--database postgres://…] [--redis redis://…] [--lead 70]
        [--spread 60] [--timeout S]

Run from the repository root. It never touches the developer's data: on
PostgreSQL (DATABASE_URL or --database) it creates the database
bench_reminders_<pid> and drops it at the end, otherwise it uses a temporary
SQLite file; with REDIS_URL (or --redis) the django-q2 broker is a Redis
database of its own (the first empty one of 1–15, flushed at the end), since
the test runs' `cache.clear()` flushes the database REDIS_URL names.

It migrates that database (which registers the every-minute schedules), seeds
N ambassadors going to one event with one pending reminder each, due over one
minute (`--spread`) starting `--lead` seconds after the worker starts, and runs
`manage.py qcluster` with the Twilio backend pointed at Prism (Twilio's
contract mock, ../shared/twilio/) behind a recording proxy. The schedules do
the work; this process only watches. `--kill-worker K` SIGKILLs the worker's
whole process group K times while texts are going out (after 1/(K+1), 2/(K+1) …
of them reached Prism) and starts it again each time. `--clusters N` runs N
separate `qcluster` processes on the one database and broker, as N machines
would (a kill takes the first); `tasks_by_cluster` counts the send tasks each
one ran, from its log.

Prints one JSON object. Duplicates and losses are counted from what Prism
received (To + Body), not from our rows. Exit code 0 when nothing was lost,
sent twice or sent unexpectedly, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from tests.twilio_contract import MESSAGES_PATH, Recorded, TwilioProxy, prism_start, prism_stop

ROOT = Path(__file__).resolve().parent.parent
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC = ROOT.parent / "shared" / "twilio" / "twilio_api_v2010.json"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
# The first number of PTS's range for fiction (070-174 06 05), counted on as one
# integer so 10,000 numbers stay valid Swedish mobiles; they only ever reach Prism.
FIRST_NUMBER = 46_701_740_605
# Marks a Redis database as this run's broker while it is in use.
REDIS_CLAIM_KEY = "bench_reminders:owner"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_phone(index: int) -> str:
    return f"+{FIRST_NUMBER + index}"


@dataclass(frozen=True)
class Receipt:
    """One text Prism took, as the proxy saw it."""

    at: float
    to: str
    body: str
    sid: str


class RecordingTwilio(TwilioProxy):
    """The contract proxy, with the time each text reached Prism.

    With `remembers`, it also answers the Messages list (the outbox's lookup of
    a text whose answer was lost) from the texts Prism took, as Twilio would;
    Prism alone remembers nothing and answers with made-up messages.
    """

    def __init__(self, upstream: str, *, remembers: bool = False) -> None:
        self.remembers = remembers
        self._receipts: list[Receipt] = []
        self._recipients: set[str] = set()
        self._rejected = 0
        self._lookups = 0
        self._receipts_lock = threading.Lock()
        super().__init__(upstream)

    @property
    def receipts(self) -> list[Receipt]:
        with self._receipts_lock:
            return list(self._receipts)

    @property
    def recipients(self) -> int:
        """How many numbers got at least one text."""
        with self._receipts_lock:
            return len(self._recipients)

    @property
    def rejected(self) -> int:
        """Texts Prism refused (422: not what Twilio would accept)."""
        with self._receipts_lock:
            return self._rejected

    @property
    def lookups(self) -> int:
        """Times the outbox asked for the recent texts to a number."""
        with self._receipts_lock:
            return self._lookups

    def _record(self, recorded: Recorded) -> None:
        # Only the texts are kept: the lookups would fill memory for nothing.
        if not MESSAGES_PATH.match(urlsplit(recorded.path).path):
            return
        with self._receipts_lock:
            if recorded.method == "GET":
                self._lookups += 1
                return
            if not recorded.accepted:
                self._rejected += 1
                return
            to = recorded.form.get("To", "")
            self._receipts.append(
                Receipt(
                    at=time.time(),
                    to=to,
                    body=recorded.form.get("Body", ""),
                    sid=str(recorded.answer.get("sid") or ""),
                )
            )
            self._recipients.add(to)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        status, answer_headers, content = super()._forward(method, path, headers, body)
        parts = urlsplit(path)
        if not (self.remembers and method == "GET" and MESSAGES_PATH.match(parts.path)):
            return status, answer_headers, content
        to = dict(parse_qsl(parts.query)).get("To", "")
        page = json.loads(content)
        template = page["messages"][0] if page.get("messages") else {}
        with self._receipts_lock:
            sent = [receipt for receipt in self._receipts if receipt.to == to]
        page["messages"] = [
            {
                **template,
                "sid": receipt.sid,
                "to": receipt.to,
                "body": receipt.body,
                "status": "queued",
                "date_created": format_datetime(datetime.fromtimestamp(receipt.at, UTC)),
            }
            for receipt in reversed(sent)
        ]
        return status, answer_headers, json.dumps(page).encode()


# The database and broker of the run.


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server `server_url` names; dropped afterwards."""
    import psycopg

    name = f"bench_reminders_{os.getpid()}"
    maintenance = _with_path(server_url.replace("pgsql://", "postgresql://", 1), "/postgres")
    maintenance = maintenance.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_path(server_url, f"/{name}")
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_database(url: str) -> Iterator[tuple[str, int]]:
    """An empty Redis database (1–15) for this run alone; flushed afterwards."""
    import redis

    if urlsplit(url).scheme not in ("redis", "rediss"):
        raise SystemExit(f"The benchmark needs a redis:// or rediss:// URL, not {url!r}.")
    for number in range(1, 16):
        own = _with_path(url, f"/{number}")
        # The database goes in the URL: from_url lets the URL's /0 win over db=.
        client = redis.Redis.from_url(own)
        if client.connection_pool.connection_kwargs.get("db") != number:
            raise SystemExit(f"Could not select Redis database {number} at {url}.")
        try:
            claimed = client.set(REDIS_CLAIM_KEY, os.getpid(), nx=True, ex=6 * 3600)
        except redis.ResponseError:
            break  # the server has fewer databases
        if not claimed:
            continue
        if client.dbsize() != 1:
            # Someone else's data lives here.
            client.delete(REDIS_CLAIM_KEY)
            continue
        try:
            yield own, number
        finally:
            client.flushdb()
        return
    raise SystemExit(f"No empty Redis database (1-15) at {url} for the benchmark's broker.")


# The worker.


def worker_environment(
    *, database_url: str, redis_url: str, twilio_url: str, workers: int
) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="False",
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID="AC" + "0123456789abcdef" * 2,
        TWILIO_AUTH_TOKEN="bench-auth-token",
        TWILIO_FROM_NUMBER="+46101380000",
        TWILIO_MESSAGING_SERVICE_SID="",
        TWILIO_API_BASE_URL=twilio_url,
        PUBLIC_BASE_URL="https://bench.example.se",
        QUIET_HOURS="off",
        Q_WORKERS=str(workers),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@dataclass
class Worker:
    """`manage.py qcluster` in its own process group, so a kill takes all its processes."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the cluster, its sentinel, pusher, monitor and workers at once."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        # Whatever of the group is left.
        self.kill()

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def send_tasks(self) -> int:
        """The texting tasks this cluster ran, as django-q2 logged them."""
        return sum(
            "Processed 'ambassadors.tasks.sms_send" in line
            for line in self.log.read_text(errors="replace").splitlines()
        )


def migrate(env: dict[str, str], log: Path) -> None:
    with log.open("ab") as output:
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"migrate failed:\n{tail}")


def django_setup(env: dict[str, str]) -> None:
    """Point this process's Django at the benchmark's database, to seed and to watch."""
    os.environ.update(env)
    import django

    django.setup()


# Seeding and watching (Django is set up by then).


def seed_people(count: int) -> int:
    """N active ambassadors coming to one published event tomorrow. Returns the event's id."""
    from django.db import transaction
    from django.utils import timezone

    from ambassadors.models import Ambassador, Language, Municipality
    from events.models import Event, Invitation

    now = timezone.now()
    swedish = Language.objects.get(code="sv")
    home = Municipality.objects.get(name="Östersund")
    with transaction.atomic():
        ambassadors = Ambassador.objects.bulk_create(
            [
                Ambassador(
                    first_name="Bench",
                    last_name=str(index),
                    phone=bench_phone(index),
                    preferred_language=swedish,
                    home_municipality=home,
                    active=True,
                )
                for index in range(count)
            ],
            batch_size=1000,
        )
        event = Event.objects.create(
            title_sv="Nätverksträff",
            title_en="Network meetup",
            kind=Event.Kind.NETWORK_MEETUP,
            starts_at=now + timedelta(days=1, minutes=5),
            ends_at=now + timedelta(days=1, hours=2),
            municipality=home,
            address="Rådhusgatan 1, Östersund",
            status=Event.Status.PUBLISHED,
            code=1,
            published_at=now,
            reminder_offsets=[1440],
        )
        Invitation.objects.bulk_create(
            [
                Invitation(
                    event=event,
                    ambassador=ambassador,
                    status=Invitation.Status.GOING,
                    channel=Invitation.Channel.SMS,
                    answered_at=now,
                )
                for ambassador in ambassadors
            ],
            batch_size=1000,
        )
    return event.id


def seed_reminders(*, event_id: int, first_due: datetime, spread: timedelta) -> None:
    """One pending reminder per guest, due evenly over `spread` from `first_due`."""
    from events.models import Invitation, Reminder

    invitations = list(
        Invitation.objects.filter(event_id=event_id).order_by("id").values_list("id", flat=True)
    )
    step = spread / max(len(invitations), 1)
    Reminder.objects.bulk_create(
        [
            Reminder(invitation_id=invitation, offset=1440, due_at=first_due + step * index)
            for index, invitation in enumerate(invitations)
        ],
        batch_size=1000,
    )


def unsettled() -> tuple[int, int]:
    """(reminders still pending, texts not yet handed over or given up on)."""
    from django.db.models import Q

    from ambassadors.models import OutboundSms
    from events.models import Reminder

    pending = Reminder.objects.filter(status=Reminder.Status.PENDING).count()
    Status = OutboundSms.Status
    texts = OutboundSms.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.SENDING, twilio_sid__isnull=True)
    ).count()
    return pending, texts


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


@dataclass
class Watch:
    """What happened while waiting."""

    kills: list[float] = field(default_factory=list)
    finished: bool = False
    seconds: float = 0.0


def watch(
    *,
    workers: Sequence[Worker],
    proxy: RecordingTwilio,
    count: int,
    kills: int,
    timeout: float,
    started: float,
) -> Watch:
    """Wait until every reminder and text is settled, killing the first worker on the way."""
    worker = workers[0]
    result = Watch()
    thresholds = [count * (index + 1) // (kills + 1) for index in range(kills)]
    last_report = 0.0
    last_check = 0.0
    while True:
        now = time.monotonic()
        elapsed = now - started
        received = proxy.recipients
        if thresholds and received >= thresholds[0]:
            thresholds.pop(0)
            worker.kill()
            result.kills.append(round(elapsed, 1))
            _progress(f"{elapsed:6.1f} s  SIGKILL {len(result.kills)} at {received} texts")
            worker.start()
        for each in workers:
            if not each.alive():
                raise SystemExit(f"The worker stopped by itself:\n{each.tail()}")
        if now - last_check >= 1.0:
            last_check = now
            pending, texts = unsettled()
            if now - last_report >= 5.0:
                last_report = now
                _progress(
                    f"{elapsed:6.1f} s  sent {received}/{count}  reminders pending {pending}"
                    f"  texts unsettled {texts}  kills {len(result.kills)}"
                )
            if pending == 0 and texts == 0 and not thresholds:
                result.finished = True
                break
            if elapsed > timeout:
                _progress(f"timed out after {elapsed:.0f} s")
                break
        # Fine-grained, so a kill lands while texts are going out even when they go fast.
        time.sleep(0.05)
    result.seconds = time.monotonic() - started
    return result


def _seconds(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 3)


def tally(receipts: Sequence[Receipt], *, due_start: datetime) -> dict[str, Any]:
    """Each reminder against what Prism received for it."""
    from ambassadors.models import OutboundSms
    from events.models import Reminder

    by_text: dict[tuple[str, str], list[float]] = defaultdict(list)
    for receipt in receipts:
        by_text[(receipt.to, receipt.body)].append(receipt.at)
    reminders = list(
        Reminder.objects.values_list(
            "id", "due_at", "status", "invitation__ambassador__phone", "message__body"
        )
    )
    sent = duplicates = lost = dropped = 0
    delays: list[float] = []
    matched: set[tuple[str, str]] = set()
    for _id, due_at, status, phone, body in reminders:
        if status == Reminder.Status.DROPPED:
            dropped += 1
        key = (str(phone), body or "")
        times = by_text.get(key, []) if body is not None else []
        matched.add(key)
        if not times:
            lost += 1
            continue
        sent += 1
        duplicates += len(times) - 1
        delays.append(min(times) - due_at.timestamp())
    stray = sum(len(times) for key, times in by_text.items() if key not in matched)
    # Where the time went: the dispatcher writing texts, the queue, Prism.
    messages = OutboundSms.objects.filter(purpose=OutboundSms.Purpose.REMINDER)
    created = list(messages.values_list("created_at", flat=True))
    first_receipt = {key: min(times) for key, times in by_text.items()}
    waits = [
        first_receipt[(str(to), body)] - created_at.timestamp()
        for to, body, created_at in messages.values_list("to", "body", "created_at")
        if (str(to), body) in first_receipt
    ]
    statuses: dict[str, int] = defaultdict(int)
    for status in messages.values_list("status", flat=True):
        statuses[status] += 1
    base = due_start.timestamp()
    at = sorted(receipt.at - base for receipt in receipts)
    return {
        "sent": sent,
        "duplicates": duplicates,
        "lost": lost,
        "dropped": dropped,
        "stray": stray,
        "max_delay_s": round(max(delays), 3) if delays else None,
        "p50_delay_s": _seconds(delays, 0.5),
        "min_delay_s": round(min(delays), 3) if delays else None,
        "profile": {
            "texts_written_s": [
                round(min(created).timestamp() - base, 1),
                round(max(created).timestamp() - base, 1),
            ]
            if created
            else None,
            "prism_received_s": [round(at[0], 1), round(at[-1], 1)] if at else None,
            "written_to_prism_p50_s": _seconds(waits, 0.5),
            "written_to_prism_max_s": _seconds(waits, 1.0),
            "texts_per_s": round(len(at) / (at[-1] - at[0]), 1) if len(at) > 1 else None,
            "text_statuses": dict(statuses),
            "texts_tried_again": messages.filter(attempts__gt=1).count(),
            "texts_rows": len(created),
        },
    }


def run(
    *,
    count: int,
    kills: int = 0,
    workers: int = 4,
    clusters: int = 1,
    database_url: str = "",
    redis_url: str = "",
    lead: float = 70.0,
    spread: float = 60.0,
    timeout: float = 600.0,
    remembers: bool = False,
    workdir: Path | None = None,
) -> dict[str, Any]:
    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        workdir.mkdir(parents=True, exist_ok=True)
        # A kept workdir starts afresh: no old database, no old logs.
        logs = ["qcluster.log"] + [f"qcluster-{index}.log" for index in range(2, clusters + 1)]
        for name in ("bench.sqlite3", "bench.sqlite3-wal", "bench.sqlite3-shm", *logs):
            (workdir / name).unlink(missing_ok=True)
        postgres = urlsplit(database_url).scheme in POSTGRES_SCHEMES
        if postgres:
            database_url = stack.enter_context(postgres_database(database_url))
        else:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        redis_db = None
        if redis_url:
            redis_url, redis_db = stack.enter_context(redis_database(redis_url))
        _progress(f"database {database_url}; broker {redis_url or 'django-q2 ORM'}")
        prism = prism_start(prism=PRISM, spec=SPEC, log=workdir / "prism.log")
        stack.callback(prism_stop, prism)
        proxy = RecordingTwilio(prism.url, remembers=remembers)
        stack.callback(proxy.close)
        env = worker_environment(
            database_url=database_url, redis_url=redis_url, twilio_url=proxy.url, workers=workers
        )
        migrate(env, workdir / "migrate.log")
        django_setup(env)
        stack.callback(close_connections)
        _progress(f"seeding {count} ambassadors, invitations and reminders")
        event_id = seed_people(count)
        from django.utils import timezone

        due_start = timezone.now() + timedelta(seconds=lead)
        seed_reminders(event_id=event_id, first_due=due_start, spread=timedelta(seconds=spread))
        # The same settings for each, as on several machines: one queue, one database.
        cluster_workers = [Worker(env=env, log=workdir / name) for name in logs]
        started = time.monotonic()
        for worker in cluster_workers:
            worker.start()
            stack.callback(worker.stop)
        _progress(
            f"{clusters} worker(s) started; reminders due {lead:.0f}-{lead + spread:.0f} s from now"
        )
        watched = watch(
            workers=cluster_workers,
            proxy=proxy,
            count=count,
            kills=kills,
            timeout=timeout,
            started=started,
        )
        for worker in cluster_workers:
            worker.stop()
        report: dict[str, Any] = {"count": count}
        report.update(tally(proxy.receipts, due_start=due_start))
        report.update(
            {
                "kills": len(watched.kills),
                "killed_at_s": watched.kills,
                "finished": watched.finished,
                "seconds": round(watched.seconds, 1),
                "database": "postgresql" if postgres else "sqlite",
                "broker": "redis" if redis_url else "orm",
                "redis_db": redis_db,
                "workers": workers,
                "clusters": clusters,
                "tasks_by_cluster": [worker.send_tasks() for worker in cluster_workers],
                "twilio_remembers": remembers,
                "rejected_by_prism": proxy.rejected,
                "twilio_lookups": proxy.lookups,
            }
        )
        if not report["finished"] or report["lost"] or report["duplicates"]:
            # Keep the logs of a run that went wrong.
            kept = Path(tempfile.mkdtemp(prefix="bench-reminders-logs-"))
            for name in (*logs, "prism.log", "migrate.log"):
                if (workdir / name).exists():
                    shutil.copy(workdir / name, kept / name)
            report["logs"] = str(kept)
        return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m events.bench_reminders", description=__doc__)
    parser.add_argument("--count", type=int, default=10_000, help="reminders due in one minute")
    parser.add_argument(
        "--kill-worker", type=int, default=0, metavar="K", help="SIGKILL the worker K times"
    )
    parser.add_argument("--workers", type=int, default=4, help="django-q2 worker processes")
    parser.add_argument(
        "--clusters", type=int, default=1, help="separate qcluster processes, as on N machines"
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", ""),
        help="a postgres:// URL: the server to make the benchmark's database on (else SQLite)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL", ""),
        help="a redis:// URL: use django-q2's Redis broker (else its ORM broker)",
    )
    parser.add_argument(
        "--lead", type=float, default=70.0, help="seconds from the worker's start to the first due"
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds to wait (default 600, 900 with kills)"
    )
    parser.add_argument(
        "--twilio-remembers",
        action="store_true",
        help="answer the outbox's lookups from the texts Prism took, as Twilio would",
    )
    parser.add_argument(
        "--spread", type=float, default=60.0, help="seconds over which the reminders fall due"
    )
    parser.add_argument("--workdir", type=Path, help="keep logs and the SQLite file here")
    arguments = parser.parse_args(argv)
    if arguments.count < 1:
        parser.error("--count must be at least 1")
    if arguments.clusters < 1:
        parser.error("--clusters must be at least 1")
    timeout = arguments.timeout or (900.0 if arguments.kill_worker else 600.0)
    report = run(
        count=arguments.count,
        kills=arguments.kill_worker,
        workers=arguments.workers,
        clusters=arguments.clusters,
        database_url=arguments.database,
        redis_url=arguments.redis,
        lead=arguments.lead,
        spread=arguments.spread,
        timeout=timeout,
        remembers=arguments.twilio_remembers,
        workdir=arguments.workdir,
    )
    print(json.dumps(report, indent=2))
    ok = report["finished"] and not (report["duplicates"] or report["lost"] or report["stray"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
