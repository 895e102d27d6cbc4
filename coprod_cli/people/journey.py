"""A person's journey: what they have done, from first to latest, as a story they can keep.

"How far I had come" is the point of co-production for many people, so ``people journey``
prints it: sessions attended, sessions they helped lead, groups joined and offices held,
agenda items they led at meetings, involvement logged, toolkit sessions they helped make,
and interview panels sat on. Only their own records are read (consent: nobody else's name or
data is in it).

The journey is a list of small *sources*, one per table, each returning dated events; a new
table is one more function added to :data:`SOURCES`. ``people export`` includes the same
events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from coprod_cli.escape import escape_markdown
from coprod_cli.people import register as people


@dataclass(frozen=True)
class Event:
    """One thing they did: the day, a picture from ``render/icons.py``, and a sentence
    addressed to them ("You came to ...")."""

    date: str
    picture: str
    what: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"date": self.date, "what": self.what, "source": self.source}


@dataclass(frozen=True)
class Context:
    records: Any  # a Store or a Transaction
    person: dict[str, Any]
    toolkit_dir: Path | None = None


Source = Callable[[Context], list[Event]]



def _titles(records: Any) -> dict[str, str]:
    from coprod_cli.sessions.runner import RUNS

    return {r["id"]: r.get("session_title") or r.get("session_id", "") for r in
            records.all(RUNS)}


def attended(ctx: Context) -> list[Event]:
    from coprod_cli.sessions.runner import ATTENDANCE

    titles = _titles(ctx.records)
    return [Event(str(a["date"])[:10], "walk",
                  f"You came to the session \u201c{titles.get(a['run_id'], a['session_id'])}"
                  "\u201d.", "attendance")
            for a in ctx.records.all(ATTENDANCE) if a.get("person_id") == ctx.person["id"]]


def facilitated(ctx: Context) -> list[Event]:
    from coprod_cli.sessions.runner import RUNS

    out = []
    for run in ctx.records.all(RUNS):
        for f in run.get("facilitators", []):
            if f.get("person_id") == ctx.person["id"]:
                how = "led" if f.get("as") == "lead" else "helped to lead"
                out.append(Event(str(run["started_at"])[:10], "talk",
                                 f"You {how} the session \u201c{run['session_title']}\u201d.",
                                 "runs"))
    return out


def groups(ctx: Context) -> list[Event]:
    """Groups joined and offices held (``group_members``, one record per term)."""
    names = {g["id"]: g.get("name", "a group") for g in ctx.records.all("groups")}
    out = []
    for term in ctx.records.all("group_members"):
        if term.get("person_id") != ctx.person["id"]:
            continue
        group = names.get(term.get("group_id"), "a group")
        office = term.get("office") or "member"
        joined = (f"You joined {group}." if office == "member"
                  else f"You became {office} of {group}.")
        out.append(Event(str(term["start"])[:10], "vote" if office == "member" else "star",
                         joined, "group_members"))
        if term.get("until"):
            left = (f"You finished as {office} of {group}." if office != "member"
                    else f"You left {group}.")
            out.append(Event(str(term["until"])[:10], "vote", left, "group_members"))
    return out


def involvement(ctx: Context) -> list[Event]:
    from coprod_cli.involvement import TABLE

    return [Event(r["date"], "heart", f"You gave your time: {r['activity']}.", TABLE)
            for r in ctx.records.all(TABLE) if r.get("person_id") == ctx.person["id"]]


def toolkit_credits(ctx: Context) -> list[Event]:
    """Toolkit sessions they are credited for helping make (credits carry a name only, with
    their consent, so they are matched by name)."""
    if ctx.toolkit_dir is None:
        return []
    from coprod_cli.toolkit.contributions import contributions

    key = people.name_key(ctx.person["name"])
    out = []
    for c in contributions(ctx.toolkit_dir):
        for credit in c.get("credits") or []:
            if isinstance(credit.get("name"), str) and people.name_key(credit["name"]) == key:
                part = f" ({credit['part']})" if credit.get("part") else ""
                out.append(Event(str(c.get("shared_at") or c["added_at"])[:10], "idea",
                                 f"You helped make the session \u201c{c['title']}\u201d"
                                 f"{part}.", "toolkit_contributions"))
    return out


def panels(ctx: Context) -> list[Event]:
    """Interview panels sat on (``panels.members``)."""
    return [Event(str(p["date"])[:10], "job",
                  f"You sat on the interview panel for {p.get('post') or 'a new post'}.",
                  "panels")
            for p in ctx.records.all("panels") if ctx.person["id"] in (p.get("members") or [])]


def meetings(ctx: Context) -> list[Event]:
    """Meetings they came to (``meeting run`` marks each member present), and agenda items
    they led, once the day has come (a planned meeting is not yet something they have
    done)."""
    from coprod_cli import clock

    today = clock.today().isoformat()
    names = {g["id"]: g.get("name", "a group") for g in ctx.records.all("groups")}
    out = []
    for meeting in ctx.records.all("meetings"):
        if str(meeting.get("date", ""))[:10] > today:
            continue
        group = names.get(meeting.get("group_id"), "a group")
        if any(a.get("person_id") == ctx.person["id"] and a.get("status") == "present"
               for a in meeting.get("attendance") or []):
            out.append(Event(str(meeting["date"])[:10], "people",
                             f"You came to the {group} meeting.", "meetings"))
        for item in meeting.get("items") or []:
            if item.get("lead_id") == ctx.person["id"]:
                out.append(Event(str(meeting["date"])[:10], "speech",
                                 f"You led \u201c{item['title']}\u201d at the {group} meeting.",
                                 "meetings"))
    return out


#: Every source, one per table; add one here for a new table.
SOURCES: list[Source] = [attended, facilitated, groups, meetings, involvement,
                         toolkit_credits, panels]


def journey(records: Any, person: dict[str, Any], *,
            toolkit_dir: Path | None = None) -> list[Event]:
    """Every event of one person's, first to latest (same-day events in source order)."""
    ctx = Context(records, person, toolkit_dir)
    events = [event for source in SOURCES for event in source(ctx)]
    return sorted(events, key=lambda e: e.date)  # stable: a day keeps the sources' order


def find(records: Any, ref: str) -> dict[str, Any]:
    return people.find_person(records, ref)


def long_date(day: str) -> str:
    d = date.fromisoformat(day[:10])
    return f"{d.day} {d:%B %Y}"


def journey_markdown(person: dict[str, Any], events: list[Event], *, style: str,
                     organisation: str = "") -> str:
    """The journey as a printable story: by year, a picture beside each thing they did."""
    esc = escape_markdown
    name = esc(person["name"])
    with_org = f" with {organisation}" if organisation else ""
    out = [f"# {name}\u2019s journey", "",
           f"[picture star] This is the story of what you have done{esc(with_org)}.",
           "It starts with the first thing and ends with the latest.", ""]
    if not events:
        out += ["[picture walk] Nothing is recorded yet.", "Your story starts here.", ""]
        return "\n".join(out)
    year = ""
    for event in events:
        if event.date[:4] != year:
            year = event.date[:4]
            out += [f"## {year}", ""]
        when = esc(long_date(event.date))
        if style == "standard":
            out.append(f"- {when}: {esc(event.what, one_line=True)}")
        else:
            out += [f"[picture {event.picture}] {when}", esc(event.what), ""]
    out += ["", "## Thank you", "",
            f"[picture thanks] You have done {len(events)} "
            f"thing{'s' * (len(events) != 1)} here.", "Thank you for everything you do.", ""]
    return "\n".join(out)
