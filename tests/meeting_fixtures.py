"""Shared set-up for the meeting tests: a committee of four with a chair and a co-chair, and
a planned meeting with its invitation details."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coprod_cli.store.database import Store

GROUP = "Making Days Committee"
DATE = "2027-01-12"
NEXT = "2027-02-09"


def store_of(home: Path) -> Store:
    return Store.open(home / "store")


def make_committee(cli: Any, *, with_members: bool = True) -> None:
    cli("people", "add", "Siân", "--role", "person-using-services", "--prefers", "easy-read")
    cli("people", "add", "Dai", "--role", "staff")
    cli("people", "add", "Łucja", "--role", "carer", "--prefers", "large-print")
    cli("people", "add", "Bryn", "--role", "volunteer")
    cli("group", "add", GROUP, "--kind", "committee")
    if with_members:
        cli("group", "join", GROUP, "Siân", "--office", "chair", "--from", "2026-01-01")
        cli("group", "join", GROUP, "Łucja", "--office", "co-chair", "--from", "2026-01-01")
        cli("group", "join", GROUP, "Dai", "--from", "2026-01-01")
        cli("group", "join", GROUP, "Bryn", "--from", "2026-01-01")


def plan(cli: Any, date: str = DATE) -> str:
    out = cli("meeting", "plan", GROUP, "--date", date, "--time", "14:00", "--place",
              "Beech House lounge", "--item", "Spring outings budget:20:Dai",
              "--item", "Our values:20:Siân",
              "--why", "We choose where the spring outings go.",
              "--travel", "Bus 22 stops outside.",
              "--access", "a BSL interpreter, a quiet room, large print",
              "--costs", "bus fares repaid, lunch provided").text
    return out.split("(mtg-")[1].split(")")[0].join(["mtg-", ""])


#: Members in register order (sorted by name): Bryn, Dai, Siân, Łucja.
ALL_HERE = "h\nh\nh\nh\n\n"
