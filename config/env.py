"""Typed readers for environment variables.

Each reader refuses a bad value with an ImproperlyConfigured that names the
variable, so a typo stops start-up instead of quietly falling back.
"""

import os
import re
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from ambassadors.sms_text import QuietHours

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    allowed = tuple(choices)
    value = env_str(name, default)
    if value not in allowed:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")
    return value


def env_list(name: str, default: Iterable[str] = ()) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int_list(name: str, default: Iterable[int]) -> list[int]:
    """Comma-separated whole numbers, e.g. 1440,120."""
    value = _raw(name)
    if value is None:
        return list(default)
    try:
        numbers = [int(item) for item in value.split(",") if item.strip()]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, e.g. 1440,120, not {value!r}."
        ) from None
    if any(number <= 0 for number in numbers):
        raise ImproperlyConfigured(f"{name} must hold numbers above 0, not {value!r}.")
    return numbers


def env_url(name: str, default: str = "", *, schemes: Iterable[str] = ("http", "https")) -> str:
    value = env_str(name, default)
    if not value:
        return value
    allowed = tuple(schemes)
    parts = urlsplit(value)
    if parts.scheme not in allowed or not (parts.netloc or parts.path):
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in allowed)}, "
            f"not {value!r}."
        )
    return value.rstrip("/")


def env_prefixed(name: str, prefix: str) -> str:
    """A Twilio-style identifier such as AC… or MG…, or empty."""
    value = env_str(name)
    if value and not (value.startswith(prefix) and len(value) == 34 and value[2:].isalnum()):
        raise ImproperlyConfigured(
            f"{name} must be 34 characters starting with {prefix!r}, not {value!r}."
        )
    return value


def env_phone(name: str) -> str:
    """An E.164 phone number, or empty."""
    import phonenumbers

    value = env_str(name)
    if not value:
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ImproperlyConfigured(
            f"{name} must be a phone number in international form (+46…), not {value!r}."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def env_float(name: str, default: float | None = None) -> float | None:
    value = _raw(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def env_rate(name: str, default: str) -> str:
    """A rate as django-ratelimit and DRF read it: `3/hour`, `20/minute`, `10/h`."""
    rate = env_str(name, default)
    if not re.fullmatch(r"[1-9]\d*/(s|m|h|d|second|minute|hour|day)", rate):
        raise ImproperlyConfigured(f"{name} must look like 3/hour or 20/minute, not {rate!r}.")
    return rate


def env_duration(name: str, default: str) -> timedelta:
    """A length of time with a unit: 90s, 30m, 48h, 14d or 2w.

    A bare number is refused: "48" could mean hours to one person and seconds
    to the next.
    """
    value = env_str(name, default)
    number, unit = value[:-1].strip(), value[-1:].lower()
    if unit not in _UNITS or not number.isdigit() or int(number) == 0:
        raise ImproperlyConfigured(
            f"{name} must be a length of time with a unit (s, m, h, d or w), "
            f"e.g. 48h, not {value!r}."
        )
    return timedelta(seconds=int(number) * _UNITS[unit])


def env_quiet_hours(name: str, default: str) -> QuietHours | None:
    """Hours such as 21:00-08:00 (Europe/Stockholm), or None when set empty or to "off"."""
    value = os.environ.get(name, default).strip()
    if value.lower() == "off":
        return None
    try:
        return QuietHours.parse(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not right: {error} Not {value!r}.") from None
