"""Typing in paper feedback forms: each finished form is saved at once.

A facilitator may have twenty forms on the table and be interrupted at any point (a name
not on the register, Ctrl-C, a closed laptop), so the guided flow saves every form as it is
finished and picks up the count where it stopped. A CSV is different: it is one file, so
every bad row is reported and then all of it is saved, or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coprod_cli import clock
from coprod_cli.errors import ValidationError
from coprod_cli.evaluation.summary import read_forms_csv
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import Form
from coprod_cli.sessions.run_records import ATTENDANCE, FEEDBACK, find_run, partition_of
from coprod_cli.store.database import Store, Transaction


def paper_forms(store: Store, run_id: str) -> list[dict[str, Any]]:
    """Forms already typed in for this run, in the order they were saved."""
    found = store.find(FEEDBACK, lambda f: f["run_id"] == run_id and f["entered"] == "paper",
                       partition=partition_of(run_id))
    return sorted(found, key=lambda f: f["at"])


def people_at(store: Store, run: dict[str, Any]) -> set[str]:
    """Everyone who was at the run: its attendees and its facilitators."""
    here = {a["person_id"] for a in store.find(ATTENDANCE, lambda a: a["run_id"] == run["id"],
                                               partition=partition_of(run["id"]))}
    return here | {f["person_id"] for f in run["facilitators"]}


def has_form(store: Store, run_id: str, person_id: str) -> bool:
    """True when this person already has a form (paper or live) at this run."""
    return bool(store.find(FEEDBACK, lambda f: f["run_id"] == run_id
                           and f["person_id"] == person_id, partition=partition_of(run_id)))


def is_blank(answers: dict[str, Any]) -> bool:
    """A form with every question skipped says nothing, so it is not counted as a form."""
    return all(value is None for value in answers.values())


def _record(run: dict[str, Any], form: Form, person_id: str | None,
            answers: dict[str, Any], stamp: str) -> dict[str, Any]:
    return {"run_id": run["id"], "person_id": person_id, "form": form.id,
            "form_version": form.version, "answers": answers, "entered": "paper",
            "session_id": run["session_id"], "theme": run["theme"],
            "service": run["service"], "at": stamp}


def save_form(store: Store, run_id: str, form: Form, person_id: str | None,
              answers: dict[str, Any]) -> dict[str, Any]:
    """Save one finished paper form now, in its own transaction."""
    run = find_run(store, run_id)
    if is_blank(answers):
        raise ValidationError("Every question was skipped, so this form was not saved.",
                              hint="A blank form is not counted as feedback.")
    record = _record(run, form, person_id, answers, clock.now_iso())
    with store.transaction() as tx:
        record["id"] = tx.insert(FEEDBACK, record, partition=partition_of(run["id"]))
    return record


def resolve_rows(store: Store, path: Path, rows: list[tuple[str, dict[str, Any]]]
                 ) -> list[tuple[str | None, dict[str, Any]]]:
    """Each CSV row's person, by name or id; every row naming nobody (or several people) is
    reported at once, so one fix-and-retry is enough."""
    resolved: list[tuple[str | None, dict[str, Any]]] = []
    problems: list[str] = []
    for number, (ref, answers) in enumerate(rows, start=2):
        if not ref:
            resolved.append((None, answers))
            continue
        found = people.matches(store, ref)
        if len(found) != 1:
            why = "nobody on the register is called" if not found else \
                "more than one person matches"
            problems.append(f"{path}: row {number}, column person: {why} '{ref}'")
            continue
        resolved.append((found[0]["id"], answers))
    if problems:
        raise ValidationError(f"{path} has {len(problems)} problem"
                              f"{'s' * (len(problems) != 1)}; nothing was saved.", problems,
                              hint="Add them with 'coprod people add', use their short id, "
                                   "or leave the person blank for an anonymous form.")
    return resolved


def record_csv(store: Store, run_id: str, form: Form, path: Path) -> int:
    """Check every row of a CSV (answers and people), then save all of its forms or none.
    Rows with every question blank are left out: they are not forms."""
    run = find_run(store, run_id)
    rows = resolve_rows(store, path, read_forms_csv(path, form))
    stamp = clock.now_iso()
    kept = [(who, answers) for who, answers in rows if not is_blank(answers)]
    with store.transaction() as tx:
        _insert_all(tx, run, form, kept, stamp)
    return len(kept)


def _insert_all(tx: Transaction, run: dict[str, Any], form: Form,
                rows: list[tuple[str | None, dict[str, Any]]], stamp: str) -> None:
    for person_id, answers in rows:
        tx.insert(FEEDBACK, _record(run, form, person_id, answers, stamp),
                  partition=partition_of(run["id"]))
