"""Reads: who may see what, and the travel graph."""

from __future__ import annotations

from functools import lru_cache

import networkx as nx
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from ambassadors.models import Coordinator, Municipality, Road


def coordinator_for(*, user: AbstractBaseUser | AnonymousUser) -> Coordinator | None:
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        # The reverse accessor is on settings.AUTH_USER_MODEL, which AbstractBaseUser is not.
        return user.coordinator  # type: ignore[attr-defined, no-any-return]
    except Coordinator.DoesNotExist:
        return None


def is_region_admin(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    coordinator = coordinator_for(user=user)
    return coordinator is not None and coordinator.is_region_admin


def is_coordinator(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    return is_region_admin(user=user) or coordinator_for(user=user) is not None


def coordinator_municipalities(
    *, user: AbstractBaseUser | AnonymousUser
) -> QuerySet[Municipality] | None:
    """The municipalities whose people `user` may see; None means all of them.

    Anyone who is not a coordinator sees nobody: an empty queryset.
    """
    if is_region_admin(user=user):
        return None
    coordinator = coordinator_for(user=user)
    if coordinator is None:
        return Municipality.objects.none()
    return coordinator.municipalities.all()


def municipalities_choosable_by(
    *, user: AbstractBaseUser | AnonymousUser
) -> QuerySet[Municipality]:
    municipalities = coordinator_municipalities(user=user)
    return Municipality.objects.all() if municipalities is None else municipalities


def travel_graph() -> nx.Graph[str]:
    """Municipalities (by code) joined by road connections weighted in driving minutes.

    Built once per process: the reference data changes only by migration.
    Callers get a copy so they cannot change the shared graph.
    """
    return _travel_graph().copy()


@lru_cache(maxsize=1)
def _travel_graph() -> nx.Graph[str]:
    graph: nx.Graph[str] = nx.Graph()
    for municipality in Municipality.objects.all():
        graph.add_node(
            municipality.code,
            name=municipality.name,
            seat=municipality.seat,
            pos=(float(municipality.longitude), float(municipality.latitude)),
        )
    for road in Road.objects.select_related("start", "end"):
        graph.add_edge(road.start.code, road.end.code, minutes=road.minutes, via=road.via)
    return graph


def travel_minutes() -> dict[str, dict[str, int]]:
    """Shortest driving time in minutes between every pair of municipality codes."""
    # networkx types path lengths as float; sums of whole minutes are ints.
    return {
        source: {target: int(minutes) for target, minutes in lengths.items()}
        for source, lengths in nx.all_pairs_dijkstra_path_length(_travel_graph(), weight="minutes")
    }
