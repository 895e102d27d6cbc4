"""A person's rights over their records: see everything held (subject access), be forgotten
(erasure that keeps reports adding up), and be reviewed once they have not taken part for the
retention period (data minimisation).

Forgetting deletes the person record and swaps their id, everywhere it appears, for one fresh
random pseudonym that is stored nowhere else: attendance, answers and facilitation stay as
anonymous counts, so unique and returning people, ratings and before/after pairs in reports
do not move. Free text that names them is replaced. The erasure itself is recorded with
counts only: no name, no id, no pseudonym.

Which fields refer to a person, and which free text may name one, is read from the declared
schema (``coprod_cli.store.schema``): forgetting and subject access cover every table and
field declared there, and nothing here lists them again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, ValidationError
from coprod_cli.grants.scheme import TABLE as GRANTS
from coprod_cli.panels import PANELS
from coprod_cli.panels.planning import exported as panel_export
from coprod_cli.people import register as people
from coprod_cli.people.activity import other_activity
from coprod_cli.people.audit_ids import AUDIT_TABLE, audit_changes
from coprod_cli.sessions.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS
from coprod_cli.store import schema

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

ERASURES = "erasures"  # the table of erasure records, declared in the schema
ANON_PREFIX = "anon-"
REMOVED_TEXT = "[removed: named a person who asked to be forgotten]"
REMOVED_NAME = "[removed]"

ABOUT_EXPORT = (
    "This file holds everything coprod has recorded about one person, for a subject access "
    "request under UK GDPR. 'person' is their entry on the register. 'attendance' lists the "
    "sessions they came to, 'feedback_given' and 'measures_given' the forms and wellbeing "
    "answers they gave, and 'runs_facilitated' the sessions they helped lead. 'grants' and "
    "'funds_added' are small-grant records that name them. 'panel_questions_written', "
    "'interview_panels' and 'interview_scores_given' are the interview questions they wrote, "
    "the panels they sat on or wrote a question for, and the scores they gave (candidates by "
    "code only). 'mentions' are notes, comments and other free text that use their name (who "
    "wrote them is left out). 'journey' is what they did, first to latest, and "
    "'involvement' the involvement they were paid or thanked for, with their expenses. Dates "
    "are year-month-day.")


class Records(Protocol):
    """A :class:`Store` or one of its transactions: both list partitions and records."""

    def partitions(self, table: str) -> list[str]: ...

    def all(self, table: str, *, partition: str | None = None) -> list[dict[str, Any]]: ...


def new_pseudonym() -> str:
    """A random stand-in for a person id; nothing links it back to them."""
    return ANON_PREFIX + uuid.uuid4().hex[:12]


def is_pseudonym(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(ANON_PREFIX)


def name_pattern(name: str) -> re.Pattern[str] | None:
    """The whole name as a word, any case; None for a one-letter name, which would match
    ordinary words ("a", "I") and wipe comments that name nobody."""
    name = name.strip()
    if len(name) < 2:
        return None
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def names_in(pattern: re.Pattern[str] | None, text: Any) -> bool:
    return pattern is not None and isinstance(text, str) and bool(pattern.search(text))


def rows(records: Records, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record of a table with the partition it lives in (updates then go straight to
    the right file instead of searching every year)."""
    for part in records.partitions(table):
        for record in records.all(table, partition=part):
            yield part, record


def _now() -> str:
    return clock.now_iso()


# -- what the declarations say about one person ----------------------------------------------

def _value_at(record: Any, at: schema.Where) -> Any:
    for step in at:
        record = record[step]
    return record


def _places(spec: schema.Table, record: dict[str, Any], pid: str) -> list[schema.Where]:
    """Where ``record`` refers to person ``pid``: each declared place holding their id (for
    a named person, the place of the ``{"name", "person_id"}`` itself)."""
    return [at for located in spec.people for at, value in schema.person_ids(record, located)
            if value == pid]


