"""Rota fairness as properties, over random groups, availabilities, tasks and days.

The property, exactly (it is proved in ``coprod_cli/peer/rotas.py``): restrict each
member's free weekdays to the rota's days; if A's are all among B's, A has at most one turn
more than B. So members free on the same rota days (equal availability capacity) have turns
within one of each other, and everyone free on every rota day does. Also: each date has
every task filled by different people, and nobody is on a day they are not free.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_cli.errors import ValidationError
from coprod_cli.peer.availability import DAYS, PARTS
from coprod_cli.peer.rotas import Member, Task, member, plan, rota_dates

slots = st.lists(st.sampled_from([f"{d}-{p}" for d in DAYS for p in PARTS]), max_size=8)
groups = st.lists(slots, min_size=1, max_size=9)
tasks = st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=3)
days = st.sets(st.sampled_from(DAYS), min_size=1, max_size=7)


def _plan(availability: list[list[str]], needs: list[int], chosen: set[str], weeks: int,
          offset: int):  # noqa: ANN202
    members = [member(f"id{n}", f"P{n}", s) for n, s in enumerate(availability)]
    task_list = [Task(f"T{n}", k) for n, k in enumerate(needs)]
    day_list = [d for d in DAYS if d in chosen]
    start = date(2026, 12, 7) + timedelta(days=offset)
    try:
        return members, task_list, plan(task_list, day_list, start, weeks, members)
    except ValidationError:
        # refused only when some rota weekday has too few free members
        need = sum(needs)
        assert any(sum(1 for m in members if d in m.days) < need for d in day_list)
        return members, task_list, None


@settings(max_examples=300, deadline=None)
@given(groups, tasks, days, st.integers(min_value=1, max_value=6),
       st.integers(min_value=0, max_value=6))
def test_rota_is_filled_available_and_fair(availability, needs, chosen, weeks, offset) -> None:
    members, task_list, made = _plan(availability, needs, chosen, weeks, offset)
    if made is None:
        return
    by_id: dict[str, Member] = {m.person_id: m for m in members}
    turns: Counter[str] = Counter()
    assert [d for d, _ in made.dates] == rota_dates(made.start, weeks, made.days)
    for day, shifts in made.dates:
        people = [p for _, p in shifts]
        assert len(people) == len(set(people)) == sum(needs)
        assert Counter(t for t, _ in shifts) == {t.name: t.people for t in task_list}
        for pid in people:
            assert DAYS[day.weekday()] in by_id[pid].days  # nobody on a day they are not free
        turns.update(people)
    rota_days = set(made.days)
    for a in members:
        for b in members:
            if a.days & rota_days <= b.days & rota_days:
                assert turns[a.person_id] <= turns[b.person_id] + 1, (a, b, turns)
    full = [turns[m.person_id] for m in members if rota_days <= m.days]
    if full:
        assert max(full) - min(full) <= 1


def _cost(history: dict[str, list[str]], pid: str, task: str) -> int:
    done = history.get(pid, [])
    return 10 * done.count(task) + (5 if done and done[-1] == task else 0)


@settings(max_examples=200, deadline=None)
@given(groups, tasks, days, st.integers(1, 4))
def test_each_day_gives_out_tasks_with_the_fewest_repeats_possible(availability, needs,
                                                                  chosen, weeks) -> None:
    # Precisely: on every date, no other way of giving that day's tasks to that day's
    # people repeats less (10 for each earlier turn on the same task, 5 more when it was
    # their last task): checked against every permutation.
    from itertools import permutations

    _, task_list, made = _plan(availability, needs, chosen, weeks, 0)
    if made is None or sum(needs) > 6:
        return
    history: dict[str, list[str]] = {}
    for _, shifts in made.dates:
        places = [t for t, _ in shifts]
        people = [p for _, p in shifts]
        given_cost = sum(_cost(history, p, t) for t, p in shifts)
        best = min(sum(_cost(history, p, t) for t, p in zip(places, order, strict=True))
                   for order in permutations(people))
        assert given_cost == best
        for task, pid in shifts:
            history.setdefault(pid, []).append(task)


def test_tasks_rotate_where_they_can() -> None:
    # Two tasks of one person each, two people free every day: they take turns at each.
    members = [member("a", "Ann", []), member("b", "Bob", [])]
    made = plan([Task("Watering", 1), Task("Weeding", 1)], ["mon", "wed", "fri"],
                date(2026, 12, 7), 2, members)
    ann = [t for _, shifts in made.dates for t, p in shifts if p == "a"]
    assert ann == ["Watering", "Weeding"] * 3 or ann == ["Weeding", "Watering"] * 3
