"""One year of records as a mergeable part of the report's totals (``totals.py`` merges them).

A part holds only what adds up exactly across years: counts and sums; who was seen once and
who twice or more (so distinct and returning people can be counted after merging, with set
operations); each person's first arrival, latest co-facilitation, latest "would you help"
answer and first and latest wellbeing answers; the sets of distinct people behind each
rating; and the last comments in file order. Records of a run always sit in their run's
year, so a run is only ever counted inside one part, and every summary, fresh or kept
(``kept.py``), is one merge of parts.

A year's files are read a piece at a time (``Store.pieces``, a few thousand records each),
so memory holds one piece's records, not a year's: attendance and feedback are totalled by
``_Attendance`` and ``_Feedback``, which add each piece to what the pieces before it gave,
exactly as if the year were totalled at once (``tests/test_record_pieces.py`` compares a
report over pieces of 2 KB with one over whole files).

An organisation's year is a million rows, so each column is gathered by C-level builtins
(``map``/``itemgetter``, ``Counter`` of an iterable, ``itertools.compress``) instead of a
Python loop doing the same work per row; where a value's type would make that inexact
(``True`` and ``1.0`` equal ``1`` as dict keys) the plain loop runs instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from copy import copy
from itertools import compress, repeat
from operator import eq, itemgetter, methodcaller
from typing import TYPE_CHECKING, Any

from coprod_cli.evaluation.outcomes import OutcomeTally

if TYPE_CHECKING:
    from coprod_cli.sessions.forms import Conversion, Form, Measure

Part = dict[str, Any]
Rows = list[dict[str, Any]]
VOICES_SHOWN = 200
"""The most recent comments of each kind kept in a report; an organisation's ten years hold
hundreds of thousands, and a report lists what a reader can take in."""
DIMENSIONS = ("role", "theme", "service")
COMMENT_KEYS = ("went_well", "even_better")
HALVES = {"attendance": ("attendance",), "feedback": ("feedback", "measures")}
"""A year's part in two halves, each totalled from the year's runs and its own tables, so
one half is kept or computed without the other (``join``, ``split``)."""
_ATTENDED = ("attendances", "people")  # a trend period's figures from attendance
_RATED = ("rating_sum", "ratings", "raters")  # and from feedback
_OWN = {"attendance": ("attendances", "seen", "returning", "arrived", "first_attended",
                       "groups"),
        "feedback": ("forms", "ratings", "raters", "form_people", "help", "comments",
                     "ends_first", "ends_latest")}  # what only that half's part holds
_PLAIN_TYPES = frozenset({int, str, type(None)})  # values that never collide as dict keys
_RUN_ID, _PERSON = itemgetter("run_id"), itemgetter("person_id")


def _quarter(started_at: str) -> str:
    return f"{started_at[:4]} Q{(int(started_at[5:7]) - 1) // 3 + 1}"


def _period() -> dict[str, Any]:
    return {"sessions": 0, "co_facilitated": 0, "attendances": 0, "people": set(),
            "rating_sum": 0, "ratings": 0, "raters": set()}


def once_and_more(counts: Counter[str]) -> tuple[set[str], set[str]]:
    """Everyone counted, and those counted twice or more."""
    return set(counts), {key for key, n in counts.items() if n >= 2}


def _kept_rows(rows: Rows, kept: dict[str, str]) -> tuple[Rows, list[str]]:
    """The rows of kept runs, and their run ids (all of them, usually: no filter)."""
    run_ids = list(map(_RUN_ID, rows))
    if kept.keys() >= set(run_ids):
        return rows, run_ids
    rows = [row for row, rid in zip(rows, run_ids, strict=True) if rid in kept]
    return rows, list(map(_RUN_ID, rows))


def year_part(read: Callable[[str], Iterable[Rows]], keeps: Callable[[dict[str, Any]], bool],
              form: Form, measures: dict[str, Measure],
              conversions: dict[str, Conversion | None], removed_text: str,
              canon: dict[str, str] | None = None, half: str | None = None) -> Part:
    """The totals of one year: its runs (those ``keeps`` accepts), then, only if any were
    kept, that year's attendance, feedback and measures (or one ``half`` of them, see
    ``HALVES``). ``read(table)`` gives a table's records in file order, in pieces
    (``Store.pieces``): each piece is totalled and let go before the next is parsed, so
    memory holds one piece's records, not a year's.

    ``canon`` (shared by the years of one summary) maps each person id to the first copy
    seen, so the sets kept across years hold one string per person rather than one from
    every piece's parse, each of which would keep that piece's freed memory from the system.
    """
    canon = {} if canon is None else canon
    kept: dict[str, str] = {}
    quarter_of: dict[str, str] = {}
    trend: dict[str, dict[str, dict[str, Any]]] = {"quarter": defaultdict(_period),
                                                   "year": defaultdict(_period)}
    by_session: Counter[str] = Counter()
    cofac: dict[str, str] = {}
    co_facilitated = 0
    days: list[str] = []
    for runs in read("runs"):
        for run in runs:
            if run["phase"] == "register":
                continue
            started = run["started_at"]
            days.append(started[:10])
            if not keeps(run):
                continue
            rid = run["id"]
            kept[rid] = started
            quarter_of[rid] = _quarter(started)
            lived = any(f["lived_experience"] for f in run["facilitators"])
            co_facilitated += lived
            by_session[run["session_id"]] += 1
            for period in (trend["quarter"][quarter_of[rid]], trend["year"][started[:4]]):
                period["sessions"] += 1
                period["co_facilitated"] += lived
            for f in run["facilitators"]:
                if f["as"] == "co-facilitator":
                    person = f["person_id"]
                    if person not in cofac or started > cofac[person]:
                        cofac[person] = started
    part: Part = {"span": [min(days), max(days)] if days else [], "sessions": len(kept),
                  "first": min(kept.values(), default=None),
                  "last": max(kept.values(), default=None), "co_facilitated": co_facilitated,
                  "by_session": dict(by_session), "cofac": cofac}
    if not kept:
        part["trend"] = {"quarter": {}, "year": {}}
        return part
    if half in (None, "attendance"):
        attendance = _Attendance(kept, quarter_of, trend, canon)
        for rows in read("attendance"):
            attendance.add(rows)
        part.update(attendance.part())
    if half in (None, "feedback"):
        feedback = _Feedback(kept, quarter_of, trend, form, removed_text, canon)
        for rows in read("feedback"):
            feedback.add(rows)
        part.update(feedback.part())
        outcomes = OutcomeTally(measures, conversions, 0)
        for rows in read("measures"):
            outcomes.add(rows, kept)
        part["ends_first"] = {slot: ends[0] for slot, ends in outcomes.ends.items()}
        part["ends_latest"] = {slot: ends[1] for slot, ends in outcomes.ends.items()}
    part["trend"] = {span: dict(sorted(periods.items())) for span, periods in trend.items()}
    return part


def join(attendance: Part, feedback: Part) -> Part:
    """A year's part from its two halves, exactly as ``year_part`` totals the year whole.
    The runs' figures are in both halves alike, each half's own figures in it alone, and a
    trend period takes its attendance figures from one half and the rest from the other."""
    part = {**feedback, **attendance}
    part["trend"] = {span: {key: {**period, **{k: attendance["trend"][span][key][k]
                                                for k in _ATTENDED}}
                            for key, period in periods.items()}
                     for span, periods in feedback["trend"].items()}
    return part


def split(part: Part) -> tuple[Part, Part]:
    """A whole year's part as the two halves ``year_part(half=...)`` would have made: what
    ``join`` undoes. A half's trend periods hold nothing of the other half's tables."""
    halves = []
    for name, theirs in (("attendance", _RATED), ("feedback", _ATTENDED)):
        other = _OWN["feedback" if name == "attendance" else "attendance"]
        half = {k: v for k, v in part.items() if k not in other}
        blank = _period()
        half["trend"] = {span: {key: {**period, **{k: copy(blank[k]) for k in theirs}}
                                for key, period in periods.items()}
                         for span, periods in part["trend"].items()}
        halves.append(half)
    return halves[0], halves[1]


def _grouped(labels: list[str], values: list[Any]) -> dict[str, list[Any]]:
    """``values`` by their label, in order, labels in the order first met: one append a row
    (a C-level pass per label, ``compress`` over a mask, was 4x slower for as few as five
    labels on a year of fifty services), or the list itself when there is one label."""
    if not labels:
        return {}
    if labels[0] == labels[-1] and labels.count(labels[0]) == len(labels):
        return {labels[0]: values}
    groups: dict[str, list[Any]] = defaultdict(list)
    for label, value in zip(labels, values, strict=True):
        groups[label].append(value)
    return groups


def _labels(values: list[Any]) -> list[str]:
    return values if all(values) else [value or "(none)" for value in values]


class _Attendance:
    """A year's attendance totals, added a piece of its records at a time. Everything here
    adds up exactly across pieces: counts, sets, each person's earliest arrival (the first
    seen wins a tie, in file order), and labels in the order first met."""

    def __init__(self, kept: dict[str, str], quarter_of: dict[str, str],
                 trend: dict[str, dict[str, dict[str, Any]]], canon: dict[str, str]) -> None:
        self.kept, self.quarter_of, self.trend, self.canon = kept, quarter_of, trend, canon
        self.times: Counter[str] = Counter()  # attendances by person
        self.arrived: list[str] = []
        self.first: dict[str, str] = {}
        # dimension -> label -> (its runs, times each person came)
        self.groups: dict[str, dict[str, tuple[set[str], Counter[str]]]] = {
            dimension: {} for dimension in DIMENSIONS}

    def add(self, rows: Rows) -> None:
        rows, run_ids = _kept_rows(rows, self.kept)
        if not rows:
            return
        persons = list(map(_PERSON, rows))
        persons = list(map(self.canon.setdefault, persons, persons))
        arrived = list(map(itemgetter("arrived_at"), rows))
        first = self.first
        for person, at in zip(persons, arrived, strict=True):
            if person not in first or at < first[person]:
                first[person] = at
        low, high = min(arrived), max(arrived)
        self.arrived = [min(self.arrived[0], low), max(self.arrived[1], high)] \
            if self.arrived else [low, high]
        # a run lies in one quarter and one year: grouped by run once, then a run at a time
        trend, kept = self.trend, self.kept
        for rid, who in _grouped(run_ids, persons).items():
            for period in (trend["quarter"][self.quarter_of[rid]], trend["year"][kept[rid][:4]]):
                period["attendances"] += len(who)
                period["people"].update(who)
        pairs = list(zip(run_ids, persons, strict=True))
        for dimension in DIMENSIONS:
            into = self.groups[dimension]
            labels = _labels(list(map(itemgetter(dimension), rows)))
            for label, group in _grouped(labels, pairs).items():
                runs, came = zip(*group, strict=True)
                label_runs, label_times = into.setdefault(label, (set(), Counter()))
                label_runs.update(runs)
                label_times.update(came)
        self.times.update(persons)

    def part(self) -> Part:
        groups: dict[str, dict[str, dict[str, Any]]] = {}
        for dimension, labels in self.groups.items():
            groups[dimension] = {}
            for label, (runs, times) in labels.items():
                seen, returning = once_and_more(times)
                groups[dimension][label] = {"runs": len(runs), "attendances": times.total(),
                                            "seen": seen, "returning": returning}
        seen, returning = once_and_more(self.times)
        return {"attendances": self.times.total(), "seen": seen, "returning": returning,
                "arrived": self.arrived, "first_attended": self.first, "groups": groups}


def _scale(values: list[Any], whos: list[str], periods: dict[str, list[str]] | None,
           trend: dict[str, dict[str, dict[str, Any]]]) -> tuple[dict[int, int],
                                                                 dict[int, set[str]]]:
    """One scale question's counts and raters by answer (and, for the question the trend
    follows, its sums and raters per period: ``periods`` holds each row's period keys)."""
    if set(map(type, values)) <= _PLAIN_TYPES:
        counts = {v: n for v, n in Counter(values).items() if type(v) is int}
        masks = {v: list(map(eq, values, repeat(v))) for v in counts}
    else:  # a bool or a float among the answers: compare each by type, as the report does
        valid = [isinstance(v, int) and not isinstance(v, bool) for v in values]
        counts = dict(Counter(compress(values, valid)))
        masks = {v: [ok and value == v for ok, value in zip(valid, values, strict=True)]
                 for v in counts}
    raters = {v: set(compress(whos, mask)) for v, mask in masks.items()}
    for span, keys in (periods or {}).items():
        for v, mask in masks.items():
            picked = list(compress(keys, mask))
            for key, who in _grouped(picked, list(compress(whos, mask))).items():
                period = trend[span][key]
                period["rating_sum"] += v * len(who)
                period["ratings"] += len(who)
                period["raters"].update(who)
    return counts, raters


