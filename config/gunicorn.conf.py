"""gunicorn's configuration for production, read from the environment.

    gunicorn -c config/gunicorn.conf.py

serves `config.wsgi:application`. Every value has a default that suits one
machine behind a reverse proxy; the README's deployment section lists the
variables. A bad value stops start-up with a message naming the variable, as
the Django settings do.
"""

from __future__ import annotations

import os


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _env(name, str(default))
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {number}.")
    return number


def _cores() -> int:
    # The CPUs this process may run on: a container's share, not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
proc_name = "ambassadors-web"

# Behind a reverse proxy on the same machine by default; set 0.0.0.0:8000
# when the load balancer is elsewhere.
bind = [_env("GUNICORN_BIND", f"127.0.0.1:{_env_int('PORT', 8000, minimum=1)}")]

# gunicorn's own rule of thumb, 2 × cores + 1, capped: each worker (and each
# thread) keeps a PostgreSQL connection open (CONN_MAX_AGE), and several
# machines share the server's max_connections (100 by default). WEB_CONCURRENCY,
# the name gunicorn and most hosts use, sets the number exactly.
workers = _env_int(
    "WEB_CONCURRENCY",
    min(2 * _cores() + 1, _env_int("GUNICORN_MAX_WORKERS", 8, minimum=1)),
    minimum=1,
)
# More than one thread switches gunicorn to its threaded worker.
threads = _env_int("GUNICORN_THREADS", 1, minimum=1)

# Twilio gives up on a webhook after 15 s; no page of ours should take 30.
timeout = _env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# On SIGTERM (a deploy) requests in flight get this long to finish.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5, minimum=1)
# A worker is replaced after this many requests (0: never), so a slow leak
# cannot grow without end; the jitter keeps the workers from restarting together.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Whose X-Forwarded-Proto gunicorn believes: the reverse proxy's address.
# Django decides separately (TRUST_X_FORWARDED_PROTO); both must agree.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The access log names the path without its query string, and no client
# address, referrer or user agent: a query string can hold a phone number or a
# search for a name, and an address is personal data too.
# GUNICORN_ACCESS_LOG: "-" for standard output, a file, or "off".
_access = _env("GUNICORN_ACCESS_LOG", "-")
accesslog: str | None = None if _access.lower() == "off" else _access
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss'
errorlog = "-"
loglevel = _env("GUNICORN_LOG_LEVEL", "info")
