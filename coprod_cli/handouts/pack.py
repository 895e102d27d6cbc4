"""Handout packs: which documents a session needs printed, and what each template is given.

A pack holds a facilitator's plan, every handout of the session, a sign-in sheet and one
peer-evaluation form per expected person. This module decides the contents and fills the
templates in (to Markdown); ``coprod_cli.render`` turns them into a file. It never prints and
never imports Typer or Rich, so it can be used from a Python prompt or a test as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coprod_cli.errors import UsageError
from coprod_cli.escape import escape_markdown
from coprod_cli.people import register as people_mod
from coprod_cli.sessions.library import LEAD_WORDS, LoadedSession, Session

if TYPE_CHECKING:  # the records are opened only for --run and --attendee
    from coprod_cli.store.database import Store

PLAN_TEMPLATE = "pack/facilitator-plan.md.j2"
SIGN_IN_TEMPLATE = "pack/sign-in.md.j2"
EVALUATION_TEMPLATE = "pack/peer-evaluation.md.j2"
EVALUATION_FORM = "peer-evaluation"
BLANK_SIGN_IN_ROWS = {"standard": 13, "dyslexia": 11}
LATE_ARRIVAL_ROWS = 4
MAX_COPIES = 200
#: Who leads a step, in the run sheet's narrow column when no names are known.
SHORT_LEAD_WORDS = {"lead": "Lead", "co-facilitator": "Co-facilitator", "both": "Both"}

Kind = Literal["plan", "handout", "sign-in", "evaluation"]


@dataclass(frozen=True)
class PackItem:
    """One kind of document in a pack; ``id`` is what ``--only`` takes."""

    id: str
    kind: Kind
    title: str
    template: str
    easy_read: bool = False

    @property
    def for_each_person(self) -> bool:
        """Handouts and forms are copies for the people taking part; the rest is for staff."""
        return self.kind in ("handout", "evaluation")


@dataclass(frozen=True)
class Attendee:
    """Someone expected at the session, as far as a printed sheet needs to know them."""

    name: str
    role: str = ""                       # words, e.g. "person using services"
    prefers: tuple[str, ...] = ()
    facilitating: str = ""               # "lead" / "co-facilitator" / ""


@dataclass
class PackRequest:
    """Everything that shapes a pack; the CLI fills it from options and records."""

    loaded: LoadedSession
    organisation: str = ""
    service: str = ""
    date: str = ""                        # ISO date, or "" to leave a line to fill in
    attendees: list[Attendee] = field(default_factory=list)
    facilitators: list[Attendee] = field(default_factory=list)
    copies: int | None = None             # peer-evaluation forms; None: one per attendee
    only: list[str] = field(default_factory=list)
    style: str = "standard"
    per_person: bool = False
    start: int | None = None              # minutes after midnight (--start 10:00), or None


@dataclass(frozen=True)
class Document:
    """A filled-in template, ready to render: its title, Markdown and style."""

    title: str
    markdown: str
    style: str
    kind: Kind = "handout"


def pack_items(session: Session) -> list[PackItem]:
    """What a session's pack holds, in the order it is printed."""
    items = [PackItem("plan", "plan", "Facilitator's plan", PLAN_TEMPLATE)]
    items += [PackItem(h.id, "handout", h.title, h.template, h.easy_read)
              for h in session.handouts]
    items.append(PackItem("sign-in", "sign-in", "Sign-in sheet", SIGN_IN_TEMPLATE))
    items.append(PackItem("evaluation", "evaluation", "Peer evaluation form",
                          EVALUATION_TEMPLATE))
    return items


def select(items: list[PackItem], only: list[str]) -> list[PackItem]:
    """The items ``--only`` asks for, in pack order; an unknown id is a usage error."""
    if not only:
        return items
    known = {item.id for item in items}
    unknown = [o for o in only if o not in known]
    if unknown:
        raise UsageError(f"This session's pack has nothing called '{unknown[0]}'.",
                         hint="Choose from: " + ", ".join(item.id for item in items) + ".")
    return [item for item in items if item.id in only]


def parse_date(text: str) -> str:
    """An ISO date (YYYY-MM-DD) as typed on the command line, checked."""
    try:
        return Date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"'{text}' is not a date.",
                         hint="Write it as YYYY-MM-DD, for example 2026-11-23.") from None


def parse_start(text: str) -> int:
    """A start time as typed (``10:00``, ``9:30``, ``14.15``): minutes after midnight."""
    cleaned = text.strip().replace(".", ":")
    hours, _, mins = cleaned.partition(":")
    if hours.isdigit() and mins.isdigit() and len(mins) == 2 and int(hours) < 24 and int(
            mins) < 60:
        return int(hours) * 60 + int(mins)
    raise UsageError(f"'{text}' is not a time of day.",
                     hint="Write it on the 24-hour clock as HH:MM, for example --start 10:00.")


