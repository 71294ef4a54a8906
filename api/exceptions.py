from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ambassadors.services import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the domain's ApplicationError as a 400 on its field."""
    if isinstance(exc, ApplicationError):
        body: dict[str, str | list[str]] = (
            {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        )
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
