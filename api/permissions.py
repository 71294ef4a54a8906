from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from ambassadors.selectors import is_coordinator

if TYPE_CHECKING:
    # Imported for the annotation only: rest_framework.views loads this module.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsCoordinator(BasePermission):
    """Coordinators and region admins; what each sees is narrowed in the querysets."""

    message = "Only coordinators can use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_coordinator(user=request.user)
