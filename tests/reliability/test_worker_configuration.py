"""The worker refuses a configuration that would run a task twice or send a text twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ambassadors.checks import outbox_timing_check, q_cluster_timing_check

ROOT = Path(__file__).resolve().parents[2]


def cluster(settings: Any, **changes: object) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, **changes}


def test_the_shipped_configuration_passes(settings: Any) -> None:
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert q_cluster_timing_check() == []
    assert outbox_timing_check() == []


@pytest.mark.parametrize(("timeout", "retry"), [(60, 60), (60, 30)], ids=["equal", "smaller"])
def test_a_retry_not_longer_than_the_timeout_is_an_error(
    settings: Any, timeout: int, retry: int
) -> None:
    cluster(settings, timeout=timeout, retry=retry)

    errors = q_cluster_timing_check()

    assert [error.id for error in errors] == ["ambassadors.E001"]
    assert f"retry ({retry} s) must be larger than timeout ({timeout} s)" in errors[0].msg


@pytest.mark.parametrize("missing", ["timeout", "retry"])
def test_a_missing_timeout_or_retry_is_an_error(settings: Any, missing: str) -> None:
    settings.Q_CLUSTER = {key: value for key, value in settings.Q_CLUSTER.items() if key != missing}

    assert [error.id for error in q_cluster_timing_check()] == ["ambassadors.E001"]


def test_a_task_timeout_as_long_as_the_outbox_waits_for_a_stuck_text_is_an_error(
    settings: Any,
) -> None:
    cluster(settings, timeout=120, retry=300)

    assert q_cluster_timing_check() == []
    assert [error.id for error in outbox_timing_check()] == ["ambassadors.E002"]


def test_qcluster_refuses_to_start_when_retry_is_not_longer_than_timeout() -> None:
    env = {**os.environ, "Q_TIMEOUT": "90", "Q_RETRY": "90"}

    done = subprocess.run(
        [sys.executable, "manage.py", "qcluster", "--run-once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode != 0
    assert "ambassadors.E001" in done.stderr
    assert "retry (90 s) must be larger than timeout (90 s)" in done.stderr
    # It stopped before the cluster started.
    assert "Q Cluster" not in done.stderr + done.stdout
