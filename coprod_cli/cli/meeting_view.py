"""What the meeting screen says: the keys, the header that never scrolls away, the agenda.

The same shape as ``step_view`` for sessions (and its helpers: the clock text, time over in
words, lines cut to the window, pages), so a chair who has run a session knows the screen:
item n of N, who leads, the countdown and clock times, then what has been recorded on the
item. Kept apart from ``meeting_screen`` so the screen only decides when to draw.
"""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from coprod_cli.cli.step_view import clock_text, minutes_words

if TYPE_CHECKING:
    from coprod_cli.meetings.engine import MeetingEngine

#: Single keys are case-sensitive (``v`` agenda, ``V`` vote); words are not.
KEYS: dict[str, str] = {
    "n": "next", "s": "skip", "b": "back", "p": "pause", "r": "resume", "v": "agenda",
    "j": "jump", "c": "time", "t": "note", "d": "decision", "a": "action", "i": "interest",
    "V": "vote", "x": "done", "w": "arrives", "e": "end", "q": "quit", "?": "help",
    "h": "help",
}
WORDS: dict[str, str] = {
    "next": "next", "skip": "skip", "back": "back", "pause": "pause", "resume": "resume",
    "agenda": "agenda", "jump": "jump", "time": "time", "clock": "time", "note": "note",
    "decision": "decision", "decide": "decision", "action": "action", "interest": "interest",
    "declare": "interest", "vote": "vote", "done": "done", "arrives": "arrives",
    "end": "end", "quit": "quit", "help": "help",
}
HELP_LINES = [
    ("Enter or n", "next item"),
    ("v", "the agenda, planned and actual minutes"),
    ("j N", "jump to item N"),
    ("c", "the time, and how the meeting is going"),
    ("b", "back to the item before"),
    ("s", "skip this item"),
    ("t", "a note on this item"),
    ("d", "a decision, with its reason"),
    ("a", "an action: what, who, by when"),
    ("i", "a declaration of interest: who, what"),
    ("V", "a vote"),
    ("x N", "mark open action N done (at the last minutes)"),
    ("w", "a member who arrives late"),
    ("p", "pause the clock (any key carries on)"),
    ("e", "end the meeting now"),
    ("q", "save and stop (run it again to carry on)"),
    ("?", "show these keys"),
]


def parse_meeting_command(text: str) -> tuple[str | None, str]:
    """``"d Buy the minibus"`` -> ``("decision", "Buy the minibus")``; unknown -> None."""
    stripped = text.strip()
    if stripped == "" and text in ("", "\r", "\n"):
        return "next", ""
    word, _, rest = stripped.partition(" ")
    action = KEYS.get(word) if len(word) == 1 else WORDS.get(word.lower())
    if action is None:
        return None, stripped
    return action, rest.strip()


def time_lines(engine: MeetingEngine, now: datetime) -> list[str]:
    """The countdown (over time said in words), when this item ends, when the meeting
    ends at this pace: three short lines, so nothing is cut at 60 columns."""
    view = engine.view()
    item = engine.item
    left = view.planned_seconds - view.item_seconds
    if view.paused:
        first = f"PAUSED. {clock_text(max(left, 0))} left of {item['minutes']} min."
    elif left >= 0:
        first = f"{clock_text(left)} left of {item['minutes']} min " \
                f"(taken {clock_text(view.item_seconds)})."
    else:
        first = f"OVER TIME by {minutes_words(-left)}: planned {item['minutes']} min, taken " \
                f"{clock_text(view.item_seconds)}."
    later = sum(int(i["minutes"]) for i in engine.items[engine.item_index + 1:]) * 60
    ends = now + timedelta(seconds=max(left, 0))
    finish = ends + timedelta(seconds=later)
    planned_before = view.planned_so_far_seconds - view.planned_seconds
    drift = view.meeting_seconds - planned_before - min(view.item_seconds, view.planned_seconds)
    plan = "on plan" if abs(drift) < 60 else \
        f"{minutes_words(abs(drift))} {'behind' if drift > 0 else 'ahead of'} plan"
    when = f"Item was due to end at {now + timedelta(seconds=left):%H:%M}." if left < 0 \
        else f"Item ends {ends:%H:%M}."
    return [first, when, f"Meeting ends about {finish:%H:%M} ({plan})."]


