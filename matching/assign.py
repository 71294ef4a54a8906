"""Exact capacitated assignment on a dense score matrix, solved on a sparse part of it.

The problem: rows (requests) and columns (ambassadors with a capacity); a score in
integer millis per pair, or no edge. Find the assignment that matches the most rows
and, among those, has the highest total score. Putting cardinality first is done the
textbook way: every edge weighs B + score, with B larger than any difference in total
score two assignments can have, and the heaviest assignment wins.

Solving on every edge would be slow: the language graph is dense (Swedish and English
are widely shared). So:

1. Keep a small part of the edges: each row's best few and each column's best
   capacity-plus-a-few. The optimum almost always lives there.
2. Solve that part exactly with scipy's LAPJVsp (`min_weight_full_bipartite_matching`)
   on capacity-expanded columns, with one dummy partner per row so that "unmatched"
   is a legal, expensive choice.
3. Prove the answer optimal for *all* edges: shortest-path distances in the residual
   network of the part (Bellman-Ford; it also fails loudly if the part was not solved
   optimally) are node potentials under which every residual arc has non-negative
   reduced cost. An edge we left out is a forward arc of that network; if its reduced
   cost is non-negative too, no negative cycle can use it, so the assignment is
   optimal for the whole graph (the min-cost circulation optimality condition). The
   check is one vectorised pass over the dense matrix.
4. Edges that fail the check join the part, and we solve again. Each round adds edges,
   so this ends; on realistic instances the first round passes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

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
ROW_KEEP = 12
COLUMN_KEEP = 100
# Edges that fail the optimality check and join the part per row and round.
_ADD_PER_ROW = 8
_ROWS_PER_BLOCK = 512
# Rows the column thresholds are estimated on.
_SAMPLE_ROWS = 1000
_THREADS = min(4, os.cpu_count() or 1)
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


def _blocks(count: int) -> list[tuple[int, int]]:
    return [
        (start, min(start + _ROWS_PER_BLOCK, count)) for start in range(0, count, _ROWS_PER_BLOCK)
    ]


def _parallel(work: Callable[[int, int], _T], count: int) -> list[_T]:
    """work(start, stop) over row blocks, on a few threads, results in block order.

    numpy lets go of the GIL in the heavy calls used here (partition, take, compare),
    so blocks run side by side; the order of the results does not depend on timing.
    """
    blocks = _blocks(count)
    if _THREADS <= 1 or len(blocks) < 4:
        return [work(start, stop) for start, stop in blocks]
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        return list(pool.map(lambda block: work(*block), blocks))


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
    # Score down, then column up, as one int32 key per pair, so that a partition picks
    # exactly the best `keep` with ties broken by column; int64 only if it must.
    key_type = np.int32 if (high - low + 2) * (columns + 1) < 2**31 else np.int64
    column_part = (columns - np.arange(columns)).astype(key_type)

    def work(
        start: int, stop: int
    ) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.intp], NDArray[np.intp]]:
        block = matrix[start:stop]
        edge = is_edge(block)
        counts = np.count_nonzero(edge, axis=1)
        keys = (block.astype(key_type) - (low - 1)) * (columns + 1) + column_part
        keys[~edge] = -1
        top = np.argpartition(keys, columns - keep, axis=1)[:, columns - keep :]
        top_keys = np.take_along_axis(keys, top, axis=1)
        order = np.argsort(-top_keys, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        top[np.take_along_axis(top_keys, order, axis=1) < 0] = -1
        high_rows, high_columns = np.nonzero(block >= thresholds[None, :])
        return top, counts, high_rows + start, high_columns

    parts = _parallel(work, rows)
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
    used_rows = np.unique(rows)
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
    """Shortest-path distances to rows and columns in the residual network of the part.

    Network: source -> row (capacity 1) -> column (1, cost -(big + score)) -> sink
    (capacity), and sink -> source at no cost so that fewer matches are allowed too.
    Distances are from a virtual root joined to every node at cost 0.

    Bellman-Ford, vectorised, stopping as soon as nothing improves (scipy's runs all N
    rounds). Row nodes are folded away: a matched row is only entered from its own
    column, an unmatched row only from the source, so each round relaxes column ->
    matched row -> other column in one step.
    """
    row_count, column_count = len(assignment), len(capacity)
    weight = big + scores
    matched_edge = assignment[rows] == columns
    matched = assignment >= 0
    matched_weight = np.zeros(row_count, dtype=np.int64)
    matched_weight[rows[matched_edge]] = weight[matched_edge]
    load = np.bincount(assignment[matched], minlength=column_count)
    has_room, has_load, flowing = load < capacity, load > 0, bool(matched.any())

    # Unmatched edges out of matched rows: column of the row -> row -> this column.
    exchange = ~matched_edge & matched[rows]
    via_row, to_column = rows[exchange], columns[exchange]
    from_column, exchange_weight = assignment[via_row], weight[exchange]
    # Out of unmatched rows (entered from the source or the root): only the best counts.
    free_edge = ~matched[rows]
    best_free = np.full(column_count, np.iinfo(np.int64).min // 4, dtype=np.int64)
    np.maximum.at(best_free, columns[free_edge], weight[free_edge])

    column_distance = np.minimum(0, -best_free)
    # Root -> matched row -> another column.
    np.minimum.at(column_distance, to_column, -exchange_weight)
    source = sink = 0
    matched_rows = np.flatnonzero(matched)
    for _ in range(column_count + row_count + 3):
        row_distance = np.minimum(
            0, column_distance[assignment[matched_rows]] + matched_weight[matched_rows]
        )
        before = (column_distance.copy(), source, sink)
        through = np.minimum(0, column_distance[from_column] + matched_weight[via_row])
        np.minimum.at(column_distance, to_column, through - exchange_weight)
        column_distance = np.minimum(column_distance, min(source, 0) - best_free)
        if has_load.any():
            column_distance[has_load] = np.minimum(column_distance[has_load], sink)
        source = min(source, sink, int(row_distance.min(initial=0)))
        sink = min(sink, int(column_distance[has_room].min(initial=0)))
        if flowing:
            sink = min(sink, source)
        if source == before[1] and sink == before[2] and np.array_equal(column_distance, before[0]):
            break
    else:  # pragma: no cover - only if the part was not solved optimally
        raise RuntimeError("negative cycle: the assignment of the part is not optimal")
    distance = np.full(row_count, min(source, 0), dtype=np.int64)
    distance[matched_rows] = np.minimum(
        0, column_distance[assignment[matched_rows]] + matched_weight[matched_rows]
    )
    return distance, column_distance


def _violations(
    matrix: NDArray[np.int32],
    row_potential: NDArray[np.int64],
    column_potential: NDArray[np.int64],
    big: int,
    assignment: NDArray[np.intp],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Unmatched edges whose forward arc has negative reduced cost (a few per row).

    A matched edge has no forward arc left in the residual network (its backward arc is
    in the part and was checked by Bellman-Ford), so it is skipped.
    """
    matched_rows = np.flatnonzero(assignment >= 0)
    # Reduced cost of the arc row -> column: -(big + score) + d[row] - d[column] >= 0.
    limit_row = row_potential - big
    empty = np.zeros(0, dtype=np.intp)

    def work(start: int, stop: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        block = matrix[start:stop]
        excess = block - (limit_row[start:stop, None] - column_potential[None, :])
        excess[~is_edge(block)] = 0
        inside = matched_rows[(matched_rows >= start) & (matched_rows < stop)]
        excess[inside - start, assignment[inside]] = 0
        bad_rows = np.flatnonzero((excess > 0).any(axis=1))
        if not len(bad_rows):
            return empty, empty
        bad = excess[bad_rows]
        keep = min(_ADD_PER_ROW, bad.shape[1])
        chosen = np.argpartition(bad, bad.shape[1] - keep, axis=1)[:, bad.shape[1] - keep :]
        good = np.take_along_axis(bad, chosen, axis=1) > 0
        return np.broadcast_to((start + bad_rows)[:, None], chosen.shape)[good], chosen[good]

    parts = _parallel(work, matrix.shape[0])
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
        linear = np.unique(np.concatenate(kept_rows) * column_count + np.concatenate(kept_columns))
        rows, columns = np.divmod(linear, column_count)
        scores = matrix[rows, columns].astype(np.int64)
        assignment = _solve_part(
            rows, columns, scores, (row_count, column_count), capacity, big, offset
        )
        row_potential, column_potential = _potentials(
            rows, columns, scores, assignment, capacity, big
        )
        extra_rows, extra_columns = _violations(
            matrix, row_potential, column_potential, big, assignment
        )
        if not len(extra_rows):
            return Assignment(
                columns=assignment,
                best=best_columns,
                edges=edges,
                kept=len(linear),
                rounds=rounds,
            )
        kept_rows = [rows, extra_rows]
        kept_columns = [columns, extra_columns]
