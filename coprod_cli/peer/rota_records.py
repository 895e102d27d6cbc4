"""Rotas as records: made for a group's current members, saved, listed, shown and changed.

``make_rota`` reads the group and its members (the groups API), plans with ``rotas.plan``
and, when asked, saves the plan as one ``rotas`` record. ``swap`` changes one person on one
day for another member who is free that day (if the new person already had a task that day,
the two exchange tasks), and keeps the change in the record's ``changes``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.peer import ROTAS, rotas
from coprod_cli.peer.availability import DAY_NAMES, DAYS
from coprod_cli.peer.dates import parse_date
from coprod_cli.peer.pairing import group_members
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction


@dataclass(frozen=True)
class Made:
    record: dict[str, Any]  # the rota as it is (or would be) saved
    saved: bool
    names: dict[str, str]  # person id -> name
    unrecorded: list[str]  # names of members with no availability recorded


def _members(store: Store | Transaction, ids: Iterable[str]) -> list[rotas.Member]:
    found = []
    for pid in ids:
        person = store.get(people.TABLE, pid)
        if person is not None:
            found.append(rotas.member(pid, person["name"], person.get("available", [])))
    return found


def make_rota(store: Store, group_ref: str, *, tasks: Iterable[str], days: Iterable[str],
              weeks: int, start: str | None = None, save: bool = False) -> Made:
    """Plan a fair rota for a group's current members (on the start day) and save it when
    ``save``. Every check comes first; a refused rota saves nothing."""
    day = parse_date(start, "start day")
    group, member_ids = group_members_on(store, group_ref, day)
    members = _members(store, member_ids)
    plan = rotas.make_plan(tasks, days, weeks, day, members, group=group["name"])
    stamp = clock.now_iso()
    record: dict[str, Any] = {
        "group_id": group["id"], "group_name": group["name"],
        "tasks": [{"name": t.name, "people": t.people} for t in plan.tasks],
        "days": plan.days, "start": plan.start.isoformat(), "weeks": plan.weeks,
        "dates": [{"date": d.isoformat(),
                   "shifts": [{"task": t, "person_id": p} for t, p in shifts]}
                  for d, shifts in plan.dates],
        "changes": [], "created_at": stamp, "updated_at": stamp,
    }
    if save:
        with store.transaction() as tx:
            tx.insert(ROTAS, record)
    return Made(record, save, {m.person_id: m.name for m in members},
                [m.name for m in plan.members if not m.recorded])


def group_members_on(store: Store | Transaction, ref: str, day: date
                     ) -> tuple[dict[str, Any], set[str]]:
    """A group and the ids of its members on ``day``."""
    return group_members(store, ref, on=day.isoformat())


def find_rota(store: Store | Transaction, ref: str) -> dict[str, Any]:
    key = ref.strip().lower()
    found = [r for r in store.all(ROTAS) if r["id"] == key]
    if not found and len(key) >= 4:
        found = [r for r in store.all(ROTAS) if r["id"].startswith(key)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no rota '{ref}'.",
                            hint="Run 'coprod rota list' to see each rota's id.")
    raise ValidationError(f"More than one rota starts with '{ref}'.",
                          hint="Give more of the id, as 'coprod rota list' shows it.")


def list_rotas(store: Store | Transaction) -> list[dict[str, Any]]:
    return sorted(store.all(ROTAS), key=lambda r: (r["start"], r["created_at"]), reverse=True)


def names_for(store: Store | Transaction, record: dict[str, Any]) -> dict[str, str]:
    """Names of everyone on the rota, and of the group's members on its first day (so a
    member with no turns is listed with none)."""
    ids = {s["person_id"] for d in record["dates"] for s in d["shifts"]}
    try:
        ids |= group_members(store, record["group_id"], on=record["start"])[1]
    except NotFoundError:  # the group is gone; the rota still shows who was on it
        pass
    return {pid: (p["name"] if (p := store.get(people.TABLE, pid)) else "someone forgotten")
            for pid in ids}


def swap(store: Store, ref: str, *, on: str, task: str, from_person: str,
         to_person: str) -> dict[str, Any]:
    """Put ``to_person`` in ``from_person``'s place for ``task`` on ``on``; see the module."""
    rota = find_rota(store, ref)
    day = parse_date(on, "day to change").isoformat()
    entry = next((d for d in rota["dates"] if d["date"] == day), None)
    if entry is None:
        raise UsageError(f"The rota has no {day}, so nothing was changed.",
                         hint="See its days with: coprod rota show " + rota["id"][:6])
    names = {t["name"].casefold(): t["name"] for t in rota["tasks"]}
    task_name = names.get(" ".join(task.split()).casefold())
    if task_name is None:
        raise UsageError(f"The rota has no task '{task}', so nothing was changed.",
                         hint="Its tasks are: " + ", ".join(t["name"] for t in rota["tasks"])
                         + ".")
    old, new = people.find_person(store, from_person), people.find_person(store, to_person)
    if old["id"] == new["id"]:
        raise UsageError("--from and --to are the same person, so nothing was changed.")
    shifts = entry["shifts"]
    mine = [n for n, s in enumerate(shifts) if s["task"] == task_name
            and s["person_id"] == old["id"]]
    if not mine:
        raise ValidationError(f"{old['name']} is not on {task_name} on {day}, so nothing "
                              "was changed.", hint="See who is: coprod rota show "
                                                   + rota["id"][:6])
    weekday = DAYS[date.fromisoformat(day).weekday()]
    current = group_members(store, rota["group_id"], on=day)[1]
    if new["id"] not in current:
        raise ValidationError(f"{new['name']} is not a member of {rota['group_name']} on "
                              f"{day}, so nothing was changed.")
    if weekday not in rotas.member(new["id"], new["name"], new.get("available", [])).days:
        raise ValidationError(f"{new['name']} is not free on {DAY_NAMES[weekday]}s, so "
                              "nothing was changed.",
                              hint="Choose someone free that day, or update when they are "
                                   "free: coprod people edit PERSON --available ...")
    theirs = [n for n, s in enumerate(shifts) if s["person_id"] == new["id"]]
    other_task = shifts[theirs[0]]["task"] if theirs else None
    if other_task == task_name:
        raise ValidationError(f"{new['name']} is already on {task_name} on {day}, so "
                              "nothing was changed.")
    changed = [dict(s) for s in shifts]
    changed[mine[0]]["person_id"] = new["id"]
    if theirs:
        changed[theirs[0]]["person_id"] = old["id"]
    dates = [{**d, "shifts": changed} if d["date"] == day else d for d in rota["dates"]]
    change = {"at": clock.now_iso(), "date": day, "task": task_name,
              "from_person": old["id"], "to_person": new["id"], "other_task": other_task}
    with store.transaction() as tx:
        return tx.update(ROTAS, rota["id"], {"dates": dates,
                                             "changes": [*rota["changes"], change],
                                             "updated_at": clock.now_iso()})
