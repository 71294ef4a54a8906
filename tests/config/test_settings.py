import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "welcome.example.org",
        **extra,
    }


def test_production_mode_passes_the_deploy_check() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    environ = production()
    del environ["SECRET_KEY"]

    result = manage("check", **environ)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts() -> None:
    environ = production()
    del environ["ALLOWED_HOSTS"]

    result = manage("check", **environ)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/app"),
        ("REDIS_URL", "localhost:6379"),
        ("SMS_BACKEND", "carrier-pigeon"),
        ("DJANGO_ENV", "staging"),
        ("Q_WORKERS", "many"),
        ("TWILIO_ACCOUNT_SID", "not-a-sid"),
        ("TWILIO_FROM_NUMBER", "12345"),
        ("PUBLIC_BASE_URL", "welcome.example.org"),
        ("DEBUG", "perhaps"),
        ("MATCH_WEIGHT_FAMILY", "lots"),
        ("MATCH_SCHEDULE_MINUTES", "0"),
        ("OFFER_TIMEOUT", "48"),
        ("QUIET_HOURS", "9-17"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable: str, value: str) -> None:
    result = manage("check", **{variable: value})

    assert result.returncode != 0
    assert result.stderr.startswith(f"Configuration error: {variable} ")


def test_env_bool_reads_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "yes")
    assert env.env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "Off")
    assert env.env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env.env_bool("FLAG", True) is True


def test_env_int_refuses_a_number_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="WORKERS must be at least 1"):
        env.env_int("WORKERS", 2, minimum=1)


def test_env_phone_stores_numbers_in_international_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FROM", "+46 70 174 06 05")
    assert env.env_phone("FROM") == "+46701740605"


def test_env_list_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", " a.example.org, b.example.org ,")
    assert env.env_list("HOSTS") == ["a.example.org", "b.example.org"]


def test_the_twilio_backend_refuses_to_start_without_its_account() -> None:
    result = manage("check", SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID="", TWILIO_AUTH_TOKEN="")

    assert result.returncode != 0
    assert "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("48h", 172_800), ("90s", 90), ("30m", 1800), ("14d", 1_209_600), ("2w", 1_209_600)],
)
def test_env_duration_reads_a_number_and_a_unit(
    monkeypatch: pytest.MonkeyPatch, value: str, seconds: int
) -> None:
    monkeypatch.setenv("WAIT", value)

    assert env.env_duration("WAIT", "1h").total_seconds() == seconds


@pytest.mark.parametrize("value", ["48", "0h", "h", "1.5h", "2 days"])
def test_env_duration_refuses_a_length_without_a_clear_unit(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("WAIT", value)

    with pytest.raises(ImproperlyConfigured, match="WAIT must be a length of time with a unit"):
        env.env_duration("WAIT", "1h")


def test_quiet_hours_are_on_by_default_and_off_when_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIET", raising=False)
    quiet = env.env_quiet_hours("QUIET", "21:00-08:00")
    assert quiet is not None
    assert (quiet.start.hour, quiet.end.hour) == (21, 8)

    monkeypatch.setenv("QUIET", "")
    assert env.env_quiet_hours("QUIET", "21:00-08:00") is None
    monkeypatch.setenv("QUIET", "off")
    assert env.env_quiet_hours("QUIET", "21:00-08:00") is None


def test_a_sqlite_file_overwrites_what_an_erasure_frees(tmp_path: Path) -> None:
    # Without secure_delete an erased person's old row could be read back out
    # of the file's free pages.
    result = manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    print(c.execute('PRAGMA secure_delete').fetchone()[0])",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1"
