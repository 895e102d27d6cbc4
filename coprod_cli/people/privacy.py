"""A person's rights over their records: see everything held (subject access), be forgotten
(erasure that keeps reports adding up), and be reviewed once they have not taken part for the
retention period (data minimisation).

Forgetting deletes the person record and swaps their id, everywhere it appears, for one fresh
random pseudonym that is stored nowhere else: attendance, answers and facilitation stay as
anonymous counts, so unique and returning people, ratings and before/after pairs in reports
do not move. Free text that names them is replaced. The erasure itself is recorded with
counts only: no name, no id, no pseudonym.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from coprod_cli.errors import ValidationError
from coprod_cli.grants import scheme as grants
from coprod_cli.people import register as people
from coprod_cli.sessions.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

ERASURES = "erasures"
ANON_PREFIX = "anon-"
REMOVED_TEXT = "[removed: named a person who asked to be forgotten]"
REMOVED_NAME = "[removed]"
#: Free-text answers on feedback forms; the ones reports quote as "voices".
COMMENT_KEYS = ("went_well", "even_better")
#: Free-text fields in a grant (or a nested part of it) that may name someone.
GRANT_TEXT_KEYS = frozenset({"title", "activity", "benefit", "what_happened", "learning",
                             "reason", "conflict", "item", "source"})
#: Tables whose records carry one ``person_id``, in the order counts are shown.
PERSON_TABLES = (ATTENDANCE, FEEDBACK, MEASURES)

ABOUT_EXPORT = (
    "This file holds everything coprod has recorded about one person, for a subject access "
    "request under UK GDPR. 'person' is their entry on the register. 'attendance' lists the "
    "sessions they came to, 'feedback_given' and 'measures_given' the forms and wellbeing "
    "answers they gave, and 'runs_facilitated' the sessions they helped lead. 'mentions' are "
    "notes and comments by others that use their name (who wrote them is left out). 'grants' "
    "and 'funds_added' are small-grant records that name them. Dates are year-month-day.")


class Records(Protocol):
    """A :class:`Store` or one of its transactions: both list partitions and records."""

    def partitions(self, table: str) -> list[str]: ...

    def all(self, table: str, *, partition: str | None = None) -> list[dict]: ...


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
    return datetime.now().astimezone().isoformat(timespec="seconds")


# -- subject access ---------------------------------------------------------------------------

def _references(value: Any, person_id: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """Where in a grant ``person_id`` appears, with the entry that holds it: a history line,
    a spend line, the decision, rather than just the bare ``{"name", "person_id"}``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            here = f"{path}.{key}" if path else key
            if isinstance(inner, dict) and inner.get("person_id") == person_id:
                yield here, (value if key == "by" and path else inner)
            else:
                yield from _references(inner, person_id, here)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            here = f"{path}[{index}]"
            if isinstance(inner, dict) and inner.get("person_id") == person_id:
                yield here, inner
            else:
                yield from _references(inner, person_id, here)


