"""Planning an interview panel: the post, the date, who sits on it and the questions agreed.

Members pick questions from the co-produced bank and add their own; the panel keeps each
question as it was agreed (its words and what a good answer shows), so a later edit to the
bank does not change a pack already printed. Candidates are added when the pack is printed,
by code (C1, C2 ...), and by name only where the organisation's settings allow it.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.panels import PANELS, PARTITION, SCORES
from coprod_cli.panels.questions import clean_text, find_by_ref, find_question, short
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

MAX_CANDIDATES = 50


def parse_day(text: str, what: str = "date") -> str:
    """A day as typed (YYYY-MM-DD, 'today', 'tomorrow'), read by ``coprod_cli.days``."""
    from coprod_cli import days

    try:
        return days.parse_day(text, what)
    except UsageError:
        raise UsageError(f"'{text}' is not a {what} coprod can read, so nothing was saved.",
                         hint="Write it as YYYY-MM-DD, for example 2027-01-15.") from None


def member_name(person_id: str, register: dict[str, dict[str, Any]]) -> str:
    person = register.get(person_id)
    return person["name"] if person else "a former panel member"


def all_panels(store: Any) -> list[dict[str, Any]]:
    return sorted(store.all(PANELS), key=lambda p: (p["date"], p["created_at"]))


def find_panel(store: Any, ref: str) -> dict[str, Any]:
    return find_by_ref(all_panels(store), ref, "interview panel", "p-",
                       "Run 'coprod panel list' to see every panel's id.")


def plan_panel(store: Store, *, post: str, day: str, members: list[str],
               questions: list[str], own: list[str]) -> dict[str, Any]:
    """Plan a panel. Every member and question is checked first; a panel with no questions
    is refused. Nothing is saved unless all of it is right."""
    post_name = clean_text(post, "post")
    if len(post_name) > people.MAX_NAME:
        raise UsageError(f"The post is {len(post_name)} characters; the most is "
                         f"{people.MAX_NAME}. Nothing was saved.", hint="Give the job title.")
    when = parse_day(day)
    if not questions and not own:
        raise UsageError("A panel needs at least one question, so nothing was saved.",
                         hint="Pick from the bank with --question ID (see 'coprod panel "
                              "question list') or add your own with --own \"TEXT\".")
    member_ids: list[str] = []
    for ref in members:
        pid = people.find_person(store, ref)["id"]
        if pid not in member_ids:
            member_ids.append(pid)
    agreed: list[dict[str, Any]] = []
    for ref in questions:
        q = find_question(store, ref)
        if q["status"] == "retired":
            raise ValidationError(f"Question {short(q['id'])} is retired and no longer "
                                  "offered, so nothing was saved.",
                                  hint="Choose another from 'coprod panel question list'.")
        if any(a["question_id"] == q["id"] for a in agreed):
            continue
        agreed.append({"question_id": q["id"], "text": q["text"], "topic": q["topic"],
                       "good": q["good"], "by": q["by"]})
    for text in own:
        agreed.append({"question_id": None, "text": clean_text(text, "question"),
                       "topic": "other", "good": "", "by": None})
    now = clock.now_iso()
    record: dict[str, Any] = {
        "id": "p-" + secrets.token_hex(8), "post": post_name, "date": when,
        "members": member_ids,
        "questions": [{"number": n, **q, "asked_by": None}
                      for n, q in enumerate(agreed, start=1)],
        "candidates": [], "packed_at": None, "created_at": now, "updated_at": now}
    with store.transaction() as tx:
        tx.insert(PANELS, record, partition=PARTITION)
    return record


def question_number(panel: dict[str, Any], ref: str) -> int:
    """A panel question by its number (2, Q2) or its bank id."""
    text = ref.strip().lower()
    key = text[1:] if text[:1] == "q" and text[1:].isdigit() else text
    numbers = [q["number"] for q in panel["questions"]]
    if key.isdigit() and int(key) in numbers:
        return int(key)
    for q in panel["questions"]:
        qid = q["question_id"] or ""
        if key and len(key) >= 4 and (qid == key or qid.startswith(key)
                                      or qid.startswith("q-" + key)):
            return int(q["number"])
    raise ValidationError(f"Panel {short(panel['id'])} has no question '{ref}': its questions "
                          f"are numbered 1 to {len(numbers)}. Nothing was saved.",
                          hint=f"See them with: coprod panel show {short(panel['id'])}")


def member_on(store: Any, panel: dict[str, Any], ref: str) -> str:
    """The id of a member of this panel, found by name or id as the register finds people."""
    person = people.find_person(store, ref)
    if person["id"] not in panel["members"]:
        raise ValidationError(f"{person['name']} is not a member of panel "
                              f"{short(panel['id'])}, so nothing was saved.",
                              hint="Members are named with --member when the panel is planned.")
    return str(person["id"])


def assign(store: Store, ref: str, number: str, member: str) -> dict[str, Any]:
    """Say which member asks a question."""
    with store.transaction() as tx:
        panel = find_panel(tx, ref)
        n = question_number(panel, number)
        pid = member_on(tx, panel, member)
        questions = [{**q, "asked_by": pid} if q["number"] == n else q
                     for q in panel["questions"]]
        return tx.update(PANELS, panel["id"], {"questions": questions,
                                               "updated_at": clock.now_iso()},
                         partition=PARTITION)


def candidates_for(panel: dict[str, Any], count: int, names: list[str], *,
                   names_allowed: bool, scored: set[str]) -> list[dict[str, Any]]:
    """The panel's candidates for a pack of ``count``: codes C1..Cn, names only if allowed.
    Fewer than before is refused where a candidate left out already has scores."""
    if not 1 <= count <= MAX_CANDIDATES:
        raise UsageError(f"--candidates must be from 1 to {MAX_CANDIDATES}, not {count}. "
                         "Nothing was saved.", hint="Give the number of people interviewed.")
    if names and not names_allowed:
        raise UsageError("Candidates are recorded by a code (C1, C2 ...), not by name, so "
                         "nothing was saved.",
                         hint="Leave out --candidate. An organisation that records names sets "
                              "panel_candidate_names: true in config.yaml.")
    if names and len(names) != count:
        raise UsageError(f"{len(names)} candidate names were given for --candidates {count}; "
                         "nothing was saved.", hint="Give one --candidate NAME per candidate.")
    lost = sorted(c for c in scored if int(c[1:]) > count)
    if lost:
        raise ValidationError(f"{', '.join(lost)} already {'has' if len(lost) == 1 else 'have'}"
                              f" scores, so the panel cannot go down to {count} candidates. "
                              "Nothing was saved.", hint=f"Use --candidates {lost[-1][1:]} or "
                              "more.")
    old = {c["code"]: c.get("name") for c in panel["candidates"]}
    return [{"code": f"C{n}",
             "name": (clean_text(names[n - 1], "candidate's name") if names
                      else old.get(f"C{n}") if names_allowed else None)}
            for n in range(1, count + 1)]


def scored_candidates(store: Any, panel_id: str) -> set[str]:
    return {s["candidate"] for s in store.all(SCORES) if s["panel_id"] == panel_id}


def record_candidates(store: Store, panel_id: str, candidates: list[dict[str, Any]]
                      ) -> dict[str, Any]:
    now = clock.now_iso()
    with store.transaction() as tx:
        return tx.update(PANELS, panel_id, {"candidates": candidates, "packed_at": now,
                                            "updated_at": now}, partition=PARTITION)


def describe(store: Any, panel: dict[str, Any]) -> dict[str, Any]:
    """A panel as people read it: members by name, each question's asker by name."""
    from coprod_cli.panels.questions import credit, register_by_id

    register = register_by_id(store)
    scores = [s for s in store.all(SCORES) if s["panel_id"] == panel["id"]]
    return {
        "id": panel["id"], "short_id": short(panel["id"]), "post": panel["post"],
        "date": panel["date"],
        "members": [{"id": m, "name": member_name(m, register)} for m in panel["members"]],
        "questions": [{"number": q["number"], "question_id": q["question_id"],
                       "text": q["text"], "topic": q["topic"], "good": q["good"],
                       "by": credit(q["by"], register) if q["question_id"] else "own question",
                       "asked_by": member_name(q["asked_by"], register) if q["asked_by"]
                       else None} for q in panel["questions"]],
        "candidates": [c["code"] for c in panel["candidates"]],
        "candidate_names": {c["code"]: c["name"] for c in panel["candidates"] if c["name"]},
        "scores": len(scores),
        "candidate_data_deleted": bool(panel.get("candidate_data_deleted_at")),
    }


def exported(found: list[tuple[dict[str, Any], list[Any]]], _: Any) -> list[dict[str, Any]]:
    """The panels in someone's subject access export: what the panel was and how they were
    part of it (a member, the author of a question, the one asking it). Candidates are
    other people: only how many there were is shown, never a name."""
    out = []
    for panel, places in found:
        parts = []
        for at in places:
            if at[0] == "members":
                parts.append("panel member")
            elif at[0] == "questions" and len(at) == 3:
                number = panel["questions"][at[1]]["number"]
                parts.append(f"wrote question {number}" if at[2] == "by"
                             else f"asks question {number}")
        out.append({"id": panel["id"], "post": panel["post"], "date": panel["date"],
                    "as": parts,
                    "questions": [{"number": q["number"], "text": q["text"]}
                                  for q in panel["questions"]],
                    "candidates": len(panel["candidates"])})
    return sorted(out, key=lambda p: (p["date"], p["id"]))
