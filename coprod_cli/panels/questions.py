"""The co-produced question bank for interview panels: add, list, edit and retire questions.

People who use services write the questions a panel may ask, each with what a good answer
shows. Who wrote a question is credited as they agreed on the register: by name only when
their consent says they may be named in the thank-yous, otherwise by role ("a person who
uses services"). Retired questions stay, so older panels still read, but are not offered.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.panels import PARTITION, QUESTIONS
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

TOPICS: tuple[str, ...] = ("values", "experience", "skills", "scenario", "other")
MAX_TEXT = 500
SHORT = 8  # "q-3f9c2a": the short id printed in lists


def clean_text(text: str, what: str, *, required: bool = True) -> str:
    """Free text as typed, outer spaces aside: not empty (when required), not too long, no
    control or invisible characters (they would rewrite a terminal or hide words)."""
    from coprod_cli.escape import UNSAFE_FORMAT

    stripped = " ".join(text.split())  # one line: a question is read out, not laid out
    if not stripped:
        if required:
            raise UsageError(f"The {what} cannot be empty, so nothing was saved.",
                             hint=f"Type the {what} in quotes.")
        return ""
    if len(stripped) > MAX_TEXT:
        raise UsageError(f"The {what} is {len(stripped)} characters; the most is {MAX_TEXT}. "
                         "Nothing was saved.", hint="Shorten it to a sentence or two.")
    if any(unicodedata.category(ch) == "Cc" for ch in stripped) or any(
            ch in UNSAFE_FORMAT for ch in stripped):
        raise UsageError(f"The {what} holds control or invisible characters, so nothing was "
                         "saved.", hint="Type it again in plain letters.")
    return stripped


def parse_topic(text: str) -> str:
    key = text.strip().lower()
    matches = [t for t in TOPICS if t.startswith(key)] if key else []
    if key in TOPICS:
        return key
    if len(matches) == 1:
        return matches[0]
    raise UsageError(f"'{text}' is not a topic, so nothing was saved.",
                     hint="Choose one of: " + ", ".join(TOPICS) + ".")


def short(record_id: str) -> str:
    return record_id[:SHORT]


def find_by_ref(records: list[dict[str, Any]], ref: str, noun: str, prefix: str,
                hint: str) -> dict[str, Any]:
    """One record for a full id or an unambiguous start of one (with or without the
    ``q-``/``p-`` prefix), or a plain sentence saying what was not found."""
    key = ref.strip().lower()
    if key and not key.startswith(prefix):
        key = prefix + key
    exact = [r for r in records if r["id"] == key]
    found = exact or ([r for r in records if r["id"].startswith(key)]
                      if len(key) >= len(prefix) + 2 else [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no {noun} '{ref}', so nothing was saved.", hint=hint)
    raise ValidationError(f"More than one {noun} starts with '{ref}': "
                          + ", ".join(short(r["id"]) for r in found[:5]) + ".",
                          hint="Give more of the id.")


# -- crediting the author ------------------------------------------------------------------

def may_be_named(person: dict[str, Any]) -> bool:
    """Whether their consent lets us print their name in thank-yous: the door question
    "named in credits" among what they agreed to (``run_extras.CONSENT_QUESTIONS``), or
    consent typed by hand that says so."""
    consent = person.get("consent") or {}
    text = str(consent.get("text") or "").lower()
    agreed = text.split("did not agree")[0].split("not agreed")[0]
    return any(words in agreed for words in ("named in credits", "named in thank",
                                             "named in the thank", "name in thank",
                                             "name in the thank"))


def role_phrase(role: str | None) -> str:
    return {"person-using-services": "a person who uses services", "staff": "a member of staff",
            "volunteer": "a volunteer", "carer": "a carer"}.get(role or "", "a contributor")


def credit(person_id: str | None, register: dict[str, dict[str, Any]]) -> str:
    """Who wrote a question, as they agreed to be credited."""
    if person_id is None:
        return "not recorded"
    person = register.get(person_id)
    if person is None:
        return "a contributor"  # no longer on the register (forgotten, or from a merge)
    return person["name"] if may_be_named(person) else role_phrase(person["role"])


def register_by_id(store: Any) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in store.all(people.TABLE)}


# -- the bank ------------------------------------------------------------------------------

def all_questions(store: Any) -> list[dict[str, Any]]:
    return sorted(store.all(QUESTIONS), key=lambda q: q["created_at"])  # stable: as added


def find_question(store: Any, ref: str) -> dict[str, Any]:
    return find_by_ref(all_questions(store), ref, "question in the bank", "q-",
                       "Run 'coprod panel question list --all' to see every question's id.")


def add_question(store: Store, text: str, *, topic: str = "other", by: str | None = None,
                 good: str = "") -> dict[str, Any]:
    """Add a question to the bank; every part is checked before anything is written."""
    record: dict[str, Any] = {
        "id": "q-" + secrets.token_hex(8),  # 64 random bits: services' banks merge cleanly
        "text": clean_text(text, "question"),
        "topic": parse_topic(topic),
        "good": clean_text(good, "'what a good answer shows'", required=False),
        "by": people.find_person(store, by)["id"] if by else None,
        "status": "active", "created_at": clock.now_iso(), "updated_at": clock.now_iso()}
    with store.transaction() as tx:
        tx.insert(QUESTIONS, record, partition=PARTITION)
    return record


def list_questions(store: Any, *, topic: str | None = None,
                   include_retired: bool = False) -> list[dict[str, Any]]:
    """The bank as people read it: each question with its author credited as agreed."""
    wanted = parse_topic(topic) if topic else None
    register = register_by_id(store)
    out = []
    for q in all_questions(store):
        if (wanted and q["topic"] != wanted) or (q["status"] == "retired"
                                                 and not include_retired):
            continue
        out.append({"id": q["id"], "short_id": short(q["id"]), "text": q["text"],
                    "topic": q["topic"], "good": q["good"],
                    "by": credit(q["by"], register), "status": q["status"]})
    return out


def edit_question(store: Store, ref: str, *, text: str | None = None,
                  topic: str | None = None, good: str | None = None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = clean_text(text, "question")
    if topic is not None:
        changes["topic"] = parse_topic(topic)
    if good is not None:
        changes["good"] = clean_text(good, "'what a good answer shows'", required=False)
    if not changes:
        raise UsageError("Nothing to change, so nothing was saved.",
                         hint="Give at least one of --text, --topic, --good.")
    with store.transaction() as tx:
        question = find_question(tx, ref)
        changes["updated_at"] = clock.now_iso()
        return tx.update(QUESTIONS, question["id"], changes, partition=PARTITION)


def retire_question(store: Store, ref: str) -> dict[str, Any]:
    """Stop offering a question; panels that used it keep it as it was agreed."""
    with store.transaction() as tx:
        question = find_question(tx, ref)
        if question["status"] == "retired":
            raise ValidationError(f"Question {short(question['id'])} is already retired; "
                                  "nothing was changed.")
        now = clock.now_iso()
        return tx.update(QUESTIONS, question["id"],
                         {"status": "retired", "retired_at": now, "updated_at": now},
                         partition=PARTITION)

