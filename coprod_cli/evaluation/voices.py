"""The report's voices: the last comments, with every registered person's name replaced by
their role.

A register holds hundreds of names, and one regular expression alternating all of them costs
tens of milliseconds to compile, more than the few hundred comments it is run on. So each
comment gets an alternation of only the names that could occur in it: a name can only match
(case-insensitively, as ``re.IGNORECASE`` compares, one character for one) where the comment's
characters fold to the name's characters one by one, so a plain substring test of the two
folded strings rules the rest out. The names kept stay in the same order (longest first), so
every comment is changed exactly as the alternation of all names would change it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from coprod_cli.people import register as people


def fold_char(char: str) -> str:
    """One character that every character ``re.IGNORECASE`` treats as equal to ``char``
    also folds to (checked over all of Unicode in ``tests/test_voices.py``): lowered,
    raised and lowered again ("ẞ", "ß" and "SS" all reach "s"), first character only."""
    return (char.lower().upper().lower() or char)[0]


class _Folds(dict[int, str]):
    """``str.translate`` table of :func:`fold_char`, filled as characters are met. Folding
    keeps the length, so a name can only match at a place where its folded form is a
    substring of the comment's."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLDS = _Folds()
_START = 3


def fold(text: str) -> str:
    """``text`` with every character folded (same length)."""
    return text.translate(_FOLDS)


class Anonymiser:
    """Replaces registered people's names in comments with ``[their role]``."""

    def __init__(self, registry: Iterable[dict[str, Any]]) -> None:
        roles: dict[str, str] = {}
        for person in registry:
            if len(person["name"]) >= 2:
                roles.setdefault(person["name"].casefold(),
                                 f"[{people.ROLE_WORDS[person['role']]}]")
        self.roles = roles
        # Longest first, so "Ana Jones" wins over "Ana"; among equal lengths, register order.
        self.names = [(name, fold(name)) for name in sorted(roles, key=len, reverse=True)]
        # An organisation registers tens of thousands: names by their first three folded
        # characters (two for a two-letter name), so a comment tests only the names that
        # start with one of its own three-character runs.
        self.starts: dict[str, list[int]] = {}
        for number, (_, key) in enumerate(self.names):
            self.starts.setdefault(key[:_START], []).append(number)
        self.lengths = sorted({len(start) for start in self.starts})
        self.patterns: dict[tuple[str, ...], re.Pattern[str]] = {}
        self.seen: dict[str, str] = {}

    def _replace(self, match: re.Match[str]) -> str:
        return self.roles.get(match.group(0).casefold(), "[someone]")

    def __call__(self, text: str) -> str:
        if text in self.seen:  # stock answers ("Everything", "Nothing") recur
            return self.seen[text]
        folded = fold(text)
        numbers: set[int] = set()
        for length in self.lengths:
            runs = {folded[at:at + length] for at in range(len(folded) - length + 1)}
            for start in runs & self.starts.keys():
                numbers.update(self.starts[start])
        names = tuple(name for name, key in map(self.names.__getitem__, sorted(numbers))
                      if key in folded)
        result = text
        if names:
            pattern = self.patterns.get(names)
            if pattern is None:
                pattern = self.patterns[names] = re.compile(
                    r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.IGNORECASE)
            result = pattern.sub(self._replace, text)
        self.seen[text] = result
        return result


def voices(comments: dict[str, list[str]], forms: int, registry: dict[str, dict[str, Any]],
           shown: int) -> dict[str, Any]:
    """The last ``shown`` comments of each kind, anonymised, and how many forms there were."""
    anonymise = Anonymiser(registry.values())
    out = {key: [anonymise(text) for text in kept[-shown:]] for key, kept in comments.items()}
    return {"forms": forms, **out}