def clock_time(minutes: int) -> str:
    """Minutes after midnight as ``10:05`` (a session running past midnight wraps)."""
    hours, mins = divmod(minutes % (24 * 60), 60)
    return f"{hours:02d}:{mins:02d}"


def do_steps(text: str) -> list[str]:
    """A step's "Do" text as numbered actions, one a line; a line that is itself numbered
    ("1. A friend asks...") belongs to the action above it, as an example read out."""
    actions: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        head = line.split(".", 1)[0]
        if actions and head.isdigit() and line[len(head):].startswith(". "):
            actions[-1] += "\n" + line
        else:
            actions.append(line)
    return actions


def human_date(iso: str) -> str:
    """``2026-11-23`` as ``Monday 23 November 2026``: no format to decode on paper."""
    if not iso:
        return ""
    day = Date.fromisoformat(iso[:10])
    return f"{day:%A} {day.day} {day:%B %Y}"


def style_for(prefers: tuple[str, ...] | list[str], default: str) -> str:
    """The style a person's format preferences ask for (both: easy read in large print)."""
    wanted = set(prefers)
    if {"easy-read", "large-print"} <= wanted:
        return "easy-read+large-print"
    if "easy-read" in wanted:
        return "easy-read"
    if "large-print" in wanted:
        return "large-print"
    return default


def attendee_from_record(person: dict[str, Any], facilitating: str = "") -> Attendee:
    return Attendee(name=person["name"], role=people_mod.ROLE_WORDS.get(person["role"], ""),
                    prefers=tuple(person.get("prefers") or ()), facilitating=facilitating)


def build_documents(request: PackRequest, *, template_dirs: list[Path],
                    user_template_dir: Path | None, form: Any) -> list[Document]:
    """Fill in every template the pack needs, in print order."""
    from coprod_cli.render import render_template

    loaded = request.loaded
    session = loaded.session
    items = select(pack_items(session), request.only)
    if request.per_person and not request.attendees:
        raise UsageError("--per-person needs to know who is coming.",
                         hint="Add --run RUN, or --attendee NAME for each person.")
    copies = request.copies if request.copies is not None else max(1, len(request.attendees))
    if not 0 <= copies <= MAX_COPIES:
        raise UsageError(f"--copies must be between 0 and {MAX_COPIES}.")

    base = {"session": session, "organisation": request.organisation,
            "service": request.service, "date": human_date(request.date)}

    filled: dict[tuple[str, str], str] = {}

    def fill(item: PackItem, style: str) -> str:
        # an item's text depends only on the item, the request and the style, so ninety
        # forms are one template filled in once (and one text, parsed and laid out once)
        if (item.id, style) in filled:
            return filled[item.id, style]
        sandboxed = loaded.origin != "built-in" or (  # a user's or a contributed session
            user_template_dir is not None and (user_template_dir / item.template).is_file())
        context = {**base, **_context_for(item, request, form, style)}
        filled[item.id, style] = render_template(item.template, context,
                                                 template_dirs=template_dirs,
                                                 sandboxed=sandboxed)
        return filled[item.id, style]

    documents: list[Document] = []
    for item in items:
        if item.for_each_person and request.per_person:
            continue
        if item.kind == "evaluation":
            for n in range(copies):
                documents.append(Document(f"{item.title} ({n + 1} of {copies})",
                                          fill(item, request.style), request.style, item.kind))
        else:
            documents.append(Document(item.title, fill(item, request.style), request.style,
                                      item.kind))
    if request.per_person:
        for person in request.attendees:
            style = style_for(person.prefers, request.style)
            for item in items:
                if not item.for_each_person:
                    continue
                markdown = fill(item, style)
                if item.kind == "handout":
                    markdown = _label_copy(markdown, person.name)
                documents.append(Document(f"{item.title}: {person.name}", markdown, style,
                                          item.kind))
    return documents


def _label_copy(markdown: str, name: str) -> str:
    """Put "This copy is for: NAME" under a handout's first heading (never on the form)."""
    label = f"**This copy is for:** {escape_markdown(name)}\n\n"
    lines = markdown.split("\n", 1)
    if lines[0].startswith("# ") and len(lines) == 2:
        return f"{lines[0]}\n\n{label}{lines[1].lstrip(chr(10))}"
    return label + markdown


