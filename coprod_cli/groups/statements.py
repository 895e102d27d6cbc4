"""Statements a group adopts (its values, "we" statements, a policy it reviewed), and the
easy-read poster that shows one on the wall.

Co-produced words belong to the group that made them: each statement keeps its points one
a line, the day it was adopted and the meeting that agreed it, so the poster can say
"Agreed by the NAME on DATE" and nobody has to remember where the words came from.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.escape import escape_markdown as esc
from coprod_cli.groups import STATEMENT_KINDS, STATEMENTS, membership
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction

MAX_POINTS = 30
MAX_POINT = 300
MAX_TITLE = 120
KIND_WORDS = {"values": "values", "we-statement": "\"we\" statement",
              "policy-review": "policy review", "other": "statement"}


def parse_kind(text: str) -> str:
    value = text.strip().lower()
    if value not in STATEMENT_KINDS:
        raise UsageError(f"'{text}' is not a kind of statement.",
                         hint="Use one of: " + ", ".join(STATEMENT_KINDS) + ".")
    return value


def read_points(text: str | None, file: Path | None) -> list[str]:
    """The points, one a line, from ``--text`` or ``--file`` (exactly one of them)."""
    if (text is None) == (file is None):
        raise UsageError("Give the statement's words with --text or --file (one of them).",
                         hint="With --file, put one point on each line.")
    if file is not None:
        try:
            raw = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise UsageError(f"coprod could not read {file} as text.",
                             hint="Save it as plain text (UTF-8), one point a line.") from None
    else:
        raw = text or ""
    points = [" ".join(line.split()).lstrip("-*• ").strip() for line in raw.splitlines()]
    points = [p for p in points if p]
    if not points:
        raise UsageError("The statement has no words, so nothing was saved.")
    if len(points) > MAX_POINTS:
        raise UsageError(f"The statement has {len(points)} points; the most is {MAX_POINTS}.")
    for point in points:
        if len(point) > MAX_POINT:
            raise UsageError(f"A point is {len(point)} characters; the most is {MAX_POINT}. "
                             "Nothing was saved.", hint="Easy read needs short points: split "
                                                        "it into two lines.")
        if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in point):
            raise UsageError("A point cannot contain control characters; nothing was saved.")
    return points


def add_statement(store: Store, group_ref: str, *, title: str, kind: str, points: list[str],
                  adopted: str, meeting: str | None = None) -> dict[str, Any]:
    from coprod_cli.meetings.agenda import find_meeting

    clean_title = " ".join(title.split())
    if not clean_title or len(clean_title) > MAX_TITLE:
        raise UsageError(f"Give a title of 1 to {MAX_TITLE} characters, e.g. --title \"Our "
                         "values\".")
    kind = parse_kind(kind)
    with store.transaction() as tx:
        group = membership.find_group(tx, group_ref)
        meeting_id = None
        if meeting:
            found = find_meeting(tx, meeting)
            if found["group_id"] != group["id"]:
                raise ValidationError(f"That meeting is not one of {group['name']}'s; nothing "
                                      "was saved.")
            meeting_id = found["id"]
        record = {"id": f"stm-{secrets.token_hex(8)}", "group_id": group["id"],
                  "title": clean_title, "kind": kind, "points": points, "adopted": adopted,
                  "meeting_id": meeting_id, "created_at": clock.now_iso()}
        tx.insert(STATEMENTS, record)
    return record


def list_statements(store: Records, group_id: str | None = None) -> list[dict[str, Any]]:
    found = store.all(STATEMENTS) if group_id is None else \
        store.find(STATEMENTS, lambda s: s["group_id"] == group_id)
    return sorted(found, key=lambda s: (s["adopted"], s["created_at"], s["id"]))


def find_statement(store: Records, ref: str) -> dict[str, Any]:
    ref = ref.strip()
    every = store.all(STATEMENTS)
    found = [s for s in every if s["id"] == ref] or (
        [s for s in every if s["id"].startswith(ref)] if len(ref) >= 5 else [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no statement '{ref}'.",
                            hint="See them with: coprod group statement list")
    raise ValidationError(f"More than one statement starts with '{ref}'.",
                          hint="Give more of its id.")


def agreed_line(store: Records, statement: dict[str, Any]) -> str:
    from coprod_cli.meetings.papers import human_date

    group = membership.find_group(store, statement["group_id"])
    return f"Agreed by the {group['name']} on {human_date(statement['adopted'])}."


def poster_markdown(store: Records, statement: dict[str, Any]) -> str:
    """An easy-read poster: a big title, each point beside a picture, who agreed it when."""
    from coprod_cli.meetings.pictures import picture_for_words

    out = [f"# {esc(statement['title'], one_line=True)}", ""]
    for point in statement["points"]:
        picture = picture_for_words(point)
        out += [f"[picture {picture if picture != 'group' else 'people'}] {esc(point)}", ""]
    out += [f"[picture agree] **{esc(agreed_line(store, statement))}**", ""]
    return "\n".join(out)
