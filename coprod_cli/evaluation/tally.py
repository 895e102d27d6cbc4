"""The report's running totals as mergeable parts: one part per year of records, then merged.

A part holds only what adds up exactly across years: counts and sums, each person's count
(so distinct and returning people can be counted after merging), first and latest dates per
person, the sets of distinct people behind each rating, and the last comments in file
order. Records of a run always sit in their run's year, so a run is only ever counted inside
one part. Because every summary (fresh or kept, see ``kept.py``) is one merge of parts, a
report built from parts kept on disk is the same as one computed from scratch.

Parts are plain JSON-ready dicts (sets as sorted lists), so they can be kept between runs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
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
LADDER = ("coercion", "educating", "informing", "consultation", "engagement", "co-design",
          "co-production")  # sessions.library.LADDER, here so a kept summary loads no models


def _quarter(started_at: str) -> tuple[str, str]:
    """("2026 Q1", "2026") for a run's start."""
    year, month = started_at[:4], int(started_at[5:7])
    return f"{year} Q{(month - 1) // 3 + 1}", year


def _period() -> dict[str, Any]:
    return {"sessions": 0, "co_facilitated": 0, "attendances": 0, "people": set(),
            "rating_sum": 0, "ratings": 0, "raters": set()}


def year_part(runs: Rows, more: Callable[[str], Rows], keeps: Callable[[dict[str, Any]], bool],
              form: Form, measures: dict[str, Measure],
              conversions: dict[str, Conversion | None], removed_text: str) -> Part:
    """The totals of one year: its runs (those ``keeps`` accepts), then, only if any were
    kept, that year's attendance, feedback and measures (``more(table)`` reads them)."""
    kept: dict[str, str] = {}
    periods: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    trend: dict[str, dict[str, dict[str, Any]]] = {"quarter": defaultdict(_period),
                                                   "year": defaultdict(_period)}
    by_session: Counter[str] = Counter()
    cofac: dict[str, str] = {}
    co_facilitated = 0
    for run in runs:
        if run["phase"] == "register" or not keeps(run):
            continue
        rid, started = run["id"], run["started_at"]
        kept[rid] = started
        quarter, year = _quarter(started)
        spans = (trend["quarter"][quarter], trend["year"][year])
        periods[rid] = spans
        lived = any(f["lived_experience"] for f in run["facilitators"])
        co_facilitated += lived
        by_session[run["session_id"]] += 1
        for period in spans:
            period["sessions"] += 1
            period["co_facilitated"] += lived
        for f in run["facilitators"]:
            if f["as"] == "co-facilitator":
                person = f["person_id"]
                if person not in cofac or started > cofac[person]:
                    cofac[person] = started
    part: Part = {"sessions": len(kept), "first": min(kept.values(), default=None),
                  "last": max(kept.values(), default=None), "co_facilitated": co_facilitated,
                  "by_session": dict(by_session), "cofac_latest": cofac}
    if not kept:
        part["trend"] = {"quarter": {}, "year": {}}
        return part
    part.update(_attendance(more("attendance"), periods))
    part.update(_feedback(more("feedback"), kept, periods, form, removed_text))
    outcomes = OutcomeTally(measures, conversions, 0)
    outcomes.add(more("measures"), kept)
    part["ends"] = [[mid, iid, person, list(first[0]), first[1], list(latest[0]), latest[1]]
                    for (mid, iid, person), (first, latest) in outcomes.ends.items()]
    part["trend"] = {span: {key: {**p, "people": sorted(p["people"]),
                                  "raters": sorted(p["raters"])}
                            for key, p in sorted(spans.items())}
                     for span, spans in trend.items()}
    return part


