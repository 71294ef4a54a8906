"""The hotline rota: who answers which language line on which shift, as a min-cost flow.

Pure code (numpy, scipy, networkx; no Django). `events.hotline` turns the database into
`ShiftSpec` and `VolunteerSpec` values and stores what `rota_solve` returns.

One unit of flow is one volunteer on one shift in one slot (a promised language, or
the shift's backup). Volunteers with the same availability, languages, maximum and
history form a class of k members, and the class stands for all of them at once:

    source ─► class ─► class·week ─► day pool ─► shift·Q ─► slot ─► sink

- source → class: one arc for each new shift a member can still take in the period
  (j = 1 … J), capacity k, cost history + j: the total that shift brings a member to.
  The costs rise with the total, so the cheapest flow levels the totals, history
  included, and k members' j-th shifts cost the same, so levelling is k-wide.
- class → class·week: k × max per week (left out where the week has no more days
  the class is available on than the maximum).
- class·week → day pool: k, one shift a day per member. A day pool gathers the
  classes with the same shifts available that day and the same languages, so the
  arcs on to those shifts are shared: any of them may take any of its shifts. A class
  with a single shift that day goes straight to that shift·Q.
- shift·Q gathers everyone who speaks exactly the languages Q of those the shift
  promises; it feeds those language slots and the backup slot (capacity 1 each).
- slot → sink: capacity 1, cost −A for a language slot, −B for the backup.

With B > t (t the largest fairness cost, history + J) and A ≥ B + t, the cheapest
flow covers the most language slots, then the most backups, then levels the totals:
every simple cycle of the residual graph swaps at most one slot for another and
passes the source at most once, so its fairness part is under t, and a lexicographic
improvement would be a negative cycle. The flow is solved as a linear programme by
HiGHS' dual simplex (a network matrix: its basic solutions are integral), and by
networkx' network simplex, in exact integers, should HiGHS ever return something else.

A class's flow is handed to its members round-robin in time order. A member's shifts
in any week then number at most ceil(class's week flow / k) ≤ max, the shifts of one
day go to different members, and totals within the class differ by at most one,
which is what the fairness arcs priced.

The rest rule cannot be a capacity: a late shift clashes with the next morning's
early one, and those pairs overlap the days. Only where the shifts leave less than
`min_rest` across some night: clashing shifts are first swapped between members of a
class (no counts change); then one shift of each clash left is dropped, and open
slots go to anyone still free for them. The first flow ignores only the rest rule,
so no plan covers more: if the repaired plan covers as much, it is kept. Otherwise
the dropped (person, shift) pairs are barred and the flow solved again, keeping the
best plan, until a plan has no clash or reaches the bound. Coverage is then maximal
whenever it reaches the bound, and the best found otherwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

# Where the flow's variables are this far from whole numbers, HiGHS has not returned
# the network's vertex and the exact solver takes over.
_INTEGRAL_TOLERANCE = 1e-6
_SOURCE = 0
_SINK = 1


@dataclass(frozen=True)
class ShiftSpec:
    id: int
    starts: datetime  # aware
    ends: datetime  # aware
    day: date  # local (Europe/Stockholm) calendar date of the start
    languages: tuple[str, ...]  # promised language codes, e.g. ("sv", "ar", "so")


@dataclass(frozen=True)
class VolunteerSpec:
    id: int
    languages: frozenset[str]  # languages they take calls in
    # Shifts they can take, their windows and absences already applied by the caller.
    available: frozenset[int]
    max_per_week: int
    history: int = 0  # shifts done in earlier periods, for fairness over time


@dataclass(frozen=True)
class Assignment:
    shift_id: int
    volunteer_id: int
    language: str | None  # None = the backup


class GapReason(StrEnum):
    NO_SPEAKER = "no_speaker"  # nobody in the pool speaks the language at all
    NOBODY_AVAILABLE = "nobody_available"  # speakers exist but none is available
    # Available speakers exist but all are at their maximum, resting or needed elsewhere.
    ALL_TAKEN = "all_taken"


@dataclass(frozen=True)
class Gap:
    shift_id: int
    language: str | None  # None = the backup slot
    reason: GapReason


@dataclass(frozen=True)
class RotaPlan:
    assignments: tuple[Assignment, ...]
    gaps: tuple[Gap, ...]


def rota_solve(
    shifts: Sequence[ShiftSpec],
    volunteers: Sequence[VolunteerSpec],
    *,
    min_rest: timedelta = timedelta(hours=11),
) -> RotaPlan:
    """Staff every promised language of every shift where availability allows, plus a backup.

    Hard rules: only shifts a volunteer is available for, in languages they speak; at
    most `max_per_week` shifts per ISO week of `ShiftSpec.day`, one a day, `min_rest`
    between the end of one and the start of the next, nobody twice in a shift. Within
    them: the most language slots, then the most backups, then the totals
    (history + new) as level as possible. Deterministic for the same input.
    Assignments and gaps come in shift order (start, id), languages as promised,
    the backup last. See the module docstring for the graph.
    """
    return solve_with(shifts, volunteers, min_rest=min_rest, flow=flow_highs)


@dataclass(frozen=True)
class _Shift:
    id: int
    order: int  # place in time: by start, then id
    starts: datetime
    ends: datetime
    day: date
    week: tuple[int, int]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class _Class:
    members: tuple[int, ...]  # volunteer ids, ascending
    languages: frozenset[str]
    shifts: tuple[_Shift, ...]  # available, in time order
    max_per_week: int
    history: int


@dataclass
class Network:
    """Arcs of a flow network; node 0 is the source and node 1 the sink."""

    tails: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    capacities: list[int] = field(default_factory=list)
    costs: list[int] = field(default_factory=list)
    nodes: int = 2

    def node(self) -> int:
        self.nodes += 1
        return self.nodes - 1

    def arc(self, tail: int, head: int, capacity: int, cost: int = 0) -> int:
        self.tails.append(tail)
        self.heads.append(head)
        self.capacities.append(capacity)
        self.costs.append(cost)
        return len(self.tails) - 1


FlowSolver = Callable[[Network], list[int]]


def flow_networkx(network: Network) -> list[int]:
    """A min-cost flow of any value from source to sink, by networkx in exact integers."""
    graph: nx.MultiDiGraph[int] = nx.MultiDiGraph()
    most = sum(network.capacities[a] for a, head in enumerate(network.heads) if head == _SINK)
    graph.add_nodes_from(range(network.nodes), demand=0)
    graph.nodes[_SOURCE]["demand"] = -most
    graph.nodes[_SINK]["demand"] = most
    arcs = zip(network.tails, network.heads, network.capacities, network.costs, strict=True)
    for index, (tail, head, capacity, cost) in enumerate(arcs):
        graph.add_edge(tail, head, key=index, capacity=capacity, weight=cost)
    # What the slots do not take goes straight to the sink for nothing.
    graph.add_edge(_SOURCE, _SINK, key=-1, capacity=most, weight=0)
    _, flows = nx.network_simplex(graph)
    return [
        int(flows[tail][head][index])
        for index, (tail, head) in enumerate(zip(network.tails, network.heads, strict=True))
    ]


def flow_highs(network: Network) -> list[int]:
    """A min-cost flow of any value from source to sink, as an LP for HiGHS' dual simplex."""
    count = len(network.tails)
    if count == 0:
        return []
    tails = np.asarray(network.tails, dtype=np.int64)
    heads = np.asarray(network.heads, dtype=np.int64)
    capacities = np.asarray(network.capacities, dtype=np.float64)
    arcs = np.arange(count)
    # Conservation at every node but the source and the sink, whose flow is left free.
    rows = np.concatenate((tails, heads)) - 2
    columns = np.concatenate((arcs, arcs))
    signs = np.concatenate((np.ones(count), -np.ones(count)))
    inner = rows >= 0
    balance = sp.csr_array(
        (signs[inner], (rows[inner], columns[inner])), shape=(network.nodes - 2, count)
    )
    # scipy-stubs leave out the sparse A_eq and the array of bounds that linprog takes.
    result = linprog(  # type: ignore[call-overload]
        np.asarray(network.costs, dtype=np.float64),
        A_eq=balance,
        b_eq=np.zeros(network.nodes - 2),
        bounds=np.column_stack((np.zeros(count), capacities)),
        method="highs-ds",
        # Measured fastest on rota networks; the answer is the same with any of them.
        options={"simplex_dual_edge_weight_strategy": "devex"},
    )
    if result.status != 0 or result.x is None:
        return flow_networkx(network)
    flows = np.rint(result.x)
    if (
        np.abs(result.x - flows).max() > _INTEGRAL_TOLERANCE
        or np.any(flows < 0)
        or np.any(flows > capacities)
        or np.any(balance @ flows != 0)
    ):
        return flow_networkx(network)
    return [int(flow) for flow in flows]


