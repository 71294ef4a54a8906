"""The matching engine: who could be whose buddy, how well, and the best assignment.

Pure code (numpy, scipy, networkx; no Django) so it can be tested and benchmarked on
plain data. `matching.services` turns database rows into `Request` and `Ambassador`
values and stores what `solve` returns.

Scores are kept in integer thousandths ("millis") inside the engine. Every part of a
score is rounded to a thousandth on its own, by the same helper on the scalar path
(`score`) and in the tables of the vectorised path, so both give exactly the same
numbers and the assignment never has to compare floats that differ in the last bit.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from matching.assign import NO_EDGE, b_matching, is_edge, parallel

# More shared interests or covered needs than this add nothing: three is plenty to
# start a conversation, and a long list should not outweigh language or distance.
INTEREST_CAP = 3
NEED_CAP = 3

# Bit sets up to this width are scored through a lookup table on the AND of the two
# masks (one gather per pair); wider ones fall back to counting bits.
_LOOKUP_BITS = 16
_ROWS_PER_BLOCK = 128


@dataclass(frozen=True)
class Weights:
    """How much each part of a pairing counts. Scores are in points.

    - preferred_language (10): the ambassador speaks the newcomer's preferred language,
      times level/4 (1 basic, 2 conversational, 3 fluent, 4 native).
    - other_language (4): the best other shared language, times level/4. The better of
      the two language terms counts, so a basic preferred language (2.5) does not beat
      a fluent shared other language (3).
    - per_hour (3): subtracted per hour of driving from the ambassador's nearest meeting
      municipality to the household's municipality.
    - digital_factor (0.5): that penalty is multiplied by this when the ambassador also
      meets by video: distance matters less, but a buddy nearby is still better.
    - interest (1): per shared interest, at most three counted.
    - family (2): a household with children meets an ambassador with children.
    - need (1.5): per need of the household the ambassador helps with, at most three.
    """

    preferred_language: float = 10.0
    other_language: float = 4.0
    per_hour: float = 3.0
    digital_factor: float = 0.5
    interest: float = 1.0
    family: float = 2.0
    need: float = 1.5


@dataclass(frozen=True)
class Ambassador:
    id: str
    # ISO code -> level 1 basic, 2 conversational, 3 fluent, 4 native.
    languages: Mapping[str, int]
    municipality: str
    # Where they can meet; the home municipality always counts as well.
    meets_in: frozenset[str] = frozenset()
    digital: bool = False
    interests: frozenset[str] = frozenset()
    helps_with: frozenset[str] = frozenset()
    has_children: bool = False
    # Free capacity: slots left after accepted matches. 0 means no edge at all.
    capacity: int = 2


@dataclass(frozen=True)
class Request:
    id: str
    preferred_language: str
    # Every language they speak; the preferred one is added if missing.
    languages: frozenset[str]
    municipality: str
    interests: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    children: int = 0


@dataclass(frozen=True)
class Reasons:
    languages: tuple[str, ...]  # shared language codes, best first
    preferred_language: bool  # the newcomer's preferred language is shared
    minutes: int  # from the ambassador's nearest meeting municipality to the household's
    digital: bool  # the ambassador also meets by video
    interests: tuple[str, ...]  # shared interests, sorted
    family: bool
    needs: tuple[str, ...]  # needs covered, sorted

    def as_dict(self) -> dict[str, object]:
        return {
            "languages": list(self.languages),
            "preferred_language": self.preferred_language,
            "minutes": self.minutes,
            "digital": self.digital,
            "interests": list(self.interests),
            "family": self.family,
            "needs": list(self.needs),
        }


@dataclass(frozen=True)
class Pairing:
    request: str
    ambassador: str
    score: float  # rounded to 3 decimals
    reasons: Reasons


@dataclass(frozen=True)
class Result:
    matches: list[Pairing]  # sorted by request id
    unmatched: list[str]  # request ids, sorted
    objective: float  # sum of the matched scores
    # For every request with at least one edge: its best edges (at most five), best
    # first, always including the one it was matched with.
    candidates: dict[str, list[Pairing]]
    # Seconds: "graph" (vectorise and score every pair), "assign", "explain" (build the
    # Pairing objects), "total".
    timings: dict[str, float]
    # Counts for the benchmark: "edges" in the graph, "kept" in the part solved last,
    # "rounds" of solving and checking (see matching.assign).
    stats: dict[str, int] = field(default_factory=dict)


def _millis(points: float) -> int:
    # round() on the float, half to even, exactly like numpy.rint would: the tables of
    # the vectorised path are filled by these same helpers.
    return round(points * 1000)


def _language_millis(preferred_level: int, other_level: int, weights: Weights) -> int:
    best = NO_EDGE
    if preferred_level:
        best = _millis(weights.preferred_language * preferred_level / 4)
    if other_level:
        best = max(best, _millis(weights.other_language * other_level / 4))
    return best


def _distance_millis(minutes: int, digital: bool, weights: Weights) -> int:
    factor = weights.digital_factor if digital else 1.0
    return -_millis(weights.per_hour * minutes / 60 * factor)


def _interest_millis(shared: int, weights: Weights) -> int:
    return _millis(weights.interest * min(shared, INTEREST_CAP))


def _need_millis(covered: int, weights: Weights) -> int:
    return _millis(weights.need * min(covered, NEED_CAP))


def _family_millis(family: bool, weights: Weights) -> int:
    return _millis(weights.family) if family else 0


def _minutes_between(minutes: Mapping[str, Mapping[str, int]], start: str, end: str) -> int:
    try:
        return int(minutes[start][end])
    except KeyError:
        raise KeyError(f"no driving minutes from municipality {start!r} to {end!r}") from None


def _nearest_minutes(
    request: Request, ambassador: Ambassador, minutes: Mapping[str, Mapping[str, int]]
) -> int:
    places = ambassador.meets_in | {ambassador.municipality}
    return min(_minutes_between(minutes, place, request.municipality) for place in places)


def _check_levels(ambassador: Ambassador) -> None:
    for code, level in ambassador.languages.items():
        if not 1 <= level <= 4:
            raise ValueError(f"ambassador {ambassador.id!r}: level {level} for {code!r} is not 1-4")


def _shared_languages(request: Request, ambassador: Ambassador) -> tuple[str, ...]:
    spoken = request.languages | {request.preferred_language}
    shared = [code for code in ambassador.languages if code in spoken]
    # Best first: the preferred language, then by the ambassador's level, then by code.
    shared.sort(
        key=lambda code: (
            code != request.preferred_language,
            -ambassador.languages[code],
            code,
        )
    )
    return tuple(shared)


def _reasons(request: Request, ambassador: Ambassador, minutes: int) -> Reasons:
    return Reasons(
        languages=_shared_languages(request, ambassador),
        preferred_language=request.preferred_language in ambassador.languages,
        minutes=minutes,
        digital=ambassador.digital,
        interests=tuple(sorted(request.interests & ambassador.interests)),
        family=request.children > 0 and ambassador.has_children,
        needs=tuple(sorted(request.needs & ambassador.helps_with)),
    )


def _score_millis(
    request: Request, ambassador: Ambassador, nearest: int, weights: Weights
) -> int | None:
    if ambassador.capacity <= 0:
        return None
    preferred = ambassador.languages.get(request.preferred_language, 0)
    other = max(
        (
            ambassador.languages.get(code, 0)
            for code in request.languages
            if code != request.preferred_language
        ),
        default=0,
    )
    if not preferred and not other:
        return None
    return (
        _language_millis(preferred, other, weights)
        + _distance_millis(nearest, ambassador.digital, weights)
        + _interest_millis(len(request.interests & ambassador.interests), weights)
        + _family_millis(request.children > 0 and ambassador.has_children, weights)
        + _need_millis(len(request.needs & ambassador.helps_with), weights)
    )


def score(
    request: Request,
    ambassador: Ambassador,
    minutes: Mapping[str, Mapping[str, int]],
    weights: Weights = Weights(),
) -> Pairing | None:
    """The pairing of one request and one ambassador, or None when there is no edge
    (no shared language, or no free capacity). Exclusions are the caller's business."""
    _check_levels(ambassador)
    nearest = _nearest_minutes(request, ambassador, minutes)
    millis = _score_millis(request, ambassador, nearest, weights)
    if millis is None:
        return None
    return Pairing(
        request=request.id,
        ambassador=ambassador.id,
        score=millis / 1000,
        reasons=_reasons(request, ambassador, nearest),
    )