class _Feedback:
    """A year's feedback totals, added a piece of its records at a time, exactly as if
    the year were totalled at once: answers in the order first met, each person's latest
    "would you help" answer (a later row wins a tie, in file order), the last comments."""

    def __init__(self, kept: dict[str, str], quarter_of: dict[str, str],
                 trend: dict[str, dict[str, dict[str, Any]]], form: Form,
                 removed_text: str, canon: dict[str, str]) -> None:
        self.kept, self.quarter_of, self.trend, self.canon = kept, quarter_of, trend, canon
        self.removed_text = removed_text
        self.scales = [q.id for q in form.questions if q.type == "scale"]
        self.ratings: dict[str, dict[int, int]] = {qid: {} for qid in self.scales}
        self.raters: dict[str, dict[int, set[str]]] = {qid: {} for qid in self.scales}
        self.help: dict[str, tuple[str, str, str]] = {}
        self.comments: dict[str, list[str]] = {key: [] for key in COMMENT_KEYS}
        self.forms = 0
        self.people: set[str] = set()

    def add(self, rows: Rows) -> None:
        rows, run_ids = _kept_rows(rows, self.kept)
        if not rows:
            return
        persons = list(map(_PERSON, rows))
        whos = persons if all(persons) else [
            person or f"form:{row['id']}" for person, row in zip(persons, rows, strict=True)]
        whos = list(map(self.canon.setdefault, whos, whos))
        answers = list(map(itemgetter("answers"), rows))
        started = list(map(self.kept.__getitem__, run_ids))
        periods = {"quarter": list(map(self.quarter_of.__getitem__, run_ids)),
                   "year": list(map(itemgetter(slice(0, 4)), started))} if self.scales else None
        for n, qid in enumerate(self.scales):
            counts, raters = _scale(list(map(methodcaller("get", qid), answers)), whos,
                                    periods if n == 0 else None, self.trend)
            ratings, rated = self.ratings[qid], self.raters[qid]
            for value, count in counts.items():
                ratings[value] = ratings.get(value, 0) + count
                rated.setdefault(value, set()).update(raters[value])
        help_answers = self.help
        for who, day, at, answer in zip(whos, started, map(itemgetter("at"), rows),
                                        map(methodcaller("get", "help_run"), answers),
                                        strict=True):
            if isinstance(answer, str):
                # each person's latest answer by the session's date, not by when typed in
                seen = (day, at, answer)
                if who not in help_answers or seen[:2] >= help_answers[who][:2]:
                    help_answers[who] = seen
        for key in COMMENT_KEYS:  # the last ones only, so read from the end
            found: list[str] = []
            for text in map(methodcaller("get", key), reversed(answers)):
                if isinstance(text, str) and text.strip() and text != self.removed_text:
                    found.append(text.strip())
                    if len(found) == VOICES_SHOWN:
                        break
            self.comments[key] = [*self.comments[key], *found[::-1]][-VOICES_SHOWN:]
        self.forms += len(rows)
        self.people.update(whos)

    def part(self) -> Part:
        return {"forms": self.forms, "ratings": self.ratings, "raters": self.raters,
                "form_people": self.people, "help": self.help, "comments": self.comments}
