"""The ``coprod eval record`` conversation: paper forms typed in one by one, each saved at once.

Kept out of ``cli/eval.py`` so the record flow (asking about names, near matches, second
forms) does not crowd the summarise command.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import typer

from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import ask, ask_valid, confirm
from coprod_cli.errors import CoprodError, UsageError, ValidationError
from coprod_cli.evaluation import recording
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import Form
from coprod_cli.store.database import Store


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _say(text: str, **style: Any) -> None:
    state().console().print(text, markup=False, **style)


def _who(person: dict[str, Any]) -> str:
    bits = [people.ROLE_WORDS[person["role"]]]
    if person.get("service"):
        bits.append(person["service"])
    return f"{person['name']} ({', '.join(bits)})"


def _near(store: Store, name: str) -> list[dict[str, Any]]:
    return people.likely_duplicates(store, name)


def _unknown(store: Store, name: str) -> dict[str, Any] | None | str:
    """Someone not on the register: pick a near match, add them, record the form as
    anonymous, or type the name again (returned as the text "again")."""
    close = _near(store, name)
    _say(f"There is nobody called '{name}' in the register.")
    for number, person in enumerate(close, start=1):
        _say(f"  {number}) {_who(person)}")
    _say(f"  a) add {name} to the register")
    _say("  n) record this form as anonymous (no name)")
    _say("  r) type the name again")
    numbers = [str(n) for n in range(1, len(close) + 1)]

    def parse(text: str) -> str:
        key = text.strip().lower()
        if key in ("a", "n", "r", *numbers):
            return key
        raise UsageError("Please answer " + ", ".join([*numbers, "a", "n", "r"]) + ".")

    choice = ask_valid("Choose", parse)
    if choice == "n":
        return None
    if choice == "r":
        return "again"
    if choice == "a":
        role = ask_valid("Their role (staff, volunteer, person-using-services, carer, other)",
                         people.parse_role, default="person-using-services")
        person = people.add_person(store, name, role, service=state().settings().service)
        _say(f"Added {_who(person)} to the register (consent not recorded yet: "
             f"'coprod people edit {people.short_id(person['id'])} --consent ...').")
        person["_new"] = True
        return person
    return close[int(choice) - 1]


def _whose_form(store: Store, run: dict[str, Any]) -> str | None:
    """Ask until we know whose form this is (a person id), or that it is anonymous."""
    while True:
        text = ask("Whose form is it (name, or Enter if anonymous)", default="")
        if not text:
            return None
        found = people.matches(store, text)
        if len(found) > 1:
            _say(f"More than one person matches '{text}':")
            for person in found:
                _say(f"  {people.short_id(person['id'])}  {_who(person)}")
            _say("Type the short id instead.")
            continue
        picked = found[0] if found else _unknown(store, text)
        if picked is None:
            return None
        if isinstance(picked, str):
            continue
        if recording.has_form(store, run["id"], picked["id"]) and not confirm(
                f"{picked['name']} already has a form for this run. Type a second one?",
                default=False):
            continue
        if not picked.get("_new") and picked["id"] not in recording.people_at(store, run) \
                and not confirm(f"{picked['name']} is not on this run's register. Record "
                                "their form anyway?", default=False):
            continue
        return str(picked["id"])


def record_guided(store: Store, run: dict[str, Any], form: Form) -> None:
    """Forms one by one; each is saved as soon as its last question is answered."""
    from coprod_cli.cli.show import question_prompt
    from coprod_cli.sessions.forms import parse_answer

    before = len(recording.paper_forms(store, run["id"]))
    _say(f"Typing in forms for {run['session_title']} on {run['started_at'][:10]} "
         f"(run {run['id']}). Press Enter to skip any question. Each form is saved as soon "
         "as it is finished.")
    if before:
        _say(f"{_plural(before, 'form')} already saved for this run; carrying on with form "
             f"{before + 1}.")
    saved = 0
    try:
        while True:
            _say(f"Form {before + saved + 1}", style="bold")
            who = _whose_form(store, run)
            answers = {q.id: ask_valid(question_prompt(q), partial(parse_answer, q), default="")
                       for q in form.questions}
            try:
                recording.save_form(store, run["id"], form, who, answers)
            except ValidationError as exc:
                _say(exc.message)
            else:
                saved += 1
                _say(f"Saved form {before + saved}.")
            if not confirm("Another form?", default=True, flag="--from-csv"):
                break
    except KeyboardInterrupt:
        _stopped(run, saved)
        raise typer.Exit(130) from None
    except CoprodError:
        _stopped(run, saved)
        raise
    _say(f"Saved {_plural(saved, 'form')} for run {run['id']}"
         + (f" ({before + saved} in all)." if before else "."))


def _stopped(run: dict[str, Any], saved: int) -> None:
    _say(f"\nStopped. {_plural(saved, 'form')} saved this time, each kept; any form half "
         f"typed was not saved. Carry on with: coprod eval record {run['id']}")


def record_from_csv(store: Store, run: dict[str, Any], form: Form, path: Path) -> None:
    saved = recording.record_csv(store, run["id"], form, path)
    _say(f"Saved {_plural(saved, 'form')} for run {run['id']}.")
