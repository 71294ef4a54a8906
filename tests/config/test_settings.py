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