def solve_with(
    shifts: Sequence[ShiftSpec],
    volunteers: Sequence[VolunteerSpec],
    *,
    min_rest: timedelta,
    flow: FlowSolver,
) -> RotaPlan:
    """`rota_solve` with the min-cost flow solver of one's choice (the tests use both)."""
    timeline = _timeline(shifts)
    _check_volunteers(volunteers)
    by_id = {shift.id: shift for shift in timeline}
    history = {volunteer.id: volunteer.history for volunteer in volunteers}
    barred: dict[int, set[int]] = defaultdict(set)
    may_clash = _rest_can_bite(timeline, min_rest)
    best: tuple[tuple[int, int, int], Schedules] | None = None
    bound: tuple[int, int, int] | None = None
    while True:
        classes = _classes(volunteers, by_id, barred)
        units = _class_units(classes, flow)
        schedules = _hand_out(classes, units)
        if not may_clash:
            return _plan(timeline, volunteers, schedules)
        for member_class in classes:
            _swap_within(member_class, schedules, min_rest)
        if bound is None:
            # The first flow leaves out only the rest rule: no plan covers more.
            bound = _score(schedules, history)
        clashes, rested = _clashes(schedules, min_rest, barred)
        _fill(timeline, volunteers, rested, min_rest)
        score = _score(rested, history)
        if best is None or score > best[0]:
            best = (score, rested)
        if not clashes or score[:2] == bound[:2]:
            break
        for volunteer_id, shift_id in clashes:
            barred[volunteer_id].add(shift_id)
    return _plan(timeline, volunteers, best[1])


