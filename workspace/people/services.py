"""Writes from the people pages: an ambassador's pause, and whether they are active."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors import services
from ambassadors.models import Ambassador
from ambassadors.services import ApplicationError
from workspace.people.selectors import consent_withdrawn

logger = logging.getLogger(__name__)


def ambassador_pause(
    *, ambassador: Ambassador, until: date, by: AbstractBaseUser | AnonymousUser
) -> Ambassador:
    """A coordinator pauses an ambassador through `until` (inclusive), for as long as they like.

    The pause itself is `ambassadors.services.ambassador_pause`; the caller has
    checked that `by` may see the ambassador, and records the audit row.
    """
    paused = services.ambassador_pause(ambassador=ambassador, until=until)
    # Ids only: the log is kept longer than the people in it.
    logger.info("ambassador %s paused until %s by user %s", ambassador.id, until, by.pk)
    return paused


def ambassador_resume(
    *, ambassador: Ambassador, by: AbstractBaseUser | AnonymousUser
) -> Ambassador:
    """End an ambassador's pause today (see `ambassadors.services.ambassador_resume`)."""
    resumed = services.ambassador_resume(ambassador=ambassador)
    logger.info("ambassador %s resumed by user %s", ambassador.id, by.pk)
    return resumed


def ambassador_activate(
    *, ambassador: Ambassador, by: AbstractBaseUser | AnonymousUser
) -> Ambassador:
    """A coordinator has met them: from now on they can be proposed, rota'd and invited.

    Refused for someone who has withdrawn their consent to be an ambassador.
    Claimed from `active=False`, so two coordinators clicking at once activate once.
    """
    if Ambassador.objects.filter(consent_withdrawn(), id=ambassador.id).exists():
        raise ApplicationError(
            _("%(name)s has withdrawn their consent to be an ambassador.") % {"name": ambassador}
        )
    claimed = Ambassador.objects.filter(id=ambassador.id, active=False).update(
        active=True, updated_at=timezone.now()
    )
    if claimed != 1:
        raise ApplicationError(_("%(name)s is already active.") % {"name": ambassador})
    ambassador.active = True
    logger.info("ambassador %s activated by user %s", ambassador.id, by.pk)
    return ambassador


def ambassador_deactivate(
    *, ambassador: Ambassador, by: AbstractBaseUser | AnonymousUser
) -> Ambassador:
    """No new buddies, shifts or invitations for them until they are activated again.

    What they already have stays theirs: their buddies, an offer they have not
    answered yet, shifts on a published rota. A coordinator sees those on the
    ambassador's page and decides about each.
    """
    claimed = Ambassador.objects.filter(id=ambassador.id, active=True).update(
        active=False, updated_at=timezone.now()
    )
    if claimed != 1:
        raise ApplicationError(_("%(name)s is not active.") % {"name": ambassador})
    ambassador.active = False
    logger.info("ambassador %s deactivated by user %s", ambassador.id, by.pk)
    return ambassador