def _context_for(item: PackItem, request: PackRequest, form: Any, style: str) -> dict[str, Any]:
    session = request.loaded.session
    if item.kind == "plan":
        names = {f.facilitating: f.name for f in reversed(request.facilitators)}
        return {"steps": plan_steps(session, request.start, names),
                "start": clock_time(request.start) if request.start is not None else "",
                "facilitators": [{"name": f.name, "as": LEAD_WORDS.get(f.facilitating,
                                                                       f.facilitating)}
                                 for f in request.facilitators]}
    if item.kind == "sign-in":
        everyone = [*request.facilitators, *request.attendees]
        # the sheet is passed round the room: names only, never a role (a role beside a
        # name would tell everyone who uses the service)
        rows = [{"name": p.name} for p in everyone]
        # blank rows fill the rest of the page for walk-ins (at least LATE_ARRIVAL_ROWS);
        # fewer, taller rows fit a page in the larger styles
        page = BLANK_SIGN_IN_ROWS.get(style, 9)
        blank = max(LATE_ARRIVAL_ROWS, page - len(rows) % page) if rows else page
        return {"people": rows, "blank_rows": blank}
    if item.kind == "evaluation":
        # large print keeps one form to one page: the welcome shrinks to what a person needs
        return {"form": form, "easy_read": style.startswith("easy-read"),
                "large_print": style in ("large-print", "easy-read+large-print")}
    return {}


def plan_steps(session: Session, start: int | None = None,
               names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Each step with its start and end in minutes from the beginning, for a timetable.

    ``start`` (minutes after midnight) adds clock times ("10:15 to 10:30"); ``names`` maps
    "lead"/"co-facilitator" to the person doing it, so the run sheet says who by name."""
    names = names or {}
    steps = []
    elapsed = 0
    for number, step in enumerate(session.steps, start=1):
        titles = [h.title for h in (session.handout(i) for i in step.handouts) if h]
        who = [names[k] for k in (("lead", "co-facilitator") if step.lead == "both"
                                  else (step.lead,)) if k in names]
        begin = "" if start is None else clock_time(start + elapsed)
        finish = "" if start is None else clock_time(start + elapsed + step.minutes)
        steps.append({"number": number, "title": step.title, "minutes": step.minutes,
                      "start": elapsed, "end": elapsed + step.minutes,
                      "clock_start": begin, "clock_end": finish,
                      "lead": LEAD_WORDS[step.lead], "lead_names": " and ".join(who),
                      "lead_short": SHORT_LEAD_WORDS[step.lead],
                      "say": step.say.strip(), "do": step.do.strip(),
                      "do_steps": do_steps(step.do),
                      "accessibility_tips": step.accessibility_tips,
                      "co_facilitator_tips": step.co_facilitator_tips, "handouts": titles})
        elapsed += step.minutes
    return steps


def default_file_name(session_id: str, fmt: str, only: list[str]) -> str:
    suffix = "-" + "-".join(only) if len(only) == 1 else "-handouts"
    return f"{session_id}{suffix}.{fmt}"


def people_for_run(store: Store, run_id: str, session_id: str
                   ) -> tuple[list[Attendee], list[Attendee], str]:
    """(attendees, facilitators, ISO date) of a run, for a pre-filled sign-in sheet."""
    from coprod_cli.sessions import runner

    run = runner.find_run(store, run_id)
    if run["session_id"] != session_id:
        raise UsageError(f"Run {run['id']} was a run of '{run['session_id']}', not "
                         f"'{session_id}'.",
                         hint=f"Use: coprod handouts print {run['session_id']} --run {run['id']}")
    rows = store.find(runner.ATTENDANCE, lambda a: a["run_id"] == run["id"],
                      partition=runner.partition_of(run["id"]))
    facilitator_ids = {f["person_id"] for f in run["facilitators"]}
    attendees = []
    for row in sorted(rows, key=lambda a: a["arrived_at"]):
        if row["person_id"] in facilitator_ids:
            continue
        person = store.get(people_mod.TABLE, row["person_id"])
        if person is not None:
            attendees.append(attendee_from_record(person))
    facilitators = []
    for entry in sorted(run["facilitators"], key=lambda f: f["as"] != "lead"):
        person = store.get(people_mod.TABLE, entry["person_id"])
        if person is not None:
            facilitators.append(attendee_from_record(person, facilitating=entry["as"]))
    return attendees, facilitators, run["started_at"][:10]


def people_named(store: Store, names: list[str]) -> list[Attendee]:
    """People given by ``--attendee``: from the register when they are on it, else as typed."""
    found = []
    for name in names:
        clean = people_mod.clean_name(name)
        matches = people_mod.matches(store, clean)
        if len(matches) > 1:
            people_mod.find_person(store, clean)  # raises, naming the short ids to use
        found.append(attendee_from_record(matches[0]) if matches else Attendee(name=clean))
    return found


def describe(documents: list[Document]) -> str:
    """What a pack holds, in words: "the facilitator's plan, 2 handouts and 8 forms"."""
    from collections import Counter

    counts = Counter(d.kind for d in documents)
    words = {"plan": ("the facilitator's plan", "facilitator's plans"),
             "handout": ("1 handout", "handouts"), "sign-in": ("the sign-in sheet",
                                                              "sign-in sheets"),
             "evaluation": ("1 peer-evaluation form", "peer-evaluation forms")}
    parts = []
    for kind in ("plan", "handout", "sign-in", "evaluation"):
        n = counts.get(kind, 0)
        if n:
            one, many = words[kind]
            parts.append(one if n == 1 else f"{n} {many}")
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
