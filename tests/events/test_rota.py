"""The pure rota solver: hard rules, honest gaps, the most coverage, fair shares."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import bench_rota
from events.rota import (
    Assignment,
    Gap,
    GapReason,
    RotaPlan,
    ShiftSpec,
    VolunteerSpec,
    flow_networkx,
    rota_solve,
    solve_with,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Saturday: days 0 and 1 are one ISO week, day 2 (Monday) starts the next.
SATURDAY = date(2025, 3, 8)
THURSDAY = date(2025, 3, 13)
HOURS = ((8, 12), (12, 16), (16, 20), (18, 22))
LANGUAGES = ("sv", "ar", "so")
ELEVEN_HOURS = timedelta(hours=11)
# The autouse fixtures of tests/conftest.py are function-scoped; these tests use none.
PURE = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def shift(
    id: int, day: date = SATURDAY, hours: tuple[int, int] = (8, 12), languages: str = "sv"
) -> ShiftSpec:
    first, last = hours
    return ShiftSpec(
        id=id,
        starts=datetime(day.year, day.month, day.day, first, tzinfo=STOCKHOLM),
        ends=datetime(day.year, day.month, day.day, last, tzinfo=STOCKHOLM),
        day=day,
        languages=tuple(languages.split()),
    )


def volunteer(
    id: int,
    languages: str = "sv",
    available: Sequence[int] = (),
    max_per_week: int = 3,
    history: int = 0,
) -> VolunteerSpec:
    return VolunteerSpec(
        id=id,
        languages=frozenset(languages.split()),
        available=frozenset(available),
        max_per_week=max_per_week,
        history=history,
    )


def rest_bites(shifts: Sequence[ShiftSpec], min_rest: timedelta) -> bool:
    return any(
        a.day < b.day and b.starts < a.ends + min_rest for a in shifts for b in shifts if a != b
    )


@st.composite
def rotas(
    draw: st.DrawFn, most_shifts: int = 6, most_volunteers: int = 5, copies: int = 1
) -> tuple[list[ShiftSpec], list[VolunteerSpec], timedelta]:
    """Shifts over three days across a week boundary, and a pool; `copies` clones each."""
    times = draw(
        st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from(HOURS)),
            min_size=1,
            max_size=most_shifts,
            unique=True,
        )
    )
    shifts = [
        shift(
            index + 1,
            SATURDAY + timedelta(days=offset),
            hours,
            " ".join(draw(st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=2))),
        )
        for index, (offset, hours) in enumerate(times)
    ]
    ids = [s.id for s in shifts]
    pool: list[VolunteerSpec] = []
    for _ in range(draw(st.integers(0, most_volunteers))):
        spoken = draw(st.lists(st.sampled_from((*LANGUAGES, "en")), unique=True, max_size=3))
        available = draw(st.lists(st.sampled_from(ids), unique=True))
        most, history = draw(st.integers(0, 3)), draw(st.integers(0, 4))
        for _ in range(draw(st.integers(1, copies))):
            pool.append(volunteer(len(pool) + 1, " ".join(spoken), available, most, history))
    min_rest = timedelta(hours=draw(st.sampled_from((0, 11, 13))))
    return shifts, pool, min_rest


def fairness(volunteers: Sequence[VolunteerSpec], counts: Counter[int]) -> int:
    """The solver's fairness cost: each new shift costs the total it brings a person to."""
    return sum(sum(range(v.history + 1, v.history + counts[v.id] + 1)) for v in volunteers)


def value(plan: RotaPlan, volunteers: Sequence[VolunteerSpec]) -> tuple[int, int, int]:
    """(language slots, backups, −fairness): larger is better, compared in that order."""
    languages = sum(1 for a in plan.assignments if a.language is not None)
    counts = Counter(a.volunteer_id for a in plan.assignments)
    return languages, len(plan.assignments) - languages, -fairness(volunteers, counts)


def fits(taken: Sequence[ShiftSpec], most: int, min_rest: timedelta) -> bool:
    ordered = sorted(taken, key=lambda s: s.starts)
    weeks = Counter(s.day.isocalendar()[:2] for s in ordered)
    return (
        all(n <= most for n in weeks.values())
        and len({s.day for s in ordered}) == len(ordered)
        and all(b.starts - a.ends >= min_rest for a, b in itertools.pairwise(ordered))
    )


