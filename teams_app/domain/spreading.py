"""How many members of a team are out at the same time, for spreading personal slots."""

from __future__ import annotations


class SpreadLoad:
    """Members out per cell, summed over each candidate's cells. Candidates repeat across
    members (a few hundred distinct cell sets for any team), so each set's cells in common with
    every other are counted once, and placing a member adds to the sets it overlaps. Summing
    bit-sliced counters over the whole grid per candidate made spreading quadratic (about 40 s
    for 10,000 people); a count per cell still cost 10 s."""

    def __init__(self) -> None:
        self._index: dict[int, int] = {}  # cell set -> its number
        self._cells: list[int] = []
        self._score: list[int] = []  # members out, summed over the set's cells
        self._placed: list[int] = []  # members placed with exactly this set
        self._neighbours: list[list[tuple[int, int]]] = []  # (other set, cells in common)

    def overlap(self, cells: int) -> int:
        return self._score[self._number(cells)]

    def add(self, cells: int) -> None:
        placed = self._number(cells)
        self._placed[placed] += 1
        for other, shared in self._neighbours[placed]:
            self._score[other] += shared

    def _number(self, cells: int) -> int:
        found = self._index.get(cells)
        if found is not None:
            return found
        new = self._index[cells] = len(self._cells)
        neighbours = [(new, cells.bit_count())]
        score = 0
        for other, known in enumerate(self._cells):
            shared = (cells & known).bit_count()
            if shared:
                neighbours.append((other, shared))
                self._neighbours[other].append((new, shared))
                score += self._placed[other] * shared
        self._cells.append(cells)
        self._placed.append(0)
        self._neighbours.append(neighbours)
        self._score.append(score)
        return new
