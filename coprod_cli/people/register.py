"""The people register: who takes part, in what role, and what they agreed to.

Holds the minimum a group needs: a display name (initials or a chosen name are fine), a role,
a service, consent and format preferences. Names are kept exactly as typed, whatever they
contain; everything that prints them escapes them for its own format.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, get_args

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction

TABLE = "people"

Role = Literal["staff", "volunteer", "person-using-services", "carer", "other"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_WORDS: dict[str, str] = {
    "staff": "staff",
    "volunteer": "volunteer",
    "person-using-services": "person using services",
    "carer": "carer",
    "other": "other",
}
ROLE_PLURALS: dict[str, str] = {
    "staff": "staff",
    "volunteer": "volunteers",
    "person-using-services": "people using services",
    "carer": "carers",
    "other": "other",
}
FORMATS: tuple[str, ...] = ("easy-read", "large-print")


def role_count(count: int, role: str) -> str:
    """``1 person using services``, ``2 people using services``: counts that read right."""
    return f"{count} {ROLE_WORDS[role] if count == 1 else ROLE_PLURALS[role]}"


def people_count(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"
MAX_NAME = 80
SHORT_ID = 6


def now_iso() -> str:
    return clock.now_iso()


def parse_role(text: str) -> str:
    """Accept a role as written, or any unambiguous start of one ("per", "vol", "service")."""
    key = text.strip().lower().replace(" ", "-").replace("_", "-")
    aliases = {"service-user": "person-using-services", "person": "person-using-services",
               "pus": "person-using-services", "su": "person-using-services"}
    key = aliases.get(key, key)
    if key in ROLES:
        return key
    matches = [r for r in ROLES if r.startswith(key)] if key else []
    if len(matches) == 1:
        return matches[0]
    raise UsageError(f"'{text}' is not a role.",
                     hint="Choose one of: " + ", ".join(ROLES) + ".")


def parse_formats(values: Iterable[str]) -> list[str]:
    chosen: list[str] = []
    for value in values:
        key = value.strip().lower().replace(" ", "-")
        if key not in FORMATS:
            raise UsageError(f"'{value}' is not a format preference.",
                             hint="Choose easy-read or large-print.")
        if key not in chosen:
            chosen.append(key)
    return chosen


def clean_name(name: str) -> str:
    """Check a display name; it is stored exactly as typed apart from outer spaces."""
    stripped = name.strip()
    if not stripped:
        raise UsageError("A name cannot be empty.", hint="Initials or a chosen name are fine.")
    if len(stripped) > MAX_NAME:
        raise UsageError(f"That name is {len(stripped)} characters; the most is {MAX_NAME}.",
                         hint="Initials or a shorter chosen name are fine.")
    if any(unicodedata.category(ch) == "Cc" for ch in stripped):
        raise UsageError("A name cannot contain line breaks or control characters.")
    from coprod_cli.escape import UNSAFE_FORMAT

    # Bidi overrides make a name read backwards on screen, and a name of zero-width
    # characters looks empty: refused like a line break, with the same words.
    if any(ch in UNSAFE_FORMAT for ch in stripped):
        raise UsageError("A name cannot contain line breaks or control characters "
                         "(including invisible or right-to-left override characters).",
                         hint="Type the name again in plain letters.")
    return stripped


def name_key(name: str) -> str:
    """How two names are compared: case, accents' encoding and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def short_id(person_id: str) -> str:
    return person_id[:SHORT_ID]


_UNFOLDED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss",
                           "æ": "ae", "œ": "oe", "ı": "i"})


def fold_name(name: str) -> str:
    """A name with case and accents folded away ("Siân" -> "sian", "Łukasz" -> "lukasz"),
    used only to notice near-duplicates; names are always stored as typed."""
    key = name_key(name).translate(_UNFOLDED)
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, change, swap two neighbours) from ``a`` to ``b``: "Garteh" is
    one swap from "Gareth"."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def is_near_name(name: str, other: str) -> bool:
    """Same name once case and accents are folded, or a small slip away (one edit for short
    names, two from eight letters on)."""
    a, b = fold_name(name), fold_name(other)
    if a == b:
        return True
    allowed = 1 if min(len(a), len(b)) < 8 else 2
    if min(len(a), len(b)) < 3 or abs(len(a) - len(b)) > allowed:
        return False
    return edit_distance(a, b) <= allowed


