"""1,000 reminders due while the worker is killed with SIGKILL three times: each sent once.

The benchmark runs the real thing: its own database (PostgreSQL with the Redis broker when the
tests run there, else SQLite with the ORM broker), Prism as Twilio behind a recording proxy, and
`manage.py qcluster`, killed with its whole process group while texts are going out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COUNT = 1000
KILLS = 3


def test_a_thousand_reminders_go_out_once_each_through_a_worker_killed_three_times() -> None:
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "events.bench_reminders", "--count", str(COUNT)]
    # A text left half-sent by a kill, or whose task died with the worker, waits out
    # STUCK_AFTER or TASK_LOST_AFTER (2 min) and the next sweep (a minute, and up to 30 s of
    # django-q2's scheduler): about 4 min after the last kill. Measured: 3 min on SQLite,
    # 5½ min on PostgreSQL with Redis, in all.
    command += ["--kill-worker", str(KILLS), "--timeout", "540"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        command += ["--database", settings.DATABASE_URL]
    # Prism remembers nothing, so the outbox's lookup of a text whose worker was killed
    # mid-request never finds it and sends it again; Twilio would find it. The proxy answers
    # that lookup from what Prism took, as Twilio does.
    command += ["--twilio-remembers"]

    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=660, check=False
    )

    assert done.stdout, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["kills"] == KILLS, done.stderr[-3000:]
    assert (report["sent"], report["duplicates"], report["lost"]) == (COUNT, 0, 0), report
    assert report["stray"] == 0
    assert report["broker"] == ("redis" if settings.REDIS_URL else "orm")
    assert done.returncode == 0