def _score(schedules: Schedules, history: dict[int, int]) -> tuple[int, int, int]:
    """(language slots, backups, −fairness cost): the flow's objective, best first."""
    languages = backups = cost = 0
    for volunteer_id, units in schedules.items():
        count = len(units)
        languages += sum(1 for unit in units if unit.language is not None)
        backups += sum(1 for unit in units if unit.language is None)
        start = history[volunteer_id]
        cost += (start + count) * (start + count + 1) // 2 - start * (start + 1) // 2
    return languages, backups, -cost


def _timeline(shifts: Sequence[ShiftSpec]) -> list[_Shift]:
    if len({shift.id for shift in shifts}) != len(shifts):
        raise ValueError("Shift ids must be unique.")
    for shift in shifts:
        if shift.starts.tzinfo is None or shift.ends.tzinfo is None:
            raise ValueError(f"Shift {shift.id} has a naive start or end.")
        if shift.ends <= shift.starts:
            raise ValueError(f"Shift {shift.id} does not end after it starts.")
    ordered = sorted(shifts, key=lambda shift: (shift.starts, shift.id))
    # The day nodes and the round-robin rely on days following the starts.
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.day < earlier.day:
            raise ValueError(f"Shift {later.id} starts later than {earlier.id} on an earlier day.")
    return [
        _Shift(
            id=shift.id,
            order=order,
            starts=shift.starts,
            ends=shift.ends,
            day=shift.day,
            week=(shift.day.isocalendar()[0], shift.day.isocalendar()[1]),
            # A language promised twice is still one line.
            languages=tuple(dict.fromkeys(shift.languages)),
        )
        for order, shift in enumerate(ordered)
    ]


