"""Writes from the people page: an ambassador's pause."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import Ambassador
from ambassadors.services import ApplicationError

logger = logging.getLogger(__name__)


def ambassador_pause(
    *, ambassador: Ambassador, until: date, by: AbstractBaseUser | AnonymousUser
) -> Ambassador:
    """Pause an ambassador through `until` (inclusive): no new buddies or shifts till then.

    Their current buddies stay theirs; the matching engine and the rota planner
    read paused_until and leave them out.
    """
    if until <= timezone.localdate():
        raise ApplicationError(_("Choose a day after today."), field="until")
    Ambassador.objects.filter(id=ambassador.id).update(
        paused_until=until, updated_at=timezone.now()
    )
    ambassador.paused_until = until
    # Ids only: the log is kept longer than the people in it.
    logger.info("ambassador %s paused until %s by user %s", ambassador.id, until, by.pk)
    return ambassador


def ambassador_resume(
    *, ambassador: Ambassador, by: AbstractBaseUser | AnonymousUser
) -> Ambassador:
    """End an ambassador's pause today: they can be proposed again at the next matching run."""
    Ambassador.objects.filter(id=ambassador.id).update(paused_until=None, updated_at=timezone.now())
    ambassador.paused_until = None
    logger.info("ambassador %s resumed by user %s", ambassador.id, by.pk)
    return ambassador
