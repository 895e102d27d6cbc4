"""Which picture goes beside an agenda item in easy read, chosen from its words.

Easy read needs a picture that means something beside every item. The standing items have
their own (a wave for welcome, a letter for apologies, ...); a group's own item is matched by
the words in its title ("budget" gets money, "values" a heart), and anything else gets the
group picture, which always fits a meeting. A statement's points (a poster of a group's
values) are matched the same way.
"""

from __future__ import annotations

from typing import Any

STANDING = {"welcome": "welcome", "apologies": "apologies", "declarations": "declaration",
            "last-minutes": "minutes", "aob": "other", "next-meeting": "calendar"}

#: (picture, words in a title that call for it), tried in order; the first match wins.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("welcome", ("welcome", "hello", "introduction")),
    ("apologies", ("apolog",)),
    ("declaration", ("declar", "interest")),
    ("minutes", ("minutes",)),
    ("actions", ("action",)),
    ("other", ("any other business", "aob")),
    ("calendar", ("date", "diary", "calendar", "next meeting", "plan the year")),
    ("vote", ("vote", "elect", "ballot", "nominat")),
    ("money", ("budget", "money", "fund", "grant", "cost", "spend", "£", "pay")),
    ("heart", ("value", "wellbeing", "care")),
    ("book", ("policy", "policies", "review", "report", "rules")),
    ("garden", ("garden", "plant", "allotment")),
    ("food", ("food", "lunch", "menu", "cook", "meal")),
    ("travel", ("travel", "bus", "trip", "transport", "outing")),
    ("home", ("home", "house", "housing", "building")),
    ("listen", ("listen", "hear")),
    ("turn", ("turn", "share")),
    ("lock", ("private", "confidential", "secret")),
    ("smile", ("kind", "respect", "happy", "fun")),
    ("help", ("help", "support")),
    ("speech", ("feedback", "survey", "voice", "complaint", "say", "speak", "talk")),
    ("job", ("job", "recruit", "staff", "interview")),
    ("idea", ("idea", "project", "new")),
    ("shield", ("safe", "safeguard", "risk")),
)
DEFAULT = "group"


def picture_for(item: dict[str, Any]) -> str:
    """The picture for an agenda item: its standing picture, a keyword match, or a group."""
    if item.get("standing") and item.get("key") in STANDING:
        return STANDING[item["key"]]
    return picture_for_words(str(item.get("title", "")))


def picture_for_words(text: str) -> str:
    words = text.casefold()
    for picture, keys in KEYWORDS:
        if any(key in words for key in keys):
            return picture
    return DEFAULT
