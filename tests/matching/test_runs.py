from collections.abc import Callable
from dataclasses import fields
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from ambassadors.models import Ambassador, BuddyRequest
from ambassadors.services import ApplicationError
from matching.graph import Weights
from matching.models import Exclusion, Match, MatchRun, Proposal
from matching.schedules import SCHEDULE_NAME
from matching.services import match_run, proposal_approve, proposal_pick, proposal_reject, weights

pytestmark = pytest.mark.django_db

Make = Callable[..., Ambassador]
Ask = Callable[..., BuddyRequest]


def run() -> MatchRun:
    made, _result = match_run(trigger=MatchRun.Trigger.COMMAND)
    return made


def proposed(buddy_request: BuddyRequest) -> Proposal:
    return Proposal.objects.get(buddy_request=buddy_request, status=Proposal.Status.PROPOSED)


def test_a_run_proposes_the_best_ambassador_with_runners_up(
    ambassador: Make, household: Ask
) -> None:
    near = ambassador("Åre", "ar:4 sv:4", interests="skiing")
    others = [
        ambassador(place, "ar:3") for place in ["Krokom", "Östersund", "Berg", "Bräcke", "Ragunda"]
    ]
    amina = household("Åre", "ar en", interests="skiing")

    made = run()

    proposal = proposed(amina)
    assert proposal.ambassador == near
    assert (made.requests, made.matched) == (1, 1)
    assert proposal.reasons["minutes"] == 0
    assert proposal.reasons["interests"] == ["skiing"]
    runners_up = list(proposal.candidates.order_by("rank"))
    assert len(runners_up) == 4
    assert near not in [candidate.ambassador for candidate in runners_up]
    assert {candidate.ambassador for candidate in runners_up} <= set(others)
    scores = [candidate.score for candidate in runners_up]
    assert scores == sorted(scores, reverse=True)
    assert all(score <= proposal.score for score in scores)
    amina.refresh_from_db()
    assert amina.status == BuddyRequest.Status.MATCHING


def test_the_explanation_is_in_the_newcomers_language(ambassador: Make, household: Ask) -> None:
    ambassador("Östersund", "ar:4 sv:4", interests="skiing")
    arabic = household("Östersund", "ar", interests="skiing")

    run()

    proposal = proposed(arabic)
    assert proposal.explanation_language == "ar"
    assert "العربية" in proposal.explanation
    assert "Speaks" not in proposal.explanation


def test_an_explanation_falls_back_to_english(ambassador: Make, household: Ask) -> None:
    ambassador("Östersund", "so:4 sv:4")
    somali = household("Krokom", "so")

    run()

    proposal = proposed(somali)
    assert proposal.explanation_language == "en"
    assert proposal.explanation.startswith("Speaks Somali.")
    assert "20 minutes away" in proposal.explanation


def test_a_household_only_one_ambassador_can_serve_is_not_starved(
    ambassador: Make, household: Ask
) -> None:
    # Only Layla speaks Tigrinya. The Swedish household would score higher
    # with her (same town, shared interests), but Erik can take it instead.
    layla = ambassador("Östersund", "ti:4 sv:4", interests="skiing music", capacity=1)
    erik = ambassador("Härjedalen", "sv:4", capacity=1)
    tigrinya = household("Östersund", "ti")
    swedish = household("Östersund", "sv", interests="skiing music")

    run()

    assert proposed(tigrinya).ambassador == layla
    assert proposed(swedish).ambassador == erik


def test_an_accepted_match_keeps_its_place(ambassador: Make, household: Ask) -> None:
    busy = ambassador("Östersund", "ar:4", capacity=1)
    earlier = household("Östersund", "ar", status=BuddyRequest.Status.MATCHED)
    Match.objects.create(buddy_request=earlier, ambassador=busy)
    waiting = household("Östersund", "ar")

    made = run()

    assert made.matched == 0
    assert not Proposal.objects.filter(buddy_request=waiting).exists()
    assert Match.objects.get().ambassador == busy


def test_exclusions_inactive_and_paused_ambassadors_are_left_out(
    ambassador: Make, household: Ask
) -> None:
    declined = ambassador("Östersund", "ar:4")
    ambassador("Östersund", "ar:4", active=False)
    ambassador("Östersund", "ar:4", paused_until=timezone.localdate() + timedelta(days=3))
    back = ambassador("Härjedalen", "ar:4", paused_until=timezone.localdate() - timedelta(days=1))
    amina = household("Östersund", "ar")
    Exclusion.objects.create(
        buddy_request=amina, ambassador=declined, reason=Exclusion.Reason.DECLINED
    )

    run()

    assert proposed(amina).ambassador == back


