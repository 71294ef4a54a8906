"""Who may use the workspace: coordinators, each within their municipalities."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ambassadors.selectors import is_coordinator


def coordinator_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Log in first; then coordinators only (403 for anyone else)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_coordinator(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(checked, login_url="workspace:login")
