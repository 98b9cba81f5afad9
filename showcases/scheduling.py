"""The meeting scheduler, as a pure function (no database): property-tested in tests/showcases.

Each meeting has two parties: a buyer (a registered buyer organisation: its people go to a meeting
together) and a table (one per producer). A party with availability windows can meet only in a slot
that lies wholly inside one of them; a party without any window is available in every slot. No
party is ever in two meetings at overlapping times. Meetings already placed (``fixed``) stay where
they are; the others are placed greedily, the most constrained first, in the earliest slot that fits.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Request:
    """A meeting to place: ``key`` names it, ``buyer`` and ``table`` name its two parties."""

    key: Hashable
    buyer: Hashable
    table: Hashable


class Reason(StrEnum):
    """Why a meeting could not be placed (``showcases.services`` words it for people)."""

    NO_SLOTS = "no_slots"  # the showcase has no slot at all
    NO_COMMON_TIME = "no_common_time"  # no slot lies inside both parties' availability
    BUYER_BUSY = "buyer_busy"  # every common slot is taken by another meeting of the buyer
    TABLE_BUSY = "table_busy"  # ... of the producer's table
    BOTH_BUSY = "both_busy"  # every common slot is taken, on one side or the other


@dataclass
class Schedule:
    placed: dict[Hashable, Slot] = field(default_factory=dict)
    unplaced: dict[Hashable, Reason] = field(default_factory=dict)


Windows = Mapping[Hashable, Sequence[Slot]]


def available(party: Hashable, slot: Slot, availability: Windows) -> bool:
    """Return whether ``party`` can meet in ``slot``: inside one of its windows, or it has none."""
    windows = availability.get(party)
    if not windows:
        return True
    return any(window.start <= slot.start and slot.end <= window.end for window in windows)


def conflicts(
    request: Request, slot: Slot, *, booked: Iterable[tuple[Request, Slot]], availability: Windows
) -> list[Reason]:
    """Return what keeps ``request`` out of ``slot`` given the meetings ``booked`` (others than it)."""
    problems: list[Reason] = []
    if not (available(request.buyer, slot, availability) and available(request.table, slot, availability)):
        problems.append(Reason.NO_COMMON_TIME)
    for other, other_slot in booked:
        if other.key == request.key or not slot.overlaps(other_slot):
            continue
        if other.buyer == request.buyer and Reason.BUYER_BUSY not in problems:
            problems.append(Reason.BUYER_BUSY)
        if other.table == request.table and Reason.TABLE_BUSY not in problems:
            problems.append(Reason.TABLE_BUSY)
    return problems


def make_schedule(
    *,
    requests: Sequence[Request],
    slots: Sequence[Slot],
    availability: Windows,
    fixed: Mapping[Hashable, Slot] | None = None,
) -> Schedule:
    """Place ``requests`` in ``slots``; ``fixed`` maps keys of ``requests`` already placed to their slot.

    Deterministic: the same input gives the same schedule. Requests with the fewest slots open to both
    parties go first (then in the order given), each in the earliest free slot.
    """
    fixed = dict(fixed or {})
    by_key = {request.key: request for request in requests}
    slots = sorted(set(slots))
    result = Schedule(placed={key: slot for key, slot in fixed.items() if key in by_key})
    busy: dict[Hashable, list[Slot]] = {}
    for key, slot in result.placed.items():
        request = by_key[key]
        busy.setdefault(("buyer", request.buyer), []).append(slot)
        busy.setdefault(("table", request.table), []).append(slot)

    def free(party: tuple, slot: Slot) -> bool:
        return not any(slot.overlaps(taken) for taken in busy.get(party, ()))

    open_slots = {
        request.key: [
            slot
            for slot in slots
            if available(request.buyer, slot, availability) and available(request.table, slot, availability)
        ]
        for request in requests
        if request.key not in result.placed
    }
    order = sorted(
        (request for request in requests if request.key not in result.placed),
        key=lambda request: len(open_slots[request.key]),
    )  # sorted() is stable: ties keep their order
    for request in order:
        candidates = open_slots[request.key]
        if not slots:
            result.unplaced[request.key] = Reason.NO_SLOTS
            continue
        if not candidates:
            result.unplaced[request.key] = Reason.NO_COMMON_TIME
            continue
        buyer, table = ("buyer", request.buyer), ("table", request.table)
        chosen = next((slot for slot in candidates if free(buyer, slot) and free(table, slot)), None)
        if chosen is None:
            buyer_free = any(free(buyer, slot) for slot in candidates)
            table_free = any(free(table, slot) for slot in candidates)
            result.unplaced[request.key] = (
                Reason.TABLE_BUSY
                if buyer_free and not table_free
                else Reason.BUYER_BUSY
                if table_free and not buyer_free
                else Reason.BOTH_BUSY
            )
            continue
        result.placed[request.key] = chosen
        busy.setdefault(buyer, []).append(chosen)
        busy.setdefault(table, []).append(chosen)
    return result
