"""Scoring an interview panel: each member's score for each candidate on each question, on
one simple scale, and the summary the panel signs (totals per candidate, per member and
overall).

Scores are checked before anything is written: a candidate who is not on the panel (C9 of
four, or any candidate before the pack is printed) and a score off the scale are refused
with one sentence, and nothing is saved.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.panels import PARTITION, SCORES
from coprod_cli.panels.planning import find_panel, member_name, member_on, question_number
from coprod_cli.panels.questions import clean_text, register_by_id, short

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

#: The scale every panel scores on: the number and its words (easy read adds faces).
SCALE: dict[int, str] = {0: "No evidence", 1: "Some evidence", 2: "Good evidence",
                         3: "Excellent evidence"}
LOW, HIGH = min(SCALE), max(SCALE)


def parse_score(text: str | int) -> int:
    raw = str(text).strip()
    if raw.lstrip("-").isdigit() and LOW <= int(raw) <= HIGH:
        return int(raw)
    words = ", ".join(f"{n} {w.lower()}" for n, w in SCALE.items())
    raise ValidationError(f"A score is a whole number from {LOW} to {HIGH}, not '{raw}'. "
                          "Nothing was saved.", hint=f"The scale: {words}.")


def candidate_on(panel: dict[str, Any], code: str) -> str:
    """The candidate's code as the panel holds it, or a sentence saying why it is not one."""
    wanted = code.strip().upper()
    codes = [c["code"] for c in panel["candidates"]]
    if panel.get("candidate_data_deleted_at"):
        raise ValidationError(f"Panel {short(panel['id'])}'s candidate data was deleted at the "
                              "end of its retention period, so nothing was saved.")
    if not codes:
        raise ValidationError(f"Panel {short(panel['id'])} has no candidates yet, so "
                              f"{wanted or 'that candidate'} cannot be scored. Nothing was "
                              "saved.", hint=f"Print its pack first: coprod panel pack "
                              f"{short(panel['id'])} --candidates N --out pack.pdf")
    if wanted not in codes:
        has = (f"{len(codes)} ({codes[0]} {'and' if len(codes) == 2 else 'to'} {codes[-1]})"
               if len(codes) > 1 else "one, C1")
        raise ValidationError(f"{code.strip()} is not a candidate on panel "
                              f"{short(panel['id'])}: it has {has}. Nothing was saved.",
                              hint="Candidates are the codes printed on the scoring sheets.")
    return wanted


def _existing(tx: Any, panel_id: str) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {(s["candidate"], s["member"], s["question"]): s for s in tx.all(SCORES)
            if s["panel_id"] == panel_id}


def save_scores(store: Store, panel_ref: str, candidate: str, member: str,
                scores: dict[str, Any], notes: dict[str, str] | None = None
                ) -> list[dict[str, Any]]:
    """Save one member's scores for one candidate (question ref -> score) in one change;
    a score given again replaces the old one. Everything is checked first."""
    notes = notes or {}
    with store.transaction() as tx:
        panel = find_panel(tx, panel_ref)
        code = candidate_on(panel, candidate)
        pid = member_on(tx, panel, member)
        checked = [(question_number(panel, ref), parse_score(value),
                    clean_text(notes.get(ref, ""), "note", required=False))
                   for ref, value in scores.items()]
        if not checked:
            raise UsageError("No score was given, so nothing was saved.",
                             hint="Give --question N --score N.")
        old = _existing(tx, panel["id"])
        saved = []
        for number, value, note in checked:
            before = old.get((code, pid, number))
            if before is not None:
                saved.append(tx.update(SCORES, before["id"], {
                    "score": value, "note": note or before.get("note", ""),
                    "at": clock.now_iso()}, partition=PARTITION))
                continue
            record = {"id": "s-" + secrets.token_hex(8), "panel_id": panel["id"],
                      "candidate": code, "member": pid, "question": number, "score": value,
                      "note": note, "at": clock.now_iso()}
            tx.insert(SCORES, record, partition=PARTITION)
            saved.append(record)
    return saved


def current_scores(store: Any, panel_id: str) -> dict[tuple[str, str, int], int]:
    return {k: int(s["score"]) for k, s in _existing(store, panel_id).items()}


def summary(store: Any, panel_ref: str) -> dict[str, Any]:
    """Totals per candidate: for each member (and how many questions they scored) and
    overall, out of the most the scale allows."""
    panel = find_panel(store, panel_ref)
    register = register_by_id(store)
    scores = _existing(store, panel["id"])
    n_questions = len(panel["questions"])
    members = list(panel["members"])
    for _, pid, _ in scores:  # a scorer no longer listed (a merge) still counts
        if pid not in members:
            members.append(pid)
    rows = []
    for c in panel["candidates"]:
        by_member = []
        for pid in members:
            mine = [v["score"] for (code, who, _), v in scores.items()
                    if code == c["code"] and who == pid]
            by_member.append({"member_id": pid, "member": member_name(pid, register),
                              "total": sum(mine), "scored": len(mine),
                              "out_of": HIGH * n_questions})
        total = sum(m["total"] for m in by_member)
        scored = sum(m["scored"] for m in by_member)
        rows.append({"code": c["code"], "name": c.get("name"), "by_member": by_member,
                     "total": total, "scored": scored,
                     "out_of": HIGH * n_questions * len(members),
                     "complete": scored == n_questions * len(members) and bool(members)})
    return {"id": panel["id"], "short_id": short(panel["id"]), "post": panel["post"],
            "date": panel["date"], "questions": n_questions,
            "scale": {str(k): v for k, v in SCALE.items()},
            "members": [{"id": m, "name": member_name(m, register)} for m in members],
            "candidates": rows}


def panel_for_scoring(store: Any, panel_ref: str) -> dict[str, Any]:
    """The panel with its members' names, for the interactive scorer to walk through."""
    panel = find_panel(store, panel_ref)
    if not panel["candidates"]:
        candidate_on(panel, "")  # raises the "no candidates yet" sentence
    register = register_by_id(store)
    return {**panel, "member_names": {m: member_name(m, register) for m in panel["members"]}}