def _index(values: Iterable[str]) -> dict[str, int]:
    return {value: position for position, value in enumerate(sorted(set(values)))}


def _unique_ids(ids: Sequence[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        duplicate = next(item for item in ids if item in seen or seen.add(item))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate {what} id {duplicate!r}")


class _BitSets:
    """Sets of strings as bit masks, scored by how many members two sets share."""

    def __init__(self, vocabulary: Mapping[str, int], table: NDArray[np.int32]) -> None:
        # table[n] is the score of n shared members (already capped by the caller).
        self.vocabulary = vocabulary
        self.table = table
        self.words = max(1, (len(vocabulary) + 63) // 64)
        self.lookup: NDArray[np.int32] | None = None
        if len(vocabulary) <= _LOOKUP_BITS:
            counts = np.bitwise_count(np.arange(1 << len(vocabulary), dtype=np.uint32))
            self.lookup = table[np.minimum(counts, len(table) - 1)].astype(np.int32)

    def masks(self, sets: Sequence[Iterable[str]]) -> NDArray[np.uint64]:
        # Whole masks as Python ints first, split into words once: setting bits in the
        # array one at a time costs more than scoring every pair.
        vocabulary = self.vocabulary
        wide = [
            # A member nobody on the other side has counts for nothing.
            sum({1 << bit for bit in (vocabulary.get(m) for m in members) if bit is not None})
            for members in sets
        ]
        masks = np.zeros((len(sets), self.words), dtype=np.uint64)
        for word in range(self.words):
            masks[:, word] = [(mask >> (64 * word)) & 0xFFFFFFFFFFFFFFFF for mask in wide]
        return masks

    def small(self, masks: NDArray[np.uint64]) -> NDArray[np.uint16]:
        return masks[:, 0].astype(np.uint16)

    def score(
        self,
        left: NDArray[np.uint64],
        right: NDArray[np.uint64],
        left_small: NDArray[np.uint16],
        right_small: NDArray[np.uint16],
    ) -> NDArray[np.int32]:
        if self.lookup is not None:
            looked_up: NDArray[np.int32] = self.lookup[left_small[:, None] & right_small[None, :]]
            return looked_up
        shared = np.bitwise_count(left[:, None, :] & right[None, :, :]).sum(axis=2)
        counted: NDArray[np.int32] = self.table[np.minimum(shared, len(self.table) - 1)]
        return counted


@dataclass(frozen=True)
class _Batch:
    """Requests as arrays against one pool's vocabularies, sorted by id."""

    requests: list[Request]
    kind: NDArray[np.intp]  # row of the pool's language-and-place table
    kinds: NDArray[np.int32]  # that table: language plus distance millis per ambassador
    interests: NDArray[np.uint64]
    interests_small: NDArray[np.uint16]
    needs: NDArray[np.uint64]
    needs_small: NDArray[np.uint16]
    excluded: tuple[NDArray[np.intp], NDArray[np.intp]]  # (row, column) pairs


class AmbassadorPool:
    """Ambassadors as arrays, built once and scored against many requests.

    `top_candidates` on a pool of 10,000 takes well under a millisecond; building the
    pool is the slow part (a few microseconds per ambassador), so keep one around when
    you ask for candidates often.
    """

    def __init__(
        self,
        ambassadors: Sequence[Ambassador],
        minutes: Mapping[str, Mapping[str, int]],
        weights: Weights = Weights(),
    ) -> None:
        self.ambassadors = sorted(ambassadors, key=lambda ambassador: ambassador.id)
        self.ids = [ambassador.id for ambassador in self.ambassadors]
        _unique_ids(self.ids, "ambassador")
        self.position = {identifier: n for n, identifier in enumerate(self.ids)}
        self.weights = weights
        self.minutes = minutes
        count = len(self.ambassadors)
        for ambassador in self.ambassadors:
            _check_levels(ambassador)
            if ambassador.capacity < 0:
                raise ValueError(f"ambassador {ambassador.id!r}: negative capacity")

        self.places = _index(minutes)
        table = np.zeros((len(self.places), len(self.places)), dtype=np.int64)
        for start, row in self.places.items():
            for end, column in self.places.items():
                table[row, column] = _minutes_between(minutes, start, end)
        meets = np.zeros((count, len(self.places)), dtype=bool)
        for n, ambassador in enumerate(self.ambassadors):
            for place in ambassador.meets_in | {ambassador.municipality}:
                if place not in self.places:
                    raise KeyError(
                        f"ambassador {ambassador.id!r}: municipality {place!r} "
                        "is not in the minutes table"
                    )
                meets[n, self.places[place]] = True
        # nearest[a, m]: minutes from a's nearest meeting place to municipality m.
        far = np.iinfo(np.int64).max
        self.nearest = np.where(meets[:, :, None], table[None, :, :], far).min(axis=1)
        self.digital = np.array([a.digital for a in self.ambassadors], dtype=bool)
        self.capacity = np.array([a.capacity for a in self.ambassadors], dtype=np.int64)
        # Few distinct minute figures: score each once, with and without video.
        figures, which = np.unique(self.nearest, return_inverse=True)
        which = which.reshape(self.nearest.shape)
        in_person, by_video = (
            np.array([_distance_millis(int(m), digital, weights) for m in figures], dtype=np.int32)
            for digital in (False, True)
        )
        self.distance = np.where(self.digital[:, None], by_video[which], in_person[which]).T.astype(
            np.int32
        )
        self.distance = np.ascontiguousarray(self.distance)

        self.languages = _index(code for a in self.ambassadors for code in a.languages)
        # Column len(languages) stays 0: where a request's unknown languages point.
        self.levels = np.zeros((count, len(self.languages) + 1), dtype=np.int8)
        for n, ambassador in enumerate(self.ambassadors):
            for code, level in ambassador.languages.items():
                self.levels[n, self.languages[code]] = level
        self.preferred_table = np.array(
            [_language_millis(level, 0, weights) for level in range(5)], dtype=np.int64
        )
        self.other_table = np.array(
            [_language_millis(0, level, weights) for level in range(5)], dtype=np.int64
        )
        self.open = self.capacity > 0

        self.interest_sets = _BitSets(
            _index(i for a in self.ambassadors for i in a.interests),
            np.array(
                [_interest_millis(n, weights) for n in range(INTEREST_CAP + 1)], dtype=np.int32
            ),
        )
        self.interest_masks = self.interest_sets.masks([a.interests for a in self.ambassadors])
        self.interest_small = self.interest_sets.small(self.interest_masks)
        # Family fit rides along with the needs as one more bit, scored through the
        # same table: it saves a whole pass over the pairs.
        needs = _index(need for a in self.ambassadors for need in a.helps_with)
        self.family_bit = len(needs)
        self.need_sets = _NeedsAndFamily(needs, weights)
        self.need_masks = self.need_sets.masks(
            [[*a.helps_with, *(["\0family"] if a.has_children else [])] for a in self.ambassadors]
        )
        self.need_small = self.need_sets.small(self.need_masks)

        low = int(self.preferred_table[1:].min(initial=0))
        low = min(low, int(self.other_table[1:].min(initial=0)))
        high = max(int(self.preferred_table.max()), int(self.other_table.max()))
        extras = [
            self.interest_sets.table,
            self.need_sets.need_table,
            np.array([0, _family_millis(True, weights)]),
        ]
        low += int(self.distance.min(initial=0)) + sum(int(t.min()) for t in extras)
        high += int(self.distance.max(initial=0)) + sum(int(t.max()) for t in extras)
        # Bounds on any score; the assignment needs them to put cardinality first.
        self.score_range = (low, high)
        if max(-low, high) >= -NO_EDGE // 4:
            raise ValueError("weights too large: scores must stay within ±250,000 points")

    def __len__(self) -> int:
        return len(self.ambassadors)

    def _language_row(self, preferred: int, others: Sequence[int]) -> NDArray[np.int32]:
        preferred_levels = self.levels[:, preferred]
        if others:
            other_levels = self.levels[:, list(others)].max(axis=1)
        else:
            other_levels = np.zeros(len(self), dtype=np.int8)
        millis = np.maximum(self.preferred_table[preferred_levels], self.other_table[other_levels])
        millis[~self.open] = NO_EDGE
        row: NDArray[np.int32] = millis.astype(np.int32)
        return row

    def _batch(
        self, requests: Sequence[Request], exclusions: Collection[tuple[str, str]] = ()
    ) -> _Batch:
        ordered = sorted(requests, key=lambda request: request.id)
        _unique_ids([request.id for request in ordered], "request")
        unknown = len(self.languages)
        rows: list[NDArray[np.int32]] = []
        kind_of: dict[tuple[int, tuple[int, ...], int], int] = {}
        language_rows: dict[tuple[int, tuple[int, ...]], NDArray[np.int32]] = {}
        kind = np.empty(len(ordered), dtype=np.intp)
        for n, request in enumerate(ordered):
            if request.municipality not in self.places:
                raise KeyError(
                    f"request {request.id!r}: municipality {request.municipality!r} "
                    "is not in the minutes table"
                )
            preferred = self.languages.get(request.preferred_language, unknown)
            others = tuple(
                sorted(
                    self.languages[code]
                    for code in request.languages
                    if code != request.preferred_language and code in self.languages
                )
            )
            place = self.places[request.municipality]
            key = (preferred, others, place)
            if key not in kind_of:
                languages = language_rows.get(key[:2])
                if languages is None:
                    languages = language_rows[key[:2]] = self._language_row(preferred, others)
                combined = languages + self.distance[place]
                # A missing language stays missing whatever the distance adds.
                combined[~is_edge(languages)] = NO_EDGE
                kind_of[key] = len(rows)
                rows.append(combined)
            kind[n] = kind_of[key]
        kinds = np.stack(rows) if rows else np.zeros((0, len(self)), dtype=np.int32)
        interest_masks = self.interest_sets.masks([request.interests for request in ordered])
        need_masks = self.need_sets.masks(
            [
                [*request.needs, *(["\0family"] if request.children > 0 else [])]
                for request in ordered
            ]
        )
        row_of = {request.id: n for n, request in enumerate(ordered)}
        pairs = [
            (row_of[r], self.position[a])
            for r, a in exclusions
            if r in row_of and a in self.position
        ]
        excluded = (
            np.array([r for r, _ in pairs], dtype=np.intp),
            np.array([a for _, a in pairs], dtype=np.intp),
        )
        return _Batch(
            requests=ordered,
            kind=kind,
            kinds=kinds,
            interests=interest_masks,
            interests_small=self.interest_sets.small(interest_masks),
            needs=need_masks,
            needs_small=self.need_sets.small(need_masks),
            excluded=excluded,
        )

    def _block(self, batch: _Batch, start: int, stop: int) -> NDArray[np.int32]:
        """Millis of requests start:stop (rows) against every ambassador (columns)."""
        block = batch.kinds[batch.kind[start:stop]]
        block += self.interest_sets.score(
            batch.interests[start:stop],
            self.interest_masks,
            batch.interests_small[start:stop],
            self.interest_small,
        )
        block += self.need_sets.score(
            batch.needs[start:stop], self.need_masks, batch.needs_small[start:stop], self.need_small
        )
        return block

    def _matrix(self, batch: _Batch) -> NDArray[np.int32]:
        """Millis of every request (rows) and ambassador (columns); NO_EDGE-ish where none."""
        matrix = np.empty((len(batch.requests), len(self)), dtype=np.int32)

        def work(start: int, stop: int) -> None:
            matrix[start:stop] = self._block(batch, start, stop)

        # Small blocks: the lookups' index arrays stay in cache.
        parallel(work, len(batch.requests), _ROWS_PER_BLOCK)
        matrix[batch.excluded] = NO_EDGE
        return matrix

    def pairing(self, request: Request, column: int, millis: int) -> Pairing:
        ambassador = self.ambassadors[column]
        nearest = int(self.nearest[column, self.places[request.municipality]])
        return Pairing(
            request=request.id,
            ambassador=ambassador.id,
            score=millis / 1000,
            reasons=_reasons(request, ambassador, nearest),
        )

    def top_candidates(
        self,
        request: Request,
        *,
        k: int = 5,
        exclusions: Collection[tuple[str, str]] = (),
    ) -> list[Pairing]:
        """The k best ambassadors for one request, best first, ties by ambassador id."""
        batch = self._batch([request], [pair for pair in exclusions if pair[0] == request.id])
        row = self._block(batch, 0, 1)[0]
        row[batch.excluded[1]] = NO_EDGE
        return [self.pairing(request, int(c), int(row[c])) for c in _best(row, k)]


class _NeedsAndFamily(_BitSets):
    """Needs covered (capped) plus one extra bit for family fit, in one lookup."""

    def __init__(self, needs: Mapping[str, int], weights: Weights) -> None:
        self.need_table = np.array(
            [_need_millis(n, weights) for n in range(NEED_CAP + 1)], dtype=np.int32
        )
        family = _family_millis(True, weights)
        vocabulary = {**needs, "\0family": len(needs)}
        super().__init__(vocabulary, self.need_table)
        self.family = family
        self.family_word, self.family_shift = divmod(len(needs), 64)
        if self.lookup is not None:
            patterns = np.arange(1 << len(vocabulary), dtype=np.uint32)
            family_bit = (patterns >> len(needs)) & 1
            counts = np.bitwise_count(patterns & ~np.uint32(1 << len(needs)))
            self.lookup = (
                self.need_table[np.minimum(counts, NEED_CAP)] + family * family_bit
            ).astype(np.int32)

    def score(
        self,
        left: NDArray[np.uint64],
        right: NDArray[np.uint64],
        left_small: NDArray[np.uint16],
        right_small: NDArray[np.uint16],
    ) -> NDArray[np.int32]:
        if self.lookup is not None:
            looked_up: NDArray[np.int32] = self.lookup[left_small[:, None] & right_small[None, :]]
            return looked_up
        both = left[:, None, :] & right[None, :, :]
        bit = np.uint64(1 << self.family_shift)
        family = (both[:, :, self.family_word] & bit) != 0
        both[:, :, self.family_word] &= ~bit
        shared = np.bitwise_count(both).sum(axis=2)
        millis = self.need_table[np.minimum(shared, NEED_CAP)]
        counted: NDArray[np.int32] = (millis + self.family * family).astype(np.int32)
        return counted


def _best(row: NDArray[np.int32], k: int) -> list[int]:
    """Columns of the k highest edges of a row, best first, ties by column (= id)."""
    edges = np.flatnonzero(is_edge(row))
    if k <= 0 or len(edges) == 0:
        return []
    values = row[edges]
    if len(edges) > k:
        threshold = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= threshold  # every tie at the threshold, sorted out below
        edges, values = edges[keep], values[keep]
    order = np.lexsort((edges, -values.astype(np.int64)))[:k]
    return [int(c) for c in edges[order]]


def top_candidates(
    request: Request,
    ambassadors: Sequence[Ambassador],
    minutes: Mapping[str, Mapping[str, int]],
    *,
    k: int = 5,
    exclusions: Collection[tuple[str, str]] = (),
    weights: Weights = Weights(),
) -> list[Pairing]:
    """The k best ambassadors for one new request, best first (ties by ambassador id).

    Builds an `AmbassadorPool` each call; keep a pool when asking often."""
    return AmbassadorPool(ambassadors, minutes, weights).top_candidates(
        request, k=k, exclusions=exclusions
    )


def compatibility_graph(
    requests: Sequence[Request],
    ambassadors: Sequence[Ambassador],
    minutes: Mapping[str, Mapping[str, int]],
    exclusions: Collection[tuple[str, str]] = frozenset(),
    weights: Weights = Weights(),
) -> nx.Graph:  # type: ignore[type-arg]
    """The bipartite compatibility graph.

    Nodes ("r", id) with bipartite=0 and ("a", id) with bipartite=1 and capacity; an
    edge where the two share a language, the ambassador has free capacity and the pair
    is not excluded, with attributes score (points) and reasons (`Reasons`).
    """
    pool = AmbassadorPool(ambassadors, minutes, weights)
    batch = pool._batch(requests, exclusions)
    graph: nx.Graph = nx.Graph()  # type: ignore[type-arg]
    graph.add_nodes_from((("r", r.id) for r in batch.requests), bipartite=0)
    for ambassador in pool.ambassadors:
        graph.add_node(("a", ambassador.id), bipartite=1, capacity=ambassador.capacity)
    if not batch.requests or not len(pool):
        return graph
    matrix = pool._matrix(batch)
    for row, column in zip(*np.nonzero(is_edge(matrix)), strict=True):
        pairing = pool.pairing(batch.requests[row], int(column), int(matrix[row, column]))
        graph.add_edge(
            ("r", pairing.request),
            ("a", pairing.ambassador),
            score=pairing.score,
            reasons=pairing.reasons,
        )
    return graph


def solve(
    requests: Sequence[Request],
    ambassadors: Sequence[Ambassador],
    minutes: Mapping[str, Mapping[str, int]],
    exclusions: Collection[tuple[str, str]] = (),
    weights: Weights = Weights(),
) -> Result:
    """Assign ambassadors to requests: first as many requests as possible, then the
    highest total score, within each ambassador's free capacity. Exact.

    exclusions: (request id, ambassador id) pairs that must not be matched.
    Same input, same output: requests and ambassadors are ordered by id first.
    """
    started = time.perf_counter()
    pool = AmbassadorPool([a for a in ambassadors if a.capacity > 0], minutes, weights)
    batch = pool._batch(requests, exclusions)
    if len(pool) and batch.requests:
        matrix = pool._matrix(batch)
    else:
        matrix = np.full((len(batch.requests), len(pool)), NO_EDGE, dtype=np.int32)
    scored = time.perf_counter()
    assignment = b_matching(matrix, pool.capacity, score_range=pool.score_range)
    assigned = time.perf_counter()

    matches: list[Pairing] = []
    unmatched: list[str] = []
    candidates: dict[str, list[Pairing]] = {}
    best = assignment.best
    for row, request in enumerate(batch.requests):
        column = int(assignment.columns[row])
        chosen = [int(c) for c in best[row] if c >= 0]
        if column >= 0 and column not in chosen[:5]:
            chosen = sorted([*chosen[:4], column], key=lambda c: (-int(matrix[row, c]), c))
        pairings = [pool.pairing(request, c, int(matrix[row, c])) for c in chosen[:5]]
        if pairings:
            candidates[request.id] = pairings
        if column >= 0:
            matches.append(next(p for p in pairings if p.ambassador == pool.ids[column]))
        else:
            unmatched.append(request.id)
    objective = sum(int(matrix[r, c]) for r, c in enumerate(assignment.columns) if c >= 0)
    finished = time.perf_counter()
    return Result(
        matches=matches,
        unmatched=unmatched,
        objective=objective / 1000,
        candidates=candidates,
        timings={
            "graph": scored - started,
            "assign": assigned - scored,
            "explain": finished - assigned,
            "total": finished - started,
        },
        stats={"edges": assignment.edges, "kept": assignment.kept, "rounds": assignment.rounds},
    )
