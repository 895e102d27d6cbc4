"""The printed interview panel pack, as Markdown documents for ``coprod_cli.render``.

One pack holds: the panel plan (post, date, members, who asks which question, the scale);
each member's own copy of the questions; a scoring sheet for each candidate (by code) for
each member, with every question's agreed indicators ("what a good answer shows"), the
scale and room for notes; and a summary sheet the panel signs. Standard, large print and
easy read (a picture beside every idea, one idea a line, faces on the scale). Every piece of
stored text is escaped, so a question can never add a heading, a box or a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from coprod_cli.escape import escape_markdown
from coprod_cli.panels.scoring import HIGH, LOW, SCALE

#: The picture beside each topic's questions in easy read.
TOPIC_PICTURES = {"values": "heart", "experience": "steps", "skills": "hand",
                  "scenario": "question", "other": "speech"}
NOTE_LINES = {"standard": 3, "large-print": 3, "easy-read": 2}


def esc(text: Any) -> str:
    return escape_markdown(str(text), one_line=True)


def long_date(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def scale_line() -> str:
    return f"[scale {LOW}-{HIGH}: " + " | ".join(SCALE.values()) + "]"


def scale_words() -> str:
    return "; ".join(f"{n} {w.lower()}" for n, w in SCALE.items())


@dataclass(frozen=True)
class PackPanel:
    """What a pack needs, read from the records first (rendering never touches the store)."""

    post: str
    date: str
    members: list[str]                 # names, in the panel's order
    questions: list[dict[str, Any]]    # number, text, topic, good, asked_by (a name or None)
    candidates: list[str]              # codes
    names: dict[str, str]              # code -> name, only where the settings allow names
    organisation: str = ""


def _who_asks(q: dict[str, Any], member: str | None) -> str:
    if not q["asked_by"]:
        return ""
    return "You ask this one." if q["asked_by"] == member else f"{q['asked_by']} asks this."


def _candidate(panel: PackPanel, code: str) -> str:
    name = panel.names.get(code)
    return f"{code} ({name})" if name else code


# -- the plan and each member's questions --------------------------------------------------

def plan_markdown(panel: PackPanel, style: str) -> str:
    easy = style == "easy-read"
    head = f"# Interview panel: {esc(panel.post)}"
    when = long_date(panel.date)
    members = _and([esc(m) for m in panel.members]) if panel.members else ""
    codes = _and([esc(_candidate(panel, c)) for c in panel.candidates])
    if easy:
        lines = [head, "", f"[picture calendar] The interviews are on {when}.", "",
                 f"[picture job] The job is {esc(panel.post)}.", ""]
        if members:
            lines += [f"[picture group] The panel is {members}.", ""]
        lines += [f"[picture people] We will meet {len(panel.candidates)} "
                  f"{'person' if len(panel.candidates) == 1 else 'people'}.",
                  f"Each one has a code: {codes}.",
                  *([] if panel.names else ["We do not write their names."]), "",
                  "[picture question] We ask everyone the same questions.", "",
                  "[picture star] After each answer, you give a score.",
                  *(f"{n} means {w.lower()}." for n, w in SCALE.items()), ""]
        return "\n".join(lines)
    lines = [head, ""]
    if panel.organisation:
        lines.append(f"**Organisation** {esc(panel.organisation)}  ")
    lines += [f"**Date** {when}  ", f"**Panel** {members or 'not named yet'}  ",
              f"**Candidates** {codes}", "",
              *([] if panel.names else
                ["Candidates are written as codes, not names, on every sheet.", ""]),
              "## The questions", ""]
    for q in panel.questions:
        who = f" Asked by {esc(q['asked_by'])}." if q["asked_by"] else ""
        lines += [f"{q['number']}. {esc(q['text'])} Topic: {esc(q['topic'])}.{who}"]
    lines += ["", "## How to score", "",
              f"Score each answer from {LOW} to {HIGH}: {scale_words()}. Score what the "
              "answer shows, against what a good answer shows, not the person.", ""]
    return "\n".join(lines)


def member_markdown(panel: PackPanel, member: str | None, style: str) -> str:
    easy = style == "easy-read"
    title = f"# Questions for {esc(member)}" if member else "# The questions"
    lines = [title, ""]
    if easy:
        lines += [f"[picture job] Interviews for {esc(panel.post)}.",
                  f"{long_date(panel.date)}.", ""]
    else:
        lines += [f"Interviews for {esc(panel.post)} on {long_date(panel.date)}.", ""]
    for q in panel.questions:
        who = _who_asks(q, member)
        if easy:
            lines += [f"[picture {TOPIC_PICTURES.get(q['topic'], 'speech')}] "
                      f"**Question {q['number']}.** {who}".rstrip(),
                      esc(q["text"]), ""]
            if q["good"]:
                lines += ["[picture star] A good answer shows this.", esc(q["good"]), ""]
        else:
            # one paragraph (hard line breaks), so a long question keeps its details
            parts = [f"**{esc(q['text'])}**", f"Topic: {esc(q['topic'])}. {who}".rstrip()]
            if q["good"]:
                parts.append(f"What a good answer shows: {esc(q['good'])}")
            lines += [f"## Question {q['number']}", "", "  \n".join(parts), ""]
    return "\n".join(lines)


# -- scoring sheets and the summary --------------------------------------------------------

def sheet_markdown(panel: PackPanel, code: str, member: str | None, style: str) -> str:
    """One member's scoring sheet for one candidate."""
    easy = style == "easy-read"
    most = HIGH * len(panel.questions)
    lines = [f"# Scoring sheet: {esc(_candidate(panel, code))}", ""]
    if easy:
        lines += [f"[picture job] Interview for {esc(panel.post)}.",
                  f"{long_date(panel.date)}.", ""]
        lines += ([f"[picture name] This sheet is for {esc(member)}.", ""] if member
                  else ["[picture name] Write your name.", "", "[fill Your name]", ""])
        lines += ["[picture smile] Tick one face for each answer.", "",
                  "[picture pencil] Write notes in the box.", ""]
    else:
        lines += [f"**Post** {esc(panel.post)}  ", f"**Date** {long_date(panel.date)}  ",
                  f"**Candidate** {esc(_candidate(panel, code))}  "]
        lines += [f"**Panel member** {esc(member)}", ""] if member else \
            ["", "[fill Panel member]", ""]
        lines += [f"Tick one score for each answer: {scale_words()}.", ""]
    for q in panel.questions:
        who = _who_asks(q, member)
        if easy:
            # the question and what a good answer shows are one row, so they stay on one
            # page with the faces and the notes box under them
            lines += [f"[picture {TOPIC_PICTURES.get(q['topic'], 'speech')}] "
                      f"**Question {q['number']}.** {esc(q['text'])}"]
            if q["good"]:
                lines += [f"**A good answer shows:** {esc(q['good'])}"]
            lines += ["", scale_line(), "", f"[write {NOTE_LINES['easy-read']}]", ""]
        else:
            # the question and its indicators are one paragraph: a paragraph straight above
            # a scale is kept with it (and the notes box under it) on one page
            words = esc(q["text"]) + (f" ({who})" if who else "")
            if q["good"]:
                words += f"  \n**What a good answer shows:** {esc(q['good'])}"
            lines += [f"## Question {q['number']}", "", words, "", scale_line(), "",
                      f"[write {NOTE_LINES.get(style, 3)}]", ""]
    if easy:
        lines += ["[picture tick] Add up your scores.", f"The most is {most}.", "",
                  "[fill Total | Date]", ""]
    else:
        lines += ["## Total", "", f"Add up the scores (the most is {most}).", "",
                  *(["[fill Total | Signed | Date]"] if style == "standard" else
                    ["[fill Total]", "", "[fill Signed | Date]"]), ""]
    return "\n".join(lines)