def staffing(shift: ShiftSpec, workers: Sequence[VolunteerSpec]) -> tuple[int, int] | None:
    """The most languages, then a backup, these workers staff, or None if one is left over."""
    best = (0, 0)
    for roles in itertools.product((*shift.languages, None), repeat=len(workers)):
        taken = [role for role in roles if role is not None]
        if len(set(taken)) < len(taken) or roles.count(None) > 1:
            continue
        if all(role is None or role in w.languages for role, w in zip(roles, workers, strict=True)):
            best = max(best, (len(taken), roles.count(None)))
    return best if sum(best) == len(workers) else None


def brute_force(
    shifts: Sequence[ShiftSpec], volunteers: Sequence[VolunteerSpec], min_rest: timedelta
) -> tuple[int, int, int]:
    """The best (languages, backups, −fairness) over every way to staff the shifts."""
    choices = []
    for v in volunteers:
        mine = [s for s in shifts if s.id in v.available]
        choices.append(
            [
                subset
                for size in range(len(mine) + 1)
                for subset in itertools.combinations(mine, size)
                if fits(subset, v.max_per_week, min_rest)
            ]
        )
    best = (0, 0, 0)
    known: dict[tuple[int, tuple[int, ...]], tuple[int, int] | None] = {}
    for combination in itertools.product(*choices):
        languages = backups = 0
        for s in shifts:
            workers = [v for v, taken in zip(volunteers, combination, strict=True) if s in taken]
            key = (s.id, tuple(w.id for w in workers))
            if key not in known:
                known[key] = staffing(s, workers)
            staffed = known[key]
            if staffed is None:
                break
            languages, backups = languages + staffed[0], backups + staffed[1]
        else:
            counts = Counter(
                {v.id: len(taken) for v, taken in zip(volunteers, combination, strict=True)}
            )
            best = max(best, (languages, backups, -fairness(volunteers, counts)))
    return best


@PURE
@given(rotas())
def test_every_plan_keeps_the_hard_rules_and_explains_every_open_slot(
    rota: tuple[list[ShiftSpec], list[VolunteerSpec], timedelta],
) -> None:
    shifts, volunteers, min_rest = rota
    plan = rota_solve(shifts, volunteers, min_rest=min_rest)
    assert bench_rota.violations(shifts, volunteers, plan, min_rest) == []


@settings(PURE, max_examples=60)
@given(rotas(most_shifts=4, most_volunteers=3))
def test_no_way_of_staffing_covers_more_than_the_plan(
    rota: tuple[list[ShiftSpec], list[VolunteerSpec], timedelta],
) -> None:
    shifts, volunteers, min_rest = rota
    plan = rota_solve(shifts, volunteers, min_rest=min_rest)
    best = brute_force(shifts, volunteers, min_rest)
    if rest_bites(shifts, min_rest):
        # The rest rule is repaired after the flow, so only the hard rules are sure.
        assert value(plan, volunteers) <= best
    else:
        # Coverage first, then backups, then the levelled totals: all exactly optimal.
        assert value(plan, volunteers) == best


@PURE
@given(rotas(most_shifts=8, most_volunteers=6, copies=3))
def test_identical_volunteers_get_within_one_shift_of_each_other(
    rota: tuple[list[ShiftSpec], list[VolunteerSpec], timedelta],
) -> None:
    shifts, volunteers, _ = rota
    plan = rota_solve(shifts, volunteers, min_rest=timedelta(0))
    assert bench_rota.largest_spread(volunteers, plan)[0] <= 1


@PURE
@given(rotas(most_shifts=8, most_volunteers=4), st.data())
def test_more_history_never_brings_more_new_shifts(
    rota: tuple[list[ShiftSpec], list[VolunteerSpec], timedelta], data: st.DataObject
) -> None:
    shifts, volunteers, _ = rota
    twins = [
        VolunteerSpec(
            id=100 + v.id,
            languages=v.languages,
            available=v.available,
            max_per_week=v.max_per_week,
            history=v.history + data.draw(st.integers(1, 5)),
        )
        for v in volunteers
    ]
    plan = rota_solve(shifts, [*volunteers, *twins], min_rest=timedelta(0))
    new = Counter(a.volunteer_id for a in plan.assignments)
    for v in volunteers:
        assert new[100 + v.id] <= new[v.id]


