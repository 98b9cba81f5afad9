"""The scheduler (``showcases.scheduling``): never two meetings of one buyer or one table at once, always
inside both sides' availability; property-tested over random requests and availabilities."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from showcases.scheduling import Reason, Request, Slot, available, conflicts, make_schedule

T0 = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # 09.00 in Jakarta


def slot(index: int, minutes: int = 30) -> Slot:
    return Slot(T0 + timedelta(minutes=index * minutes), T0 + timedelta(minutes=(index + 1) * minutes))


SLOTS = [slot(i) for i in range(8)]


def window(first: int, last: int) -> Slot:
    return Slot(T0 + timedelta(minutes=first * 30), T0 + timedelta(minutes=last * 30))


@st.composite
def problems(draw):
    buyers = draw(st.integers(min_value=1, max_value=5))
    tables = draw(st.integers(min_value=1, max_value=5))
    pairs = draw(st.lists(st.tuples(st.integers(0, buyers - 1), st.integers(0, tables - 1)), max_size=25, unique=True))
    requests = [Request(key=i, buyer=("b", b), table=("t", t)) for i, (b, t) in enumerate(pairs)]
    availability = {}
    for party in [("b", b) for b in range(buyers)] + [("t", t) for t in range(tables)]:
        spans = draw(st.lists(st.tuples(st.integers(0, 7), st.integers(1, 4)), max_size=3))
        if spans:
            availability[party] = [window(first, min(first + length, 8)) for first, length in spans]
    slot_count = draw(st.integers(min_value=0, max_value=8))
    return requests, SLOTS[:slot_count], availability


@settings(max_examples=300, deadline=None)
@given(problems())
def test_the_scheduler_never_double_books_and_respects_availability(problem):
    requests, slots, availability = problem

    result = make_schedule(requests=requests, slots=slots, availability=availability)

    by_key = {request.key: request for request in requests}
    placed = list(result.placed.items())
    # every request is either placed or explained, never both
    assert set(result.placed) | set(result.unplaced) == set(by_key)
    assert not set(result.placed) & set(result.unplaced)
    for key, chosen in placed:
        request = by_key[key]
        assert chosen in slots
        assert available(request.buyer, chosen, availability)
        assert available(request.table, chosen, availability)
    for i, (key_a, slot_a) in enumerate(placed):
        for key_b, slot_b in placed[i + 1 :]:
            if slot_a.overlaps(slot_b):
                assert by_key[key_a].buyer != by_key[key_b].buyer
                assert by_key[key_a].table != by_key[key_b].table
    # an unplaced request really had no free common slot
    for key, reason in result.unplaced.items():
        request = by_key[key]
        booked = [(by_key[k], s) for k, s in placed]
        assert all(conflicts(request, s, booked=booked, availability=availability) for s in slots), reason


@settings(max_examples=100, deadline=None)
@given(problems(), st.data())
def test_meetings_already_placed_stay_where_they_are(problem, data):
    requests, slots, availability = problem
    first = make_schedule(requests=requests, slots=slots, availability=availability)
    keep = {key: chosen for key, chosen in first.placed.items() if data.draw(st.booleans())}

    second = make_schedule(requests=requests, slots=slots, availability=availability, fixed=keep)

    assert {key: second.placed[key] for key in keep} == keep


def test_reasons_say_what_blocked_each_meeting():
    requests = [Request(1, "b1", "t1"), Request(2, "b1", "t2"), Request(3, "b2", "t1"), Request(4, "b3", "t3")]
    availability = {"b1": [window(0, 1)], "b2": [window(0, 1)], "b3": [window(5, 6)], "t3": [window(0, 2)]}

    result = make_schedule(requests=requests, slots=SLOTS[:4], availability=availability)

    assert result.placed == {1: slot(0)}
    assert result.unplaced == {2: Reason.BUYER_BUSY, 3: Reason.TABLE_BUSY, 4: Reason.NO_COMMON_TIME}


def test_no_slots_means_nothing_is_placed():
    result = make_schedule(requests=[Request(1, "b", "t")], slots=[], availability={})

    assert result.unplaced == {1: Reason.NO_SLOTS}


def test_the_most_constrained_meeting_goes_first():
    # b2 can only meet at slot 0; b1 anywhere: both with table t1
    requests = [Request(1, "b1", "t1"), Request(2, "b2", "t1")]

    result = make_schedule(requests=requests, slots=SLOTS[:2], availability={"b2": [window(0, 1)]})

    assert result.placed == {2: slot(0), 1: slot(1)}