def subject_access(store: Records, ref: str, *, at: str | None = None) -> dict[str, Any]:
    """Everything held about one person, as plain data ready to write as JSON."""
    person = people.find_person(store, ref)  # type: ignore[arg-type]
    pid = person["id"]
    pattern = name_pattern(person["name"])
    runs = {r["id"]: r for _, r in rows(store, RUNS)}

    def when(run_id: str) -> str:
        run = runs.get(run_id)
        return run["started_at"][:10] if run else ""

    def title(run_id: str) -> str:
        run = runs.get(run_id)
        return run["session_title"] if run else "(run not found)"

    mine = {t: [r for _, r in rows(store, t) if r.get("person_id") == pid]
            for t in PERSON_TABLES}
    facilitated = [{"run_id": r["id"], "date": r["started_at"][:10],
                    "session": r["session_title"], "service": r["service"], "as": f["as"]}
                   for r in runs.values() for f in r["facilitators"] if f["person_id"] == pid]
    mentions: list[dict[str, Any]] = []
    for run in runs.values():
        for note in run["notes"]:
            if names_in(pattern, note.get("text")):
                mentions.append({"where": "run note", "run_id": run["id"],
                                 "date": run["started_at"][:10],
                                 "session": run["session_title"], "text": note["text"]})
        for key, text in (run.get("reflection") or {}).items():
            if names_in(pattern, text):
                mentions.append({"where": f"facilitators' reflection ({key})",
                                 "run_id": run["id"], "date": run["started_at"][:10],
                                 "session": run["session_title"], "text": text})
        if names_in(pattern, run.get("end_reason")):
            mentions.append({"where": "reason the run ended early", "run_id": run["id"],
                             "date": run["started_at"][:10], "session": run["session_title"],
                             "text": run["end_reason"]})
    for form in (f for _, f in rows(store, FEEDBACK) if f.get("person_id") != pid):
        for key in COMMENT_KEYS:
            if names_in(pattern, form["answers"].get(key)):
                mentions.append({"where": f"someone's feedback ({key})",
                                 "run_id": form["run_id"], "date": when(form["run_id"]),
                                 "session": title(form["run_id"]),
                                 "text": form["answers"][key]})
    named_grants = []
    for _, grant in rows(store, grants.TABLE):
        refs = [{"where": where, "entry": entry} for where, entry in _references(grant, pid)]
        if refs:
            named_grants.append({key: grant.get(key) for key in (
                "id", "title", "service", "status", "amount_pence", "start_date",
                "created_at")} | {"named_in": refs})
    funds = [f for _, f in rows(store, grants.FUNDS)
             if (f.get("by") or {}).get("person_id") == pid]
    return {
        "about_this_export": ABOUT_EXPORT,
        "exported_at": at or _now(),
        "person": person,
        "attendance": sorted(({**a, "session": title(a["run_id"])} for a in mine[ATTENDANCE]),
                             key=lambda a: (a["arrived_at"], a["id"])),
        "feedback_given": sorted(({**f, "date": when(f["run_id"])} for f in mine[FEEDBACK]),
                                 key=lambda f: (f["at"], f["id"])),
        "measures_given": sorted(({**m, "date": when(m["run_id"])} for m in mine[MEASURES]),
                                 key=lambda m: (m["at"], m.get("when") != "before", m["id"])),
        "runs_facilitated": sorted(facilitated, key=lambda r: (r["date"], r["run_id"])),
        "mentions": sorted(mentions, key=lambda m: (m["date"], m["run_id"], m["where"])),
        "grants": named_grants,
        "funds_added": funds,
    }


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
    sections = [("Register entry", [person]), ("Sessions attended", export["attendance"]),
                ("Feedback forms given", export["feedback_given"]),
                ("Wellbeing answers given", export["measures_given"]),
                ("Sessions helped to lead", export["runs_facilitated"]),
                ("Notes and comments that mention them", export["mentions"]),
                ("Small grants that name them", export["grants"]),
                ("Funds they added", export["funds_added"])]
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


def _scrub_grant(value: Any, person: dict[str, Any], pseudonym: str,
                 pattern: re.Pattern[str] | None) -> tuple[Any, int]:
    """A copy of a grant (or part) with the person replaced; returns it and texts removed."""
    removed = 0
    if isinstance(value, list):
        items = []
        for item in value:
            new, n = _scrub_grant(item, person, pseudonym, pattern)
            items.append(new)
            removed += n
        return items, removed
    if not isinstance(value, dict):
        return value, 0
    out: dict[str, Any] = {}
    is_them = "name" in value and "person_id" in value and (
        value["person_id"] == person["id"] or (
            value["person_id"] is None and isinstance(value["name"], str)
            and people.name_key(value["name"]) == people.name_key(person["name"])))
    for key, inner in value.items():
        if is_them and key == "name":
            out[key] = REMOVED_NAME
        elif is_them and key == "person_id":
            out[key] = pseudonym
        elif key in GRANT_TEXT_KEYS and names_in(pattern, inner):
            out[key] = REMOVED_TEXT
            removed += 1
        else:
            out[key], n = _scrub_grant(inner, person, pseudonym, pattern)
            removed += n
    return out, removed