@PURE
@given(rotas(most_shifts=8, most_volunteers=8))
def test_highs_and_networkx_find_equally_good_plans(
    rota: tuple[list[ShiftSpec], list[VolunteerSpec], timedelta],
) -> None:
    shifts, volunteers, _ = rota
    by_highs = rota_solve(shifts, volunteers, min_rest=timedelta(0))
    by_networkx = solve_with(shifts, volunteers, min_rest=timedelta(0), flow=flow_networkx)
    assert value(by_highs, volunteers) == value(by_networkx, volunteers)


@settings(PURE, max_examples=40)
@given(st.integers(0, 10**6), st.integers(1, 40), st.integers(1, 6))
def test_it_staffs_as_many_language_slots_as_a_plain_maximum_flow(
    seed: int, ambassadors: int, languages: int
) -> None:
    shifts = bench_rota.make_shifts(1, languages)
    volunteers = bench_rota.make_pool(ambassadors, shifts, random.Random(seed))
    plan = rota_solve(shifts, volunteers)
    covered = sum(1 for a in plan.assignments if a.language is not None)
    assert covered == bench_rota.coverable(shifts, volunteers)


@PURE
@given(rotas())
def test_the_same_pool_in_any_order_gives_the_same_plan(
    rota: tuple[list[ShiftSpec], list[VolunteerSpec], timedelta],
) -> None:
    shifts, volunteers, min_rest = rota
    plan = rota_solve(shifts, volunteers, min_rest=min_rest)
    assert rota_solve(shifts, volunteers, min_rest=min_rest) == plan
    assert rota_solve(shifts[::-1], volunteers[::-1], min_rest=min_rest) == plan


def test_it_reports_no_somali_speaker_free_on_thursdays() -> None:
    thursday = shift(1, THURSDAY, languages="sv so")
    friday = shift(2, THURSDAY + timedelta(days=1), languages="sv so")
    plan = rota_solve(
        [thursday, friday],
        [volunteer(1, "sv so", available=[2]), volunteer(2, "sv", available=[1, 2])],
    )
    assert Gap(1, "so", GapReason.NOBODY_AVAILABLE) in plan.gaps
    assert Assignment(2, 1, "so") in plan.assignments
    assert Assignment(1, 2, "sv") in plan.assignments


def test_a_language_nobody_speaks_is_a_gap_with_no_speaker() -> None:
    plan = rota_solve([shift(1, languages="sv ti")], [volunteer(1, "sv", available=[1])])
    assert plan.gaps == (
        Gap(1, "ti", GapReason.NO_SPEAKER),
        Gap(1, None, GapReason.ALL_TAKEN),
    )


def test_a_speaker_at_their_weekly_maximum_leaves_the_slot_all_taken() -> None:
    thursday = shift(1, THURSDAY, languages="ar")
    friday = shift(2, THURSDAY + timedelta(days=1), languages="ar")
    plan = rota_solve([thursday, friday], [volunteer(1, "ar", available=[1, 2], max_per_week=1)])
    (only,) = plan.assignments
    other = 2 if only.shift_id == 1 else 1
    assert Gap(other, "ar", GapReason.ALL_TAKEN) in plan.gaps


def test_the_only_arabic_speaker_answers_arabic_and_a_swede_is_the_backup() -> None:
    plan = rota_solve(
        [shift(1, languages="ar")],
        [volunteer(1, "sv", available=[1]), volunteer(2, "sv ar", available=[1])],
    )
    assert plan.assignments == (Assignment(1, 2, "ar"), Assignment(1, 1, None))
    assert plan.gaps == ()


def test_a_language_line_comes_before_a_backup() -> None:
    # The Tigrinya speaker has one shift this week: Saturday's Tigrinya line, not
    # Sunday's backup beside the Swede.
    saturday = shift(1, SATURDAY, languages="ti")
    sunday = shift(2, SATURDAY + timedelta(days=1), languages="sv")
    plan = rota_solve(
        [saturday, sunday],
        [volunteer(1, "ti", available=[1, 2], max_per_week=1), volunteer(2, "sv", [2])],
    )
    assert Assignment(1, 1, "ti") in plan.assignments
    assert Assignment(2, 2, "sv") in plan.assignments
    assert Gap(1, None, GapReason.ALL_TAKEN) in plan.gaps
    assert Gap(2, None, GapReason.ALL_TAKEN) in plan.gaps


def test_nobody_takes_two_slots_of_one_shift_or_two_shifts_a_day() -> None:
    morning, evening = shift(1, languages="sv ar"), shift(2, hours=(16, 20), languages="sv ar")
    plan = rota_solve([morning, evening], [volunteer(1, "sv ar", available=[1, 2])])
    assert len(plan.assignments) == 1
    assert len(plan.gaps) == 5