def likely_duplicates(store: Store, name: str) -> list[dict[str, Any]]:
    """People whose names are the same or very close; flagged to the user, never merged."""
    key = name_key(name)
    found = []
    for person in store.all(TABLE):
        other = name_key(person["name"])
        if other == key or is_near_name(key, other) or (len(key) > 3 and
                difflib.SequenceMatcher(None, key, other).ratio() >= 0.85):
            found.append(person)
    return found


def add_person(store: Store | Transaction, name: str, role: str, *, service: str = "",
               consent: str | None = None, prefers: Iterable[str] = ()) -> dict[str, Any]:
    """Add someone to the register. Callers check ``likely_duplicates`` first and ask."""
    stamp = now_iso()
    record: dict[str, Any] = {
        "name": clean_name(name),
        "role": parse_role(role),
        "service": service.strip(),
        "consent": ({"text": consent.strip(), "given_at": stamp}
                    if consent and consent.strip() else None),
        "prefers": parse_formats(prefers),
        "created_at": stamp,
        "updated_at": stamp,
    }
    record["id"] = store.insert(TABLE, record)
    return record


def all_people(store: Store, *, role: str | None = None,
               service: str | None = None) -> list[dict[str, Any]]:
    people = store.all(TABLE)
    if role:
        wanted = parse_role(role)
        people = [p for p in people if p["role"] == wanted]
    if service:
        people = [p for p in people if name_key(p.get("service", "")) == name_key(service)]
    return sorted(people, key=lambda p: name_key(p["name"]))


def matches(store: Store, ref: str) -> list[dict[str, Any]]:
    """People a reference could mean: a full id, an id start, or a name (any case)."""
    ref = ref.strip()
    people = store.all(TABLE)
    by_id = [p for p in people if p["id"] == ref]
    if by_id:
        return by_id
    key = name_key(ref)
    by_name = [p for p in people if name_key(p["name"]) == key]
    if by_name:
        return by_name
    if len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref.lower()):
        return [p for p in people if p["id"].startswith(ref.lower())]
    return []


def find_person(store: Store, ref: str) -> dict[str, Any]:
    """Exactly one person for ``ref``, or an error that says how to be more specific."""
    found = matches(store, ref)
    if len(found) == 1:
        return found[0]
    if not found:
        names = [p["name"] for p in store.all(TABLE)]
        close = difflib.get_close_matches(ref, names, n=3, cutoff=0.6)
        hint = ("Did you mean: " + ", ".join(close) + "?") if close else \
            "Run 'coprod people list' to see everyone, or 'coprod people add' to add them."
        raise NotFoundError(f"There is nobody called '{ref}' in the register.", hint=hint)
    options = ", ".join(f"{p['name']} ({short_id(p['id'])}, {ROLE_WORDS[p['role']]})"
                        for p in found)
    raise ValidationError(f"More than one person matches '{ref}': {options}.",
                          hint="Use the short id shown in brackets instead of the name.")


def edit_person(store: Store, ref: str, *, name: str | None = None, role: str | None = None,
                service: str | None = None, consent: str | None = None,
                prefers: Iterable[str] | None = None, add_interests: Iterable[str] = (),
                remove_interests: Iterable[str] = (), clear_interests: bool = False,
                available: Iterable[str] | None = None,
                pairing: str | None = None,
                benefits_advice: bool | None = None) -> dict[str, Any]:
    """Change what is given, in one write. Interests, availability and pairing are read by
    ``coprod_cli.peer.interests`` (peer support)."""
    from coprod_cli.peer.interests import profile_changes

    person = find_person(store, ref)
    changes: dict[str, Any] = profile_changes(person, add=add_interests,
                                              remove=remove_interests, clear=clear_interests,
                                              available=available, pairing=pairing)
    if name is not None:
        changes["name"] = clean_name(name)
    if role is not None:
        changes["role"] = parse_role(role)
    if service is not None:
        changes["service"] = service.strip()
    if consent is not None:
        changes["consent"] = ({"text": consent.strip(), "given_at": now_iso()}
                              if consent.strip() else None)
    if prefers is not None:
        changes["prefers"] = parse_formats(prefers)
    if benefits_advice is not None:
        changes["benefits_advice"] = benefits_advice
    if not changes:
        raise UsageError("Nothing to change.",
                         hint="Give at least one of --name, --role, --service, --consent, "
                              "--prefers, --interest, --no-interest, --clear-interests, "
                              "--available, --pairing, --benefits-advice.")
    changes["updated_at"] = now_iso()
    return store.update(TABLE, person["id"], changes)