def _run_id(spec: schema.Table, record: dict[str, Any]) -> Any:
    """The run a record belongs to: a run itself, or the run a declared reference names."""
    if spec.name == RUNS:
        return record.get("id")
    for located in spec.where(schema.Ref):
        if located.marker.table == RUNS:
            return next((v for _, v in schema.spots(record, located.path)), None)
    return None


def _person_tables() -> list[schema.Table]:
    """Tables that can refer to someone, in declaration order; the register itself aside."""
    return [t for t in schema.tables() if t.people and t.name != people.TABLE]


# -- subject access ---------------------------------------------------------------------------

class _Runs:
    """The runs, for giving a record its session's date and title."""

    def __init__(self, store: Records) -> None:
        self.by_id = {r["id"]: r for _, r in rows(store, RUNS)}

    def when(self, run_id: Any) -> str:
        run = self.by_id.get(run_id)
        return str(run["started_at"][:10]) if run else ""

    def title(self, run_id: Any) -> str:
        run = self.by_id.get(run_id)
        return str(run["session_title"]) if run else "(run not found)"


#: Records that refer to the person, each with the places it does.
Found: TypeAlias = "list[tuple[dict[str, Any], list[schema.Where]]]"


def _facilitated(found: Found, runs: _Runs) -> list[dict[str, Any]]:
    """Runs they helped lead. Their feedback sign-off is left out: the forms themselves are
    in ``feedback_given``. Any other place a run names them is listed with that place."""
    out = []
    for run, places in found:
        for at in places:
            if at[0] == "feedback_done":
                continue
            role = run["facilitators"][at[1]]["as"] if at[0] == "facilitators" \
                else schema.place(at)
            out.append({"run_id": run["id"], "date": runs.when(run["id"]),
                        "session": run["session_title"], "service": run["service"],
                        "as": role})
    return sorted(out, key=lambda r: (r["date"], r["run_id"]))


def _named_in(found: Found, _: _Runs) -> list[dict[str, Any]]:
    """Grants that name them, with each entry that does (a history line, a spend line, the
    decision) rather than just the bare name and id."""
    out = []
    for grant, places in found:
        refs = [{"where": schema.place(at),
                 "entry": _value_at(grant, at[:-1] if at[-1] == "by" and len(at) > 1 else at)}
                for at in places]
        out.append({key: grant.get(key) for key in (
            "id", "title", "service", "status", "amount_pence", "start_date", "created_at")}
            | {"named_in": refs})
    return out


def _with_session(found: Found, runs: _Runs) -> list[dict[str, Any]]:
    return sorted(({**a, "session": runs.title(a["run_id"])} for a, _ in found),
                  key=lambda a: (a["arrived_at"], a["id"]))


def _with_date(found: Found, runs: _Runs) -> list[dict[str, Any]]:
    return sorted(({**f, "date": runs.when(f["run_id"])} for f, _ in found),
                  key=lambda f: (f["at"], f["id"]))


def _measures(found: Found, runs: _Runs) -> list[dict[str, Any]]:
    return sorted(({**m, "date": runs.when(m["run_id"])} for m, _ in found),
                  key=lambda m: (m["at"], m.get("when") != "before", m["id"]))


#: How a table's section of the export reads, where plain records would read badly; every
#: other table that refers to people lists their records as they are. ``True``: the section
#: holds the whole records, so their free text is not repeated under "mentions".
PRESENTERS = {ATTENDANCE: (_with_session, True), FEEDBACK: (_with_date, True),
              MEASURES: (_measures, True), RUNS: (_facilitated, False),
              GRANTS: (_named_in, False),
              PANELS: (panel_export, False)}


