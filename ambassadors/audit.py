"""The audit trail: one row per look at, change to, export or erasure of a person's data.

Callers pass the model instances (or a model and a count for lists and
exports); only their kind and id are stored, with the names of changed fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models

from ambassadors.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def subject_type(model: type[models.Model] | models.Model) -> str:
    """`ambassadors.ambassador`: the model's label, lower case."""
    return model._meta.label_lower


def audit_record(
    *,
    action: AuditEvent.Action,
    subject: models.Model | type[models.Model],
    user: AbstractBaseUser | AnonymousUser | None = None,
    ambassador_id: int | None = None,
    newcomer: bool = False,
    count: int | None = None,
    via: str = "",
    fields: Iterable[str] = (),
) -> AuditEvent:
    """Record one action by a staff user, an ambassador, a newcomer or (none given) the system.

    `subject` is an instance (its id is kept) or a model class, for actions
    on many rows (then give `count`).
    """
    if user is not None and user.is_authenticated:
        actor, user_id = AuditEvent.Actor.STAFF, user.pk
    elif ambassador_id is not None:
        actor, user_id = AuditEvent.Actor.AMBASSADOR, None
    elif newcomer:
        actor, user_id = AuditEvent.Actor.NEWCOMER, None
    else:
        actor, user_id = AuditEvent.Actor.SYSTEM, None
    return AuditEvent.objects.create(
        actor_kind=actor,
        actor_user_id=user_id,
        actor_ambassador_id=ambassador_id,
        action=action,
        subject_type=subject_type(subject),
        subject_id=subject.pk if isinstance(subject, models.Model) else None,
        count=count,
        via=via[:120],
        fields=sorted(set(fields)),
    )


def audit_trail_for(*, subject: models.Model) -> models.QuerySet[AuditEvent]:
    """Everything recorded about one person's row, newest first."""
    return AuditEvent.objects.filter(subject_type=subject_type(subject), subject_id=subject.pk)
