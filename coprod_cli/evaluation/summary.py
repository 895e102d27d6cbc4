"""Peer evaluation and the effectiveness report: record forms, then summarise what happened.

Recording checks every answer against the form before anything is saved, so a batch of paper
forms lands whole or not at all. Summarising reads the records once and computes plain numbers
(reach, co-production, experience, outcomes, voices); hiding small numbers is a separate step
(``suppression.py``) so the facilitator's own view and shareable reports come from one source.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_cli.errors import ValidationError
from coprod_cli.evaluation.outcomes import SMALL_SAMPLE, OutcomeTally
from coprod_cli.people import register as people
from coprod_cli.people.privacy import REMOVED_TEXT
from coprod_cli.sessions.forms import Conversion, Form, Measure, parse_answer
from coprod_cli.sessions.library import LADDER
from coprod_cli.sessions.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS, find_run, partition_of
from coprod_cli.store.database import Store

PERSON_COLUMN = "person"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
__all__ = ["SMALL_SAMPLE", "Filters", "read_forms_csv", "record_forms", "summarise"]


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
    from coprod_cli.sessions.runner import now_iso

    stamp = now_iso()
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
                and (self.theme is None
                     or run["theme"].casefold() == self.theme.strip().casefold())
                and (self.session is None or run["session_id"] == self.session))


def _period() -> dict[str, Any]:
    return {"sessions": 0, "co_facilitated": 0, "attendances": 0, "people": set(),
            "rating_sum": 0, "ratings": 0, "raters": set()}


def _periods(started_at: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """("quarter", "2026 Q1") and ("year", "2026") for a run's start."""
    year, month = started_at[:4], int(started_at[5:7])
    return ("quarter", f"{year} Q{(month - 1) // 3 + 1}"), ("year", year)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


VOICES_SHOWN = 200
"""The most recent comments of each kind kept in a report; an organisation's ten years hold
hundreds of thousands, and a report lists what a reader can take in."""


