"""Peer evaluation and the effectiveness report: record forms, then summarise what happened.

Recording checks every answer against the form before anything is saved, so a batch of paper
forms lands whole or not at all. Summarising reads the records once and computes plain numbers
(reach, co-production, experience, outcomes, voices); hiding small numbers is a separate step
(``disclosure.py``) so the facilitator's own view and shareable reports come from one source.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_cli import people
from coprod_cli.errors import ValidationError
from coprod_cli.forms import Form, Measure, parse_answer
from coprod_cli.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS, find_run, partition_of
from coprod_cli.store import Store

PERSON_COLUMN = "person"
SMALL_SAMPLE = 30
"""Below this many paired answers, outcome changes are shown with a caution (Warwick's advice
for SWEMWBS; a sensible floor for ONS4 too)."""


# -- recording paper forms ------------------------------------------------------------------
def csv_header(form: Form) -> list[str]:
    """The documented CSV layout: who (optional), then one column per question id."""
    return [PERSON_COLUMN, *(q.id for q in form.questions)]


def read_forms_csv(path: Path, form: Form) -> list[tuple[str, dict[str, Any]]]:
    """Rows of (person reference, answers), every value checked; all problems at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"There is no CSV file at {path}.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.",
                              hint="Save the spreadsheet as 'CSV UTF-8'.") from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    expected = csv_header(form)
    missing = [c for c in expected[1:] if c not in header]
    unknown = [c for c in header if c not in expected]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column" + "s" * (len(missing) > 1) + ": " + ", ".join(missing))
        if unknown:
            parts.append("unknown column" + "s" * (len(unknown) > 1) + ": " + ", ".join(unknown))
        raise ValidationError(f"{path}: the header row has a {'; '.join(parts)}.",
                              hint="The header must be: " + ",".join(expected))
    rows: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"{path}: row {number}: more cells than columns")
            continue
        answers: dict[str, Any] = {}
        for question in form.questions:
            try:
                answers[question.id] = parse_answer(question, raw.get(question.id) or "")
            except ValidationError as exc:
                problems.append(f"{path}: row {number}, column {question.id}: {exc.message}")
        rows.append(((raw.get(PERSON_COLUMN) or "").strip(), answers))
    if problems:
        raise ValidationError(f"{path} has {len(problems)} problem"
                              f"{'s' * (len(problems) != 1)}; nothing was saved.", problems)
    if not rows:
        raise ValidationError(f"{path} has a header but no forms.")
    return rows


def record_forms(store: Store, run_id: str, form: Form,
                 forms: list[tuple[str | None, dict[str, Any]]]) -> int:
    """Save paper forms for a run in one transaction: all of them or none."""
    run = find_run(store, run_id)
    part = partition_of(run["id"])
    resolved = [(people.find_person(store, ref)["id"] if ref else None, answers)
                for ref, answers in forms]
    from coprod_cli.runner import _iso, system_clock

    stamp = _iso(system_clock())
    with store.transaction() as tx:
        for person_id, answers in resolved:
            tx.insert(FEEDBACK, {
                "run_id": run["id"], "person_id": person_id, "form": form.id,
                "form_version": form.version, "answers": answers, "entered": "paper",
                "session_id": run["session_id"], "theme": run["theme"],
                "service": run["service"], "at": stamp}, partition=part)
    return len(resolved)


# -- summarising ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    service: str | None = None
    theme: str | None = None
    session: str | None = None

    def keeps(self, run: dict[str, Any]) -> bool:
        day = run["started_at"][:10]
        return ((self.date_from is None or day >= self.date_from)
                and (self.date_to is None or day <= self.date_to)
                and (self.service is None
                     or people.name_key(run["service"]) == people.name_key(self.service))
                and (self.theme is None or run["theme"] == self.theme)
                and (self.session is None or run["session_id"] == self.session))


def _breakdown(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, int]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key] or "(none)"].append(row)
    out = {}
    for label, group in sorted(groups.items()):
        per_person = Counter(r["person_id"] for r in group)
        out[label] = {"sessions": len({r["run_id"] for r in group}),
                      "attendances": len(group), "people": len(per_person),
                      "returning": sum(1 for n in per_person.values() if n >= 2)}
    return out


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def summarise(store: Store, filters: Filters, form: Form,
              measures: dict[str, Measure]) -> dict[str, Any]:
    """Every figure of the effectiveness report, unsuppressed. Reads each table once."""
    all_runs = store.all(RUNS)
    runs = [r for r in all_runs if filters.keeps(r) and r["phase"] != "register"]
    run_ids = {r["id"] for r in runs}
    years = sorted({partition_of(r) for r in run_ids})
    attendance = [a for y in years for a in store.all(ATTENDANCE, partition=y)
                  if a["run_id"] in run_ids]
    feedback = [f for y in years for f in store.all(FEEDBACK, partition=y)
                if f["run_id"] in run_ids]
    measured = [m for y in years for m in store.all(MEASURES, partition=y)
                if m["run_id"] in run_ids]
    registry = {p["id"]: p for p in store.all(people.TABLE)}
    return {
        "filters": filters.__dict__,
        "period": {"first": min((r["started_at"][:10] for r in runs), default=None),
                   "last": max((r["started_at"][:10] for r in runs), default=None)},
        "reach": _reach(runs, attendance),
        "coproduction": _coproduction(runs, all_runs, attendance, feedback),
        "experience": _experience(form, feedback),
        "outcomes": _outcomes(measures, measured),
        "voices": _voices(feedback, registry),
    }