def _mentions(store: Records, pattern: re.Pattern[str] | None, runs: _Runs,
              whole: set[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Every declared free text, in records not already given whole, that uses their name."""
    mentions: list[dict[str, Any]] = []
    if pattern is None:
        return mentions
    for spec in schema.tables():
        texts = spec.where(schema.Text)
        dated_by = spec.date_field
        for _, record in rows(store, spec.name) if texts else ():
            if (spec.name, record.get("id")) in whole:
                continue
            run_id = _run_id(spec, record)
            context: dict[str, Any] = (
                {"run_id": run_id, "date": runs.when(run_id), "session": runs.title(run_id)}
                if run_id is not None else
                {"table": spec.name, "id": record.get("id"),
                 "date": str(record.get(dated_by) or "")[:10] if dated_by else ""})
            for located in texts:
                for at, text in schema.spots(record, located.path):
                    if names_in(pattern, text):
                        mentions.append({"where": schema.text_label(located.marker, at),
                                         **context, "text": text})
    return sorted(mentions, key=lambda m: (m["date"], m.get("run_id") or m.get("id") or "",
                                           m["where"]))


def subject_access(store: Records, ref: str, *, at: str | None = None,
                   toolkit_dir: Path | None = None) -> dict[str, Any]:
    """Everything held about one person, as plain data ready to write as JSON: one section
    per table whose declaration can refer to someone, the free text that names them, and
    their journey (``people.journey``: what they did, first to latest)."""
    from coprod_cli.people.journey import journey
    person = people.find_person(store, ref)  # type: ignore[arg-type]
    pid = person["id"]
    runs = _Runs(store)
    export: dict[str, Any] = {"about_this_export": ABOUT_EXPORT, "exported_at": at or _now(),
                              "person": person}
    whole: set[tuple[str, Any]] = set()
    for spec in _person_tables():
        found = [(record, places) for _, record in rows(store, spec.name)
                 if (places := _places(spec, record, pid))]
        present, is_whole = PRESENTERS.get(spec.name, (None, True))
        export[spec.section] = present(found, runs) if present else [r for r, _ in found]
        if is_whole:
            whole |= {(spec.name, record.get("id")) for record, _ in found}
    export["mentions"] = _mentions(store, name_pattern(person["name"]), runs, whole)
    export["journey"] = [e.as_dict() for e in journey(store, person, toolkit_dir=toolkit_dir)]
    return export


def export_counts(export: dict[str, Any]) -> dict[str, int]:
    """How many entries each part of an export holds, for the command's summary line."""
    return {key: len(value) for key, value in export.items() if isinstance(value, list)}


def write_export(export: dict[str, Any], out: Path) -> Path:
    """Write the export as readable JSON, atomically and readable only by the owner."""
    import json

    from coprod_cli.files import atomic_write_text

    atomic_write_text(out, json.dumps(export, indent=2, ensure_ascii=False) + "\n")
    return out


def export_markdown(export: dict[str, Any], escape: Any) -> str:
    """The same export as a readable document (for the PDF); every value escaped."""
    import json

    person = export["person"]
    lines = [f"# Records held about {escape(person['name'])}", "",
             escape(export["about_this_export"]), "",
             f"Exported {escape(export['exported_at'])}.", ""]
    sections = [(schema.table(people.TABLE).heading, [person])]
    sections += [(spec.heading, export.get(spec.section, [])) for spec in _person_tables()]
    sections.append(("Notes and comments that mention them", export["mentions"]))
    sections.append(("Their journey, first to latest", export.get("journey", [])))
    for heading, entries in sections:
        lines += [f"## {heading}", ""]
        if not entries:
            lines += ["None.", ""]
        for entry in entries:
            for key, value in entry.items():
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                lines.append(f"- {escape(key)}: {escape(text)}")
            lines.append("")
    return "\n".join(lines)


# -- forgetting -------------------------------------------------------------------------------

@dataclass
class Erasure:
    """What forgetting one person changes: records per table, and texts removed."""

    person: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    texts_removed: int = 0
    updates: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list,
                                                                 repr=False)

    def changed(self, table: str, part: str, rid: str, changes: dict[str, Any]) -> None:
        self.updates.append((table, part, rid, changes))
        self.counts[table] = self.counts.get(table, 0) + 1


def _scrub(spec: schema.Table, record: dict[str, Any], person: dict[str, Any],
           pseudonym: str, pattern: re.Pattern[str] | None) -> tuple[dict[str, Any], int]:
    """The record with the person replaced at every place its table declares: their id by
    the pseudonym, their name (where a name and id are kept together) removed, and each free
    text that names them removed. Returns the new record and how many texts went."""
    removed = 0

    def swap(value: Any) -> Any:
        return pseudonym if value == person["id"] else value

    def unname(value: Any) -> Any:
        if not schema.is_named(value):
            return value
        them = value["person_id"] == person["id"] or (
            value["person_id"] is None and isinstance(value["name"], str)
            and people.name_key(value["name"]) == people.name_key(person["name"]))
        return {**value, "name": REMOVED_NAME, "person_id": pseudonym} if them else value

    def scrub(text: Any) -> Any:
        nonlocal removed
        if names_in(pattern, text):
            removed += 1
            return REMOVED_TEXT
        return text

    new = record
    for located in spec.marked:
        change = {schema.Person: swap, schema.Named: unname, schema.Text: scrub}.get(
            type(located.marker))
        if change is not None:
            new = schema.rewrite(new, located.path, change)
    return new, removed


def plan_erasure(records: Records, person: dict[str, Any], pseudonym: str) -> Erasure:
    """Every change forgetting ``person`` makes, computed without writing anything: the
    register entry goes, and every declared person and free-text field of every table is
    scrubbed."""
    pattern = name_pattern(person["name"])
    plan = Erasure(person)
    for part, record in rows(records, people.TABLE):
        if record["id"] == person["id"]:  # the register entry itself is deleted
            plan.changed(people.TABLE, part, person["id"], {})
    for spec in schema.tables():
        if spec.name == people.TABLE or not (spec.people or spec.where(schema.Text)):
            continue
        for part, record in rows(records, spec.name):
            scrubbed, removed = _scrub(spec, record, person, pseudonym, pattern)
            if spec.forget_as is not None and scrubbed != record:
                scrubbed = spec.forget_as(scrubbed, pseudonym)
            changes = {k: v for k, v in scrubbed.items() if v != record.get(k)}
            if changes:
                plan.changed(spec.name, part, record["id"], changes)
                plan.texts_removed += removed
    for part, rid, changes in audit_changes(rows(records, AUDIT_TABLE), person["id"],
                                            pseudonym):
        plan.changed(AUDIT_TABLE, part, rid, changes)
    return plan


def _unfinished_with(records: Records, pid: str) -> list[str]:
    """Runs still in progress that hold a record referring to the person: a resumed run
    would look them up."""
    unfinished = {r["id"] for _, r in rows(records, RUNS) if r.get("status") == "in-progress"}
    if not unfinished:
        return []
    busy = set()
    for spec in _person_tables():
        for _, record in rows(records, spec.name):
            run_id = _run_id(spec, record)
            if run_id in unfinished and _places(spec, record, pid):
                busy.add(run_id)
    return sorted(busy)


def preview_forget(store: Records, ref: str) -> Erasure:
    """What forgetting would change, for the confirmation question; nothing is written."""
    person = people.find_person(store, ref)  # type: ignore[arg-type]
    busy = _unfinished_with(store, person["id"])
    if busy:
        raise ValidationError(
            f"{person['name']} is part of a session run that has not finished "
            f"({', '.join(busy)}), so they cannot be forgotten yet.",
            hint="Finish it with 'coprod session resume RUN' (or end it early), then try again.")
    return plan_erasure(store, person, new_pseudonym())


def erase_in(tx: Any, person_id: str, *, at: str | None = None, extra: Any = None,
             known: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Erase one person inside the transaction ``tx`` (a staged copy's): the register entry
    goes and every declared place is scrubbed; returns the erasure record (counts only).
    An id with no register entry left (a merged record of someone forgotten) still has
    every place that holds it swapped for a pseudonym. ``extra`` may add
    changes first (``extra(tx, plan, person)``: receipt copies renamed). ``known`` is the
    person as last seen (their name, for a backup made before they were added); with it,
    nothing to change returns None and writes nothing."""
    try:
        person = people.find_person(tx, person_id)
    except NotFoundError:  # not on the register: ids only, unless their name is known
        person = known or {"id": person_id, "name": ""}
    pseudonym = new_pseudonym()
    plan = plan_erasure(tx, person, pseudonym)
    if hasattr(tx, "audit_as"):  # the forget's own trail entry gets the pseudonym too
        tx.audit_as(person["id"], pseudonym)
    if extra is not None:
        extra(tx, plan, person)
    if known is not None and not plan.updates:
        return None
    for table, part, rid, changes in plan.updates:
        if table == people.TABLE:
            tx.delete(table, rid, partition=part)
        else:
            tx.update(table, rid, changes, partition=part)
    record = {"id": uuid.uuid4().hex, "at": at or _now(),
              "counts": dict(plan.counts), "texts_removed": plan.texts_removed}
    tx.insert(ERASURES, record, partition="all")
    return record


def forget(store: Store, person_id: str, *, at: str | None = None,
           home: Path | None = None) -> dict[str, Any]:
    """Erase one person in a single bulk change; returns the erasure record (counts only).

    Reads and writes happen on the staged copy, so the plan is worked out again there: a
    record added since the preview is included, and a failure anywhere changes nothing.
    With ``home``, what lies beside the records is covered in the same all-or-nothing step
    (``people.traces``): receipt copies, toolkit credits and the erasure ledger.
    """
    from coprod_cli.files import FileGroup
    from coprod_cli.people import traces

    with FileGroup() as group:
        with store.bulk_change("forget") as staged, staged.transaction() as tx:
            person = people.find_person(tx, person_id)  # type: ignore[arg-type]
            beside = traces.Beside(home, group) if home is not None else None
            record = erase_in(tx, person["id"], at=at,
                              extra=beside.plan if beside is not None else None)
            assert record is not None  # without ``known`` there is always a record
            if beside is not None:
                beside.finish(person, record["at"])
    if beside is not None:
        beside.tidy()
        beside.rewrite_backups(person, getattr(store.backend, "backups_dir", None))
        record["beside"] = {**beside.summary, "backups_failed": beside.backups_failed}
    return record


# -- retention review -------------------------------------------------------------------------

def last_activity(records: Records, today: date | None = None) -> dict[str, tuple[str, str]]:
    """Each person's most recent sign of taking part: (date, what it was)."""
    latest: dict[str, tuple[str, str]] = {}

    def seen(pid: str | None, day: str, what: str) -> None:
        if pid and day and (pid not in latest or day >= latest[pid][0]):
            latest[pid] = (day, what)

    for _, person in rows(records, people.TABLE):
        seen(person["id"], person["created_at"][:10], "added to the register")
        consent = person.get("consent") or {}
        if consent.get("given_at", "")[:10] > person["created_at"][:10]:
            seen(person["id"], consent["given_at"][:10], "consent renewed")
    for _, row in rows(records, ATTENDANCE):
        seen(row.get("person_id"), row.get("date", ""), "attended a session")
    for _, run in rows(records, RUNS):
        for f in run.get("facilitators", []):
            seen(f.get("person_id"), run["started_at"][:10], "helped lead a session")
    for pid, day, what in other_activity(records, today):  # groups, meetings, involvement, panels
        seen(pid, day, what)
    return latest


def due_for_review(records: Records, retention_days: int, *,
                   today: date | None = None) -> list[dict[str, Any]]:
    """People with no activity for longer than ``retention_days``, longest-quiet first."""
    today = today or clock.today()
    latest = last_activity(records, today)
    due = []
    for _, person in rows(records, people.TABLE):
        day, what = latest[person["id"]]
        quiet = (today - date.fromisoformat(day)).days
        if quiet > retention_days:
            due.append({"id": person["id"], "short_id": people.short_id(person["id"]),
                        "name": person["name"], "role": person["role"],
                        "service": person["service"], "last_activity": day,
                        "last_activity_was": what, "days_since": quiet})
    return sorted(due, key=lambda p: (-p["days_since"], people.name_key(p["name"])))
