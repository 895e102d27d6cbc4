"""``coprod meeting invite / minutes / approve``: the papers of a meeting, and agreeing them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coprod_cli.cli.choices import DocFormat as Fmt
from coprod_cli.cli.choices import PaperStyle as Style
from coprod_cli.cli.context import state

MEETING = Annotated[str, typer.Argument(metavar="MEETING", help="The meeting's id (or its "
                                        "date, when only one meeting is that day).")]
FORMAT = Annotated[Fmt | None, typer.Option(
    "--format", help="pdf, html or md (default: from the --out file's ending, else pdf).",
    show_default=False)]
OUT = Annotated[Path, typer.Option("--out", help="The file to write, e.g. invitation.pdf.")]


def _format(fmt: Fmt | None, out: Path) -> str:
    if fmt is not None:
        return fmt.value
    ending = out.suffix.lower().lstrip(".")
    return ending if ending in ("pdf", "html", "md") else "pdf"


def invite(
    ref: MEETING,
    out: OUT,
    style: Annotated[Style | None, typer.Option(
        "--style", help="standard, easy-read (a picture beside every idea), large-print or "
                        "dyslexia. With --per-person, the default is each person's own "
                        "preference.", show_default=False)] = None,
    per_person: Annotated[bool, typer.Option(
        "--per-person", help="One invitation for each current member, addressed to them, in "
                             "the style they prefer (unless --style is given).")] = False,
    fmt: FORMAT = None,
) -> None:
    """Print the invitation with its agenda: why, who runs it, what it is about, where and
    how to get there, when, access support, costs paid, and the red/yellow/green cards.

    Example: coprod meeting invite 2027-01-12 --style easy-read --out invitation.pdf
    """
    from coprod_cli.meetings.agenda import find_meeting
    from coprod_cli.meetings.papers import invitation_parts
    from coprod_cli.render import render_parts

    store = state().store()
    meeting = find_meeting(store, ref)
    title, parts = invitation_parts(store, meeting, style=style.value if style else None,
                                    per_person=per_person)
    render_parts(parts, out=out, fmt=_format(fmt, out), title=title,
                 author=state().settings().organisation, subject="Meeting invitation")
    count = f"{len(parts)} invitations" if len(parts) > 1 else "the invitation"
    state().console().print(f"Saved {count} to {out}.", markup=False)


def minutes(
    ref: MEETING,
    out: OUT,
    style: Annotated[Style, typer.Option(
        "--style", help="standard, easy-read (short sentences with pictures), large-print or "
                        "dyslexia.")] = Style.standard,
    fmt: FORMAT = None,
) -> None:
    """Print the minutes: who was there, apologies, declarations, each item's notes,
    decisions with reasons, actions and vote results, and whether they are approved.

    Example: coprod meeting minutes 2027-01-12 --style easy-read --out minutes.pdf
    """
    from coprod_cli.meetings.agenda import find_meeting
    from coprod_cli.meetings.minutes import minutes_markdown, minutes_title
    from coprod_cli.render import render_document

    store = state().store()
    meeting = find_meeting(store, ref)
    text = minutes_markdown(store, meeting, style.value)
    render_document(text, out=out, fmt=_format(fmt, out), style=style.value,
                    title=minutes_title(store, meeting),
                    author=state().settings().organisation, subject="Meeting minutes")
    state().console().print(f"Saved the minutes to {out}.", markup=False)


def approve(
    ref: MEETING,
    at: Annotated[str, typer.Option("--at", help="The later meeting that agreed them (its "
                                    "id or date).")],
    proposed_by: Annotated[str, typer.Option("--proposed-by", help="Who proposed them as a "
                                             "true record (a name).")],
    seconded_by: Annotated[str | None, typer.Option(
        "--seconded-by", help="Who seconded (a name).", show_default=False)] = None,
) -> None:
    """Mark a meeting's minutes approved at a later meeting.

    Example: coprod meeting approve 2027-01-12 --at 2027-02-09 --proposed-by Siân
    --seconded-by Dai
    """
    from coprod_cli.meetings.minutes import approval_line, approve_minutes

    meeting = approve_minutes(state().store(), ref, at=at, proposed_by=proposed_by,
                              seconded_by=seconded_by)
    state().console().print(f"The minutes of {meeting['date']}: {approval_line(meeting)}",
                            markup=False)


def register(app: typer.Typer) -> None:
    app.command("invite")(invite)
    app.command("minutes")(minutes)
    app.command("approve")(approve)
