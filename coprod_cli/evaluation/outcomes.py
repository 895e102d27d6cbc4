"""Wellbeing outcomes over a period: each person's first answers against their latest.

Two ONS4 questions ask about *yesterday*, so a check-in and check-out of one session measure
nothing. A person counts once per question: their earliest answer in the period is paired
with their latest, by session date, if the two are at least ``min_gap_weeks`` apart. Scored
measures (SWEMWBS, with the items an organisation supplies) pair the person's first and
latest complete score the same way and report the mean change and how many moved by 3 or
more points (Warwick's meaningful change).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coprod_cli.sessions.forms import Conversion, Measure, score

SMALL_SAMPLE = 30
"""Below this many paired people, outcome changes are shown with a caution (Warwick's advice
for SWEMWBS; a sensible floor for ONS4 too)."""
MEANINGFUL_CHANGE = 3.0
"""A SWEMWBS metric change of 3 or more points is one a person would notice."""

Key = tuple[str, str, int]
"""(session start, answer time, 0 at check-in or 1 at check-out): answers in time order."""


_DAYS: dict[str, int] = {}  # a session start's day number: ten years have 3,650 days


def _day(started: str) -> int:
    day = _DAYS.get(started)
    if day is None:
        day = _DAYS[started] = date.fromisoformat(started[:10]).toordinal()
    return day


def _weeks(first: Key, latest: Key) -> float:
    return (_day(latest[0]) - _day(first[0])) / 7


class OutcomeTally:
    """First and latest answers per person, fed one partition at a time."""

    def __init__(self, measures: dict[str, Measure], conversions: dict[str, Conversion | None],
                 min_gap_weeks: int) -> None:
        self.measures, self.conversions, self.min_gap = measures, conversions, min_gap_weeks
        # (measure, item or "score", person) -> [(key, value) first, (key, value) latest]
        self.ends: dict[tuple[str, str, str], list[tuple[Key, float]]] = {}

    def see(self, slot: tuple[str, str, str], key: Key, value: float) -> None:
        ends = self.ends.get(slot)
        if ends is None:
            self.ends[slot] = [(key, value), (key, value)]
            return
        if key < ends[0][0]:
            ends[0] = (key, value)
        if key > ends[1][0]:
            ends[1] = (key, value)

    def add(self, rows: list[dict[str, Any]], run_started: dict[str, str]) -> None:
        for m in rows:
            measure = self.measures.get(m["measure"])
            started = run_started.get(m["run_id"])
            if measure is None or started is None or not m["person_id"]:
                continue
            key: Key = (started, m["at"], 1 if m["when"] == "after" else 0)
            answers = m["answers"]
            for item in measure.items:
                value = answers.get(item.id)
                if isinstance(value, int) and not isinstance(value, bool):
                    self.see((measure.id, item.id, m["person_id"]), key, value)
            if measure.score is not None:
                total = score(measure, answers, self.conversions.get(measure.id))
                if total is not None:
                    self.see((measure.id, "score", m["person_id"]), key, total)

    def _paired(self) -> tuple[dict[tuple[str, str], list[tuple[float, float, float]]],
                               dict[str, set[str]]]:
        """(first, latest, weeks apart) for each person far enough apart, by (measure,
        item), and who they are by measure: one pass over every person's ends, each gap
        worked out once (an organisation's ten years hold hundreds of thousands)."""
        pairs: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        people: dict[str, set[str]] = {}
        for (measure_id, item_id, person), (first, latest) in self.ends.items():
            if first[0] == latest[0]:
                continue
            weeks = _weeks(first[0], latest[0])
            if weeks >= self.min_gap and weeks > 0:
                pairs.setdefault((measure_id, item_id), []).append(
                    (first[1], latest[1], weeks))
                people.setdefault(measure_id, set()).add(person)
        return pairs, people

    def report(self) -> dict[str, Any]:
        paired, paired_people = self._paired()  # the ends may have changed since a last report
        out: dict[str, Any] = {}
        for measure_id, measure in self.measures.items():
            items: dict[str, Any] = {}
            gaps: list[float] = []
            for item in measure.items if measure.score is None else []:
                pairs = paired.get((measure_id, item.id), [])
                position = {v: n for n, band in enumerate(item.bands)
                            for v in range(band.min, band.max + 1)}
                shift = {"better": 0, "same": 0, "worse": 0}
                for first, latest, _ in pairs:
                    move = position.get(int(latest), 0) - position.get(int(first), 0)
                    better = -move if item.reversed else move
                    shift["better" if better > 0 else "worse" if better < 0 else "same"] += 1
                gaps += [g for _, _, g in pairs]
                n = len(pairs)
                items[item.id] = {
                    "text": item.text, "short": item.short or item.text, "n": n,
                    "before_mean": round(sum(p[0] for p in pairs) / n, 2) if n else None,
                    "after_mean": round(sum(p[1] for p in pairs) / n, 2) if n else None,
                    "reversed": item.reversed, "band_shift": shift}
            scored = None
            if measure.score is not None:
                pairs = paired.get((measure_id, "score"), [])
                gaps += [g for _, _, g in pairs]
                n = len(pairs)
                changes = [latest - first for first, latest, _ in pairs]
                scored = {
                    "n": n,
                    "first_mean": round(sum(p[0] for p in pairs) / n, 2) if n else None,
                    "latest_mean": round(sum(p[1] for p in pairs) / n, 2) if n else None,
                    "mean_change": round(sum(changes) / n, 2) if n else None,
                    "band_shift": {
                        "better": sum(1 for c in changes if c >= MEANINGFUL_CHANGE),
                        "same": sum(1 for c in changes if -MEANINGFUL_CHANGE < c
                                    < MEANINGFUL_CHANGE),
                        "worse": sum(1 for c in changes if c <= -MEANINGFUL_CHANGE)}}
            people = len(paired_people.get(measure_id, ()))
            out[measure_id] = {
                "title": measure.title, "people": people, "pairs": people,
                "min_gap_weeks": self.min_gap,
                "mean_gap_weeks": round(sum(gaps) / len(gaps), 1) if gaps else None,
                "caution": people < SMALL_SAMPLE, "items": items, "score": scored}
        return out