def _check_volunteers(volunteers: Sequence[VolunteerSpec]) -> None:
    if len({volunteer.id for volunteer in volunteers}) != len(volunteers):
        raise ValueError("Volunteer ids must be unique.")
    for volunteer in volunteers:
        if volunteer.max_per_week < 0 or volunteer.history < 0:
            raise ValueError(f"Volunteer {volunteer.id} has a negative maximum or history.")


def _rest_can_bite(timeline: Sequence[_Shift], min_rest: timedelta) -> bool:
    """Whether two shifts on different days are too close for one person to take both."""
    earlier_days_end: datetime | None = None  # the latest end of the days before this one
    this_day_end = timeline[0].ends if timeline else None
    for earlier, later in zip(timeline, timeline[1:], strict=False):
        if later.day != earlier.day:
            earlier_days_end = this_day_end
            this_day_end = later.ends
        elif this_day_end is not None:
            this_day_end = max(this_day_end, later.ends)
        if earlier_days_end is not None and later.starts < earlier_days_end + min_rest:
            return True
    return False


def _classes(
    volunteers: Sequence[VolunteerSpec],
    by_id: dict[int, _Shift],
    barred: dict[int, set[int]],
) -> list[_Class]:
    promised = {language for shift in by_id.values() for language in shift.languages}
    groups: dict[tuple[frozenset[int], frozenset[str], int, int], list[int]] = defaultdict(list)
    for volunteer in volunteers:
        if volunteer.max_per_week <= 0:
            continue
        available = frozenset(
            shift_id
            for shift_id in volunteer.available
            if shift_id in by_id and shift_id not in barred.get(volunteer.id, ())
        )
        if not available:
            continue
        # Languages no shift promises make no difference, so they do not split classes.
        key = (
            available,
            volunteer.languages & promised,
            volunteer.max_per_week,
            volunteer.history,
        )
        groups[key].append(volunteer.id)
    classes = [
        _Class(
            members=tuple(sorted(members)),
            languages=languages,
            shifts=tuple(sorted((by_id[shift_id] for shift_id in available), key=_in_time)),
            max_per_week=most,
            history=history,
        )
        for (available, languages, most, history), members in groups.items()
    ]
    classes.sort(key=lambda member_class: member_class.members[0])
    return classes


def _in_time(shift: _Shift) -> int:
    return shift.order


def _per_person_most(member_class: _Class) -> int:
    """The most new shifts one member can take in the period: max a week, one a day."""
    days_per_week: dict[tuple[int, int], set[date]] = defaultdict(set)
    for shift in member_class.shifts:
        days_per_week[shift.week].add(shift.day)
    return sum(min(member_class.max_per_week, len(days)) for days in days_per_week.values())


@dataclass(frozen=True)
class _Unit:
    """One member of a class (not yet chosen) on one shift, in one slot."""

    shift: _Shift
    language: str | None


