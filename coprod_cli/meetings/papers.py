"""A meeting's invitation and agenda as Markdown, in the four styles, for ``render``.

An invitation says why the meeting matters, who runs it, what it is about, where it is and
how to get there, when, what access support there is and which costs are paid, then the
agenda: each item with its time and who leads it, and the open actions from the group's
earlier meetings under "last meeting's minutes and open actions". Easy read puts a picture
beside every idea and explains the red, yellow and green cards people hold up in the room.
Everything a person typed goes through ``escape_markdown``, so it prints as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from coprod_cli.escape import escape_markdown as esc
from coprod_cli.groups import membership
from coprod_cli.meetings import actions as action_records
from coprod_cli.meetings.details import runs_words
from coprod_cli.meetings.pictures import picture_for
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction

CARDS = (("card-red", "Red card", "Hold up the red card to say: stop, I don't understand."),
         ("card-yellow", "Yellow card",
          "Hold up the yellow card to say: slow down, or I want to speak."),
         ("card-green", "Green card", "Hold up the green card to say: I agree, or go on."))


@dataclass
class Paper:
    """What the invitation, agenda and minutes all read: the meeting and its group."""

    meeting: dict[str, Any]
    group: dict[str, Any]
    carried: list[dict[str, Any]] = field(default_factory=list)


def paper_for(store: Records, meeting: dict[str, Any]) -> Paper:
    group = membership.find_group(store, meeting["group_id"])
    return Paper(meeting, group, action_records.carried_forward(store, meeting))


def human_date(iso: str) -> str:
    day = datetime.fromisoformat(iso[:10])
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock_words(hhmm: str) -> str:
    """``14:00`` as ``2pm``, ``09:30`` as ``9:30am``: easy read's way of saying a time."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"


def item_times(meeting: dict[str, Any]) -> list[str]:
    """The planned start time of each item, from the meeting's start and the minutes."""
    at = datetime.strptime(meeting["time"], "%H:%M")
    times = []
    for item in meeting["items"]:
        times.append(f"{at:%H:%M}")
        at += timedelta(minutes=int(item["minutes"]))
    times.append(f"{at:%H:%M}")
    return times


def _minutes(n: int) -> str:
    return f"{n} minute{'s' * (n != 1)}"


def _group_words(group: dict[str, Any]) -> str:
    return esc(group["name"], one_line=True)


# -- the invitation --------------------------------------------------------------------

def invitation(paper: Paper, style: str, *, to: str | None = None) -> str:
    """The whole invitation with its agenda, as Markdown in ``style``."""
    if style.startswith("easy-read"):
        return _easy_invitation(paper, to) + "\n\n" + agenda(paper, style)
    return _invitation(paper, to) + "\n\n" + agenda(paper, style)


def _invitation(paper: Paper, to: str | None) -> str:
    m, times = paper.meeting, item_times(paper.meeting)
    out = [f"# Invitation: {_group_words(paper.group)} meeting", ""]
    if to:
        out += [f"Dear {esc(to, one_line=True)},", ""]
    out += [f"You are invited to the meeting of the {_group_words(paper.group)} on "
            f"{human_date(m['date'])}, from {times[0]} to about {times[-1]}.", ""]
    if m.get("why"):
        out += ["## Why this meeting matters", "", esc(m["why"]), ""]
    if runs_words(m):
        out += ["## Who runs it", "", f"{esc(runs_words(m))} will run the meeting.", ""]
    out += ["## Where and how to get there", "", f"**Where:** {esc(m['place'])}", ""]
    if m.get("travel"):
        out += [f"**Getting there:** {esc(m['travel'])}", ""]
    out += ["## Help to take part", ""]
    out += [f"**Access support:** {esc(m['access'])}" if m.get("access") else
            "**Access support:** tell us what would help you take part, and we will try to "
            "arrange it.", ""]
    if m.get("costs"):
        out += [f"**Costs paid:** {esc(m['costs'])}", ""]
    return "\n".join(out).rstrip()


