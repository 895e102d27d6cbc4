"""Checking the records: every record against its table's declaration, every reference between
tables, and the few fixes that are safe to make without asking a person.

Records can go wrong outside coprod's own code: a file edited by hand, a merge from an older
version, a restore of a partial backup. ``check`` reads every declared table once and lists
each problem with its table and record id; what it checks is read from the declarations in
``coprod_cli.store.schema`` (types, choices, dates, which fields refer to a person or to
another table, how records are filed, and each table's own rules such as a grant's money).
``fix`` repairs only what cannot lose information or change a report's numbers (see
``SAFE_FIXES``); everything else is left for a person to decide, and attendance or feedback
that holds data is never deleted.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coprod_cli.people import register as people
from coprod_cli.people.privacy import Records, is_pseudonym, new_pseudonym, rows
from coprod_cli.store import schema

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

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


def _rid(record: Any) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    return str(rid or "(no id)")


def _record_problems(spec: schema.Table, found: list[tuple[str, Any]],
                     ids: dict[str, set[Any]], person_ids: set[Any]) -> Iterator[Problem]:
    """What is wrong with each record on its own or in what it points at."""
    name = spec.name
    invalid: set[int] = set()
    for problem in schema.problems(name, [record for _, record in found]):
        invalid.add(problem.index)
        yield Problem(name, problem.record_id, problem.message,
                      partition=found[problem.index][0])
    refs, places, rules = spec.where(schema.Ref), spec.people, spec.rules
    for index, (part, record) in enumerate(found):
        if not isinstance(record, dict):
            continue
        rid = _rid(record)
        # a fix saves the record again, which the store refuses while it breaks its table
        fixable = isinstance(record.get("id"), str) and index not in invalid
        for rule in rules:
            for message in rule(record):
                yield Problem(name, rid, message, partition=part)
        for located in refs:
            for _, value in schema.spots(record, located.path):
                if isinstance(value, str) and value not in ids[located.marker.table]:
                    yield Problem(name, rid, f"refers to {located.marker.label} {value}, which "
                                  "does not exist", partition=part)
        home = spec.partition.home(record)
        if home is not None and home != part:
            yield Problem(name, rid, f"is filed under {part} but {spec.partition.label} "
                          f"{record.get(spec.partition.by or '')} is from {home}, so reports "
                          "for that year miss it", partition=part)
        for located in places:
            for _, pid in schema.person_ids(record, located):
                # None is an anonymous form; a required person that is missing fails the schema
                if not isinstance(pid, str) or pid in person_ids or is_pseudonym(pid):
                    continue
                yield Problem(name, rid, f"its {located.marker.label} {pid} is not on the "
                              "register", fix=PSEUDONYMISE if fixable else None,
                              partition=part, person_id=pid)


def _unique(spec: schema.Table, found: list[tuple[str, Any]]) -> Iterator[Problem]:
    """Records that share what the table says must be one of a kind (one register line per
    person per run), under different ids."""
    if spec.unique is None:
        return
    keys = spec.unique.fields
    seen: Counter[tuple[Any, ...]] = Counter(
        tuple(record.get(k) for k in keys) for _, record in found if isinstance(record, dict))
    for values, n in seen.items():
        if n > 1:
            yield Problem(spec.name, "/".join(map(str, values)),
                          spec.unique.message.format(n=n, **dict(zip(keys, values,
                                                                     strict=True))))


def check(records: Records) -> Report:
    """Every problem in the records. Reads each declared table once; changes nothing."""
    report = Report()
    tables = {t.name: list(rows(records, t.name)) for t in schema.tables()}
    ids = {name: {r.get("id") for _, r in found if isinstance(r, dict)}
           for name, found in tables.items()}
    for spec in schema.tables():
        found = tables[spec.name]
        report.checked[spec.name] = len(found)
        report.problems.extend(_record_problems(spec, found, ids, ids[people.TABLE]))
        copies: dict[Any, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for part, record in found:
            if isinstance(record, dict):
                copies[record.get("id")].append((part, record))
        report.problems.extend(_duplicates(spec, copies))
        report.problems.extend(_unique(spec, found))
    return report


def _duplicates(spec: schema.Table, copies: dict[Any, list[tuple[str, dict[str, Any]]]]
                ) -> Iterator[Problem]:
    """Records sharing an id: exact copies are safe to remove, different ones are not."""
    for rid, records in copies.items():
        if len(records) < 2 or rid is None:
            continue
        found = [(part, json.dumps(r, sort_keys=True, ensure_ascii=False),
                  spec.partition.home(r) or part) for part, r in records]
        if len({text for _, text, _ in found}) > 1:
            yield Problem(spec.name, str(rid), f"{len(found)} different records share this "
                          "id (not fixed: they hold different data)")
            continue
        # keep the copy filed where it belongs, so reports for its year still see it
        keep = next((c for c in found if c[0] == c[2]), found[0])
        extra = list(found)
        extra.remove(keep)
        for part, _, _ in extra:
            yield Problem(spec.name, str(rid), "is an exact copy of another record",
                          fix=DUPLICATE, partition=part)


def _pseudonymise(spec: schema.Table, record: dict[str, Any], names: dict[str, str]
                  ) -> dict[str, Any]:
    """The changes that swap missing people's ids for their pseudonyms in one record: every
    place the table declares a person, by id or by name and id (the name is kept: only
    someone who asked to be forgotten has their name removed)."""
    def swap(pid: Any) -> Any:
        return names.get(pid, pid) if isinstance(pid, str) else pid

    def swap_named(value: Any) -> Any:
        return {**value, "person_id": swap(value["person_id"])} if schema.is_named(value) \
            else value

    new: dict[str, Any] = record
    for located in spec.people:
        change = swap_named if isinstance(located.marker, schema.Named) else swap
        new = schema.rewrite(new, located.path, change)
    return {k: v for k, v in new.items() if v != record.get(k)}


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
                changes = _pseudonymise(schema.table(table), record, names)
                if changes:
                    tx.update(table, rid, changes, partition=part)
    return fixable, check(store)
