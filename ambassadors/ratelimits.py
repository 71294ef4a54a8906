"""Limits on public endpoints, counted in the shared cache (Redis when REDIS_URL is set).

django-ratelimit does the counting; this module says whom to count (the
client's address as the API throttle sees it, or a sign-in number) and answers
a request over its limit with a translated 429 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as NUM_PROXIES.

    The same reading as DRF's throttles, so that the API, the web forms and
    django-axes count one client as one. Each proxy appends the address it
    was called from: the one `NUM_PROXIES` from the end was added by our own
    outermost proxy; anything before it the client could have written.
    """
    remote_addr = str(request.META.get("REMOTE_ADDR") or "")
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    assert isinstance(num_proxies, int)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies == 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in str(forwarded).split(",")]
    return addresses[-min(num_proxies, len(addresses))] or remote_addr


def over_limit(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> bool:
    """Count this request in `group` for `key` and say whether it went over `rate`.

    `key` is "ip" (the client's address) or any other string to count by,
    such as a digest of a phone number.
    """
    counted_by: str | Callable[[str, HttpRequest], str] = key
    if key != "ip":
        # django-ratelimit reads a string key as the name of a request field.
        counted_by = lambda _group, _request: key  # noqa: E731
    return bool(is_ratelimited(request, group=group, key=counted_by, rate=rate, increment=True))


def rate_limited_response(request: HttpRequest) -> HttpResponse:
    """The translated "too many tries" page, as a 429."""
    return render(request, "ambassadors/rate_limited.html", status=429)


def limit_posts(
    group: str, rate_setting: str
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a view's POSTs per client address to the rate named by `rate_setting`.

    The rate is read at each request, so a changed setting (tests) applies at once.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method == "POST" and over_limit(
                request, group=group, rate=getattr(settings, rate_setting)
            ):
                return rate_limited_response(request)
            return view(request, *args, **kwargs)

        return limited

    return decorate
