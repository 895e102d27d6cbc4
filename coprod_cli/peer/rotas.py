"""Fair rotas: who does which task on which day, over a group's current members.

The rules, exactly:

* **Days.** The rota runs for ``weeks`` weeks from ``start``: every date in
  ``[start, start + 7 x weeks)`` whose weekday is one of ``days``.
* **Available.** A person is available on a date when any of their free slots is on that
  weekday (``thu-pm`` makes every Thursday available). Someone with no availability recorded
  is counted as available every day (and the rota says so, so it can be checked with them).
* **Each date** needs ``sum(task.people)`` different people, one task each. A weekday on the
  rota with fewer available members than that is refused before anything is planned.
* **Fair shares.** Dates are filled in order; each takes the available people with the fewest
  turns so far (then the one whose last turn was longest ago, then by name). This keeps the
  invariant: *if A's free weekdays are all among B's, A never has more than one turn more
  than B.* Proof: turns change only on a date.
  If A is picked and B is not, B was available too (A's days are among B's) and was ranked
  after A, so B had at least as many turns as A; after the date A has at most one more.
  In every other case the difference does not grow. So people free on the same days (the
  same "availability capacity" on this rota) have shares within one of each other, and in
  particular everyone free on every rota day does. Someone free on fewer days may get fewer
  turns, never more than one more than anyone free on all of their days.
* **Varied tasks.** On each date the chosen people are given the tasks by a minimum-cost
  assignment (``networkx.max_weight_matching`` on the people x places graph, exact): a place
  costs a person 10 for each time they already had that task and 5 more if it was their
  last task. So nobody has the same task every time where another assignment that day
  avoids it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.peer.availability import DAY_NAMES, DAYS, days_of, parse_days

MAX_WEEKS = 52
MAX_PER_TASK = 50
MAX_TASKS = 20
MAX_TASK_NAME = 60


@dataclass(frozen=True)
class Task:
    name: str
    people: int


@dataclass(frozen=True)
class Member:
    """Someone who can be on the rota: their id, name and the weekdays they are free."""

    person_id: str
    name: str
    days: frozenset[str]
    recorded: bool  # False: no availability recorded, counted free every day


@dataclass(frozen=True)
class Plan:
    tasks: list[Task]
    days: list[str]
    start: date
    weeks: int
    dates: list[tuple[date, list[tuple[str, str]]]]  # (date, [(task, person_id)])
    members: list[Member]


def parse_task(text: str) -> Task:
    """``Weeding:2`` -> two people weeding each day; ``Watering`` -> one."""
    name, sep, count = text.rpartition(":") if ":" in text else (text, "", "1")
    name = " ".join(name.split())
    if not name:
        raise UsageError(f"'{text}' has no task name.",
                         hint='Write a task as its name, and :N for N people, e.g. '
                              '--task "Weeding:2".')
    if len(name) > MAX_TASK_NAME or any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise UsageError(f"The task name '{name[:MAX_TASK_NAME]}' is too long or holds "
                         f"control characters (at most {MAX_TASK_NAME} plain characters).")
    value = count.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PER_TASK:
        raise UsageError(f"'{text}': the number of people after ':' must be a whole number "
                         f"from 1 to {MAX_PER_TASK}.", hint='e.g. --task "Weeding:2".')
    return Task(name, int(value))


def parse_tasks(values: Iterable[str]) -> list[Task]:
    tasks = [parse_task(v) for v in values]
    if not tasks:
        raise UsageError("A rota needs at least one task.",
                         hint='Add --task "Watering" (repeat for each task).')
    if len(tasks) > MAX_TASKS:
        raise UsageError(f"That is {len(tasks)} tasks; the most is {MAX_TASKS}.")
    seen: set[str] = set()
    for task in tasks:
        key = task.name.casefold()
        if key in seen:
            raise UsageError(f"The task '{task.name}' is given twice.",
                             hint='Give each task once, with :N for more people, e.g. '
                                  '"Weeding:2".')
        seen.add(key)
    return tasks


def parse_weeks(weeks: int) -> int:
    if weeks < 1:
        raise UsageError(f"A rota runs for at least one week, not {weeks}.",
                         hint="Use --weeks 1 or more.")
    if weeks > MAX_WEEKS:
        raise UsageError(f"A rota runs for at most {MAX_WEEKS} weeks, not {weeks}.",
                         hint="Make a new rota when this one ends.")
    return weeks


def member(person_id: str, name: str, slots: Sequence[str]) -> Member:
    free = days_of(slots)
    return Member(person_id, name, frozenset(free or DAYS), bool(free))


def rota_dates(start: date, weeks: int, days: Sequence[str]) -> list[date]:
    return [d for n in range(7 * weeks) if DAYS[(d := start + timedelta(days=n)).weekday()]
            in days]


def _check(tasks: Sequence[Task], days: Sequence[str], members: Sequence[Member],
           group: str) -> None:
    need = sum(t.people for t in tasks)
    count = len(members)
    for task in tasks:
        if task.people > count:
            raise ValidationError(f"'{task.name}' needs {task.people} "
                                  f"{'person' if task.people == 1 else 'people'} but {group} has "
                                  f"{count} current member{'s' * (count != 1)}, so nothing "
                                  "was saved.", hint="Ask for fewer people for it.")
    if need > count:
        raise ValidationError(f"The tasks need {need} different people each day but {group} "
                              f"has {count} current member{'s' * (count != 1)}, so nothing "
                              "was saved.", hint="Ask for fewer people, or fewer tasks.")
    for day in days:
        free = [m for m in members if day in m.days]
        if len(free) < need:
            who = "no members are" if not free else (
                f"only {len(free)} member{' is' if len(free) == 1 else 's are'}")
            raise ValidationError(f"On {DAY_NAMES[day]}s {who} free, but the tasks need "
                                  f"{need}, so nothing was saved.",
                                  hint="Leave that day out of --days, or record when people "
                                       "are free (coprod people edit PERSON --available "
                                       "...).")


def _assign(people: Sequence[Member], places: Sequence[str], done: dict[str, dict[str, int]],
            last: dict[str, str]) -> list[tuple[str, str]]:
    """Give each chosen person one place (a task), at the least total cost (see module)."""
    import networkx as nx

    graph = nx.Graph()
    for i, person in enumerate(people):
        for j, task in enumerate(places):
            cost = 10 * done[person.person_id].get(task, 0) + \
                (5 if last.get(person.person_id) == task else 0)
            graph.add_edge(("p", i), ("t", j), weight=1000 - cost)
    matching = nx.max_weight_matching(graph, maxcardinality=True, weight="weight")
    given: dict[int, str] = {}
    for u, v in matching:
        p, t = (u, v) if u[0] == "p" else (v, u)
        given[t[1]] = people[p[1]].person_id
    return [(places[j], given[j]) for j in range(len(places))]


def plan(tasks: Sequence[Task], days: Sequence[str], start: date, weeks: int,
         members: Sequence[Member], *, group: str = "the group") -> Plan:
    """The fair rota; raises (with nothing planned) when it cannot be filled."""
    _check(tasks, days, members, group)
    order = sorted(members, key=lambda m: (m.name.casefold(), m.person_id))
    turns = {m.person_id: 0 for m in order}
    latest = {m.person_id: -1 for m in order}
    done: dict[str, dict[str, int]] = {m.person_id: {} for m in order}
    last: dict[str, str] = {}
    places = [t.name for t in tasks for _ in range(t.people)]
    task_order = {t.name: n for n, t in enumerate(tasks)}
    rank = {m.person_id: n for n, m in enumerate(order)}
    planned: list[tuple[date, list[tuple[str, str]]]] = []
    for index, day in enumerate(rota_dates(start, weeks, days)):
        free = [(n, m) for n, m in enumerate(order) if DAYS[day.weekday()] in m.days]
        free.sort(key=lambda item: (turns[item[1].person_id], latest[item[1].person_id],
                                    item[0]))
        chosen = [m for _, m in free[:len(places)]]
        shifts = _assign(chosen, places, done, last)
        shifts.sort(key=lambda s: (task_order[s[0]], rank[s[1]]))  # by task, then name
        for task, pid in shifts:
            turns[pid] += 1
            latest[pid] = index
            done[pid][task] = done[pid].get(task, 0) + 1
            last[pid] = task
        planned.append((day, shifts))
    return Plan(list(tasks), list(days), start, weeks, planned, list(order))


def make_plan(task_texts: Iterable[str], day_texts: Iterable[str], weeks: int,
              start: date, members: Sequence[Member], *, group: str) -> Plan:
    """Read the options, then plan (every check before anything else)."""
    tasks = parse_tasks(task_texts)
    days = parse_days(day_texts)
    return plan(tasks, days, start, parse_weeks(weeks), members, group=group)
