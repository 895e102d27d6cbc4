"""Typing in an interview panel's scores: one per call from a script, or question by
question in a terminal (or from piped answers, read one a line).

Each member's sheet for one candidate is saved as one change when its last question is
answered, so stopping part-way keeps every finished sheet and none of the unfinished one.
"""

from __future__ import annotations

from typing import Any

from coprod_cli.cli.panel_view import say
from coprod_cli.cli.prompts import ask_valid
from coprod_cli.errors import CoprodError, UsageError


def score_one(store: Any, ref: str, candidate: str | None, member: str | None,
              question: str | None, value: str, note: str) -> None:
    """One score from flags: every flag it needs, checked, then saved in one change."""
    from coprod_cli.panels import scoring

    missing = [flag for flag, given in (("--candidate", candidate), ("--member", member),
                                        ("--question", question)) if not given]
    if missing:
        raise UsageError("A score needs " + " and ".join(missing) + " as well, so nothing "
                         "was saved.", hint="For example: --candidate C1 --member Ceri "
                         "--question 2 --score 3")
    assert candidate and member and question  # for the type checker: checked just above
    [saved] = scoring.save_scores(store, ref, candidate, member, {question: value},
                                  {question: note} if note else None)
    say(f"Saved: {saved['candidate']}, question {saved['question']}, "
        f"{saved['score']} ({scoring.SCALE[saved['score']].lower()}).")


def _parse(text: str) -> int | None:
    from coprod_cli.panels import scoring

    if not text.strip():
        return None  # Enter: skip (or keep the score already there)
    try:
        return scoring.parse_score(text)
    except CoprodError:
        raise CoprodError(f"Please type a score from {scoring.LOW} to {scoring.HIGH}, or "
                          "press Enter to skip.") from None


def score_interactively(store: Any, ref: str, candidate: str | None,
                        member: str | None) -> None:
    """Ask each member's score for each candidate, question by question."""
    from coprod_cli.panels import planning, scoring

    panel = scoring.panel_for_scoring(store, ref)
    codes = [scoring.candidate_on(panel, candidate)] if candidate else \
        [c["code"] for c in panel["candidates"]]
    members = [planning.member_on(store, panel, member)] if member else panel["members"]
    if not members:
        raise UsageError(f"Panel {panel['id'][:8]} has no members, so there is nobody to "
                         "score for. Nothing was saved.",
                         hint="Plan the panel with --member PERSON for each member.")
    current = scoring.current_scores(store, panel["id"])
    scale = "; ".join(f"{n} {w.lower()}" for n, w in scoring.SCALE.items())
    say(f"Scores from {scoring.LOW} to {scoring.HIGH}: {scale}. Press Enter to skip a "
        "question (a score already typed in is kept).")
    for pid in members:
        name = panel["member_names"][pid]
        for code in codes:
            say(f"{name}'s scores for {code}:")
            answers: dict[str, Any] = {}
            for q in panel["questions"]:
                before = current.get((code, pid, q["number"]))
                say(f"  Question {q['number']}: {q['text']}")
                value = ask_valid("  Score", _parse, flag="--score",
                                  default=str(before) if before is not None else None)
                if value is not None and value != before:
                    answers[str(q["number"])] = value
            if answers:
                scoring.save_scores(store, panel["id"], code, pid, answers)
            say(f"  Saved {len(answers)} score{'s' * (len(answers) != 1)} for {code} from "
                f"{name}." if answers else f"  Nothing new for {code} from {name}.")
