"""Checking the records: every record against a light schema, every reference between tables,
and the few fixes that are safe to make without asking a person.

Records can go wrong outside coprod's own code: a file edited by hand, a merge from an older
version, a restore of a partial backup. ``check`` reads every table once and lists each
problem with its table and record id. ``fix`` repairs only what cannot lose information or
change a report's numbers (see ``SAFE_FIXES``); everything else is left for a person to
decide, and attendance or feedback that holds data is never deleted.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from coprod_cli.grants import scheme as grants
from coprod_cli.money import format_money
from coprod_cli.people import register as people
from coprod_cli.people.privacy import ERASURES, Records, is_pseudonym, new_pseudonym, rows
from coprod_cli.sessions.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS, partition_of

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

NONE = type(None)
#: Required keys and their types, per table. Light on purpose: enough to catch a record a
#: report or the runner would trip over, not a full model of every optional field.
SCHEMAS: dict[str, dict[str, tuple[type, ...]]] = {
    people.TABLE: {"id": (str,), "name": (str,), "role": (str,), "service": (str,),
                   "consent": (dict, NONE), "prefers": (list,), "created_at": (str,),
                   "updated_at": (str,)},
    RUNS: {"id": (str,), "session_id": (str,), "session_title": (str,), "theme": (str,),
           "service": (str,), "status": (str,), "phase": (str,), "started_at": (str,),
           "facilitators": (list,), "step_log": (list,), "notes": (list,)},
    ATTENDANCE: {"id": (str,), "run_id": (str,), "person_id": (str,), "role": (str,),
                 "date": (str,), "arrived_at": (str,), "late": (bool,),
                 "left_at": (str, NONE)},
    FEEDBACK: {"id": (str,), "run_id": (str,), "person_id": (str, NONE), "form": (str,),
               "answers": (dict,), "at": (str,)},
    MEASURES: {"id": (str,), "run_id": (str,), "person_id": (str, NONE), "measure": (str,),
               "when": (str,), "answers": (dict,), "at": (str,)},
    ERASURES: {"id": (str,), "at": (str,), "counts": (dict,)},
    grants.TABLE: {"id": (str,), "year": (int,), "status": (str,), "service": (str,),
                   "title": (str,), "items": (list,), "amount_pence": (int,),
                   "created_at": (str,), "created_by": (dict,), "history": (list,),
                   "decision": (dict, NONE), "spending": (list,)},
    grants.FUNDS: {"id": (str,), "date": (str,), "year": (int,), "pence": (int,),
                   "source": (str,), "by": (dict,)},
}
#: Fields that must hold one of a few words.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    (people.TABLE, "role"): people.ROLES,
    (RUNS, "status"): ("in-progress", "finished"),
    (RUNS, "phase"): ("register", "steps", "closing", "done"),
    (MEASURES, "when"): ("before", "after"),
    (grants.TABLE, "status"): grants.STATUSES,
}
#: Fields that must start with a date (YYYY-MM-DD).
DATES: dict[str, tuple[str, ...]] = {
    people.TABLE: ("created_at",), RUNS: ("started_at",), ATTENDANCE: ("date", "arrived_at"),
    FEEDBACK: ("at",), MEASURES: ("at",), ERASURES: ("at",), grants.TABLE: ("created_at",),
    grants.FUNDS: ("date",),
}
#: An erasure record may hold these and nothing else: it must never carry personal data.
ERASURE_KEYS = frozenset({"id", "at", "counts", "texts_removed"})
#: Tables filed by the year of their run.
BY_RUN = (ATTENDANCE, FEEDBACK, MEASURES)

PSEUDONYMISE = "pseudonymise"
DUPLICATE = "duplicate"
SAFE_FIXES = {
    PSEUDONYMISE: "a reference to someone no longer on the register becomes an anonymous id "
                  "(one per missing person), as 'coprod people forget' does: reports count "
                  "the same people, and nobody can be identified from it",
    DUPLICATE: "an exact copy of another record (every field the same, id included) is "
               "removed: it holds nothing new and would otherwise be counted twice",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record; ``fix`` names a safe fix from ``SAFE_FIXES``."""

    table: str
    record_id: str
    message: str
    fix: str | None = None
    partition: str = ""
    person_id: str | None = None  # the missing person, for PSEUDONYMISE


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def fixable(self) -> list[Problem]:
        return [p for p in self.problems if p.fix]

    def by_table(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            grouped[problem.table].append(problem)
        return dict(grouped)


def _is(value: Any, types: tuple[type, ...]) -> bool:
    """isinstance, except that True and False are not numbers (JSON keeps them apart)."""
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def _type_words(types: tuple[type, ...]) -> str:
    words = {str: "text", int: "a whole number", bool: "true or false", dict: "a mapping",
             list: "a list", NONE: "empty (null)"}
    return " or ".join(words[t] for t in types)


def _schema_problems(table: str, part: str, record: dict[str, Any]) -> Iterator[Problem]:
    rid = str(record.get("id") or "(no id)")
    for key, types in SCHEMAS[table].items():
        if key not in record:
            yield Problem(table, rid, f"has no '{key}'", partition=part)
        elif not _is(record[key], types):
            yield Problem(table, rid, f"'{key}' should be {_type_words(types)}, not "
                          f"{json.dumps(record[key], ensure_ascii=False)[:40]}", partition=part)
    for (t, key), allowed in CHOICES.items():
        if t == table and isinstance(record.get(key), str) and record[key] not in allowed:
            yield Problem(table, rid, f"'{key}' is '{record[key]}', which is not one of: "
                          + ", ".join(allowed), partition=part)
    for key in DATES.get(table, ()):
        value = record.get(key)
        if isinstance(value, str):
            try:
                date.fromisoformat(value[:10])
            except ValueError:
                yield Problem(table, rid, f"'{key}' is '{value[:40]}', which is not a date "
                              "(YYYY-MM-DD)", partition=part)
    if table == ERASURES and set(record) - ERASURE_KEYS:
        extra = ", ".join(sorted(set(record) - ERASURE_KEYS))
        yield Problem(table, rid, f"holds fields an erasure record must not have ({extra}); "
                      "it should keep counts only, never personal data", partition=part)
    if table in BY_RUN and isinstance(record.get("run_id"), str) \
            and partition_of(record["run_id"]) != part:
        yield Problem(table, rid, f"is filed under {part} but its run "
                      f"{record['run_id']} is from {partition_of(record['run_id'])}, so reports "
                      "for that year miss it", partition=part)


def _grant_problems(part: str, grant: dict[str, Any]) -> Iterator[Problem]:
    """A grant's money must add up: items to the amount asked, spending within approval."""
    rid = str(grant.get("id"))
    items, spending = grant.get("items"), grant.get("spending")
    if isinstance(items, list) and isinstance(grant.get("amount_pence"), int):
        total = sum(i.get("pence", 0) for i in items if isinstance(i, dict)
                    and _is(i.get("pence"), (int,)))
        if total != grant["amount_pence"]:
            yield Problem(grants.TABLE, rid, f"its cost items add up to {format_money(total)} "
                          f"but it asks for {format_money(grant['amount_pence'])}",
                          partition=part)
    if not isinstance(spending, list):
        return
    for index, line in enumerate(spending):
        if not isinstance(line, dict) or not isinstance(line.get("id"), str) \
                or not _is(line.get("pence"), (int,)) or line["pence"] <= 0 \
                or not isinstance(line.get("date"), str):
            yield Problem(grants.TABLE, rid, f"spend line {index + 1} needs an id, a date and "
                          "a positive whole number of pence", partition=part)
            return
    if spending and grant.get("status") not in ("approved", "closed"):
        yield Problem(grants.TABLE, rid, f"has spending but is {grant.get('status')}; only "
                      "an approved grant takes spending", partition=part)
    spent, approved = grants.spent_pence(grant), grants.approved_pence(grant)
    if spent > approved:
        yield Problem(grants.TABLE, rid, f"has {format_money(spent)} spent but only "
                      f"{format_money(approved)} approved", partition=part)


def person_refs(table: str, record: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every person id a record holds, with a word for where: the one list ``fix`` uses."""
    if table in BY_RUN:
        yield "person", record.get("person_id")
    elif table == RUNS:
        for f in record.get("facilitators") or []:
            if isinstance(f, dict):
                yield "facilitator", f.get("person_id")
        for pid in record.get("feedback_done") or []:
            yield "feedback sign-off", pid
    elif table in (grants.TABLE, grants.FUNDS):
        yield from _named(record)


def _named(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        if "name" in value and "person_id" in value:
            yield "named person", value["person_id"]
        for inner in value.values():
            yield from _named(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _named(inner)


def check(records: Records) -> Report:
    """Every problem in the records. Reads each table once; changes nothing."""
    report = Report()
    tables = {t: list(rows(records, t)) for t in SCHEMAS}
    person_ids = {r.get("id") for _, r in tables[people.TABLE]}
    run_ids = {r.get("id") for _, r in tables[RUNS]}
    for table, found in tables.items():
        report.checked[table] = len(found)
        copies: dict[Any, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        seen_pairs: Counter[tuple[Any, Any]] = Counter()
        for part, record in found:
            rid = str(record.get("id") or "(no id)")
            copies[record.get("id")].append((part, record))
            report.problems.extend(_schema_problems(table, part, record))
            if table == grants.TABLE:
                report.problems.extend(_grant_problems(part, record))
            if table in BY_RUN and isinstance(record.get("run_id"), str) \
                    and record["run_id"] not in run_ids:
                report.problems.append(Problem(
                    table, rid, f"refers to run {record['run_id']}, which does not exist",
                    partition=part))
            if table == ATTENDANCE:
                seen_pairs[(record.get("run_id"), record.get("person_id"))] += 1
            for where, pid in person_refs(table, record):
                # None is an anonymous form; attendance without a person fails the schema
                if not isinstance(pid, str) or pid in person_ids or is_pseudonym(pid):
                    continue
                report.problems.append(Problem(
                    table, rid, f"its {where} {pid} is not on the register",
                    fix=PSEUDONYMISE if isinstance(record.get("id"), str) else None,
                    partition=part, person_id=pid))
        report.problems.extend(_duplicates(table, copies))
        for (run_id, pid), n in seen_pairs.items():
            if n > 1:
                report.problems.append(Problem(
                    ATTENDANCE, f"{run_id}/{pid}", f"the same person is on the register of "
                    f"run {run_id} {n} times under different ids (not fixed: check which "
                    "to keep)"))
    return report


def _home_partition(table: str, record: dict[str, Any], part: str) -> str:
    """Where a record should be filed: its run's year, or where it is for undated tables."""
    if table in BY_RUN and isinstance(record.get("run_id"), str):
        return partition_of(record["run_id"])
    if table == RUNS and isinstance(record.get("id"), str):
        return partition_of(record["id"])
    return part


def _duplicates(table: str, copies: dict[Any, list[tuple[str, dict[str, Any]]]]
                ) -> Iterator[Problem]:
    """Records sharing an id: exact copies are safe to remove, different ones are not."""
    for rid, records in copies.items():
        if len(records) < 2 or rid is None:
            continue
        found = [(part, json.dumps(r, sort_keys=True, ensure_ascii=False),
                  _home_partition(table, r, part)) for part, r in records]
        if len({text for _, text, _ in found}) > 1:
            yield Problem(table, str(rid), f"{len(found)} different records share this id "
                          "(not fixed: they hold different data)")
            continue
        # keep the copy filed where it belongs, so reports for its year still see it
        keep = next((c for c in found if c[0] == c[2]), found[0])
        extra = list(found)
        extra.remove(keep)
        for part, _, _ in extra:
            yield Problem(table, str(rid), "is an exact copy of another record",
                          fix=DUPLICATE, partition=part)


def _pseudonymise(table: str, record: dict[str, Any], names: dict[str, str]
                  ) -> dict[str, Any]:
    """The changes that swap missing people's ids for their pseudonyms in one record."""
    def swap(pid: Any) -> Any:
        return names.get(pid, pid) if isinstance(pid, str) else pid

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {k: walk(v) for k, v in value.items()}
            if "name" in value and "person_id" in value:
                out["person_id"] = swap(value["person_id"])
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    if table in BY_RUN:
        return {"person_id": swap(record.get("person_id"))}
    if table == RUNS:
        return {"facilitators": [{**f, "person_id": swap(f.get("person_id"))}
                                 if isinstance(f, dict) else f
                                 for f in record.get("facilitators") or []],
                "feedback_done": [swap(p) for p in record.get("feedback_done") or []]}
    return {k: v for k, v in walk(record).items() if v != record.get(k)}


def fix(store: Store) -> tuple[list[Problem], Report]:
    """Apply every safe fix in one bulk change; returns what was fixed and a fresh check."""
    before = check(store)
    if not before.fixable:
        return [], before
    with store.bulk_change("check-fix") as staged, staged.transaction() as tx:
        fixable = check(tx).fixable  # again, on the staged copy under the lock
        # copies first: an update reaches only the first of two records sharing an id
        for problem in fixable:
            if problem.fix == DUPLICATE:
                tx.delete(problem.table, problem.record_id, partition=problem.partition)
        names = {p.person_id: new_pseudonym() for p in fixable
                 if p.fix == PSEUDONYMISE and p.person_id}
        for table, part, rid in sorted({(p.table, p.partition, p.record_id) for p in fixable
                                        if p.fix == PSEUDONYMISE}):
            record = tx.get(table, rid, partition=part)
            if record is not None:
                changes = _pseudonymise(table, record, names)
                if changes:
                    tx.update(table, rid, changes, partition=part)
    return fixable, check(store)
