"""Parts of the report's totals (``tally.py``), merged oldest year first into its figures.

Merging is exact: counts add; "seen twice or more" is seen twice in one part or once in
two; a person's first answer is the earliest over all parts and their latest the latest.
Years follow one another, so when every run of a part started after every run of the parts
before it, "latest" is simply the later part's and "first" the earlier part's (a dict update,
not a comparison per person); when they overlap, each person is compared as they come.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from coprod_cli.evaluation.outcomes import OutcomeTally
from coprod_cli.evaluation.tally import COMMENT_KEYS, DIMENSIONS, VOICES_SHOWN, Part

if TYPE_CHECKING:
    from coprod_cli.sessions.forms import Conversion, Form, Measure

LADDER = ("coercion", "educating", "informing", "consultation", "engagement", "co-design",
          "co-production")  # sessions.library.LADDER, here so a kept summary loads no models


def _period() -> dict[str, Any]:
    return {"sessions": 0, "co_facilitated": 0, "attendances": 0, "people": set(),
            "rating_sum": 0, "ratings": 0, "raters": set()}


def _group() -> dict[str, Any]:
    return {"runs": 0, "attendances": 0, "seen": set(), "returning": set()}


def _add_people(into: dict[str, Any], seen: set[str], returning: set[str]) -> None:
    into["returning"] |= returning | (into["seen"] & seen)
    into["seen"] |= seen


def _later_wins(into: dict[Any, Any], new: dict[Any, Any], ordered: bool,
                key: Any = None, ties: bool = False) -> None:
    """Keep the later of two values per slot (``ties``: an equal later one wins too)."""
    if ordered:
        into.update(new)
        return
    for slot, value in new.items():
        if slot not in into:
            into[slot] = value
            continue
        mine, theirs = (key(value), key(into[slot])) if key else (value, into[slot])
        if mine > theirs or (ties and mine == theirs):
            into[slot] = value


def _earlier_wins(into: dict[Any, Any], new: dict[Any, Any], ordered: bool,
                  key: Any = None) -> None:
    """Keep the earlier of two values per slot; slots stay in the order first seen."""
    if ordered:
        before = dict(into)
        into.update(new)  # new slots join at the end, in their own order ...
        into.update(before)  # ... and a slot seen before keeps its earlier value
        return
    for slot, value in new.items():
        if slot not in into or (key(value) < key(into[slot]) if key else value < into[slot]):
            into[slot] = value


def _first_key(end: tuple[Any, float]) -> Any:
    return end[0]


def _help_key(seen: tuple[str, ...]) -> tuple[str, ...]:
    return seen[:2]


class Totals:
    """Parts merged, oldest year first, into the figures of the report."""

    def __init__(self, form: Form, measures: dict[str, Measure],
                 conversions: dict[str, Conversion | None], min_gap_weeks: int,
                 levels: dict[str, str | None]) -> None:
        self.levels = levels
        self.sessions = self.co_facilitated = self.attendances = self.forms = 0
        self.started: list[str] = []
        self.last_started: str | None = None
        self.first_arrived: str | None = None
        self.last_arrived: str | None = None
        self.by_session: Counter[str] = Counter()
        self.cofac: dict[str, str] = {}
        self.trend: dict[str, dict[str, dict[str, Any]]] = {
            "quarter": defaultdict(_period), "year": defaultdict(_period)}
        self.people = {"seen": set[str](), "returning": set[str]()}
        self.first_attended: dict[str, str] = {}
        self.groups: dict[str, dict[str, dict[str, Any]]] = {d: defaultdict(_group)
                                                             for d in DIMENSIONS}
        self.scales = [q for q in form.questions if q.type == "scale"]
        self.rated = self.scales[0].id if self.scales else None
        self.ratings = {q.id: Counter[int]() for q in self.scales}
        self.raters: dict[str, dict[int, set[str]]] = {q.id: defaultdict(set)
                                                       for q in self.scales}
        self.form_people: set[str] = set()
        self.help_answers: dict[str, tuple[str, ...]] = {}
        self.comments: dict[str, list[str]] = {key: [] for key in COMMENT_KEYS}
        self.ends_first: dict[tuple[str, str, str], Any] = {}
        self.ends_latest: dict[tuple[str, str, str], Any] = {}
        self.outcomes = OutcomeTally(measures, conversions, min_gap_weeks)

    def add(self, part: Part) -> None:
        if not part["sessions"]:
            return
        self.sessions += part["sessions"]
        # every run of this part after every run merged so far: later simply wins
        ordered = self.last_started is None or self.last_started < part["first"]
        self.last_started = max(filter(None, (self.last_started, part["last"])))
        self.started += [part["first"], part["last"]]
        self.co_facilitated += part["co_facilitated"]
        self.by_session.update(part["by_session"])
        _later_wins(self.cofac, part["cofac"], ordered)
        for span, periods in part["trend"].items():
            for key, p in periods.items():
                period = self.trend[span][key]
                for name in ("sessions", "co_facilitated", "attendances", "rating_sum",
                             "ratings"):
                    period[name] += p[name]
                period["people"] |= p["people"]
                period["raters"] |= p["raters"]
        self.attendances += part["attendances"]
        _add_people(self.people, part["seen"], part["returning"])
        arrived = part["arrived"]
        in_order = bool(arrived) and (self.last_arrived is None or self.last_arrived <
                                      arrived[0])
        _earlier_wins(self.first_attended, part["first_attended"], in_order)
        if arrived:
            self.first_arrived = min(filter(None, (self.first_arrived, arrived[0])))
            self.last_arrived = max(filter(None, (self.last_arrived, arrived[1])))
        for dimension, by_label in part["groups"].items():
            for label, g in by_label.items():
                group = self.groups[dimension][label]
                group["runs"] += g["runs"]
                group["attendances"] += g["attendances"]
                _add_people(group, g["seen"], g["returning"])
        self.forms += part["forms"]
        for qid, counts in part["ratings"].items():
            if qid in self.ratings:
                self.ratings[qid].update(counts)
                for value, who in part["raters"][qid].items():
                    self.raters[qid][value] |= who
        self.form_people |= part["form_people"]
        _later_wins(self.help_answers, part["help"], ordered, _help_key, ties=True)
        for key, texts in part["comments"].items():
            kept = self.comments[key]
            kept += texts
            del kept[:-VOICES_SHOWN]
        _earlier_wins(self.ends_first, part["ends_first"], ordered, _first_key)
        _later_wins(self.ends_latest, part["ends_latest"], ordered, _first_key)

    def as_part(self) -> Part:
        """Everything merged so far as one part, in the shape ``tally.year_part`` makes:
        added to new totals it gives these back, so the parts that follow merge onto it
        exactly as onto these (``summary.py`` keeps it to skip the years it covers). It
        shares these totals' sets and dicts: encode it before adding anything more."""
        groups = {d: {label: dict(g) for label, g in by_label.items()}
                  for d, by_label in self.groups.items()}
        return {"span": [], "sessions": self.sessions,
                "first": min(self.started) if self.started else None,
                "last": self.last_started, "co_facilitated": self.co_facilitated,
                "by_session": dict(self.by_session), "cofac": self.cofac,
                "trend": {span: dict(periods) for span, periods in self.trend.items()},
                "attendances": self.attendances, "seen": self.people["seen"],
                "returning": self.people["returning"],
                "arrived": [self.first_arrived, self.last_arrived] if self.last_arrived
                else [], "first_attended": self.first_attended, "groups": groups,
                "forms": self.forms, "ratings": {q: dict(c) for q, c in self.ratings.items()},
                "raters": {q: dict(by) for q, by in self.raters.items()},
                "form_people": self.form_people, "help": self.help_answers,
                "comments": self.comments, "ends_first": self.ends_first,
                "ends_latest": self.ends_latest}

    def period(self) -> dict[str, Any]:
        return {"first": min(self.started)[:10] if self.started else None,
                "last": max(self.started)[:10] if self.started else None}

    def reach(self) -> dict[str, Any]:
        def breakdown(groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
            return {label: {"sessions": g["runs"], "attendances": g["attendances"],
                            "people": len(g["seen"]), "returning": len(g["returning"])}
                    for label, g in sorted(groups.items())}

        return {"sessions": self.sessions, "attendances": self.attendances,
                "people": len(self.people["seen"]),
                "returning": len(self.people["returning"]),
                "by_role": breakdown(self.groups["role"]),
                "by_theme": breakdown(self.groups["theme"]),
                "by_service": breakdown(self.groups["service"])}

    def coproduction(self) -> dict[str, Any]:
        by_level: Counter[str] = Counter()
        for session_id, n in self.by_session.items():
            by_level[self.levels.get(session_id) or "not recorded"] += n
        first = self.first_attended
        moved = [person for person, started in self.cofac.items()
                 if person in first and first[person] < started]
        return {"sessions": self.sessions, "co_facilitated": self.co_facilitated,
                "co_designed": by_level["co-design"] + by_level["co-production"],
                "by_level": {level: by_level[level] for level in (*LADDER, "not recorded")},
                "moved_to_co_facilitator": len(moved),
                "would_help": dict(sorted(Counter(
                    seen[2] for seen in self.help_answers.values()).items()))}

    def experience(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for q in self.scales:
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
        latest = self.ends_latest
        self.outcomes.ends = {slot: [first, latest[slot]]
                              for slot, first in self.ends_first.items()}
        return self.outcomes.report()