def test_nobody_answers_the_morning_line_after_a_late_evening() -> None:
    late = shift(1, SATURDAY, (18, 22))
    early = shift(2, SATURDAY + timedelta(days=1), (8, 12))
    # Eleven hours' rest is needed and 22–08 gives ten; two people share the night.
    plan = rota_solve(
        [late, early], [volunteer(1, available=[1, 2]), volunteer(2, available=[1, 2])]
    )
    by_shift = {a.shift_id: a.volunteer_id for a in plan.assignments if a.language == "sv"}
    assert by_shift.keys() == {1, 2}
    assert by_shift[1] != by_shift[2]
    assert all(a.volunteer_id != by_shift[2] for a in plan.assignments if a.shift_id == 1)


def test_the_rest_rule_leaves_a_gap_rather_than_a_tired_volunteer() -> None:
    late = shift(1, SATURDAY, (18, 22))
    early = shift(2, SATURDAY + timedelta(days=1), (8, 12))
    alone = [volunteer(1, available=[1, 2])]
    plan = rota_solve([late, early], alone, min_rest=ELEVEN_HOURS)
    assert plan.assignments == (Assignment(1, 1, "sv"),)
    assert Gap(2, "sv", GapReason.ALL_TAKEN) in plan.gaps


def test_those_who_did_more_before_get_fewer_shifts_now() -> None:
    # Eight slots over four days for three people who could take four each: the
    # newcomer and the one with three earlier shifts end on 4 and 7, the veteran
    # stays on 7. Giving the veteran one would leave someone else on 6 and them on 8.
    days = [shift(n + 1, THURSDAY + timedelta(days=n)) for n in range(4)]
    every_day = [1, 2, 3, 4]
    plan = rota_solve(
        days,
        [
            volunteer(1, available=every_day, max_per_week=4, history=7),
            volunteer(2, available=every_day, max_per_week=4, history=0),
            volunteer(3, available=every_day, max_per_week=4, history=3),
        ],
    )
    assert Counter(a.volunteer_id for a in plan.assignments) == {2: 4, 3: 4}


def test_input_that_cannot_be_a_rota_is_refused() -> None:
    naive = ShiftSpec(1, datetime(2025, 3, 8, 8), datetime(2025, 3, 8, 12), SATURDAY, ("sv",))
    with pytest.raises(ValueError, match="naive"):
        rota_solve([naive], [])
    with pytest.raises(ValueError, match="unique"):
        rota_solve([shift(1), shift(1, hours=(12, 16))], [])
    with pytest.raises(ValueError, match="unique"):
        rota_solve([shift(1)], [volunteer(1), volunteer(1)])
    with pytest.raises(ValueError, match="negative"):
        rota_solve([shift(1)], [volunteer(1, max_per_week=-1)])


def test_the_checker_catches_a_plan_that_breaks_the_rules() -> None:
    shifts = [shift(1, languages="ar"), shift(2, hours=(16, 20), languages="ar")]
    volunteers = [volunteer(1, "sv", available=[1])]
    broken = RotaPlan(
        assignments=(Assignment(1, 1, "ar"), Assignment(2, 1, None)),
        gaps=(Gap(2, "ar", GapReason.NOBODY_AVAILABLE),),
    )
    found = bench_rota.violations(shifts, volunteers, broken, ELEVEN_HOURS)
    assert any("not spoken" in message for message in found)
    assert any("not available" in message for message in found)
    assert any("twice in a day" in message for message in found)
    assert any("should be" in message for message in found)
    assert any("staffed and a gap, or neither" in message for message in found)


def test_the_benchmark_reports_a_valid_full_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_rota.main(["--ambassadors", "80", "--weeks", "1", "--languages", "5"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["violations"] == 0
    assert report["covered"] == report["coverable"]
    assert report["coverage"] == 1.0
    assert report["shifts"] == 21
    assert report["language_slots"] == 105
    assert report["max_min_diff"] <= 1
    for key in ("seconds", "volunteers", "backups_covered", "gaps"):
        assert key in report


@pytest.mark.parametrize("argument", ["--weeks=0", "--ambassadors=many", "--languages=11"])
def test_the_benchmark_refuses_numbers_it_cannot_use(
    argument: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        bench_rota.main([argument])
    assert refused.value.code == 2
    assert "not" in capsys.readouterr().err
