"""bin/load fails a run with any 5xx or 403, or with more failures than allowed."""

from __future__ import annotations

from loadtest.report import Failure, Row, verdict


def _total(requests: int, failures: int) -> Row:
    return Row(
        name="Aggregated",
        requests=requests,
        failures=failures,
        per_second=10.0,
        p50="10",
        p95="50",
        p99="90",
    )


def test_a_refused_signature_fails_the_run_however_rare() -> None:
    failures = [Failure("POST", "SMS inbound", "CatchResponseError('HTTP 403')", 1)]

    problems = verdict([_total(10_000, 1)], failures, max_failure_percent=1.0)

    assert problems == ["1 × CatchResponseError('HTTP 403') on SMS inbound"]


def test_a_server_error_fails_the_run_however_rare() -> None:
    failures = [Failure("GET", "workspace today", "CatchResponseError('HTTP 502')", 2)]

    assert verdict([_total(10_000, 2)], failures, max_failure_percent=1.0)


def test_other_failures_fail_the_run_above_the_allowed_share_only() -> None:
    failures = [Failure("GET", "web form GET", "ConnectionResetError(104)", 5)]

    assert verdict([_total(1000, 5)], failures, max_failure_percent=1.0) == []
    assert verdict([_total(100, 5)], failures, max_failure_percent=1.0) == [
        "5 of 100 requests failed, more than 1.0 %"
    ]


def test_a_run_without_requests_fails() -> None:
    assert verdict([_total(0, 0)], [], max_failure_percent=1.0) == ["no requests were made"]
