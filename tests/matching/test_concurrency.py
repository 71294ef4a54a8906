import threading
from collections.abc import Callable

import pytest
from django.db import connection

from ambassadors.models import Ambassador, BuddyRequest
from matching.models import MatchRun, Proposal
from matching.services import match_run


# serialized_rollback: a transactional test empties the tables, migrated reference
# data included, unless it is put back afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_take_turns(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    for _ in range(3):
        ambassador("Östersund", "ar:4")
        household("Östersund", "ar")
    errors: list[BaseException] = []

    def start() -> None:
        try:
            match_run(trigger=MatchRun.Trigger.COORDINATOR)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert MatchRun.objects.count() == 2
    assert Proposal.objects.filter(status=Proposal.Status.PROPOSED).count() == 3
    assert Proposal.objects.filter(status=Proposal.Status.SUPERSEDED).count() == 3