def _attendance(rows: Rows, periods: dict[str, tuple[dict[str, Any], dict[str, Any]]]
                ) -> Part:
    per_person: Counter[str] = Counter()
    first: dict[str, str] = {}
    groups: dict[str, dict[str, dict[str, Any]]] = {
        d: defaultdict(lambda: {"runs": set(), "attendances": 0, "people": Counter()})
        for d in DIMENSIONS}
    dimensions = list(groups.items())
    attendances = 0
    for row in rows:
        spans = periods.get(row["run_id"])
        if spans is None:
            continue
        person, arrived = row["person_id"], row["arrived_at"]
        attendances += 1
        per_person[person] += 1
        for period in spans:
            period["attendances"] += 1
            period["people"].add(person)
        if person not in first or arrived < first[person]:
            first[person] = arrived
        for dimension, by_label in dimensions:
            group = by_label[row[dimension] or "(none)"]
            group["runs"].add(row["run_id"])
            group["attendances"] += 1
            group["people"][person] += 1
    return {"attendances": attendances, "per_person": dict(per_person),
            "first_attended": first,
            "groups": {d: {label: {"runs": len(g["runs"]), "attendances": g["attendances"],
                                   "people": dict(g["people"])}
                           for label, g in by_label.items()}
                       for d, by_label in groups.items()}}


def _feedback(rows: Rows, kept: dict[str, str],
              periods: dict[str, tuple[dict[str, Any], dict[str, Any]]], form: Form,
              removed_text: str) -> Part:
    scales = [q.id for q in form.questions if q.type == "scale"]
    rated = scales[0] if scales else None
    ratings: dict[str, Counter[int]] = {qid: Counter() for qid in scales}
    raters: dict[str, dict[int, set[str]]] = {qid: defaultdict(set) for qid in scales}
    form_people: set[str] = set()
    help_answers: dict[str, tuple[str, str, str]] = {}
    comments: dict[str, list[str]] = {key: [] for key in COMMENT_KEYS}
    forms = 0
    for row in rows:  # files keep insertion order, which is time order
        started = kept.get(row["run_id"])
        if started is None:
            continue
        forms += 1
        answers = row["answers"]
        who = row["person_id"] or f"form:{row['id']}"
        form_people.add(who)
        for qid in scales:
            value = answers.get(qid)
            if isinstance(value, int) and not isinstance(value, bool):
                ratings[qid][value] += 1
                raters[qid][value].add(who)
                if qid == rated:
                    for period in periods[row["run_id"]]:
                        period["rating_sum"] += value
                        period["ratings"] += 1
                        period["raters"].add(who)
        answer = answers.get("help_run")
        if isinstance(answer, str):
            # each person's latest answer by the session's date, not by when typed in
            seen = (started, row["at"], answer)
            if who not in help_answers or seen[:2] >= help_answers[who][:2]:
                help_answers[who] = seen
        for key, texts in comments.items():
            text = answers.get(key)
            if isinstance(text, str) and text.strip() and text != removed_text:
                texts.append(text.strip())
                if len(texts) > 2 * VOICES_SHOWN:
                    del texts[:-VOICES_SHOWN]
    return {"forms": forms,
            "ratings": {qid: {str(k): n for k, n in c.items()} for qid, c in ratings.items()},
            "raters": {qid: {str(k): sorted(who) for k, who in by.items()}
                       for qid, by in raters.items()},
            "form_people": sorted(form_people),
            "help": {who: list(seen) for who, seen in help_answers.items()},
            "comments": {key: texts[-VOICES_SHOWN:] for key, texts in comments.items()}}