def plan_erasure(records: Records, person: dict[str, Any], pseudonym: str) -> Erasure:
    """Every change forgetting ``person`` makes, computed without writing anything."""
    pid = person["id"]
    pattern = name_pattern(person["name"])
    plan = Erasure(person)
    for part, record in rows(records, people.TABLE):
        if record["id"] == pid:  # the register entry itself is deleted
            plan.changed(people.TABLE, part, pid, {})
    for table in PERSON_TABLES:
        for part, record in rows(records, table):
            changes: dict[str, Any] = {}
            if record.get("person_id") == pid:
                changes["person_id"] = pseudonym
            answers = record.get("answers")
            if table == FEEDBACK and isinstance(answers, dict):
                hits = [k for k in COMMENT_KEYS if names_in(pattern, answers.get(k))]
                if hits:
                    changes["answers"] = {**answers, **dict.fromkeys(hits, REMOVED_TEXT)}
                    plan.texts_removed += len(hits)
            if changes:
                plan.changed(table, part, record["id"], changes)
    for part, run in rows(records, RUNS):
        changes = {}
        if any(f.get("person_id") == pid for f in run.get("facilitators", [])):
            changes["facilitators"] = [{**f, "person_id": pseudonym}
                                       if f.get("person_id") == pid else f
                                       for f in run["facilitators"]]
        if pid in (run.get("feedback_done") or []):
            changes["feedback_done"] = [pseudonym if p == pid else p
                                        for p in run["feedback_done"]]
        notes = run.get("notes") or []
        if any(names_in(pattern, n.get("text")) for n in notes):
            changes["notes"] = [{**n, "text": REMOVED_TEXT}
                                if names_in(pattern, n.get("text")) else n for n in notes]
            plan.texts_removed += sum(names_in(pattern, n.get("text")) for n in notes)
        reflection = run.get("reflection") or {}
        hits = [k for k, text in reflection.items() if names_in(pattern, text)]
        if hits:
            changes["reflection"] = {**reflection, **dict.fromkeys(hits, REMOVED_TEXT)}
            plan.texts_removed += len(hits)
        if names_in(pattern, run.get("end_reason")):
            changes["end_reason"] = REMOVED_TEXT
            plan.texts_removed += 1
        if changes:
            plan.changed(RUNS, part, run["id"], changes)
    for table in (grants.TABLE, grants.FUNDS):
        for part, record in rows(records, table):
            scrubbed, removed = _scrub_grant(record, person, pseudonym, pattern)
            if scrubbed != record:
                plan.changed(table, part, record["id"],
                             {k: v for k, v in scrubbed.items() if v != record.get(k)})
                plan.texts_removed += removed
    return plan


def _unfinished_with(records: Records, pid: str) -> list[str]:
    """Runs still in progress that the person is part of: a resumed run would look them up."""
    unfinished = {r["id"]: r for _, r in rows(records, RUNS) if r["status"] == "in-progress"}
    busy = {rid for rid, r in unfinished.items()
            if any(f["person_id"] == pid for f in r["facilitators"])}
    busy |= {a["run_id"] for _, a in rows(records, ATTENDANCE)
             if a.get("person_id") == pid and a["run_id"] in unfinished}
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


def forget(store: Store, person_id: str, *, at: str | None = None) -> dict[str, Any]:
    """Erase one person in a single bulk change; returns the erasure record (counts only).

    Reads and writes happen on the staged copy, so the plan is worked out again there: a
    record added since the preview is included, and a failure anywhere changes nothing.
    """
    with store.bulk_change("forget") as staged, staged.transaction() as tx:
        person = people.find_person(tx, person_id)  # type: ignore[arg-type]
        plan = plan_erasure(tx, person, new_pseudonym())
        for table, part, rid, changes in plan.updates:
            if table == people.TABLE:
                tx.delete(table, rid, partition=part)
            else:
                tx.update(table, rid, changes, partition=part)
        record = {"id": uuid.uuid4().hex, "at": at or _now(),
                  "counts": dict(plan.counts), "texts_removed": plan.texts_removed}
        tx.insert(ERASURES, record, partition="all")
    return record


# -- retention review -------------------------------------------------------------------------

def last_activity(records: Records) -> dict[str, tuple[str, str]]:
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
    return latest


def due_for_review(records: Records, retention_days: int, *,
                   today: date | None = None) -> list[dict[str, Any]]:
    """People with no activity for longer than ``retention_days``, longest-quiet first."""
    today = today or date.today()
    latest = last_activity(records)
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
