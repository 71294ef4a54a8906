"""Exact capacitated assignment on a dense score matrix, solved on a sparse part of it.

The problem: rows (requests) and columns (ambassadors with a capacity); a score in
integer millis per pair, or no edge. Find the assignment that matches the most rows
and, among those, has the highest total score. Putting cardinality first is done the
textbook way: every edge weighs B + score, with B larger than any difference in total
score two assignments can have, and the heaviest assignment wins.

Solving on every edge would be slow: the language graph is dense (Swedish and English
are widely shared). So:

1. Keep a small part of the edges: each row's best few and each column's best
   capacity-plus-150. The second matters most: columns are the scarce side,
   and they all like the same few rows best, so a column needs a deep list to have
   rows left over that nobody else wants.
2. Solve that part exactly with scipy's LAPJVsp (`min_weight_full_bipartite_matching`)
   on capacity-expanded columns, with one dummy partner per row so that "unmatched"
   is a legal, expensive choice.
3. Prove the answer optimal for *all* edges: shortest-path distances to the source in
   the residual network of the part (Bellman-Ford; it also fails loudly if the part
   was not solved optimally) are node potentials under which every residual arc has
   non-negative reduced cost. An edge we left out is a forward arc of that network; if
   its reduced cost is non-negative too, no negative cycle can use it, so the
   assignment is optimal for the whole graph (the min-cost circulation optimality
   condition). Distances *to* the source give each column the highest price the part
   allows, which is what an edge from a row nobody matched must stay below: distances
   from a root would give the lowest and fail far more edges. The check is one
   vectorised pass over the dense matrix, in int32.
4. If an edge fails the check, every edge within a margin of tight under those prices
   joins the part (a few per row), and we solve again. Prices from a near-optimal part
   are close to the final ones, so the second round passes on realistic instances.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

# Scores are int32 millis; this marks "no edge". Anything at or below _FLOOR is no edge,
# so adding a few small terms to NO_EDGE keeps it one.
NO_EDGE = -(2**30)
_FLOOR = -(2**29)

# How much of the graph the first round keeps: each row's best ROW_KEEP edges and each
# column's best capacity + COLUMN_KEEP. Larger keeps fewer rounds but slower solves.
ROW_KEEP = 5
COLUMN_KEEP = 150
# After a failed check: edges whose reduced cost is within _MARGIN millis of tight join
# the part, at most _ADD_PER_ROW per row (the most violated first). Adding only the
# violated ones takes a round more: the prices move when they join.
_MARGIN = 500
_ADD_PER_ROW = 64
_ROWS_PER_BLOCK = 512
# Rows the column thresholds are estimated on.
_SAMPLE_ROWS = 1000
_THREADS = min(4, os.cpu_count() or 1)
# The distance of a node that cannot reach the source (a column without capacity).
_UNREACHABLE = 2**61
_T = TypeVar("_T")


def is_edge(millis: NDArray[np.int32]) -> NDArray[np.bool_]:
    return millis > _FLOOR


@dataclass(frozen=True)
class Assignment:
    columns: NDArray[np.intp]  # per row: the matched column, or -1
    # Per row: the `best` highest-scoring columns, best first, ties by column; -1 pads.
    best: NDArray[np.intp]
    edges: int  # edges in the whole graph
    kept: int  # edges in the part solved last
    rounds: int  # solve-and-check rounds


def _blocks(count: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def parallel(
    work: Callable[[int, int], _T], count: int, rows_per_block: int = _ROWS_PER_BLOCK
) -> list[_T]:
    """work(start, stop) over row blocks, on a few threads, results in block order.

    numpy lets go of the GIL in the heavy calls used here (partition, take, compare),
    so blocks run side by side; the order of the results does not depend on timing.
    """
    blocks = _blocks(count, rows_per_block)
    if _THREADS <= 1 or len(blocks) < 4:
        return [work(start, stop) for start, stop in blocks]
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        return list(pool.map(lambda block: work(*block), blocks))


def _distinct(values: NDArray[np.intp]) -> NDArray[np.intp]:
    """Sorted distinct values: np.unique's hash table is several times slower here."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _column_thresholds(
    matrix: NDArray[np.int32], capacity: NDArray[np.int64], extra: int
) -> NDArray[np.int32]:
    """Per column, a score about capacity + extra rows reach, estimated on a sample.

    Only which edges the first round looks at depends on it, never the answer.
    """
    rows, columns = matrix.shape
    step = max(1, rows // _SAMPLE_ROWS)
    sample = np.ascontiguousarray(matrix[::step].T)
    want = np.minimum(-(-(capacity + extra) // step), sample.shape[1]).astype(np.intp)
    thresholds = np.full(columns, _FLOOR + 1, dtype=np.int32)
    for keep in np.unique(want):
        which = np.flatnonzero(want == keep)
        picked = np.partition(sample[which], sample.shape[1] - keep, axis=1)
        thresholds[which] = np.maximum(picked[:, sample.shape[1] - keep], _FLOOR + 1)
    return thresholds


@dataclass(frozen=True)
class _FirstPass:
    best: NDArray[np.intp]  # per row: its `keep` best columns, best first, -1 padded
    counts: NDArray[np.int64]  # edges per row
    rows: NDArray[np.intp]  # with columns: edges at or above their column's threshold
    columns: NDArray[np.intp]


def _first_pass(
    matrix: NDArray[np.int32],
    keep: int,
    thresholds: NDArray[np.int32],
    score_range: tuple[int, int],
) -> _FirstPass:
    """One pass over the matrix: each row's best columns, edge counts, and the edges at
    or above their column's threshold."""
    rows, columns = matrix.shape
    keep = min(keep, columns)
    low, high = score_range
    # Score down, then column up, as one key per pair, so that a partition of the keys
    # alone (cheaper than an argpartition) picks exactly the best `keep` with ties
    # broken by column. No edge clips to score low - 1, whose keys stay at or below
    # `columns`: below every edge's key. int32 keys unless they could overflow.
    wide = (high - low + 2) * (columns + 1) >= 2**31
    column_part = (columns - np.arange(columns)).astype(np.int64 if wide else np.int32)

    def work(
        start: int, stop: int
    ) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.intp], NDArray[np.intp]]:
        block = matrix[start:stop]
        counts = np.count_nonzero(is_edge(block), axis=1)
        clipped = np.maximum(block, low - 1)
        keys: NDArray[np.signedinteger[Any]] = (
            clipped.astype(np.int64) - (low - 1) if wide else clipped - (low - 1)
        )
        keys *= columns + 1
        keys += column_part
        best = np.partition(keys, columns - keep, axis=1)[:, columns - keep :]
        best = -np.sort(-best, axis=1)
        top = (columns - best % (columns + 1)).astype(np.intp)
        top[best <= columns] = -1
        high_rows, high_columns = np.nonzero(block >= thresholds[None, :])
        return top, counts, high_rows + start, high_columns

    parts = parallel(work, rows)
    return _FirstPass(
        best=np.concatenate([p[0] for p in parts]),
        counts=np.concatenate([p[1] for p in parts]),
        rows=np.concatenate([p[2] for p in parts]),
        columns=np.concatenate([p[3] for p in parts]),
    )


def _solve_part(
    rows: NDArray[np.intp],
    columns: NDArray[np.intp],
    scores: NDArray[np.int64],
    shape: tuple[int, int],
    capacity: NDArray[np.int64],
    big: int,
    offset: int,
) -> NDArray[np.intp]:
    """Optimal assignment on the given edges: column per row or -1."""
    row_count, column_count = shape
    used_rows = np.flatnonzero(np.bincount(rows, minlength=row_count))
    degree = np.bincount(columns, minlength=column_count)
    slots = np.minimum(capacity, degree)
    slot_start = np.concatenate([[0], np.cumsum(slots)])
    slot_owner = np.repeat(np.arange(column_count), slots)
    total_slots = int(slot_start[-1])
    row_number = np.full(row_count, -1, dtype=np.intp)
    row_number[used_rows] = np.arange(len(used_rows))
    # Capacity expansion: one entry per edge and free slot of its column.
    copies = slots[columns]
    entry_row = np.repeat(row_number[rows], copies)
    entry_slot = np.repeat(slot_start[columns], copies) + (
        np.arange(int(copies.sum())) - np.repeat(np.cumsum(copies) - copies, copies)
    )
    # Positive costs (sparse matrices drop zeros): a real edge costs offset - score, no
    # partner costs offset + big, so one more match always beats any score gain.
    entry_cost = np.repeat(offset - scores, copies).astype(np.float64)
    requests, slot_count = len(used_rows), total_slots
    dummy_cost = float(offset + big)
    if requests <= slot_count:
        # Rows are requests; columns the slots, then one dummy per request.
        matrix = sp.csr_matrix(
            (
                np.concatenate([entry_cost, np.full(requests, dummy_cost)]),
                (
                    np.concatenate([entry_row, np.arange(requests)]),
                    np.concatenate([entry_slot, slot_count + np.arange(requests)]),
                ),
            ),
            shape=(requests, slot_count + requests),
        )
        matched_rows, matched_columns = min_weight_full_bipartite_matching(matrix)
        request_of, slot_of = matched_rows, matched_columns
    else:
        # Fewer slots than requests: rows are the slots, each with its own dummy.
        matrix = sp.csr_matrix(
            (
                np.concatenate([entry_cost, np.full(slot_count, dummy_cost)]),
                (
                    np.concatenate([entry_slot, np.arange(slot_count)]),
                    np.concatenate([entry_row, requests + np.arange(slot_count)]),
                ),
            ),
            shape=(slot_count, requests + slot_count),
        )
        matched_rows, matched_columns = min_weight_full_bipartite_matching(matrix)
        request_of, slot_of = matched_columns, matched_rows
    real = (request_of < requests) & (slot_of < slot_count)
    result = np.full(row_count, -1, dtype=np.intp)
    result[used_rows[request_of[real]]] = slot_owner[slot_of[real]]
    return result


def _potentials(
    rows: NDArray[np.intp],
    columns: NDArray[np.intp],
    scores: NDArray[np.int64],
    assignment: NDArray[np.intp],
    capacity: NDArray[np.int64],
    big: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Node potentials (row, column) of the residual network of the part, from
    shortest-path distances to the source.

    Network: source -> row (capacity 1) -> column (1, cost -(big + score)) -> sink
    (capacity), and sink -> source at no cost so that fewer matches are allowed too.
    A node's potential is minus its distance to the source; a row nobody matched gets
    the source's own (0), the most any potential it may have.

    Bellman-Ford, vectorised, stopping as soon as nothing improves (scipy's runs all N
    rounds). Row nodes are folded away: a matched row leaves only to the source or
    along its unmatched edges, so each round relaxes column -> its matched rows ->
    their other columns in one step.
    """
    row_count, column_count = len(assignment), len(capacity)
    weight = big + scores
    matched_edge = assignment[rows] == columns
    matched = assignment >= 0
    matched_rows = np.flatnonzero(matched)
    matched_columns = assignment[matched_rows]
    matched_weight = np.zeros(row_count, dtype=np.int64)
    matched_weight[rows[matched_edge]] = weight[matched_edge]
    load = np.bincount(matched_columns, minlength=column_count)
    has_room, has_load = load < capacity, load > 0
    # Unmatched edges out of matched rows: row -> column, then on to the source.
    exchange = ~matched_edge & matched[rows]
    from_row, to_column, exchange_weight = rows[exchange], columns[exchange], weight[exchange]

    unreachable = _UNREACHABLE
    row_distance = np.zeros(row_count, dtype=np.int64)  # matched rows: straight back
    column_distance = np.full(column_count, unreachable, dtype=np.int64)
    sink = 0
    for _ in range(column_count + row_count + 3):
        # Column -> sink where it has room; column -> one of its rows (backward arc).
        through = np.where(has_room, sink, unreachable)
        np.minimum.at(
            through, matched_columns, matched_weight[matched_rows] + row_distance[matched_rows]
        )
        # Matched row -> source (0), or -> another column and onwards.
        via = np.zeros(row_count, dtype=np.int64)
        np.minimum.at(via, from_row, through[to_column] - exchange_weight)
        # Sink -> source (0), or back into a column that sends it flow.
        new_sink = min(0, int(through[has_load].min(initial=0)))
        if (
            new_sink == sink
            and np.array_equal(through, column_distance)
            and np.array_equal(via, row_distance)
        ):
            break
        column_distance, row_distance, sink = through, via, new_sink
    else:  # pragma: no cover - only if the part was not solved optimally
        raise RuntimeError("negative cycle: the assignment of the part is not optimal")
    # A row nobody matched is entered only from the source: a shorter way back there
    # would be a negative cycle the solver should have used.
    free = ~matched[rows]
    if np.any(column_distance[columns[free]] - weight[free] < 0):  # pragma: no cover
        raise RuntimeError("negative cycle: the assignment of the part is not optimal")
    row_potential = np.where(matched, -row_distance, 0)
    # A column that cannot reach the source (no capacity) takes nothing: every edge into
    # it passes the check.
    column_potential = -np.minimum(column_distance, unreachable)
    return row_potential, column_potential


def _offsets(
    row_potential: NDArray[np.int64], column_potential: NDArray[np.int64], big: int
) -> tuple[NDArray[np.signedinteger[Any]], NDArray[np.signedinteger[Any]]]:
    """(per row, per column) terms of an edge's excess, score + column - row: how much
    its forward arc's reduced cost, -(big + score) + d[row] - d[column], is below zero.

    int32 when the terms are small enough that no edge can overflow and no non-edge
    (at most _FLOOR) can reach zero; int64 otherwise.
    """
    row_term = row_potential
    column_term = column_potential + big
    reachable = column_potential > -_UNREACHABLE
    bound = max(
        int(np.abs(row_term).max(initial=0)), int(np.abs(column_term[reachable]).max(initial=0))
    )
    if bound < 2**27:
        column_term[~reachable] = -(2**28)
        return row_term.astype(np.int32), column_term.astype(np.int32)
    return row_term, column_term


def _excess(
    block: NDArray[np.int32],
    start: int,
    row_term: NDArray[np.signedinteger[Any]],
    column_term: NDArray[np.signedinteger[Any]],
    matched_rows: NDArray[np.intp],
    assignment: NDArray[np.intp],
) -> NDArray[np.signedinteger[Any]]:
    """Excess of every edge of the block's rows; matched edges (no forward arc left,
    their backward arc was checked by Bellman-Ford) and non-edges come out negative."""
    stop = start + block.shape[0]
    excess: NDArray[np.signedinteger[Any]]
    excess = block.astype(column_term.dtype, copy=False) + column_term[None, :]
    excess -= row_term[start:stop, None]
    inside = matched_rows[(matched_rows >= start) & (matched_rows < stop)]
    excess[inside - start, assignment[inside]] = -1
    if excess.dtype != np.int32:
        excess[~is_edge(block)] = -1
    return excess


def _violated(
    matrix: NDArray[np.int32],
    row_potential: NDArray[np.int64],
    column_potential: NDArray[np.int64],
    big: int,
    assignment: NDArray[np.intp],
) -> bool:
    """Whether any edge's forward arc has negative reduced cost."""
    row_term, column_term = _offsets(row_potential, column_potential, big)
    matched_rows = np.flatnonzero(assignment >= 0)

    def work(start: int, stop: int) -> bool:
        excess = _excess(matrix[start:stop], start, row_term, column_term, matched_rows, assignment)
        return bool(excess.max(initial=0) > 0)

    return any(parallel(work, matrix.shape[0]))


def _near_tight(
    matrix: NDArray[np.int32],
    row_potential: NDArray[np.int64],
    column_potential: NDArray[np.int64],
    big: int,
    assignment: NDArray[np.intp],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Edges whose excess is at least -_MARGIN, at most _ADD_PER_ROW per row, highest
    excess first."""
    row_term, column_term = _offsets(row_potential, column_potential, big)
    matched_rows = np.flatnonzero(assignment >= 0)
    empty = np.zeros(0, dtype=np.intp)

    def work(start: int, stop: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        excess = _excess(matrix[start:stop], start, row_term, column_term, matched_rows, assignment)
        near = excess >= -_MARGIN
        counts = np.count_nonzero(near, axis=1)
        few = counts <= _ADD_PER_ROW
        near[~few] = False
        picked_rows, picked_columns = np.nonzero(near)
        many = np.flatnonzero(~few)
        if len(many):
            keep = _ADD_PER_ROW
            crowded = excess[many]
            chosen = np.argpartition(crowded, crowded.shape[1] - keep, axis=1)[:, -keep:]
            picked_rows = np.concatenate([picked_rows, np.repeat(many, keep)])
            picked_columns = np.concatenate([picked_columns, chosen.ravel()])
        return picked_rows + start, picked_columns

    parts = parallel(work, matrix.shape[0])
    return (
        np.concatenate([empty, *(p[0] for p in parts)]),
        np.concatenate([empty, *(p[1] for p in parts)]),
    )


def b_matching(
    matrix: NDArray[np.int32],
    capacity: NDArray[np.int64],
    *,
    score_range: tuple[int, int],
    best: int = 5,
) -> Assignment:
    """Most rows matched, then the highest total score, each column within capacity.

    matrix: millis per (row, column), NO_EDGE (or anything <= NO_EDGE / 2) for none.
    score_range: (low, high) bounds on every edge's score, used to weigh cardinality.
    Deterministic: the same matrix gives the same assignment.
    """
    row_count, column_count = matrix.shape
    empty = Assignment(
        columns=np.full(row_count, -1, dtype=np.intp),
        best=np.full((row_count, best), -1, dtype=np.intp),
        edges=0,
        kept=0,
        rounds=0,
    )
    if row_count == 0 or column_count == 0:
        return empty
    first = _first_pass(
        matrix,
        max(ROW_KEEP, best),
        _column_thresholds(matrix, capacity, COLUMN_KEEP),
        score_range,
    )
    top = first.best
    edges = int(first.counts.sum())
    if edges == 0:
        return empty
    best_columns = np.full((row_count, best), -1, dtype=np.intp)
    best_columns[:, : min(best, top.shape[1])] = top[:, :best]

    low, high = score_range
    most = min(row_count, int(capacity.sum()))
    # Any two assignments' totals differ by less than this: cardinality comes first.
    big = most * (abs(low) + abs(high)) + 1
    offset = high + 1

    kept_rows = [np.broadcast_to(np.arange(row_count)[:, None], top.shape)[top >= 0], first.rows]
    kept_columns = [top[top >= 0], first.columns]

    rounds = 0
    while True:
        rounds += 1
        linear = _distinct(np.concatenate(kept_rows) * column_count + np.concatenate(kept_columns))
        rows, columns = np.divmod(linear, column_count)
        scores = matrix[rows, columns].astype(np.int64)
        assignment = _solve_part(
            rows, columns, scores, (row_count, column_count), capacity, big, offset
        )
        row_potential, column_potential = _potentials(
            rows, columns, scores, assignment, capacity, big
        )
        if not _violated(matrix, row_potential, column_potential, big, assignment):
            return Assignment(
                columns=assignment,
                best=best_columns,
                edges=edges,
                kept=len(linear),
                rounds=rounds,
            )
        extra_rows, extra_columns = _near_tight(
            matrix, row_potential, column_potential, big, assignment
        )
        kept_rows = [rows, extra_rows]
        kept_columns = [columns, extra_columns]