class Totals:
    """Parts merged, oldest year first, into the figures of the report."""

    def __init__(self, form: Form, measures: dict[str, Measure],
                 conversions: dict[str, Conversion | None], min_gap_weeks: int,
                 levels: dict[str, str | None]) -> None:
        self.form, self.levels = form, levels
        self.sessions = self.co_facilitated = self.attendances = self.forms = 0
        self.started: list[str] = []
        self.by_session: Counter[str] = Counter()
        self.cofac: dict[str, str] = {}
        self.trend: dict[str, dict[str, dict[str, Any]]] = {
            "quarter": defaultdict(_period), "year": defaultdict(_period)}
        self.per_person: Counter[str] = Counter()
        self.first_attended: dict[str, str] = {}
        self.groups: dict[str, dict[str, dict[str, Any]]] = {
            d: defaultdict(lambda: {"runs": 0, "attendances": 0, "people": Counter()})
            for d in DIMENSIONS}
        self.scales = [q for q in form.questions if q.type == "scale"]
        self.rated = self.scales[0].id if self.scales else None
        self.ratings = {q.id: Counter[int]() for q in self.scales}
        self.raters: dict[str, dict[int, set[str]]] = {q.id: defaultdict(set)
                                                       for q in self.scales}
        self.form_people: set[str] = set()
        self.help_answers: dict[str, tuple[str, ...]] = {}
        self.comments: dict[str, list[str]] = {key: [] for key in COMMENT_KEYS}
        self.outcomes = OutcomeTally(measures, conversions, min_gap_weeks)

    def add(self, part: Part) -> None:
        self.sessions += part["sessions"]
        if not part["sessions"]:
            return
        self.started += [part["first"], part["last"]]
        self.co_facilitated += part["co_facilitated"]
        self.by_session.update(part["by_session"])
        for person, started in part["cofac_latest"].items():
            if person not in self.cofac or started > self.cofac[person]:
                self.cofac[person] = started
        for span, periods in part["trend"].items():
            for key, p in periods.items():
                period = self.trend[span][key]
                for name in ("sessions", "co_facilitated", "attendances", "rating_sum",
                             "ratings"):
                    period[name] += p[name]
                period["people"].update(p["people"])
                period["raters"].update(p["raters"])
        self.attendances += part["attendances"]
        self.per_person.update(part["per_person"])
        first = self.first_attended
        for person, arrived in part["first_attended"].items():
            if person not in first or arrived < first[person]:
                first[person] = arrived
        for dimension, by_label in part["groups"].items():
            for label, g in by_label.items():
                group = self.groups[dimension][label]
                group["runs"] += g["runs"]
                group["attendances"] += g["attendances"]
                group["people"].update(g["people"])
        self.forms += part["forms"]
        for qid, counts in part["ratings"].items():
            if qid in self.ratings:
                self.ratings[qid].update({int(k): n for k, n in counts.items()})
        for qid, by in part["raters"].items():
            if qid in self.raters:
                for value, who in by.items():
                    self.raters[qid][int(value)].update(who)
        self.form_people.update(part["form_people"])
        for who, seen in part["help"].items():
            if who not in self.help_answers or tuple(seen[:2]) >= self.help_answers[who][:2]:
                self.help_answers[who] = tuple(seen)
        for key, texts in part["comments"].items():
            kept = self.comments[key]
            kept += texts
            del kept[:-VOICES_SHOWN]
        see = self.outcomes.see
        for mid, iid, person, first_key, first_value, latest_key, latest_value in part["ends"]:
            slot = (mid, iid, person)
            see(slot, (first_key[0], first_key[1], first_key[2]), first_value)
            see(slot, (latest_key[0], latest_key[1], latest_key[2]), latest_value)

    def add_all(self, parts: Iterable[Part]) -> None:
        for part in parts:
            self.add(part)

    def period(self) -> dict[str, Any]:
        return {"first": min(self.started)[:10] if self.started else None,
                "last": max(self.started)[:10] if self.started else None}

    def reach(self) -> dict[str, Any]:
        def breakdown(groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
            return {label: {"sessions": g["runs"], "attendances": g["attendances"],
                            "people": len(g["people"]),
                            "returning": sum(1 for n in g["people"].values() if n >= 2)}
                    for label, g in sorted(groups.items())}

        return {"sessions": self.sessions, "attendances": self.attendances,
                "people": len(self.per_person),
                "returning": sum(1 for n in self.per_person.values() if n >= 2),
                "by_role": breakdown(self.groups["role"]),
                "by_theme": breakdown(self.groups["theme"]),
                "by_service": breakdown(self.groups["service"])}

    def coproduction(self) -> dict[str, Any]:
        by_level: Counter[str] = Counter()
        for session_id, n in self.by_session.items():
            by_level[self.levels.get(session_id) or "not recorded"] += n
        moved = {person for person, started in self.cofac.items()
                 if person in self.first_attended and self.first_attended[person] < started}
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