def summary_markdown(panel: PackPanel, style: str) -> str:
    """The summary the panel signs: each member's total for each candidate, and theirs."""
    easy = style == "easy-read"
    members = panel.members or ["Member 1", "Member 2", "Member 3"]
    lines = [f"# Summary: {esc(panel.post)}", ""]
    if easy:
        lines += [f"[picture calendar] Interviews on {long_date(panel.date)}.", "",
                  "[picture tick] Write each person's total score.", ""]
    else:
        lines += [f"Interviews on {long_date(panel.date)}. Each member's total for each "
                  "candidate, and the panel's total.", ""]
    wide = len(members) > (3 if style == "standard" else 2)
    if wide:  # too many columns for the page: a small table for each candidate
        for code in panel.candidates:
            lines += [f"| Candidate {esc(_candidate(panel, code))} | Total |", "| --- | --- |"]
            lines += [f"| {esc(m)} |  |" for m in members]
            lines += ["| **Panel total** |  |", ""]
    else:
        lines += ["| Candidate | " + " | ".join(esc(m) for m in members) + " | Panel total |",
                  "| --- " * (len(members) + 2) + "|"]
        lines += [f"| {esc(_candidate(panel, code))} | " + " |  " * len(members) + " |  |"
                  for code in panel.candidates]
    lines += [""]
    if easy:
        lines += ["[picture agree] What did the panel agree?", "", "[write 3]", "",
                  "[picture pencil] Everyone on the panel signs here.", ""]
    else:
        lines += ["## What the panel agreed", "", "[write 4]", "", "## Signed by the panel",
                  ""]
    for member in panel.members:  # one row each, kept together under the heading
        lines += [f"[fill {esc(member)} signs | Date]", ""]
    if not panel.members:
        lines += ["[fill Name | Signature | Date]", ""] * 3
    return "\n".join(lines)


