"""Benchmark the hotline rota solver on a made-up pool of volunteers.

    python -m events.bench_rota --ambassadors 500 --weeks 4 --languages 8 [--seed N]
        [--min-rest-hours 11]

Pure: it needs neither Django nor a database. Three shifts a day (08–12, 12–16,
16–20 Europe/Stockholm) from a fixed Monday, over a change to summer time; every
shift promises the first `--languages` of Swedish, English, Arabic, Somali, Tigrinya,
Dari, Ukrainian, Persian, Kurdish, Spanish. Volunteers follow one of a handful of
weekly patterns, a fifth of them away for one week; all speak Swedish, half English
and some one more language, the rarer ones rarely; they take one to three shifts a
week, and most have done some shifts before.

It checks every hard rule on the answer, with code of its own, and prints one JSON
object. `coverable` is the most language slots a plain maximum flow (scipy's, one
node per person, no fairness, no backups) can staff under the availability, weekly
maximum and one-shift-a-day rules: an upper bound, since it leaves out the rest rule.
`coverage` is covered / coverable. `max_min_diff` is the largest difference in new
shifts between volunteers with identical availability, languages, maximum and
history. Exit code 0 when no rule is broken, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from events.rota import (
    GapReason,
    RotaPlan,
    ShiftSpec,
    VolunteerSpec,
    rota_solve,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Monday four weeks before the clocks go forward (30 March 2025), so the default
# run meets a 23-hour day.
FIRST_DAY = date(2025, 3, 3)
SHIFT_HOURS = ((8, 12), (12, 16), (16, 20))
# In the order a hotline would promise them: the first --languages are promised.
LANGUAGES = ("sv", "en", "ar", "so", "ti", "prs", "uk", "fa", "ku", "es")
# Besides Swedish (everyone) and English (half): how often each is the third language.
OTHER_LANGUAGES = {"ar": 30, "fa": 12, "so": 12, "uk": 12, "ti": 8, "prs": 8, "ku": 8, "es": 10}
OTHER_LANGUAGE_SHARE = 0.4
# Weekly patterns: (weekday 0 = Monday, shift of the day 0–2) -> available, and weight.
PATTERNS: dict[str, tuple[Callable[[int, int], bool], int]] = {
    "weekday evenings": (lambda weekday, slot: weekday < 5 and slot == 2, 25),
    "weekday mornings": (lambda weekday, slot: weekday < 5 and slot == 0, 15),
    "weekday daytime": (lambda weekday, slot: weekday < 5 and slot < 2, 15),
    "weekends": (lambda weekday, slot: weekday >= 5, 20),
    "tuesdays and thursdays": (lambda weekday, slot: weekday in (1, 3), 10),
    "any time": (lambda weekday, slot: True, 15),
}
AWAY_FOR_A_WEEK_SHARE = 0.2
MAX_PER_WEEK_WEIGHTS = {1: 40, 2: 40, 3: 20}
NEW_VOLUNTEER_SHARE = 0.4
MOST_HISTORY = 12


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not between {low} and {high}")
        return number

    return parse


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not 0 <= hours <= 72:
        raise argparse.ArgumentTypeError(f"{hours} is not between 0 and 72 hours")
    return hours


def make_shifts(weeks: int, languages: int) -> list[ShiftSpec]:
    promised = LANGUAGES[:languages]
    shifts: list[ShiftSpec] = []
    for offset in range(weeks * 7):
        day = FIRST_DAY + timedelta(days=offset)
        for first, last in SHIFT_HOURS:
            shifts.append(
                ShiftSpec(
                    id=len(shifts) + 1,
                    starts=datetime(day.year, day.month, day.day, first, tzinfo=STOCKHOLM),
                    ends=datetime(day.year, day.month, day.day, last, tzinfo=STOCKHOLM),
                    day=day,
                    languages=promised,
                )
            )
    return shifts


def make_pool(count: int, shifts: Sequence[ShiftSpec], rng: random.Random) -> list[VolunteerSpec]:
    weeks = sorted({shift.day.isocalendar()[:2] for shift in shifts})
    patterns = list(PATTERNS.values())
    pool = []
    for number in range(1, count + 1):
        pattern, _ = rng.choices(patterns, weights=[weight for _, weight in patterns])[0]
        away = rng.choice(weeks) if rng.random() < AWAY_FOR_A_WEEK_SHARE else None
        available = frozenset(
            shift.id
            for shift in shifts
            if pattern(shift.day.weekday(), SHIFT_HOURS.index((shift.starts.hour, shift.ends.hour)))
            and shift.day.isocalendar()[:2] != away
        )
        spoken = {"sv"}
        if rng.random() < 0.5:
            spoken.add("en")
        if rng.random() < OTHER_LANGUAGE_SHARE:
            spoken.add(rng.choices(list(OTHER_LANGUAGES), list(OTHER_LANGUAGES.values()))[0])
        most = rng.choices(list(MAX_PER_WEEK_WEIGHTS), list(MAX_PER_WEEK_WEIGHTS.values()))[0]
        history = 0 if rng.random() < NEW_VOLUNTEER_SHARE else rng.randint(1, MOST_HISTORY)
        pool.append(
            VolunteerSpec(
                id=number,
                languages=frozenset(spoken),
                available=available,
                max_per_week=most,
                history=history,
            )
        )
    return pool


def violations(
    shifts: Sequence[ShiftSpec],
    volunteers: Sequence[VolunteerSpec],
    plan: RotaPlan,
    min_rest: timedelta,
) -> list[str]:
    """Every hard rule the plan breaks, and every slot it neither staffs nor explains."""
    found = []
    shift_by_id = {shift.id: shift for shift in shifts}
    person = {volunteer.id: volunteer for volunteer in volunteers}
    slots = Counter((a.shift_id, a.language) for a in plan.assignments)
    found += [f"slot {slot} staffed {n} times" for slot, n in slots.items() if n > 1]
    in_shift = Counter((a.shift_id, a.volunteer_id) for a in plan.assignments)
    found += [f"{pair} twice in a shift" for pair, n in in_shift.items() if n > 1]
    worked: dict[int, list[ShiftSpec]] = defaultdict(list)
    for a in plan.assignments:
        shift, volunteer = shift_by_id.get(a.shift_id), person.get(a.volunteer_id)
        if shift is None or volunteer is None:
            found.append(f"{a} names an unknown shift or volunteer")
            continue
        if a.shift_id not in volunteer.available:
            found.append(f"{a}: not available")
        if a.language is not None and (
            a.language not in volunteer.languages or a.language not in shift.languages
        ):
            found.append(f"{a}: language not spoken or not promised")
        worked[a.volunteer_id].append(shift)
    for volunteer_id, taken in worked.items():
        taken.sort(key=lambda shift: shift.starts)
        per_week = Counter(shift.day.isocalendar()[:2] for shift in taken)
        if max(per_week.values()) > person[volunteer_id].max_per_week:
            found.append(f"volunteer {volunteer_id} over their weekly maximum")
        if len({shift.day for shift in taken}) < len(taken):
            found.append(f"volunteer {volunteer_id} twice in a day")
        for before, after in zip(taken, taken[1:], strict=False):
            if after.starts - before.ends < min_rest:
                found.append(f"volunteer {volunteer_id} rests too little before {after.id}")
    gaps = {(gap.shift_id, gap.language): gap.reason for gap in plan.gaps}
    spoken = {language for volunteer in volunteers for language in volunteer.languages}
    for shift in shifts:
        for language in (*shift.languages, None):
            staffed, reason = (shift.id, language) in slots, gaps.get((shift.id, language))
            if staffed == (reason is not None):
                found.append(f"slot {(shift.id, language)} staffed and a gap, or neither")
                continue
            if reason is None:
                continue
            speakers = [v for v in volunteers if language is None or language in v.languages]
            if language is not None and language not in spoken:
                expected = GapReason.NO_SPEAKER
            elif not any(shift.id in v.available for v in speakers):
                expected = GapReason.NOBODY_AVAILABLE
            else:
                expected = GapReason.ALL_TAKEN
            if reason != expected:
                found.append(f"gap {(shift.id, language)} says {reason}, should be {expected}")
    return found


def coverable(shifts: Sequence[ShiftSpec], volunteers: Sequence[VolunteerSpec]) -> int:
    """The most language slots a maximum flow staffs, one node per person, rest left out."""
    nodes: dict[object, int] = {"source": 0, "sink": 1}
    edges: dict[tuple[int, int], int] = {}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    shift_by_id = {shift.id: shift for shift in shifts}
    for volunteer in volunteers:
        mine = [shift_by_id[i] for i in sorted(volunteer.available) if i in shift_by_id]
        weeks = {shift.day.isocalendar()[:2] for shift in mine}
        edges[(0, node(volunteer.id))] = volunteer.max_per_week * len(weeks)
        for shift in mine:
            week = node((volunteer.id, shift.day.isocalendar()[:2]))
            day = node((volunteer.id, shift.day))
            edges[(node(volunteer.id), week)] = volunteer.max_per_week
            edges[(week, day)] = 1
            for language in volunteer.languages & set(shift.languages):
                slot = node((shift.id, language))
                edges[(day, slot)] = 1
                edges[(slot, 1)] = 1
    if not edges:
        return 0
    tails, heads = zip(*edges, strict=True)
    graph = sp.csr_array(
        (np.fromiter(edges.values(), dtype=np.int32), (tails, heads)),
        shape=(len(nodes), len(nodes)),
    )
    return int(maximum_flow(graph, 0, 1).flow_value)


def largest_spread(volunteers: Sequence[VolunteerSpec], plan: RotaPlan) -> tuple[int, int]:
    """The largest max − min of new shifts among identical volunteers, and how many groups."""
    new = Counter(assignment.volunteer_id for assignment in plan.assignments)
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for v in volunteers:
        groups[(v.available, v.languages, v.max_per_week, v.history)].append(new[v.id])
    shared = [counts for counts in groups.values() if len(counts) > 1]
    return max((max(counts) - min(counts) for counts in shared), default=0), len(shared)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m events.bench_rota", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--ambassadors", type=_whole(1, 100_000), default=500)
    parser.add_argument("--weeks", type=_whole(1, 52), default=4)
    parser.add_argument("--languages", type=_whole(1, len(LANGUAGES)), default=8)
    parser.add_argument("--seed", type=_whole(0, 2**32 - 1), default=1)
    parser.add_argument("--min-rest-hours", type=_hours, default=11.0)
    args = parser.parse_args(argv)
    min_rest = timedelta(hours=args.min_rest_hours)

    rng = random.Random(args.seed)
    shifts = make_shifts(args.weeks, args.languages)
    volunteers = make_pool(args.ambassadors, shifts, rng)
    _progress(f"solving: {len(shifts)} shifts, {len(volunteers)} volunteers")
    started = time.perf_counter()
    plan = rota_solve(shifts, volunteers, min_rest=min_rest)
    seconds = time.perf_counter() - started
    _progress(f"solved in {seconds:.3f} s; checking the rules and the upper bound")

    broken = violations(shifts, volunteers, plan, min_rest)
    bound = coverable(shifts, volunteers)
    covered = sum(1 for a in plan.assignments if a.language is not None)
    spread, groups = largest_spread(volunteers, plan)
    report = {
        "seconds": round(seconds, 3),
        "shifts": len(shifts),
        "volunteers": len(volunteers),
        "classes": len({(v.available, v.languages, v.max_per_week, v.history) for v in volunteers}),
        "language_slots": sum(len(shift.languages) for shift in shifts),
        "covered": covered,
        "coverable": bound,
        "coverage": round(covered / bound, 4) if bound else 1.0,
        "backup_slots": len(shifts),
        "backups_covered": len(plan.assignments) - covered,
        "gaps": len(plan.gaps),
        "gaps_by_reason": dict(sorted(Counter(gap.reason.value for gap in plan.gaps).items())),
        "max_min_diff": spread,
        "identical_groups": groups,
        "violations": len(broken),
    }
    for message in broken[:20]:
        _progress(f"broken: {message}")
    print(json.dumps(report, indent=2))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
