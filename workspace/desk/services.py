"""Writes from today's page that no domain module offers yet."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import InboundSms
from ambassadors.services import ApplicationError


def inbound_sms_dealt_with(
    *, text: InboundSms, user: AbstractBaseUser | AnonymousUser
) -> InboundSms:
    """Take a text nobody could read off the list, noting who dealt with it and when.

    Claimed from `needs_attention`, so two coordinators clicking at once record one of them.
    """
    claimed = InboundSms.objects.filter(id=text.id, needs_attention=True).update(
        needs_attention=False,
        dealt_with_by=user if user.is_authenticated else None,
        dealt_with_at=timezone.now(),
    )
    if claimed != 1:
        raise ApplicationError(_("Someone has already dealt with this text."))
    text.refresh_from_db()
    return text
