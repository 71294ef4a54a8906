"""django-q2 tasks of the matching engine. Tasks carry ids, never personal data."""

from matching.models import MatchRun
from matching.services import match_run


def match_run_scheduled() -> int:
    """The periodic run over all waiting requests."""
    run, _result = match_run(trigger=MatchRun.Trigger.SCHEDULE)
    return run.id
