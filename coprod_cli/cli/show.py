"""Presenting sessions on screen: the library table and one session in full.

Plain mode prints labelled lines in reading order (a screen reader reads a table cell by
cell, which is hard to follow), and never relies on colour to carry meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from coprod_cli.sessions.catalogue import Entry
    from coprod_cli.sessions.library import LoadedSession


def minutes_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


NARROW = 80
"""Below this many columns (large fonts, small screens) six columns cannot all be read: each
session is a sentence instead, as in plain mode."""


def session_table(sessions: list[Entry], *, plain: bool, width: int = NARROW) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    if plain or width < NARROW:
        lines = [f"{s.id}: {s.title}. Theme {s.theme}, {minutes_text(s.duration)}, "
                 f"{s.steps} steps" + ("" if s.origin == "built-in" else f" ({s.origin})") + "."
                 for s in sessions]
        return Text("\n".join(lines))
    table = Table(title="Sessions", title_justify="left")
    table.add_column("Id", no_wrap=True)
    table.add_column("Title")
    table.add_column("Theme")
    table.add_column("Time", justify="right")
    table.add_column("Steps", justify="right")
    table.add_column("From")
    for s in sessions:
        table.add_row(Text(s.id), Text(s.title), Text(s.theme), minutes_text(s.duration),
                      str(s.steps), s.origin)
    return table


def print_session(console: Console, loaded: LoadedSession) -> None:
    """Everything a facilitator needs to prepare, in the order they will use it."""
    from coprod_cli.sessions.library import LEAD_WORDS

    s = loaded.session
    say = console.print
    say(f"{s.title}", style="bold", markup=False)
    say(f"Id {s.id}, version {s.version}. Theme: {s.theme}. Planned time: "
        f"{minutes_text(s.duration)} ({len(s.steps)} steps adding up to "
        f"{minutes_text(s.planned_minutes)}).", markup=False)
    if s.based_on:
        say(f"Based on {s.based_on}.", markup=False)
    say("")
    say(s.summary, markup=False)
    _section(console, "Aims", s.aims)
    _section(console, "Materials", s.materials or ["Nothing special."])
    _section(console, "Roles", [f"Lead facilitator: {s.roles.lead}",
                                f"Co-facilitator (lived experience): {s.roles.co_facilitator}"])
    if s.handouts:
        _section(console, "Handouts", [f"{h.title} ({h.id}" + (", easy read" if h.easy_read
                                       else "") + ")" for h in s.handouts])
    if s.measures:
        _section(console, "Measures", [f"{m.upper()} check-in and check-out"
                                       for m in s.measures])
    elapsed = 0
    for number, step in enumerate(s.steps, start=1):
        say("")
        say(f"Step {number} of {len(s.steps)}: {step.title}", style="bold", markup=False)
        say(f"{step.minutes} min (from {elapsed} to {elapsed + step.minutes}). Led by: "
            f"{LEAD_WORDS[step.lead]}.", markup=False)
        elapsed += step.minutes
        say("Say:", style="bold", markup=False)
        say(indent(step.say), markup=False)
        say("Do:", style="bold", markup=False)
        say(indent(step.do), markup=False)
        if step.accessibility_tips:
            _section(console, "Accessibility tips", step.accessibility_tips, gap=False)
        if step.co_facilitator_tips:
            _section(console, "Tips for the co-facilitator", step.co_facilitator_tips,
                     gap=False)
        if step.handouts:
            titles = [found.title if (found := s.handout(h)) else h for h in step.handouts]
            say(f"Handouts: {', '.join(t for t in titles if t)}.", markup=False)
    say("")
    say(f"Total: {minutes_text(s.planned_minutes)}.", style="bold", markup=False)


def indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.strip().splitlines())


def _section(console: Console, heading: str, items: list[str], gap: bool = True) -> None:
    if gap:
        console.print("")
    console.print(f"{heading}:", style="bold", markup=False)
    for item in items:
        console.print(f"  - {item}", markup=False)


def question_prompt(question: Any) -> str:
    """A form question as asked aloud or typed: its words, then the answers it takes."""
    if question.type == "scale":
        labels = ", ".join(f"{k} {v}" for k, v in sorted(question.labels.items()))
        return f"{question.text} ({labels})" if labels else \
            f"{question.text} ({question.min} to {question.max})"
    if question.type == "choice":
        return f"{question.text} ({'/'.join(question.choices)})"
    return str(question.text)
