"""The run's looking keys (more, agenda, time, jump) and the private safeguarding note.

Split from ``run_screen`` to keep each module small; these take the screen and use only its
public helpers (``say``, ``show_step``, ``heading``) and its engine.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from coprod_cli.cli import context
from coprod_cli.cli.prompts import ask, ask_valid, confirm, typed_so_far
from coprod_cli.cli.show import question_prompt
from coprod_cli.cli.step_view import agenda_lines
from coprod_cli.people import register as people
from coprod_cli.sessions.concerns import record_concern
from coprod_cli.sessions.forms import parse_answer

if TYPE_CHECKING:
    from coprod_cli.cli.run_screen import RunScreen


def look(screen: RunScreen, action: str, rest: str) -> bool:
    """Keys that show or move without marking the step: more of it, the agenda, the
    time, or a jump to another step."""
    if action == "more":
        if screen.live and screen.page + 1 < screen.page_count:
            screen.show_step(screen.page + 1)
        else:
            screen.say("That is all of this step. Enter goes on to the next step.")
    elif action == "agenda":
        if screen.live:
            screen.console.clear()
        screen.heading("Agenda")
        for line in agenda_lines(screen.engine):
            screen.say(line)
        screen.say("Jump to a step with j and its number, e.g. j 4."
                   + (" Any other key goes back to the step." if screen.live else ""))
        if screen.live:
            key, more = screen.reader.read()
            if key == "jump":
                return look(screen, "jump", more)
            screen.show_step(screen.page)
    elif action == "time":
        screen.say(f"It is {screen.engine.clock():%H:%M}. {screen.status_line()}")
    else:
        total = len(screen.engine.session.steps)
        if not rest.strip().isdigit() or not 1 <= int(rest) <= total:
            rest = ask(f"Jump to which step (1 to {total})", default="")
        if rest.strip().isdigit() and 1 <= int(rest) <= total:
            screen.engine.jump(int(rest) - 1)
            screen.show_step()
        else:
            screen.say(f"Please give a step number from 1 to {total}; nothing changed.")
    return True

def concern(screen: RunScreen, what: str) -> None:
    """A private safeguarding concern: saved at once, outside the run's notes."""
    what = what or ask("What did you notice (kept private: never in the notes, a report "
                       "or a bundle)", default="")
    if not what.strip():
        screen.say("Nothing was recorded.")
        return
    who = ask("Who is it about (name, or Enter to leave the name out)", default="")
    person_id = None
    if who:
        found = people.matches(screen.store, who)
        if len(found) == 1:
            person_id = found[0]["id"]
        else:
            what = f"{what} (about: {who})"
            screen.say(f"{who} is not one person on the register, so the name is kept in "
                     "the concern's words.")
    engine = screen.engine
    record_concern(screen.store, engine.id, what, person_id=person_id,
                   step=engine.step_index if engine.phase == "steps" else None)
    screen.say("Concern recorded privately for follow-up. See it with: coprod session "
             "concerns")



CONSENT_QUESTIONS = (
    ("register", "Can we keep your name on our list of people who come?"),
    ("feedback in reports", "Can we use what you say on feedback forms in our reports, "
                            "without your name?"),
    ("named in credits", "Can we put your name in the thank-yous for what we make together?"),
)


def ask_consent(screen: RunScreen, person: dict[str, Any]) -> dict[str, Any]:
    """Someone new at the door: ask once, in plain words, what they agree to, and record it
    with the date. Declining still lets them take part: they are kept as an anonymous
    attendee, who counts in reach but is not named anywhere. Scripted runs (no terminal)
    are not asked; their consent stays 'not recorded' until 'coprod people edit'."""
    if not context.stdin_is_terminal():
        return person
    screen.say(f"{person['name']} is new. Please ask them:")
    answers = {key: confirm(f"  {question}", default=True) for key, question in
               CONSENT_QUESTIONS}
    if not answers["register"]:
        number = sum(1 for p in people.all_people(screen.store)
                     if p["name"].startswith("Anonymous attendee")) + 1
        screen.say(f"That is fine. They take part as Anonymous attendee {number}: counted, "
                   "never named.")
        return {**person, "name": f"Anonymous attendee {number}",
                "consent": "not on the register by name; counted in reach only"}
    agreed = [key for key, yes in answers.items() if yes]
    refused = [key for key, yes in answers.items() if not yes]
    text = "agreed to: " + ", ".join(agreed) + (
        "; did not agree to: " + ", ".join(refused) if refused else "")
    return {**person, "consent": text}


_SKIP, _PAPER = "\x00skip", "\x00paper"


def _first_answer(parse: Any, text: str) -> Any:
    """The first question also takes s (skip this person) and p (paper for the rest)."""
    key = text.strip().lower()
    if key in ("s", "skip"):
        return _SKIP
    if key in ("p", "paper"):
        return _PAPER
    return parse(text)


def ask_feedback(screen: RunScreen, person_id: str) -> None:
    name = people.find_person(screen.store, person_id)["name"]
    screen.say("")
    screen.say(f"Feedback from {name} (press Enter to skip any question; at the first "
             "one, s skips this person and p moves everyone left to paper forms).",
             style="bold")
    answers: dict[str, Any] = {}
    for number, question in enumerate(screen.form.questions):
        parse = partial(parse_answer, question)
        if number == 0:
            parse = partial(_first_answer, parse)
        answers[question.id] = ask_valid(question_prompt(question), parse, default="")
        if answers[question.id] in (_SKIP, _PAPER):
            break
    choice = answers.get(screen.form.questions[0].id)
    if choice == _PAPER:
        screen.engine.set_feedback_mode("later")
        screen.say(f"Paper forms for everyone left. Type them in later with: coprod eval "
                 f"record {screen.engine.id}")
        return
    if choice == _SKIP:
        answers = {q.id: None for q in screen.form.questions}
    screen.engine.record_feedback(person_id, screen.form.id, screen.form.version, answers)
    if all(v is None for v in answers.values()):
        screen.say(f"No form from {name}: nothing was answered, so nothing is counted.")


def ask_note(screen: RunScreen) -> str:
    """Ctrl-C while typing a note keeps what was typed, then stops as Ctrl-C does."""
    try:
        return ask("Note", default="")
    except KeyboardInterrupt:
        if half := typed_so_far():
            screen.engine.note(half)
            screen.say("")
            screen.say("The note was saved as far as it was typed.")
        raise