class _Tally:
    """Running totals, fed one year's partition at a time so memory stays flat with history:
    only per-person and per-group counters are kept, never every record."""

    def __init__(self, filters: Filters, form: Form, measures: dict[str, Measure],
                 conversions: dict[str, Conversion | None], min_gap_weeks: int,
                 levels: dict[str, str | None]) -> None:
        self.filters, self.form, self.measures = filters, form, measures
        self.levels = levels
        self.by_level: Counter[str] = Counter()
        # the trend: per quarter and per year, what a funder asks "is it growing?" about
        self.trend: dict[str, dict[str, dict[str, Any]]] = {
            "quarter": defaultdict(_period), "year": defaultdict(_period)}
        self.rated = next((q.id for q in form.questions if q.type == "scale"), None)
        self.runs: dict[str, str] = {}  # run id -> started_at, for the runs kept
        self.co_facilitated = 0
        self.co_facilitators: list[tuple[str, str]] = []  # (person, run started_at)
        self.attendances = 0
        self.per_person: Counter[str] = Counter()
        self.first_attended: dict[str, str] = {}
        self.groups: dict[str, dict[str, dict[str, Any]]] = {
            d: defaultdict(lambda: {"runs": set(), "attendances": 0, "people": Counter()})
            for d in ("role", "theme", "service")}
        self.forms = 0
        self.ratings = {q.id: Counter[int]() for q in form.questions if q.type == "scale"}
        # who gave each rating: distinct people (an anonymous form counts as its own person)
        self.raters: dict[str, dict[int, set[str]]] = {qid: defaultdict(set)
                                                       for qid in self.ratings}
        self.form_people: set[str] = set()
        self.help_answers: dict[str, tuple[str, str, str]] = {}  # person -> (date, at, answer)
        self.comments: dict[str, list[str]] = {"went_well": [], "even_better": []}
        self.outcomes = OutcomeTally(measures, conversions, min_gap_weeks)

    def add_runs(self, runs: list[dict[str, Any]]) -> None:
        for run in runs:
            if run["phase"] == "register" or not self.filters.keeps(run):
                continue
            self.runs[run["id"]] = run["started_at"]
            co = [f for f in run["facilitators"] if f["as"] == "co-facilitator"]
            # for the report, any facilitator with lived experience counts (lead or co)
            if any(f["lived_experience"] for f in run["facilitators"]):
                self.co_facilitated += 1
            self.by_level[self.levels.get(run["session_id"]) or "not recorded"] += 1
            for span, key in _periods(run["started_at"]):
                period = self.trend[span][key]
                period["sessions"] += 1
                period["co_facilitated"] += any(f["lived_experience"]
                                                for f in run["facilitators"])
            self.co_facilitators += [(f["person_id"], run["started_at"]) for f in co]

    def add_attendance(self, rows: list[dict[str, Any]]) -> None:
        runs, per_person, first = self.runs, self.per_person, self.first_attended
        dimensions = list(self.groups.items())
        for row in rows:
            if row["run_id"] not in runs:
                continue
            person, arrived = row["person_id"], row["arrived_at"]
            self.attendances += 1
            per_person[person] += 1
            for span, key in _periods(runs[row["run_id"]]):
                period = self.trend[span][key]
                period["attendances"] += 1
                period["people"].add(person)
            if person not in first or arrived < first[person]:
                first[person] = arrived
            for dimension, groups in dimensions:
                group = groups[row[dimension] or "(none)"]
                group["runs"].add(row["run_id"])
                group["attendances"] += 1
                group["people"][person] += 1

    def add_feedback(self, rows: list[dict[str, Any]]) -> None:
        runs, ratings = self.runs, list(self.ratings.items())
        for form in rows:  # files keep insertion order, which is time order
            if form["run_id"] not in runs:
                continue
            self.forms += 1
            answers = form["answers"]
            who = form["person_id"] or f"form:{form['id']}"
            self.form_people.add(who)
            for qid, counter in ratings:
                value = answers.get(qid)
                if isinstance(value, int) and not isinstance(value, bool):
                    counter[value] += 1
                    self.raters[qid][value].add(who)
                    if qid == self.rated:
                        for span, key in _periods(runs[form["run_id"]]):
                            period = self.trend[span][key]
                            period["rating_sum"] += value
                            period["ratings"] += 1
                            period["raters"].add(who)
            answer = answers.get("help_run")
            if isinstance(answer, str):
                # each person's latest answer by the session's date, not by when typed in
                seen = (runs[form["run_id"]], form["at"], answer)
                if who not in self.help_answers or seen[:2] >= self.help_answers[who][:2]:
                    self.help_answers[who] = seen
            for key, kept in self.comments.items():
                text = answers.get(key)
                if isinstance(text, str) and text.strip() and text != REMOVED_TEXT:
                    kept.append(text.strip())
                    if len(kept) > 2 * VOICES_SHOWN:
                        del kept[:-VOICES_SHOWN]

    def add_measures(self, rows: list[dict[str, Any]]) -> None:
        self.outcomes.add(rows, self.runs)

    def reach(self) -> dict[str, Any]:
        def breakdown(groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
            return {label: {"sessions": len(g["runs"]), "attendances": g["attendances"],
                            "people": len(g["people"]),
                            "returning": sum(1 for n in g["people"].values() if n >= 2)}
                    for label, g in sorted(groups.items())}

        return {"sessions": len(self.runs), "attendances": self.attendances,
                "people": len(self.per_person),
                "returning": sum(1 for n in self.per_person.values() if n >= 2),
                "by_role": breakdown(self.groups["role"]),
                "by_theme": breakdown(self.groups["theme"]),
                "by_service": breakdown(self.groups["service"])}

    def coproduction(self) -> dict[str, Any]:
        moved = {person for person, started in self.co_facilitators
                 if person in self.first_attended and self.first_attended[person] < started}
        return {"sessions": len(self.runs), "co_facilitated": self.co_facilitated,
                "co_designed": self.by_level["co-design"] + self.by_level["co-production"],
                "by_level": {level: self.by_level[level] for level in (*LADDER, "not recorded")},
                "moved_to_co_facilitator": len(moved),
                "would_help": dict(sorted(Counter(
                    answer for _, _, answer in self.help_answers.values()).items()))}

    def experience(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for q in self.form.questions:
            if q.type != "scale":
                continue
            counts = self.ratings[q.id]
            n = sum(counts.values())
            low, high = q.min or 1, q.max or 5
            out[q.id] = {"text": q.text, "n": n,
                         "mean": round(sum(k * v for k, v in counts.items()) / n, 2) if n
                         else None,
                         "distribution": {str(k): counts.get(k, 0) for k in range(low, high + 1)},
                         "labels": {str(k): v for k, v in q.labels.items()},
                         "people": len(set().union(*self.raters[q.id].values())),
                         "cell_people": {str(k): len(self.raters[q.id].get(k, ()))
                                         for k in range(low, high + 1)}}
        return {"forms": self.forms, "people": len(self.form_people), "questions": out}

    def trend_report(self) -> dict[str, Any]:
        def finish(p: dict[str, Any]) -> dict[str, Any]:
            return {"sessions": p["sessions"], "attendances": p["attendances"],
                    "people": len(p["people"]), "co_facilitated": p["co_facilitated"],
                    "ratings": p["ratings"], "raters": len(p["raters"]),
                    "rating_mean": round(p["rating_sum"] / p["ratings"], 2) if p["ratings"]
                    else None}

        return {"rated_question": self.rated,
                **{span: {key: finish(p) for key, p in sorted(periods.items())}
                   for span, periods in self.trend.items()}}

    def outcome_report(self) -> dict[str, Any]:
        return self.outcomes.report()


def summarise(store: Store, filters: Filters, form: Form, measures: dict[str, Measure],
              conversions: dict[str, Conversion | None] | None = None,
              min_gap_weeks: int = 4, levels: dict[str, str | None] | None = None
              ) -> dict[str, Any]:
    """Every figure of the effectiveness report, unsuppressed.

    Reads each file once, a year at a time (runs, then that year's attendance, feedback and
    measures, which always sit in their run's year), keeping only running totals.
    """
    tally = _Tally(filters, form, measures, conversions or {}, min_gap_weeks, levels or {})
    years = store.partitions(RUNS)
    if filters.date_from:
        years = [y for y in years if y >= filters.date_from[:4]]
    if filters.date_to:
        years = [y for y in years if y <= filters.date_to[:4]]
    for year in years:
        kept_before = len(tally.runs)
        tally.add_runs(store.all(RUNS, partition=year))
        if len(tally.runs) == kept_before:
            continue
        tally.add_attendance(store.all(ATTENDANCE, partition=year))
        tally.add_feedback(store.all(FEEDBACK, partition=year))
        tally.add_measures(store.all(MEASURES, partition=year))
    registry = {p["id"]: p for p in store.all(people.TABLE)}
    started = sorted(tally.runs.values())
    from coprod_cli.evaluation.roadmap_counts import roadmap_counts

    return {
        "filters": filters.__dict__,
        "period": {"first": started[0][:10] if started else None,
                   "last": started[-1][:10] if started else None},
        "reach": tally.reach(),
        "coproduction": {**tally.coproduction(),
                         **roadmap_counts(store, filters, tally.first_attended)},
        "experience": tally.experience(),
        "outcomes": tally.outcome_report(),
        "trend": tally.trend_report(),
        "voices": {**_voices(tally.comments, tally.forms, registry), "withheld": None},
    }


def _voices(comments: dict[str, list[str]], forms: int,
            registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Comments with every registered person's name replaced by their role."""
    roles: dict[str, str] = {}
    for person in registry.values():
        if len(person["name"]) >= 2:
            roles.setdefault(person["name"].casefold(), f"[{people.ROLE_WORDS[person['role']]}]")
    # One alternation, longest names first, so "Ana Jones" wins over "Ana": a single pass per
    # comment instead of one regular expression per registered person.
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(
        roles, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE) if roles else None

    first_words: set[str] = set()
    always = False  # a name starting with punctuation cannot be ruled out word by word
    for name in roles:
        tokens = _WORD.findall(name)
        if tokens and name.startswith(tokens[0]):
            first_words.add(tokens[0])
        else:
            always = True
    seen: dict[str, str] = {}

    def anonymise(text: str) -> str:
        """Most comments name nobody: a set lookup per word rules them out before the
        (much slower) alternation runs; repeated comments are answered from a cache."""
        if text in seen:
            return seen[text]
        result = text
        if pattern is not None and (always or not first_words.isdisjoint(
                _WORD.findall(text.casefold()))):
            result = pattern.sub(lambda m: roles.get(m.group(0).casefold(), "[someone]"), text)
        seen[text] = result
        return result

    out = {key: [anonymise(text) for text in kept[-VOICES_SHOWN:]]
           for key, kept in comments.items()}
    return {"forms": forms, **out}