def test_a_new_run_replaces_undecided_proposals_but_keeps_approved_ones(
    ambassador: Make, household: Ask, make_coordinator: Callable[..., User]
) -> None:
    ambassador("Östersund", "ar:4", capacity=1)
    first = household("Östersund", "ar")
    second = household("Östersund", "ar")
    run()
    approved = proposed_or_none(first) or proposed(second)
    proposal_approve(proposal=approved, user=make_coordinator(region_admin=True))

    made = run()

    # The one ambassador's only place is taken by the approved offer.
    assert made.matched == 0
    assert Proposal.objects.filter(status=Proposal.Status.APPROVED).count() == 1
    assert Proposal.objects.filter(status=Proposal.Status.PROPOSED).count() == 0


def proposed_or_none(buddy_request: BuddyRequest) -> Proposal | None:
    return Proposal.objects.filter(
        buddy_request=buddy_request, status=Proposal.Status.PROPOSED
    ).first()


def test_approving_twice_is_refused(
    ambassador: Make, household: Ask, make_coordinator: Callable[..., User]
) -> None:
    ambassador("Östersund", "ar:4")
    amina = household("Östersund", "ar")
    run()
    coordinator = make_coordinator(region_admin=True)
    proposal_approve(proposal=proposed(amina), user=coordinator)

    with pytest.raises(ApplicationError, match="already been decided"):
        proposal_approve(proposal=Proposal.objects.get(buddy_request=amina), user=coordinator)


def test_picking_a_runner_up_swaps_them(
    ambassador: Make, household: Ask, make_coordinator: Callable[..., User]
) -> None:
    best = ambassador("Östersund", "ar:4")
    second = ambassador("Krokom", "ar:4")
    amina = household("Östersund", "ar")
    run()
    proposal = proposed(amina)
    assert proposal.ambassador == best

    picked = proposal_pick(proposal=proposal, ambassador=second, user=make_coordinator("Östersund"))

    assert (picked.ambassador, picked.status) == (second, Proposal.Status.APPROVED)
    assert picked.reasons["minutes"] == 20
    assert [c.ambassador for c in picked.candidates.all()] == [best]


def test_picking_someone_who_is_not_a_candidate_is_refused(
    ambassador: Make, household: Ask, make_coordinator: Callable[..., User]
) -> None:
    ambassador("Östersund", "ar:4")
    stranger = ambassador("Östersund", "sv:4")
    amina = household("Östersund", "ar")
    run()

    with pytest.raises(ApplicationError, match="candidates"):
        proposal_pick(
            proposal=proposed(amina), ambassador=stranger, user=make_coordinator("Östersund")
        )


def test_rejecting_excludes_the_pair_and_the_request_waits_again(
    ambassador: Make, household: Ask, make_coordinator: Callable[..., User]
) -> None:
    first = ambassador("Östersund", "ar:4")
    second = ambassador("Berg", "ar:4")
    amina = household("Östersund", "ar")
    run()

    proposal_reject(proposal=proposed(amina), user=make_coordinator("Östersund"))
    amina.refresh_from_db()
    assert amina.status == BuddyRequest.Status.NEW
    run()

    assert Exclusion.objects.get().ambassador == first
    assert proposed(amina).ambassador == second


def test_the_periodic_run_is_registered_with_django_q() -> None:
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)

    assert schedule.func == "matching.tasks.match_run_scheduled"
    assert schedule.schedule_type == Schedule.MINUTES
    assert schedule.minutes == 15
    assert schedule.repeats == -1


def test_the_scheduled_task_runs_the_engine(ambassador: Make, household: Ask) -> None:
    ambassador("Östersund", "ar:4")
    household("Östersund", "ar")

    async_task("matching.tasks.match_run_scheduled", sync=True)

    made = MatchRun.objects.get()
    assert (made.trigger, made.matched) == (MatchRun.Trigger.SCHEDULE, 1)


def test_every_weight_of_the_engine_can_be_set(settings: Any) -> None:
    assert set(settings.MATCH_WEIGHT_NAMES) == {field.name for field in fields(Weights)}

    settings.MATCH_WEIGHTS = {"family": 7.5}

    assert weights().family == 7.5
    assert weights().need == Weights().need


def test_an_arabic_explanation_lists_with_the_arabic_comma(
    ambassador: Make, household: Ask
) -> None:
    ambassador("Östersund", "ar:4 en:3")
    household("Östersund", "ar en")

    run()

    assert "العربية، English." in Proposal.objects.get().explanation


def test_approving_for_an_ambassador_who_has_filled_up_since_is_refused(
    ambassador: Make, household: Ask, make_coordinator: Callable[..., User]
) -> None:
    busy = ambassador("Östersund", "ar:4", capacity=1)
    amina = household("Östersund", "ar")
    run()
    Match.objects.create(buddy_request=household("Östersund", "sv"), ambassador=busy)

    with pytest.raises(ApplicationError, match="no room"):
        proposal_approve(proposal=proposed(amina), user=make_coordinator("Östersund"))

    assert proposed(amina).status == Proposal.Status.PROPOSED
