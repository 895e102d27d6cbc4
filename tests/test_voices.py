"""Names in comments: each comment tries only the names that could occur in it, and the
result is the one the alternation of every registered name gives."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's own lower(), for the check
import re
import sys
from re import _casefix  # type: ignore[attr-defined]  # the cases re adds to lower()
from typing import Any

import pytest

from coprod_cli.evaluation.voices import Anonymiser, fold, fold_char, voices
from coprod_cli.people import register as people


def _all_names(registry: list[dict[str, Any]], text: str) -> str:
    """The plain way: one alternation of every name, longest first, run on every comment."""
    roles: dict[str, str] = {}
    for person in registry:
        if len(person["name"]) >= 2:
            roles.setdefault(person["name"].casefold(), f"[{people.ROLE_WORDS[person['role']]}]")
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(
        roles, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda m: roles.get(m.group(0).casefold(), "[someone]"), text)


def test_fold_is_coarser_than_ignorecase_everywhere() -> None:
    """Every character re.IGNORECASE treats as equal to another folds to the same one (its
    lowercase, and the extra cases re adds such as dotless i and long s), over all of
    Unicode; so no name that could match is ever left out. (``fold_char``, not ``fold``:
    filling the table with every character would keep a hundred megabytes in the tests.)"""
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code < 0xE000:
            continue
        lower = _sre.unicode_tolower(code)
        assert fold_char(chr(code)) == fold_char(chr(lower)), hex(code)
        for other in _casefix._EXTRA_CASES.get(lower, ()):
            assert fold_char(chr(other)) == fold_char(chr(code)), (hex(code), hex(other))
    assert fold("ẞtraße İ\u212a") == "strase ik"  # the same length: one for one


REGISTER = [{"name": n, "role": r} for n, r in [
    ("Ana", "carer"), ("Ana Jones", "volunteer"), ("<b>Bo</b>", "carer"),
    ("Siân Dŵr-Łukasz", "staff"), ("O'Neil", "carer"), ("İlkay", "volunteer"),
    ("Straße", "carer"), ("Kai", "staff"), ("A", "carer"), ("Sıla", "volunteer")]]

COMMENTS = ["Thanks to Ana's help", "Ana-Maria came", "ANA JONES and ana", "Banana bread",
            "Thanks <b>Bo</b> and siân dŵr-łukasz", "o'neil made tea", "ilkay and İLKAY",
            "STRAẞE straße strasse", "\u212aai (Kelvin K) led it", "sila and SILA", "A b",
            "Nobody", "", "Ana,Ana;Ana"]


@pytest.mark.parametrize("text", COMMENTS)
def test_same_as_the_alternation_of_every_name(text: str) -> None:
    assert Anonymiser(REGISTER)(text) == _all_names(REGISTER, text)


def test_a_name_joined_to_a_word_is_replaced() -> None:
    """A word check before the alternation let "Ana's" and "Ana-Maria" through untouched
    (the word is "ana's", not "ana"); the name itself is still a registered name."""
    out = voices({"went_well": ["Thanks to Ana's help", "Ana-Maria came"], "even_better": []},
                 2, {"1": {"name": "Ana", "role": "carer"}}, 200)
    assert out == {"forms": 2, "went_well": ["Thanks to [carer]'s help", "[carer]-Maria came"],
                   "even_better": []}


def test_only_the_last_comments_are_shown() -> None:
    out = voices({"went_well": [f"c{n}" for n in range(10)]}, 10, {}, 3)
    assert out == {"forms": 10, "went_well": ["c7", "c8", "c9"]}


def test_a_large_register_gives_the_same_as_the_alternation() -> None:
    """Thousands of names sharing their first letters (an organisation's register): the
    names tried are found by their first three folded letters, and nothing changes."""
    register = [{"name": name, "role": "carer"} for name in (
        [f"Al{n}" for n in range(2000)] + ["Al", "Ala", "Alan", "Alana", "ALAN JONES", "Łu",
                                          "Łucja", "ẞo", "Sofia Ó Briain", "Ó Briain"])]
    for text in ("Al7 and Al70 met Alan Jones; alana too", "Al1999!", "łucja, łu and Łukas",
                 "sso and ßo", "Sofia ó briain", "Al", "Ala-Al12"):
        assert Anonymiser(register)(text) == _all_names(register, text), text
