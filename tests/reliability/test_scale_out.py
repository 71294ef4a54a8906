"""Scale-out: several worker processes and several web processes on one database.

As on separate machines: each process is started on its own, with the same
settings, and shares nothing with the others but the database (and Redis when
REDIS_URL is set). Runs on whatever the suite runs on: a SQLite file serves
two processes on one machine as PostgreSQL serves two machines.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection
from twilio.request_validator import RequestValidator

from ambassadors.models import Ambassador, InboundSms, OutboundSms
from tests.reliability.concurrency import at_once

ROOT = Path(__file__).resolve().parents[2]
TEXTS = 300
TOKEN = "scale-out-auth-token-0123456789ab"
PUBLIC_BASE_URL = "https://welcome.example.se"
ROUNDS = 10


def test_two_worker_clusters_share_the_texts_and_send_each_once() -> None:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    # Two `manage.py qcluster` processes on the benchmark's own database and broker
    # (PostgreSQL with Redis when the suite runs there, else a SQLite file and the ORM
    # broker), texting Prism as Twilio. Two workers each, so neither can take the whole
    # queue: django-q2 holds at most workers² tasks in a cluster.
    command = [sys.executable, "-m", "events.bench_reminders", "--count", str(TEXTS)]
    command += ["--clusters", "2", "--workers", "2", "--lead", "20", "--spread", "10"]
    command += ["--timeout", "240"]
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        command += ["--database", settings.DATABASE_URL]

    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=360, check=False
    )

    assert done.stdout, done.stderr[-3000:]
    report = json.loads(done.stdout)
    # Counted from what Prism received, not from our rows.
    assert (report["sent"], report["duplicates"], report["lost"]) == (TEXTS, 0, 0), report
    assert report["stray"] == 0
    assert report["clusters"] == 2
    assert all(tasks > 0 for tasks in report["tasks_by_cluster"]), report["tasks_by_cluster"]
    assert report["broker"] == ("redis" if settings.REDIS_URL else "orm")
    assert done.returncode == 0


def _database_url() -> str:
    """The test database, as a URL another process can open."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    return (
        f"postgres://{quote(database['USER'], safe='')}{password}@{database['HOST'] or 'localhost'}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/languages/", timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture
def web_processes(tmp_path: Path) -> Iterator[list[int]]:
    """Two gunicorn processes with config/gunicorn.conf.py on the test database; their ports."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        DJANGO_ENV="development",
        DEBUG="False",
        SMS_BACKEND="locmem",
        TWILIO_AUTH_TOKEN=TOKEN,
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        QUIET_HOURS="off",
        WEB_CONCURRENCY="2",
        GUNICORN_ACCESS_LOG="off",
    )
    ports = [_free_port(), _free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            with (tmp_path / f"gunicorn-{port}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
                        cwd=ROOT,
                        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + 60
        while not all(_answers(port) for port in ports):
            for port, process in zip(ports, processes, strict=True):
                output = (tmp_path / f"gunicorn-{port}.log").read_text(errors="replace")
                assert process.poll() is None, f"gunicorn stopped:\n{output[-3000:]}"
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield ports
    finally:
        # Stopped before the test database is flushed: they hold connections to it.
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _post_signed(port: int, form: dict[str, str]) -> tuple[int, str]:
    path = "/webhooks/twilio/sms/"
    signature = RequestValidator(TOKEN).compute_signature(f"{PUBLIC_BASE_URL}{path}", form)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status), response.read().decode()


# The gunicorn processes write to the test database itself: the flush after the
# test must leave the reference data (municipalities, languages) in place.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_web_processes_given_the_same_signed_text_at_once_answer_it_once(
    web_processes: list[int], ambassador: Callable[..., Ambassador]
) -> None:
    sender = ambassador()
    forms = [
        {
            "MessageSid": f"SM{number:032x}",
            "From": str(sender.phone),
            "To": "+46101380000",
            "Body": "HJÄLP",
            "AccountSid": "AC" + "0123456789abcdef" * 2,
        }
        for number in range(ROUNDS)
    ]

    def both_at_once(form: dict[str, str]) -> list[tuple[int, str]]:
        # Twilio's retry reaches the second machine while the first still works.
        return at_once(2, lambda index: _post_signed(web_processes[index], form))

    answers = [both_at_once(form) for form in forms]

    assert all(status == 200 for pair in answers for status, _body in pair), answers
    # One of each pair answered the text; the other found it stored and stayed silent.
    assert [sum("<Message>" in body for _status, body in pair) for pair in answers] == [1] * ROUNDS
    assert InboundSms.objects.count() == ROUNDS
    for form in forms:
        replies = OutboundSms.objects.filter(in_reply_to__message_sid=form["MessageSid"])
        assert replies.count() == 1, form["MessageSid"]