def documents(panel: PackPanel, style: str) -> list[tuple[str, str]]:
    """Every document of the pack, in the order the panel uses them."""
    docs = [("Panel plan", plan_markdown(panel, style))]
    members: list[str | None] = list(panel.members) or [None]
    for member in members:
        docs.append((f"Questions for {member}" if member else "Questions",
                     member_markdown(panel, member, style)))
    for code in panel.candidates:
        for member in members:
            docs.append((f"Scoring sheet {code}" + (f", {member}" if member else ""),
                         sheet_markdown(panel, code, member, style)))
    docs.append(("Summary", summary_markdown(panel, style)))
    return docs


def pack_panel(store: Any, panel: dict[str, Any], organisation: str = "") -> PackPanel:
    from coprod_cli.panels.planning import member_name
    from coprod_cli.panels.questions import register_by_id

    register = register_by_id(store)
    return PackPanel(
        post=panel["post"], date=panel["date"],
        members=[member_name(m, register) for m in panel["members"]],
        questions=[{**q, "asked_by": member_name(q["asked_by"], register)
                    if q["asked_by"] else None} for q in panel["questions"]],
        candidates=[c["code"] for c in panel["candidates"]],
        names={c["code"]: c["name"] for c in panel["candidates"] if c.get("name")},
        organisation=organisation)


def write_pack(store: Any, ref: str, *, candidates: int, names: list[str],
               names_allowed: bool, style: str, out: Any, fmt: str = "pdf",
               organisation: str = "") -> tuple[dict[str, Any], int]:
    """Print the pack for ``candidates`` people and record them on the panel (by code, and
    by name only where allowed). The file is written whole first (atomically); if the records
    then cannot be saved, a file this call created is removed again.
    Returns the panel as saved and how many documents the pack holds."""
    from pathlib import Path

    from coprod_cli.panels import planning
    from coprod_cli.render import check_writable, render_pack

    out = Path(out)
    panel = planning.find_panel(store, ref)
    chosen = planning.candidates_for(panel, candidates, names, names_allowed=names_allowed,
                                     scored=planning.scored_candidates(store, panel["id"]))
    check_writable(out)
    existed = out.exists()
    docs = documents(pack_panel(store, {**panel, "candidates": chosen}, organisation), style)
    render_pack(docs, out=out, fmt=fmt, style=style,
                title=f"Interview panel: {panel['post']}", author=organisation or "coprod",
                subject="Interview panel pack", lang="en-GB")
    try:
        saved = planning.record_candidates(store, panel["id"], chosen)
    except BaseException:
        if not existed:
            out.unlink(missing_ok=True)
        raise
    return saved, len(docs)
