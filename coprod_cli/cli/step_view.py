"""What the step screen says: a header that never scrolls away, the time in words, the agenda.

The header (step n of N, title, who leads by name, the countdown and clock times) is built
here as short lines that fit any width, so a small window or a large font still shows it;
the body (say, do, tips) is cut into pages the height of what is left (``space`` for more).
Kept apart from ``run_screen`` so the screen only decides when to draw.
"""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from coprod_cli.sessions.library import LEAD_WORDS
from coprod_cli.sessions.run_records import person_name

if TYPE_CHECKING:
    from coprod_cli.sessions.library import Step
    from coprod_cli.sessions.runner import RunEngine


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def minutes_words(seconds: float) -> str:
    """``1 minute``, ``12 minutes``, ``under a minute``: the overrun said in words."""
    whole = int(seconds // 60)
    if whole < 1:
        return "under a minute"
    return f"{whole} minute{'s' * (whole != 1)}"


def facilitator_names(engine: RunEngine) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {"lead": [], "co-facilitator": []}
    for f in engine.run["facilitators"]:
        names[f["as"]].append(person_name(engine.store, f["person_id"]))
    return names


def led_by(step_lead: str, names: dict[str, list[str]]) -> str:
    """``Ceri (co-facilitator)``: the facilitator's name, falling back to the role word."""
    lead, co = " and ".join(names["lead"]), " and ".join(names["co-facilitator"])
    if step_lead == "lead" and lead:
        return f"{lead} (lead)"
    if step_lead == "co-facilitator" and co:
        return f"{co} (co-facilitator)"
    if step_lead == "both" and (lead or co):
        return " and ".join(n for n in (lead, co) if n) + " (both)"
    return LEAD_WORDS[step_lead]


def fill_names(text: str, names: dict[str, list[str]]) -> str:
    """``My name is (lead's name).`` with the real names, where the run has them."""
    if names["lead"]:
        text = text.replace("(lead's name)", " and ".join(names["lead"]))
    if names["co-facilitator"]:
        text = text.replace("(co-facilitator's name)", " and ".join(names["co-facilitator"]))
    return text


def is_break(step: Step) -> bool:
    return "break" in step.title.lower()


def time_lines(engine: RunEngine, now: datetime) -> list[str]:
    """The countdown, running over said in words, and clock times: when this step should
    end, when the session ends at this pace, and the restart time for a break."""
    view = engine.view()
    step = engine.session.steps[engine.step_index]
    left = view.planned_seconds - view.step_seconds
    if view.paused:
        first = f"PAUSED. {clock_text(max(left, 0))} left of {step.minutes} min."
    elif left >= 0:
        first = f"{clock_text(left)} left of {step.minutes} min " \
                f"(taken {clock_text(view.step_seconds)})."
    else:
        first = f"OVER TIME by {minutes_words(-left)}: planned {step.minutes} min, taken " \
                f"{clock_text(view.step_seconds)}."
    remaining_later = sum(s.minutes for s in engine.session.steps[engine.step_index + 1:]) * 60
    ends = now + timedelta(seconds=max(left, 0))
    finish = ends + timedelta(seconds=remaining_later)
    planned_before = view.planned_so_far_seconds - view.planned_seconds
    drift = view.session_seconds - planned_before - min(view.step_seconds, view.planned_seconds)
    plan = "on plan" if abs(drift) < 60 else \
        f"{minutes_words(abs(drift))} {'behind' if drift > 0 else 'ahead of'} plan"
    due = now + timedelta(seconds=left)
    if left < 0:
        when = f"Step was due to end at {due:%H:%M}."
    else:
        when = f"Back from the break at {ends:%H:%M}." if is_break(step) else \
            f"Step ends {ends:%H:%M}."
    # Three short lines rather than one long one: nothing is cut in a 60-column window.
    return [first, when, f"Session ends about {finish:%H:%M} ({plan})."]


def agenda_lines(engine: RunEngine) -> list[str]:
    """Every step with its planned and actual minutes, and done, skipped, now or to come."""
    actual: dict[int, float] = {}
    outcome: dict[int, str] = {}
    for entry in engine.run["step_log"]:
        if entry["ended_at"]:
            spent = (datetime.fromisoformat(entry["ended_at"])
                     - datetime.fromisoformat(entry["started_at"])).total_seconds()
            actual[entry["step"]] = actual.get(entry["step"], 0.0) + spent \
                - entry["paused_seconds"]
            if entry["outcome"] in ("done", "skipped") or entry["step"] not in outcome:
                outcome[entry["step"]] = entry["outcome"] or ""
    lines = []
    current = engine.step_index if engine.phase == "steps" else None
    for index, step in enumerate(engine.session.steps):
        if index == current:
            status = "now"
            spent = engine.view().step_seconds
        else:
            status = {"done": "done", "skipped": "skipped", "ended early": "ended early"}.get(
                outcome.get(index, ""), "to come" if index not in actual else "started")
            spent = actual.get(index, 0.0)
        taken = f", took {round(spent / 60)} min" if spent and status != "to come" else ""
        lines.append(f"{index + 1}. {step.title}: {step.minutes} min planned{taken}; {status}.")
    return lines


def body_lines(engine: RunEngine, step: Step, names: dict[str, list[str]],
               width: int) -> list[str]:
    """The step's words as lines at most ``width`` wide, ready to be paged."""
    wrap = max(width - 2, 20)
    lines: list[str] = []

    def para(text: str, indent: str = "  ") -> None:
        for raw in text.strip().splitlines():
            lines.extend(textwrap.wrap(raw, wrap, initial_indent=indent,
                                       subsequent_indent=indent) or [""])

    lines.append("Say:")
    para(fill_names(step.say, names))
    lines.append("Do:")
    para(fill_names(step.do, names))
    for title, tips in (("Accessibility tips", step.accessibility_tips),
                        ("Tips for the co-facilitator", step.co_facilitator_tips)):
        if tips:
            lines.append(f"{title}:")
            for tip in tips:
                lines.extend(textwrap.wrap(tip, wrap, initial_indent="  - ",
                                           subsequent_indent="    "))
    if step.handouts:
        titles = [found.title for h in step.handouts if (found := engine.session.handout(h))]
        lines.extend(textwrap.wrap(f"Handouts: {', '.join(titles)}.", wrap))
    return lines


def pages(lines: list[str], height: int) -> list[list[str]]:
    height = max(height, 3)
    return [lines[i:i + height] for i in range(0, len(lines), height)] or [[]]


def fit(text: str, width: int) -> str:
    """One header line cut to the window (with an ellipsis), so the header never wraps."""
    return text if len(text) < width else text[: max(width - 2, 1)] + "…"


def before_step_one(engine: RunEngine) -> list[str]:
    """Aims and materials, shown once as the steps begin."""
    session: Any = engine.session
    lines = ["Aims:", *(f"  - {a}" for a in session.aims)]
    if session.materials:
        lines += ["Materials:", *(f"  - {m}" for m in session.materials)]
    return lines
