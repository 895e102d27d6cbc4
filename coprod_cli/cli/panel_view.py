"""How ``coprod panel`` presents questions, panels and score summaries on the terminal.

Plain text in reading order with ``--plain`` (for screen readers), Rich tables otherwise;
JSON through the terminal sanitiser. Every stored text is passed as plain ``Text`` or with
``markup=False``, so a question can never restyle or rewrite the screen.
"""

from __future__ import annotations

import json
from typing import Any

from coprod_cli.cli.context import state


def say(text: str) -> None:
    state().console().print(text, markup=False)


def emit(data: Any) -> None:
    state().show_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    ratios = {"Question": 3, "A good answer shows": 2, "By": 1, "Post": 2}
    table = Table(title=title, title_justify="left",
                  expand=any(column in ratios for column in columns))
    for column in columns:  # ids, dates and short headings never break across lines
        table.add_column(column, overflow="fold", ratio=ratios.get(column),
                         no_wrap=column not in ratios)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    state().console().print(table)


def show_questions(found: list[dict[str, Any]]) -> None:
    if not found:
        say("No questions in the bank yet. Add one with: coprod panel question add \"TEXT\" "
            "--topic values --by PERSON")
        return
    if state().plain:
        for q in found:
            retired = " (retired)" if q["status"] == "retired" else ""
            good = f" A good answer shows: {q['good']}" if q["good"] else ""
            say(f"{q['short_id']} ({q['topic']}{retired}, by {q['by']}): {q['text']}{good}")
        return
    _table("Question bank", ["Id", "Topic", "Question", "A good answer shows", "By"],
           [[q["short_id"], q["topic"] + (" (retired)" if q["status"] == "retired" else ""),
             q["text"], q["good"] or "-", q["by"]] for q in found])


def show_panel_list(found: list[dict[str, Any]]) -> None:
    if not found:
        say("No interview panels yet. Plan one with: coprod panel plan --post \"Support "
            "worker\" --date YYYY-MM-DD --question ID")
        return
    rows = [[p["short_id"], p["date"], p["post"], str(len(p["members"])),
             str(len(p["questions"])),
             "deleted" if p["candidate_data_deleted"] else str(len(p["candidates"]) or "-"),
             str(p["scores"])] for p in found]
    if state().plain:
        for r in rows:
            say(f"{r[0]}: {r[2]} on {r[1]}, {r[3]} members, {r[4]} questions, candidates "
                f"{r[5]}, {r[6]} scores.")
        return
    _table("Interview panels", ["Id", "Date", "Post", "Members", "Questions", "Candidates",
                                "Scores"], rows)


def show_panel(p: dict[str, Any]) -> None:
    say(f"Panel {p['short_id']}: {p['post']} on {p['date']}.")
    say("Members: " + (", ".join(m["name"] for m in p["members"]) or "none named yet") + ".")
    if p["candidate_data_deleted"]:
        say("Candidates: deleted at the end of the retention period.")
    elif p["candidates"]:
        named = p["candidate_names"]
        say("Candidates: " + ", ".join(f"{c} ({named[c]})" if c in named else c
                                       for c in p["candidates"]) + f"; {p['scores']} scores.")
    else:
        say("Candidates: none yet (they are added when the pack is printed).")
    say("Questions:")
    for q in p["questions"]:
        asker = f" Asked by {q['asked_by']}." if q["asked_by"] else ""
        written = " (the panel's own)" if q["question_id"] is None else f" (by {q['by']})"
        say(f"  {q['number']}. {q['text']} [{q['topic']}]{written}.{asker}")
        if q["good"]:
            say(f"     A good answer shows: {q['good']}")


def show_summary(s: dict[str, Any]) -> None:
    say(f"Scores for panel {s['short_id']}: {s['post']} on {s['date']} "
        f"({s['questions']} questions, each scored 0 to 3).")
    if not s["candidates"]:
        say("No candidates yet: print the pack with --candidates N first.")
        return
    members = [m["name"] for m in s["members"]]
    if state().plain or not members:
        for c in s["candidates"]:
            parts = [f"{m['member']} {m['total']} ({m['scored']} of {s['questions']} scored)"
                     for m in c["by_member"]]
            say(f"{c['code']}: " + ("; ".join(parts) + "; " if parts else "")
                + f"overall {c['total']} out of {c['out_of']}"
                + ("." if c["complete"] else " (not all scored yet)."))
        return
    rows = []
    for c in s["candidates"]:
        cells = ["-" if not m["scored"] else f"{m['total']}" + (
            "" if m["scored"] == s["questions"] else f" ({m['scored']}/{s['questions']})")
            for m in c["by_member"]]
        rows.append([c["code"] + (f" {c['name']}" if c["name"] else ""), *cells,
                     f"{c['total']} of {c['out_of']}" + ("" if c["complete"] else " *")])
    _table("Totals", ["Candidate", *members, "Overall"], rows)
    if any(not c["complete"] for c in s["candidates"]):
        say("* not all scored yet; (n/m) is how many questions a member has scored, - none.")
