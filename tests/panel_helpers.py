"""Shared steps for the interview panel tests: a small register and question bank, a
planned panel, and a check that a refused command left the records byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

CONSENT_NAMED = "agreed to: register, feedback in reports, named in credits"
CONSENT_UNNAMED = "agreed to: register, feedback in reports; did not agree to: named in credits"


def store_bytes(home: Path) -> dict[str, bytes]:
    """Every file of the records, to show a refused command changed nothing."""
    root = home / "store"
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def refused(cli, home: Path, *args: str, code: int = 1, input: str | None = None  # noqa: A002
            ) -> str:  # noqa: ANN001
    before = store_bytes(home)
    result = cli(*args, code=code, input=input)
    assert store_bytes(home) == before, "a refused command changed the records"
    return " ".join(result.text.split())


def bank(cli) -> dict[str, str]:  # noqa: ANN001
    cli("people", "add", "Ceri", "--role", "person-using-services", "--consent", CONSENT_NAMED)
    cli("people", "add", "Dee", "--role", "person-using-services", "--consent",
        CONSENT_UNNAMED)
    cli("people", "add", "Sam", "--role", "staff")
    ids = {}
    for key, text, topic, by, good in (
            ("listen", "Tell us about a time you really listened to someone.", "values",
             "Ceri", "A real example; checks back what they heard"),
            ("no", "What would you do if someone said no to their support?", "scenario",
             "Dee", "Respects the no; asks why; keeps them safe"),
            ("skills", "Which of your skills would help here?", "skills", "Sam", "")):
        args = ["panel", "question", "add", text, "--topic", topic, "--by", by]
        out = cli(*args, *(["--good", good] if good else [])).text
        ids[key] = re.search(r"question (q-[0-9a-f]{6})", out).group(1)
    return ids


def plan(cli, ids: dict[str, str]) -> str:  # noqa: ANN001
    out = cli("panel", "plan", "--post", "Support worker", "--date", "2027-01-15",
              "--member", "Ceri", "--member", "Sam", "--question", ids["listen"],
              "--question", ids["no"], "--own", "What would you do on your first day?").text
    return re.search(r"Planned panel (p-[0-9a-f]{6})", out).group(1)
