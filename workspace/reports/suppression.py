"""Small-cell suppression for tables of counts of people, with their totals.

A table is published with a totals column and a totals row, so every row and
every column is an equation: the cells add up to their total. Hiding a cell
under five people is not enough when the reader can subtract; nor is hiding a
second cell in the same row when the two hidden cells can still be solved for
through other rows and columns.

The rule used here: think of the rows and the columns (totals included) as the
two sides of a graph whose edges are the hidden cells. The hidden values can
only change together around a cycle of that graph (up in one cell, down in the
next, keeping every total), so a hidden cell that lies on no cycle (a bridge)
is fixed by the published figures, and one that lies on a cycle is not.
Suppression therefore hides every cell of 1 to 4 people, then keeps hiding one
more cell until no hidden cell is a bridge. The extra cells are chosen to cost
the reader least: non-zero before zero (a hidden zero next to a hidden small
cell leaves little room for doubt), cells that close a cycle with those already
hidden before cells that would need partners of their own, inner cells before
totals, small before large. This is a good choice, not always the fewest cells:
finding the fewest is a hard problem, and the tables here are small.

No Django here: plain lists of numbers in, the positions to hide out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import networkx as nx

# Counts of 1 to 4 people are not published.
SMALLEST_SHOWN = 5

Cell = tuple[int, int]
# A row or a column of the table, as a vertex of the graph of hidden cells.
Vertex = tuple[str, int]


def with_totals(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with a totals column at the end of each row and a totals row at the bottom.

    `cells` has at least one row; its rows may be empty (nothing to break down by).
    """
    width = len(cells[0])
    rows = [[*row, sum(row)] for row in cells]
    totals = [sum(row[column] for row in rows) for column in range(width + 1)]
    return [*rows, totals]


def suppress(
    cells: Sequence[Sequence[int]], *, smallest_shown: int = SMALLEST_SHOWN
) -> tuple[list[list[int]], frozenset[Cell]]:
    """The table with its totals, and the (row, column) positions in it not to publish.

    The last row and the last column of the returned table are the totals.
    """
    table = with_totals(cells)
    hidden = {
        (row, column)
        for row, values in enumerate(table)
        for column, value in enumerate(values)
        if 0 < value < smallest_shown
    }
    while True:
        extra = _partner_in_a_line(table, hidden) or _partner_across_a_bridge(table, hidden)
        if extra is None:
            return table, frozenset(hidden)
        hidden.add(extra)


def _cost(
    table: Sequence[Sequence[int]], hidden: set[Cell], cell: Cell
) -> tuple[bool, bool, bool, int, int, int]:
    row, column = cell
    value = table[row][column]
    is_total = row == len(table) - 1 or column == len(table[0]) - 1
    # A cell whose row and column hold no hidden cell yet would need partners
    # of its own; one that closes a cycle ends the search sooner.
    lonely = not any((row, other) in hidden for other in range(len(table[0]))) or not any(
        (other, column) in hidden for other in range(len(table))
    )
    return (value == 0, lonely, is_total, value, row, column)


def _cheapest(
    table: Sequence[Sequence[int]], hidden: set[Cell], candidates: Iterable[Cell]
) -> Cell | None:
    return min(candidates, key=lambda cell: _cost(table, hidden, cell), default=None)


def _lines(table: Sequence[Sequence[int]]) -> list[list[Cell]]:
    height, width = len(table), len(table[0])
    rows = [[(row, column) for column in range(width)] for row in range(height)]
    columns = [[(row, column) for row in range(height)] for column in range(width)]
    return rows + columns


def _partner_in_a_line(table: Sequence[Sequence[int]], hidden: set[Cell]) -> Cell | None:
    """A cell to hide beside the only hidden cell of a row or column, if there is one."""
    for line in _lines(table):
        if sum(cell in hidden for cell in line) == 1:
            partner = _cheapest(table, hidden, (cell for cell in line if cell not in hidden))
            if partner is not None:
                return partner
    return None


def _graph(hidden: set[Cell]) -> nx.Graph[Vertex]:
    graph: nx.Graph[Vertex] = nx.Graph()
    graph.add_edges_from((("row", row), ("column", column)) for row, column in hidden)
    return graph


def _partner_across_a_bridge(table: Sequence[Sequence[int]], hidden: set[Cell]) -> Cell | None:
    """A cell that puts a hidden cell lying on no cycle onto one, if there is such a cell.

    Removing the bridge splits its part of the graph in two; any cell joining a
    row of one part to a column of the other closes a cycle through the bridge.
    """
    graph = _graph(hidden)
    # types-networkx says bridges() yields nodes; it yields edges, pairs of them.
    bridges = cast(list[tuple[Vertex, Vertex]], sorted(nx.bridges(graph)))
    for one_end, other_end in bridges:
        graph.remove_edge(one_end, other_end)
        near: set[Vertex] = nx.node_connected_component(graph, one_end)
        far: set[Vertex] = nx.node_connected_component(graph, other_end)
        graph.add_edge(one_end, other_end)
        candidates = [
            (row, column)
            for side, opposite in ((near, far), (far, near))
            for kind, row in side
            if kind == "row"
            for other_kind, column in opposite
            if other_kind == "column" and (row, column) not in hidden
        ]
        partner = _cheapest(table, hidden, candidates)
        if partner is not None:
            return partner
    return None