def _class_units(classes: Sequence[_Class], flow: FlowSolver) -> list[list[_Unit]]:
    """Build the network, solve it, and read each class's shifts and slots off the flow."""
    network = Network()
    most = [_per_person_most(member_class) for member_class in classes]
    largest_cost = max((c.history + j for c, j in zip(classes, most, strict=True)), default=0)
    backup_value = largest_cost + 1
    language_value = backup_value + largest_cost + 1

    slots: dict[tuple[int, str | None], int] = {}
    mixes: dict[tuple[int, frozenset[str]], int] = {}
    mix_shift: dict[int, _Shift] = {}
    mix_outflows: dict[int, list[tuple[int, str | None]]] = {}  # (arc, language)
    mix_inflows: dict[int, list[tuple[int, int]]] = defaultdict(list)  # (arc, class)
    pools: dict[tuple[tuple[int, ...], frozenset[str]], int] = {}
    pool_outflows: dict[int, list[tuple[int, int]]] = {}  # (arc, mix)
    pool_inflows: dict[int, list[tuple[int, int]]] = defaultdict(list)  # (arc, class)

    def slot(shift: _Shift, language: str | None) -> int:
        key = (shift.id, language)
        if key not in slots:
            slots[key] = network.node()
            value = backup_value if language is None else language_value
            network.arc(slots[key], _SINK, 1, -value)
        return slots[key]

    def mix(shift: _Shift, languages: frozenset[str]) -> int:
        spoken = frozenset(language for language in shift.languages if language in languages)
        key = (shift.id, spoken)
        if key not in mixes:
            node = mixes[key] = network.node()
            mix_shift[node] = shift
            mix_outflows[node] = [
                (network.arc(node, slot(shift, language), 1), language)
                for language in (*shift.languages, None)
                if language is None or language in spoken
            ]
        return mixes[key]

    def pool(day_shifts: Sequence[_Shift], languages: frozenset[str]) -> int:
        key = (tuple(shift.id for shift in day_shifts), languages)
        if key not in pools:
            node = pools[key] = network.node()
            targets = [mix(shift, languages) for shift in day_shifts]
            pool_outflows[node] = [
                (network.arc(node, target, len(mix_outflows[target])), target) for target in targets
            ]
        return pools[key]

    for index, member_class in enumerate(classes):
        size = len(member_class.members)
        class_node = network.node()
        for j in range(1, most[index] + 1):
            network.arc(_SOURCE, class_node, size, member_class.history + j)
        by_week: dict[tuple[int, int], dict[date, list[_Shift]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for shift in member_class.shifts:
            by_week[shift.week][shift.day].append(shift)
        for days in by_week.values():
            week_node = class_node
            if member_class.max_per_week < len(days):
                week_node = network.node()
                network.arc(class_node, week_node, size * member_class.max_per_week)
            for day_shifts in days.values():
                # The arc's capacity k is the class's one shift a day per member.
                if len(day_shifts) == 1:
                    target = mix(day_shifts[0], member_class.languages)
                    mix_inflows[target].append((network.arc(week_node, target, size), index))
                else:
                    target = pool(day_shifts, member_class.languages)
                    pool_inflows[target].append((network.arc(week_node, target, size), index))

    flows = flow(network)

    # Everyone in a pool is available for each of its shifts and speaks the same
    # languages, so any pairing of senders and receivers is valid, here and below.
    senders_at: dict[int, list[int]] = defaultdict(list)
    for node, inflows in mix_inflows.items():
        senders_at[node] += [index for arc, index in inflows for _ in range(flows[arc])]
    for node, inflows in pool_inflows.items():
        senders = [index for arc, index in inflows for _ in range(flows[arc])]
        receivers = [target for arc, target in pool_outflows[node] for _ in range(flows[arc])]
        for index, target in zip(senders, receivers, strict=True):
            senders_at[target].append(index)
    units: list[list[_Unit]] = [[] for _ in classes]
    for node, outflows in mix_outflows.items():
        taken = [language for arc, language in outflows if flows[arc] > 0]
        for index, language in zip(senders_at[node], taken, strict=True):
            units[index].append(_Unit(mix_shift[node], language))
    return units


def _slot_rank(unit: _Unit) -> tuple[int, int]:
    if unit.language is None:
        return unit.shift.order, len(unit.shift.languages)
    return unit.shift.order, unit.shift.languages.index(unit.language)


# A volunteer's shifts: volunteer id -> units, in time order.
Schedules = dict[int, list[_Unit]]


def _hand_out(classes: Sequence[_Class], units: Sequence[Sequence[_Unit]]) -> Schedules:
    """Each class's units to its members round-robin, in time order.

    Any run of n consecutive units gives each of k members ⌊n/k⌋ or ⌈n/k⌉ of them, so
    a day (at most k units) goes to different people and a week (at most k × max)
    gives nobody more than max.
    """
    schedules: Schedules = {}
    for member_class, class_units in zip(classes, units, strict=True):
        for member in member_class.members:
            schedules[member] = []
        size = len(member_class.members)
        for position, unit in enumerate(sorted(class_units, key=_slot_rank)):
            schedules[member_class.members[position % size]].append(unit)
    return schedules


def _fits(schedule: Iterable[_Unit], shift: _Shift, min_rest: timedelta) -> bool:
    """Whether a person with these shifts may also take `shift` (rest and one a day)."""
    for unit in schedule:
        other = unit.shift
        if other.day == shift.day:
            return False
        first, second = (other, shift) if other.order < shift.order else (shift, other)
        if second.starts < first.ends + min_rest:
            return False
    return True


def _first_clash(schedule: Sequence[_Unit], min_rest: timedelta) -> tuple[int, int] | None:
    """Positions of the first two consecutive shifts too close together, if any."""
    for position in range(1, len(schedule)):
        before, after = schedule[position - 1].shift, schedule[position].shift
        if after.day == before.day or after.starts < before.ends + min_rest:
            return position - 1, position
    return None


def _swap_within(member_class: _Class, schedules: Schedules, min_rest: timedelta) -> None:
    """Move clashing shifts to other members of the class without unlevelling them.

    A swap of two shifts on one day changes nobody's counts; a move to a member with
    fewer shifts (and room that week) keeps the class within one of each other.
    """
    members = member_class.members
    if len(members) < 2:
        return
    for member in members:
        for _ in range(len(schedules[member])):
            clash = _first_clash(schedules[member], min_rest)
            if clash is None or not any(
                _relocate(member, schedules[member][position], member_class, schedules, min_rest)
                for position in reversed(clash)
            ):
                break


def _relocate(
    member: int,
    unit: _Unit,
    member_class: _Class,
    schedules: Schedules,
    min_rest: timedelta,
) -> bool:
    own = [other for other in schedules[member] if other is not unit]
    for other_member in member_class.members:
        if other_member == member:
            continue
        theirs = schedules[other_member]
        same_day = [other for other in theirs if other.shift.day == unit.shift.day]
        if same_day:
            swap = same_day[0]
            if swap.shift.id == unit.shift.id:
                continue
            rest_of_theirs = [other for other in theirs if other is not swap]
            if _fits(own, swap.shift, min_rest) and _fits(rest_of_theirs, unit.shift, min_rest):
                schedules[member] = sorted([*own, swap], key=_slot_rank)
                schedules[other_member] = sorted([*rest_of_theirs, unit], key=_slot_rank)
                return True
            continue
        that_week = sum(1 for other in theirs if other.shift.week == unit.shift.week)
        if (
            len(theirs) < len(schedules[member])
            and that_week < member_class.max_per_week
            and _fits(theirs, unit.shift, min_rest)
        ):
            schedules[member] = own
            schedules[other_member] = sorted([*theirs, unit], key=_slot_rank)
            return True
    return False


def _clashes(
    schedules: Schedules, min_rest: timedelta, barred: dict[int, set[int]]
) -> tuple[list[tuple[int, int]], Schedules]:
    """The (volunteer, shift) pairs to bar, one shift of each clash, and what is left.

    A backup goes before a language slot. Otherwise the shift fewer people are barred
    from goes (the later one on a tie): two people who clash on the same night then
    lose different shifts, and one can still take each.
    """
    barred_from = Counter(shift_id for shift_ids in barred.values() for shift_id in shift_ids)
    found = []
    rested: Schedules = {}
    for volunteer_id, schedule in schedules.items():
        kept = rested[volunteer_id] = []
        for unit in schedule:
            if not kept or _fits(kept[-1:], unit.shift, min_rest):
                kept.append(unit)
                continue
            previous = kept[-1]
            if (previous.language is None) != (unit.language is None):
                drop_previous = previous.language is None
            else:
                drop_previous = barred_from[previous.shift.id] < barred_from[unit.shift.id]
            dropped = previous if drop_previous else unit
            found.append((volunteer_id, dropped.shift.id))
            barred_from[dropped.shift.id] += 1
            if drop_previous:
                kept[-1] = unit
    return found, rested


def _fill(
    timeline: Sequence[_Shift],
    volunteers: Sequence[VolunteerSpec],
    schedules: Schedules,
    min_rest: timedelta,
) -> None:
    """Give slots the rest repair left open to anyone still free for them.

    Barring is blunter than it needs to be, so a slot can end open with someone who
    could take it after all. Language slots first, then backups; the lowest total
    (history + new) first. Without the repair the flow leaves nothing to fill.
    """
    taken = {(unit.shift.id, unit.language) for units in schedules.values() for unit in units}
    people = sorted(volunteers, key=lambda volunteer: volunteer.id)
    open_slots: list[tuple[_Shift, str | None]] = [
        (shift, language)
        for shift in timeline
        for language in shift.languages
        if (shift.id, language) not in taken
    ]
    open_slots += [(shift, None) for shift in timeline if (shift.id, None) not in taken]
    for shift, language in open_slots:
        free = [
            volunteer
            for volunteer in people
            if shift.id in volunteer.available
            and (language is None or language in volunteer.languages)
            and sum(1 for unit in schedules.get(volunteer.id, ()) if unit.shift.week == shift.week)
            < volunteer.max_per_week
            and _fits(schedules.get(volunteer.id, ()), shift, min_rest)
        ]
        if free:
            chosen = min(
                free,
                key=lambda volunteer: (
                    volunteer.history + len(schedules.get(volunteer.id, ())),
                    volunteer.id,
                ),
            )
            units = [*schedules.get(chosen.id, ()), _Unit(shift, language)]
            schedules[chosen.id] = sorted(units, key=_slot_rank)


def _plan(
    timeline: Sequence[_Shift], volunteers: Sequence[VolunteerSpec], schedules: Schedules
) -> RotaPlan:
    taken: dict[tuple[int, str | None], int] = {}
    for volunteer_id, schedule in schedules.items():
        for unit in schedule:
            taken[(unit.shift.id, unit.language)] = volunteer_id
    spoken = {language for volunteer in volunteers for language in volunteer.languages}
    staffed: set[int] = set()
    reachable: set[tuple[int, str]] = set()
    for volunteer in volunteers:
        staffed |= volunteer.available
        reachable.update(
            (shift_id, language)
            for shift_id in volunteer.available
            for language in volunteer.languages
        )
    assignments: list[Assignment] = []
    gaps: list[Gap] = []
    for shift in timeline:
        for language in (*shift.languages, None):
            taker = taken.get((shift.id, language))
            if taker is not None:
                assignments.append(Assignment(shift.id, taker, language))
            elif language is None:
                reason = GapReason.ALL_TAKEN if shift.id in staffed else GapReason.NOBODY_AVAILABLE
                gaps.append(Gap(shift.id, None, reason))
            elif language not in spoken:
                gaps.append(Gap(shift.id, language, GapReason.NO_SPEAKER))
            elif (shift.id, language) not in reachable:
                gaps.append(Gap(shift.id, language, GapReason.NOBODY_AVAILABLE))
            else:
                gaps.append(Gap(shift.id, language, GapReason.ALL_TAKEN))
    return RotaPlan(assignments=tuple(assignments), gaps=tuple(gaps))