def header(engine: MeetingEngine, now: datetime) -> list[str]:
    """Item n of N and its title, who leads and whether decisions count, and the time."""
    view = engine.view()
    item = engine.item
    runs = [r.get("name") for r in engine.meeting.get("runs") or [] if r.get("name")]
    chairs = " and ".join(runs) if runs else "the chair"
    lead = f"Led by {item['lead']}." if item["lead"] else f"Led by {chairs}."
    quorate = "Quorate." if engine.run.get("quorate") else "NOT QUORATE."
    return [f"Item {view.number} of {view.total}: {item['title']}",
            f"{lead} Planned {item['minutes']} min. {quorate}", *time_lines(engine, now)]


def recorded_lines(engine: MeetingEngine, width: int) -> list[str]:
    """What has been recorded on this item so far, and the open actions where they are
    reviewed, as lines at most ``width`` wide."""
    from coprod_cli.meetings.actions import describe, made_at

    wrap = max(width - 2, 20)
    key = engine.item["key"]
    meeting = engine.meeting
    lines: list[str] = []

    def add(text: str) -> None:
        lines.extend(textwrap.wrap(text, wrap, subsequent_indent="    ") or [""])

    if key == "last-minutes":
        carried = engine.open_actions()
        if carried:
            add("Open actions from earlier meetings (x N marks one done):")
            for number, act in enumerate(carried, start=1):
                state = "done" if act["status"] == "done" else "open"
                add(f"  {number}. {describe(act)}: {state}.")
        else:
            add("No open actions from earlier meetings.")
    for x in meeting.get("declarations", []):
        if x["item"] == key:
            add(f"Interest: {x['name']}: {x['what']}")
    for note in meeting.get("notes", []):
        if note["item"] == key:
            add(f"Note: {note['text']}")
    for dec in meeting.get("decisions", []):
        if dec["item"] == key:
            flag = "" if dec["quorate"] else " (not quorate)"
            add(f"Decision{flag}: {dec['text']}")
            if dec["reason"]:
                add(f"    Reason: {dec['reason']}")
    for act in made_at(engine.store, engine.id):
        if act["item"] == key:
            add(f"Action: {describe(act)}")
    from coprod_cli.meetings.vote_link import meeting_results

    for item, said in meeting_results(engine.store, engine.id):
        if item == key:
            add("Vote: " + " ".join(said))
    if not lines:
        add("Nothing recorded on this item yet.")
    return lines


def agenda_lines(engine: MeetingEngine) -> list[str]:
    """Every item with its planned and actual minutes, and done, skipped, now or to come."""
    actual: dict[int, float] = {}
    outcome: dict[int, str] = {}
    for entry in engine.run.get("item_log", []):
        if entry["ended_at"]:
            spent = (datetime.fromisoformat(entry["ended_at"])
                     - datetime.fromisoformat(entry["started_at"])).total_seconds()
            actual[entry["item"]] = actual.get(entry["item"], 0.0) + spent \
                - entry["paused_seconds"]
            if entry["outcome"] in ("done", "skipped") or entry["item"] not in outcome:
                outcome[entry["item"]] = entry["outcome"] or ""
    lines = []
    current = engine.item_index if engine.phase == "items" else None
    for index, item in enumerate(engine.items):
        if index == current:
            status, spent = "now", engine.view().item_seconds
        else:
            status = {"done": "done", "skipped": "skipped"}.get(
                outcome.get(index, ""), "to come" if index not in actual else "started")
            spent = actual.get(index, 0.0)
        taken = f", took {round(spent / 60)} min" if spent and status != "to come" else ""
        lines.append(f"{index + 1}. {item['title']}: {item['minutes']} min planned{taken}; "
                     f"{status}.")
    return lines
