"""Interests and availability on a person's record, and how interests are compared.

Interests are kept exactly as typed ("football (Wrexham)") and shown that way; matching uses
a key: the words outside brackets, in lower case, each made singular ("Allotments" ->
"allotment"), then looked up in a small list of synonyms shipped in
``data/peer/synonyms.yaml`` ("footy" -> "football", "allotment" -> "gardening"). So
"Footy" and "football (Wrexham)" share "football". The rules are deliberately simple and
written down so a facilitator can predict them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from coprod_cli.errors import UsageError
from coprod_cli.peer.availability import parse_slots

MAX_INTEREST = 80
MAX_INTERESTS = 30
PAIRING_CHOICES = ("yes", "no")

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^\w\s]+")
#: Words that end in s but are not plurals (kept as they are).
_KEEP_S = {"bowls", "cards", "darts", "chess", "news", "gymnastics", "athletics", "bus",
           "glass", "grass", "class", "dress", "plus", "tennis", "crafts", "films", "dogs",
           "yes", "is", "this", "series", "species", "christmas"}


def singular(word: str) -> str:
    """A simple English singular: "allotments" -> "allotment", "berries" -> "berry",
    "dishes" -> "dish". Words in a short list (bowls, darts, chess...) are kept."""
    if len(word) <= 3 or word in _KEEP_S or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _words(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _BRACKETS.sub(" ", text)
    text = _NOT_WORD.sub(" ", text.replace("&", " and "))
    return " ".join(singular(w) for w in text.split())


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Each way of saying an interest (folded like :func:`interest_key`) -> the word matched
    on. Read once from ``data/peer/synonyms.yaml``."""
    from coprod_cli import yamlfile
    from coprod_cli.resources import data_dir

    path = data_dir() / "peer" / "synonyms.yaml"
    loaded: Any = yamlfile.read_yaml(path, what="synonyms list").data if path.is_file() else {}
    table: dict[str, str] = {}
    for canonical, others in (loaded or {}).items():
        key = _words(str(canonical))
        table[key] = key
        for other in others or []:
            table[_words(str(other))] = key
    return table


def interest_key(text: str) -> str:
    """What an interest is matched on: see the module docstring."""
    words = _words(text)
    if not words:  # only brackets, e.g. "(Wrexham)": match on what is inside
        words = _words(text.replace("(", " ").replace(")", " "))
    return synonyms().get(words, words)


def clean_interest(text: str) -> str:
    """An interest as it is stored: outer spaces trimmed, one line, not too long."""
    stripped = " ".join(text.split())
    if not stripped or not interest_key(stripped):
        raise UsageError("An interest cannot be empty.",
                         hint='Write it in a few words, e.g. --interest "gardening".')
    if len(stripped) > MAX_INTEREST:
        raise UsageError(f"That interest is {len(stripped)} characters; the most is "
                         f"{MAX_INTEREST}.", hint="Write it in a few words.")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in stripped):
        raise UsageError("An interest cannot contain control or invisible characters.",
                         hint="Type it again in plain letters.")
    return stripped


def parse_pairing(text: str) -> str:
    key = text.strip().lower()
    if key in PAIRING_CHOICES:
        return key
    raise UsageError(f"'{text}' is not an answer for --pairing.",
                     hint="Use --pairing yes (happy to be paired) or --pairing no (they "
                          "have said no to being paired).")


def profile_changes(person: dict[str, Any], *, add: Iterable[str] = (),
                    remove: Iterable[str] = (), clear: bool = False,
                    available: Iterable[str] | None = None,
                    pairing: str | None = None) -> dict[str, Any]:
    """The changes to a person's record for ``people edit``'s interest, availability and
    pairing options: clear first, then remove, then add (so ``--clear-interests --interest
    x`` replaces the list). Raises a ``UsageError`` before anything is written."""
    changes: dict[str, Any] = {}
    add, remove = list(add), list(remove)
    if clear or add or remove:
        current: list[str] = [] if clear else list(person.get("interests", []))
        for text in remove:
            key = interest_key(text)
            kept = [i for i in current if interest_key(i) != key]
            if len(kept) == len(current):
                held = ", ".join(current) or "none"
                raise UsageError(f"{person['name']} has no interest '{text.strip()}' to "
                                 f"remove (their interests: {held}).",
                                 hint="Give an interest as it is shown by 'coprod people "
                                      "show'.")
            current = kept
        for text in add:
            clean = clean_interest(text)
            if clean.casefold() not in {i.casefold() for i in current}:
                current.append(clean)
        if len(current) > MAX_INTERESTS:
            raise UsageError(f"That is {len(current)} interests; the most is "
                             f"{MAX_INTERESTS}.", hint="Keep the ones that matter most.")
        changes["interests"] = current
    if available is not None:
        changes["available"] = parse_slots(available)
    if pairing is not None:
        changes["pairing"] = parse_pairing(pairing)
    return changes


def shared_interests(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The interest keys two people share, in a's order."""
    theirs = {interest_key(i) for i in b.get("interests", [])}
    seen: list[str] = []
    for interest in a.get("interests", []):
        key = interest_key(interest)
        if key in theirs and key not in seen:
            seen.append(key)
    return seen


def shared_slots(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The time slots both are free, in week order."""
    theirs = set(b.get("available", []))
    return [s for s in a.get("available", []) if s in theirs]