def _easy_invitation(paper: Paper, to: str | None) -> str:
    m, times = paper.meeting, item_times(paper.meeting)
    out = [f"# You are invited to a meeting of the {_group_words(paper.group)}", ""]
    if to:
        out += [f"[picture name] This invitation is for {esc(to, one_line=True)}.", ""]
    if m.get("why"):
        out += ["## Why this meeting matters", "", f"[picture heart] {esc(m['why'])}", ""]
    if runs_words(m):
        out += ["## Who runs the meeting", "",
                f"[picture group] {esc(runs_words(m))} will run the meeting.", ""]
    out += ["## When", "", f"[picture calendar] {human_date(m['date'])}.", "",
            f"[picture clock] It starts at {clock_words(times[0])}.",
            f"It ends at about {clock_words(times[-1])}.", "",
            "## Where", "", f"[picture place] {esc(m['place'])}", ""]
    if m.get("travel"):
        out += [f"[picture travel] How to get there: {esc(m['travel'])}", ""]
    out += ["## Help to take part", ""]
    out += [f"[picture help] We can give you: {esc(m['access'])}" if m.get("access") else
            "[picture help] Tell us what would help you take part.", ""]
    if m.get("costs"):
        out += [f"[picture money] Costs we pay: {esc(m['costs'])}", ""]
    return "\n".join(out).rstrip()


# -- the agenda ------------------------------------------------------------------------

def agenda(paper: Paper, style: str) -> str:
    """The agenda: every item with its time and lead, open actions under the last minutes,
    and the cards explained."""
    if style.startswith("easy-read"):
        return _easy_agenda(paper)
    m, times = paper.meeting, item_times(paper.meeting)
    out = ["## Agenda", "", "| Time | Item | Led by | Minutes |", "| --- | --- | --- | --- |"]
    for number, item in enumerate(m["items"]):
        out.append(f"| {times[number]} | {number + 1}. {esc(item['title'], one_line=True)} | "
                   f"{esc(item['lead'] or '', one_line=True) or '-'} | {item['minutes']} |")
    out.append("")
    out += open_actions_section(paper, heading="### Open actions from earlier meetings")
    out += cards_section(easy=False)
    return "\n".join(out).rstrip() + "\n"


def _easy_agenda(paper: Paper) -> str:
    m, times = paper.meeting, item_times(paper.meeting)
    out = ["## What we will talk about", ""]
    for number, item in enumerate(m["items"]):
        line = f"[picture {picture_for(item)}] {clock_words(times[number])}: " \
               f"{esc(item['title'], one_line=True)}."
        out.append(line)
        if item["lead"]:
            out.append(f"{esc(item['lead'], one_line=True)} leads this.")
        out.append(f"About {_minutes(int(item['minutes']))}.")
        if item["key"] == "last-minutes" and paper.carried:
            out.append("We check the things people said they would do:")
            for act in paper.carried:
                out.append(f"{esc(act['owner'], one_line=True)}: "
                           f"{esc(act['what'], one_line=True)}.")
        out.append("")
    out += cards_section(easy=True)
    return "\n".join(out).rstrip() + "\n"


def open_actions_section(paper: Paper, *, heading: str) -> list[str]:
    open_now = [a for a in paper.carried if a["status"] == "open"]
    if not open_now:
        return []
    out = [heading, "", "Under \"last meeting's minutes and open actions\" we check these:", ""]
    for act in open_now:
        out.append(f"- {esc(action_records.describe(act), one_line=True)}")
    return [*out, ""]


def cards_section(*, easy: bool) -> list[str]:
    """The red, yellow and green cards: each drawn with its word, and what it says."""
    out = ["## Cards to help everyone take part" if easy else "### The cards", ""]
    if not easy:
        out += ["Everyone has three cards to hold up at any time:", ""]
    for picture, name, words in CARDS:
        out += [f"[picture {picture}] **{name}.** {words}", ""]
    return out


# -- the documents to print ------------------------------------------------------------

def invitation_parts(store: Records, meeting: dict[str, Any], *, style: str | None,
                     per_person: bool) -> tuple[str, list[tuple[str, str, str]]]:
    """The document's title and its ``(title, markdown, style)`` parts: one invitation, or
    one per current member in the style each prefers (easy read, large print, both) unless
    ``style`` is given."""
    from coprod_cli.errors import ValidationError
    from coprod_cli.handouts.pack import style_for
    from coprod_cli.people import register as people

    paper = paper_for(store, meeting)
    title = f"Invitation: {paper.group['name']}, {meeting['date']}"
    if not per_person:
        return title, [(title, invitation(paper, style or "standard"), style or "standard")]
    found = membership.members(store, meeting["group_id"], on=meeting["date"])
    if not found:
        raise ValidationError(f"{paper.group['name']} has no members on {meeting['date']}, so "
                              "there is nobody to address an invitation to; nothing was "
                              "printed.", hint="Print one without --per-person, or add "
                                               "members with 'coprod group join'.")
    parts = []
    for member in found:
        person = people.find_person(store, member.person_id)  # type: ignore[arg-type]
        chosen = style or style_for(list(person.get("prefers") or []), "standard")
        parts.append((f"{title}: {member.name}", invitation(paper, chosen, to=member.name),
                      chosen))
    return title, parts
