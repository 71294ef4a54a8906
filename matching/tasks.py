"""django-q2 tasks of the matching engine. Tasks carry ids, never personal data."""

from matching.models import MatchRun
from matching.offers import followups_send_due, offers_expire_due
from matching.services import match_run


def match_run_scheduled() -> int:
    """The periodic run over all waiting requests."""
    run, _result = match_run(trigger=MatchRun.Trigger.SCHEDULE)
    return run.id


def offers_expire_scheduled() -> int:
    """Every minute: offers nobody answered in time go to the next candidate."""
    return offers_expire_due()


def followups_send_scheduled() -> int:
    """Every few minutes: "have you met?" to the pairs matched FOLLOWUP_AFTER ago."""
    return followups_send_due()
