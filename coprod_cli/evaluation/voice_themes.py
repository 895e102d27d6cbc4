"""Comments grouped into themes, so a reader sees what people said most, not a long list.

A funder reading 300 "what went well" answers wants to know that most were about being
listened to and about the company, with a few words of each. Each comment goes into the first
theme whose words it contains (whole words or their start: "listen" finds "listened"); what
fits none is "Other things people said". The themes are plain words a co-production lead
would use, in the order they are checked (time first: "more time to talk" is about time);
counts are of comments, identical ones included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

OTHER = "Other things people said"
#: (theme, word starts that place a comment in it), checked in this order.
THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Time and pace",
     ("time", "longer", "shorter", "rush", "break", "pace", "start", "late", "early", "quick",
      "slow", "hour", "minute")),
    ("Being listened to and having a say",
     ("listen", "heard", "say", "said", "voice", "asked", "opinion", "view", "turn", "speak",
      "spoke", "talk", "share", "shared")),
    ("Company and feeling welcome",
     ("people", "friend", "welcom", "company", "together", "group", "met ", "meet", "social",
      "lonel", "belong", "part of", "kind", "laugh", "fun", "relax", "safe", "comfort")),
    ("Learning and activities",
     ("learn", "activit", "game", "card", "skill", "idea", "information", "exercise",
      "walk", "garden", "art", "music", "craft", "new ")),
    ("The room, food and comfort",
     ("room", "space", "tea", "coffee", "food", "biscuit", "cake", "lunch", "cold", "warm",
      "hot", "noise", "noisy", "chair", "venue", "quiet")),
    ("How it was run",
     ("facilitat", "led", "lead", "organis", "explain", "clear", "help", "support", "staff",
      "volunteer", "plan", "print", "handout", "agenda")),
    ("Getting there and taking part",
     ("transport", "bus", "travel", "access", "large print", "easy read", "hear", "wheelchair",
      "parking", "taxi", "step")),
)
_PATTERNS = tuple((name, re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w.strip())
                                                             for w in words) + r")",
                                    re.IGNORECASE))
                  for name, words in THEMES)


def theme_of(comment: str) -> str:
    for name, pattern in _PATTERNS:
        if pattern.search(comment):
            return name
    return OTHER


def by_theme(comments: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Themes with their comments, the most-mentioned theme first ("Other" always last)."""
    groups: dict[str, list[str]] = {}
    for comment in comments:
        groups.setdefault(theme_of(comment), []).append(comment)
    return sorted(groups.items(), key=lambda kv: (kv[0] == OTHER, -len(kv[1]), kv[0]))
