"""Disclosure control: which counts a report may show (ONS / NHS England small-number practice).

1. Primary suppression: a count built from 1 to threshold−1 people (5 by default) is hidden.
2. Complementary suppression: a hidden count must not be recoverable from the sums the
   reader knows (`tables.AddsUp`: row and column totals, totals implied by shares, figures that
   appear in two tables). While some hidden count is pinned to one value by those sums and the
   figures still shown, another count beside it is hidden too: the smallest non-zero figure of
   a sum it is in, preferring figures that are no sum's total.
3. Everything built on a hidden count (its share, an average over it, money worked out from it)
   is hidden with it, and shares are whole numbers.

Every hidden figure is printed the same way, "[c]" (the GSS symbol for confidential), whether it
is small or hidden beside a small one: a separate "<5" would tell the reader the other hidden
figures are 5 or more, and those bounds alone often pin a small figure down (1 + 5 = 6).

"Pinned to one value" is decided the way a careful reader would work it out: every hidden count
is an unknown whole number, at least 1 (zeros are never hidden; events behind hidden people,
such as sessions, may be 0), every declared sum must hold, and a count is safe only when it
could take two different values. `_Model.movable` looks for the proof: a change of +1 / −1 to
some hidden counts that keeps every sum true and moves this one. For sums shaped like row and
column totals that search is exact; where it gives up (a step budget) the count is treated as
pinned, so the failure mode is hiding more, never less.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reports.tables import Count, Table

PRIMARY = "primary"
COMPLEMENTARY = "complementary"
MARKER = "[c]"
SEARCH_BUDGET = 20_000  # steps per count; beyond it the count is treated as pinned (hide more)


def note(threshold: int) -> str:
    """How hidden figures are shown, for every page, file and PDF that shows them."""
    return (
        f"{MARKER} marks a hidden figure: one built from fewer than {threshold} people, or one hidden so "
        "that such a figure cannot be worked out from the totals. Percentages are rounded to whole numbers."
    )


def _node(count: Count):
    return count.key or count


@dataclass
class Suppression:
    """What a report may show: for each hidden count, why (primary or complementary)."""

    threshold: int | None
    states: dict = field(default_factory=dict)

    @classmethod
    def none(cls) -> Suppression:
        """Exact figures (a supervisor's own teams, on screen)."""
        return cls(threshold=None)

    def state(self, count: Count) -> str | None:
        own = self.states.get(_node(count))
        if own is None and count.backed_by is not None:
            return self.state(count.backed_by)
        return own

    def hidden(self, count: Count) -> bool:
        return self.state(count) is not None

    def marker(self, *counts: Count) -> str | None:
        """What to print instead of a figure built on `counts`, or None when it may be shown."""
        return MARKER if any(self.hidden(count) for count in counts) else None

    def hidden_keys(self) -> set[str]:
        return {node for node in self.states if isinstance(node, str)}


class _Model:
    """The report's counts as unknowns, and the sums that tie them together."""

    def __init__(self, tables: Iterable[Table], threshold: int):
        self.threshold = threshold
        self.order: dict = {}  # node -> reading order (ties broken by where a figure first appears)
        self.value: dict = {}
        self.events: set = set()  # counts of events: any number when hidden
        self.backing: dict = {}  # node -> node of the people behind it
        self.sums: list[list[tuple[object, int]]] = []
        for table in tables:
            for count in table.counts():
                self._add(count)
            for identity in table.sums:
                terms: dict = {}
                for count, sign in [*((c, 1) for c in identity.totals), *((c, -1) for c in identity.parts)]:
                    node = self._add(count)
                    terms[node] = terms.get(node, 0) + sign
                self.sums.append([(node, sign) for node, sign in terms.items() if sign])
        self.totals = {node for terms in self.sums for node, sign in terms if sign > 0}
        self.sums_of: dict = {node: [] for node in self.order}
        self.signs_of: dict = {node: [] for node in self.order}  # node -> [(sum index, sign)]
        for index, terms in enumerate(self.sums):
            for node, sign in terms:
                self.sums_of[node].append(index)
                self.signs_of[node].append((index, sign))

    def _add(self, count: Count):
        node = _node(count)
        if node not in self.order:
            self.order[node] = len(self.order)
            self.value[node] = count.value
            if count.backed_by is not None:
                self.events.add(node)
                self.backing[node] = self._add(count.backed_by)
        return node

    def primary(self) -> dict:
        states = {}
        for node in self.order:
            if node not in self.events and 0 < self.value[node] < self.threshold:
                states[node] = PRIMARY
        return states

    def lowest(self, node) -> int:
        """The least a hidden count can be, as far as the reader knows."""
        return 0 if node in self.events else 1

    def _state(self, node, states: dict) -> str | None:
        if node in states:
            return states[node]
        if node in self.backing:
            return self._state(self.backing[node], states)
        return None

    def hidden(self, node, states: dict) -> bool:
        return self._state(node, states) is not None

    def _can_step(self, node, step: int) -> bool:
        return self.value[node] + step >= self.lowest(node)

    def movers(self, states: dict) -> dict:
        """Per sum, its hidden members: only they can move."""
        hidden = {node for node in self.order if self.hidden(node, states)}
        return {
            index: [(member, sign) for member, sign in terms if member in hidden]
            for index, terms in enumerate(self.sums)
        }

    def movable(self, start, states: dict, movers: dict | None = None) -> bool:
        """Could `start` take another value with every sum still true?"""
        movers = movers if movers is not None else self.movers(states)
        budget = [SEARCH_BUDGET]
        for step in (1, -1):
            if self._can_step(start, step):
                moved, balance = {}, {}
                self._move(start, step, moved, balance)
                if self._search(moved, balance, movers, budget):
                    return True
        return False

    def _move(self, node, step: int, moved: dict, balance: dict) -> None:
        moved[node] = step
        for index, sign in self.signs_of[node]:
            balance[index] = balance.get(index, 0) + sign * step

    def _unmove(self, node, moved: dict, balance: dict) -> None:
        step = moved.pop(node)
        for index, sign in self.signs_of[node]:
            balance[index] -= sign * step

    def _search(self, moved: dict, balance: dict, movers: dict, budget: list[int]) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        # Balance first the unbalanced sum with the fewest hidden counts left that could do it.
        worst = None
        for index, off in balance.items():
            if off:
                free = [(member, sign) for member, sign in movers[index] if member not in moved]
                if len(free) < abs(off):
                    return False
                if worst is None or len(free) < len(worst[1]):
                    worst = (off, free)
        if worst is None:
            return True
        off, free = worst
        for member, sign in free:
            step = -1 if sign * off > 0 else 1
            if self._can_step(member, step):
                self._move(member, step, moved, balance)
                if self._search(moved, balance, movers, budget):
                    return True
                self._unmove(member, moved, balance)
        return False

    def complement_for(self, node, states: dict):
        """The count to hide beside a pinned one.

        Candidates are the non-zero figures still shown in the sums around it (its own sums, and
        those of the hidden counts tied to it), smallest first and figures that are no sum's total
        before totals (totals are often printed elsewhere too). The first whose hiding frees the
        pinned count wins; if none does on its own, the best in its own sums is hidden and the
        search goes on from there.
        """
        around, reached, queue = [], {node}, [node]
        while queue:
            current = queue.pop()
            for index in self.sums_of[current]:
                for member, _ in self.sums[index]:
                    if member in reached:
                        continue
                    reached.add(member)
                    if self.hidden(member, states):
                        queue.append(member)
                    elif self.value[member] > 0:
                        around.append(member)
        around.sort(key=lambda member: (member in self.totals, self.value[member], self.order[member]))
        for candidate in around:
            states[candidate] = COMPLEMENTARY
            freed = self.movable(node, states)
            del states[candidate]
            if freed:
                return candidate
        own = {member for index in self.sums_of[node] for member, _ in self.sums[index]}
        return next((member for member in around if member in own), around[0] if around else None)


def protect(
    tables: Iterable[Table], *, threshold: int | None, also_hidden: Iterable[str] = ()
) -> Suppression:
    """Decide, once for all of a report's tables, which counts may be shown.

    `also_hidden`: keys of figures another report hides (complementary) and this one repeats,
    so the two reports cannot be read together to undo each other's suppression.
    """
    tables = list(tables)
    if not threshold:
        return Suppression.none()
    model = _Model(tables, threshold)
    states = model.primary()
    for key in also_hidden:
        if key in model.order:
            states.setdefault(key, COMPLEMENTARY)
    settled: set = set()  # pinned counts with nothing left to hide beside them
    # Hiding more never pins a count that could already move (its move still works), so a
    # count found free stays free and is not searched again.
    free: set = set()
    ordered = sorted(model.order, key=model.order.get)
    while True:
        pinned = None
        movers = model.movers(states)
        for node in ordered:
            if node in free or node in settled or not model.sums_of[node] or not model.hidden(node, states):
                continue
            if model.movable(node, states, movers):
                free.add(node)
            else:
                pinned = node
                break
        if pinned is None:
            break
        extra = model.complement_for(pinned, states)
        if extra is None:
            settled.add(pinned)
        else:
            states[extra] = COMPLEMENTARY
    return Suppression(threshold=threshold, states=states)
