"""The reminders benchmark end to end: a real worker, killed twice, and Twilio's contract mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_reminders_go_out_once_each_through_a_worker_killed_twice() -> None:
    # The benchmark makes its own database on the server the tests use (a
    # PostgreSQL one, with the Redis broker when REDIS_URL is set) or SQLite.
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "events.bench_reminders", "--count", "200"]
    # A text left half-sent by a kill, or whose task died with the worker, waits
    # out STUCK_AFTER or TASK_LOST_AFTER (2 min) and the next sweep (a minute,
    # and up to 30 s of django-q2's scheduler): about 4 min after the last kill.
    command += ["--kill-worker", "2", "--timeout", "420"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        command += ["--database", settings.DATABASE_URL]
    # Prism remembers nothing, so the outbox's lookup of a text whose worker
    # was killed mid-request never finds it and sends it again; Twilio would
    # find it. The proxy answers that lookup from what Prism took, as Twilio does.
    command += ["--twilio-remembers"]

    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=480, check=False
    )

    assert done.stdout, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["kills"] == 2, done.stderr[-3000:]
    assert (report["sent"], report["duplicates"], report["lost"]) == (200, 0, 0), report
    assert report["stray"] == 0
    assert report["broker"] == ("redis" if settings.REDIS_URL else "orm")
    assert done.returncode == 0