def _reach(runs: list[dict[str, Any]], attendance: list[dict[str, Any]]) -> dict[str, Any]:
    per_person = Counter(a["person_id"] for a in attendance)
    return {
        "sessions": len(runs), "attendances": len(attendance),
        "people": len(per_person),
        "returning": sum(1 for n in per_person.values() if n >= 2),
        "by_role": _breakdown(attendance, "role"),
        "by_theme": _breakdown(attendance, "theme"),
        "by_service": _breakdown(attendance, "service"),
    }


def _coproduction(runs: list[dict[str, Any]], all_runs: list[dict[str, Any]],
                  attendance: list[dict[str, Any]], feedback: list[dict[str, Any]]
                  ) -> dict[str, Any]:
    co_run = sum(1 for r in runs if any(f["as"] == "co-facilitator" and f["lived_experience"]
                                        for f in r["facilitators"]))
    first_attended: dict[str, str] = {}
    for a in sorted(attendance, key=lambda a: a["arrived_at"]):
        first_attended.setdefault(a["person_id"], a["arrived_at"])
    moved = {f["person_id"] for r in runs for f in r["facilitators"]
             if f["as"] == "co-facilitator" and f["person_id"] in first_attended
             and first_attended[f["person_id"]] < r["started_at"]}
    help_answers: dict[str, str] = {}
    for form in sorted(feedback, key=lambda f: f["at"]):
        answer = form["answers"].get("help_run")
        if isinstance(answer, str):
            help_answers[form["person_id"] or form["id"]] = answer
    return {"sessions": len(runs), "co_facilitated": co_run,
            "moved_to_co_facilitator": len(moved),
            "would_help": {k: v for k, v in sorted(Counter(help_answers.values()).items())}}


def _experience(form: Form, feedback: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in form.questions:
        if q.type != "scale":
            continue
        values = [f["answers"].get(q.id) for f in feedback]
        given = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        low, high = q.min or 1, q.max or 5
        out[q.id] = {"text": q.text, "n": len(given), "mean": _mean([float(v) for v in given]),
                     "distribution": {str(k): sum(1 for v in given if v == k)
                                      for k in range(low, high + 1)},
                     "labels": {str(k): v for k, v in q.labels.items()}}
    return {"forms": len(feedback), "questions": out}


def _outcomes(measures: dict[str, Measure], measured: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for measure_id, measure in measures.items():
        pairs: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for m in measured:
            if m["measure"] == measure_id and m["person_id"]:
                pairs[(m["run_id"], m["person_id"])][m["when"]] = m["answers"]
        items = {}
        for item in measure.items:
            before, after, shift = [], [], Counter[str]()
            band_order = [b.label for b in item.bands]
            for pair in pairs.values():
                b = (pair.get("before") or {}).get(item.id)
                a = (pair.get("after") or {}).get(item.id)
                if not isinstance(b, int) or not isinstance(a, int):
                    continue
                before.append(float(b))
                after.append(float(a))
                move = band_order.index(measure.band(item.id, a) or "") - \
                    band_order.index(measure.band(item.id, b) or "") if band_order else 0
                better = -move if item.reversed else move
                shift["better" if better > 0 else "worse" if better < 0 else "same"] += 1
            items[item.id] = {"text": item.text, "n": len(before),
                              "before_mean": _mean(before), "after_mean": _mean(after),
                              "reversed": item.reversed,
                              "band_shift": {k: shift.get(k, 0)
                                             for k in ("better", "same", "worse")}}
        n = max((i["n"] for i in items.values()), default=0)
        out[measure_id] = {"title": measure.title, "pairs": n, "items": items,
                           "caution": n < SMALL_SAMPLE}
    return out


def _voices(feedback: list[dict[str, Any]], registry: dict[str, dict[str, Any]]
            ) -> dict[str, Any]:
    """Comments with every registered person's name replaced by their role."""
    names = sorted(registry.values(), key=lambda p: -len(p["name"]))
    patterns = [(re.compile(r"(?<!\w)" + re.escape(p["name"]) + r"(?!\w)", re.IGNORECASE),
                 f"[{people.ROLE_WORDS[p['role']]}]") for p in names if len(p["name"]) >= 2]

    def anonymise(text: str) -> str:
        for pattern, role in patterns:
            text = pattern.sub(role, text)
        return text

    out: dict[str, list[str]] = {"went_well": [], "even_better": []}
    for form in sorted(feedback, key=lambda f: f["at"]):
        for key in out:
            value = form["answers"].get(key)
            if isinstance(value, str) and value.strip():
                out[key].append(anonymise(value.strip()))
    return {"forms": len(feedback), **out}
