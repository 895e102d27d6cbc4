"""The terminal face of a run: asks, shows and reacts; the engine decides and saves.

Each phase is a method that can be entered fresh or on resume, skipping whatever the stored
run says is already done, so a killed terminal picks up at the same question or step. In the
closing phase the engine says what comes next and whose turn it is (``closing_task``); the
screen only asks and shows.
"""

from __future__ import annotations

import sys
from functools import partial
from typing import Any

from coprod_cli.cli.context import state, stdin_is_terminal
from coprod_cli.cli.keys import HELP_LINES, KeyReader
from coprod_cli.cli.prompts import ask, ask_valid, confirm
from coprod_cli.cli.show import indent, minutes_text
from coprod_cli.errors import CoprodError, NoTerminalError, UsageError
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import Form, Measure, parse_item
from coprod_cli.sessions.runner import ClosingKind, FeedbackMode, RunEngine, When


def clock_text(seconds: float) -> str:
    from coprod_cli.cli.step_view import clock_text as text

    return text(seconds)


def split_role(text: str) -> tuple[str, str | None]:
    """``"Jo:volunteer"`` -> ``("Jo", "volunteer")``; a name alone has no role."""
    name, sep, role = text.rpartition(":")
    if sep and name.strip():
        try:
            return name.strip(), people.parse_role(role)
        except UsageError:
            pass
    return text.strip(), None


class RunScreen:
    def __init__(self, engine: RunEngine, form: Form, measure: Measure | None) -> None:
        self.engine = engine
        self.store = engine.store
        self.form = form
        self.measure = measure
        self.plain = state().plain
        self.console = state().console()
        self.reader = KeyReader(interactive=stdin_is_terminal() and not self.plain)
        self.live = self.reader.interactive
        self.bell = False  # --bell: ring once when a step's time is up
        self.last_said = ""  # shown under the step after a redraw, so the header stays
        self.page = 0
        self.page_count = 1
        self.over_shown = False

    # -- small helpers -------------------------------------------------------------------
    def say(self, text: str = "", style: str | None = None) -> None:
        if text.strip():
            self.last_said = text.strip()
        self.console.print(text, style=None if self.plain else style, markup=False,
                           highlight=False)

    def block(self, text: str) -> None:
        """Indented text whose wrapped lines stay indented (plain mode: no wrapping at all)."""
        if self.plain:
            self.say(indent(text))
            return
        from rich.padding import Padding
        from rich.text import Text

        self.console.print(Padding(Text(text.strip()), (0, 0, 0, 2)))

    def heading(self, text: str) -> None:
        self.say("")
        self.say(text if not self.plain else f"== {text} ==", style="bold")

    def pick_person(self, text: str, *, default_role: str, flag: str,
                    door: bool = False) -> dict[str, Any]:
        """Someone from the register, or someone new added on the spot (asking their role)."""
        name, role = split_role(text)
        found = people.matches(self.store, name)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            self.say(f"More than one person is called {name}:")
            for number, person in enumerate(found, start=1):
                self.say(f"  {number}. {person['name']} ({people.ROLE_WORDS[person['role']]}"
                         f"{', ' + person['service'] if person['service'] else ''})")

            def choose(answer: str) -> dict[str, Any]:
                if answer.isdigit() and 1 <= int(answer) <= len(found):
                    return found[int(answer) - 1]
                raise UsageError(f"Please type a number from 1 to {len(found)}.")

            return ask_valid("Which one (number)", choose, flag=flag)
        name = people.clean_name(name)  # an empty or over-long name is refused before the role
        near = people.likely_duplicates(self.store, name)
        for person in near:
            bits = ", ".join(b for b in (people.ROLE_WORDS[person["role"]], person["service"])
                             if b)
            if confirm(f"{name} is not on the register. Is this {person['name']} ({bits})?",
                       default=False, flag=flag):
                return person
        if role is None:
            role = ask_valid(f"{name} is new. Role: staff, volunteer, "
                             "person-using-services, carer or other", people.parse_role,
                             flag=flag, default=default_role)
        # Not saved yet: the engine adds them to the register together with the run.
        from coprod_cli.cli.run_extras import ask_consent

        new = {"name": name, "role": people.parse_role(role)}
        return ask_consent(self, new) if door else new

    def added(self, person: dict[str, Any], new: bool) -> None:
        if new:
            self.say(f"Added {person['name']} ({people.ROLE_WORDS[person['role']]}) to the "
                     "people register.")

    # -- register ------------------------------------------------------------------------
    def facilitators(self, lead: str | None, co_facilitators: list[str]) -> None:
        if any(f["as"] == "lead" for f in self.engine.run["facilitators"]):
            return
        self.heading("Facilitators")
        lead_text = lead or ask("Who is leading today (name)", flag="--lead")
        while not lead_text:
            lead_text = ask("Who is leading today (name)", flag="--lead")
        person = self.pick_person(lead_text, default_role="staff", flag="--lead")
        new = "id" not in person
        self.engine.add_facilitator(person, "lead")
        self.added(person, new)
        for name in co_facilitators:
            self.add_co_facilitator(name)
        if not co_facilitators and lead is None:
            while answer := ask("Co-facilitator (name, or Enter for none/no more)",
                                flag="--co-facilitator", default=""):
                self.add_co_facilitator(answer)

    def add_co_facilitator(self, name: str) -> None:
        person = self.pick_person(name, default_role="person-using-services",
                                  flag="--co-facilitator")
        new = "id" not in person
        self.engine.add_facilitator(person, "co-facilitator")
        self.added(person, new)
        if person["role"] == "person-using-services":
            self.say(f"{person['name']} co-facilitates with lived experience.")

    def register(self, attendees: list[str]) -> None:
        self.heading("Register")
        for name in attendees:
            self.add_one(name)
        if not attendees:
            self.say("Type each person's name as they arrive. Press Enter when everyone is "
                     "here.")
            while True:
                answer = ask("Name", flag="--attendee", default="")
                if not answer:
                    if self.engine.present():
                        break
                    self.say("A session needs at least one attendee. Please add someone.")
                    continue
                self.add_one(answer)
        self.say(f"{len(self.engine.present())} on the register.")

    def add_one(self, name: str) -> None:
        try:
            person = self.pick_person(name, default_role="person-using-services",
                                      flag="--attendee", door=True)
            new = "id" not in person
            self.engine.add_attendee(person)
            self.added(person, new)
            self.say(f"  {person['name']} is here" + (" (arrived late)." if
                                                     self.engine.phase != "register" else "."))
        except NoTerminalError:
            raise
        except UsageError as exc:
            self.say(f"  {exc.message}")

    # -- measures ------------------------------------------------------------------------
    def measure_round(self, when: When) -> None:
        """Everyone the engine says is still to answer the measure (the check-in)."""
        waiting = self.engine.awaiting_measure(when)
        if not waiting:
            return
        self.measure_heading(when)
        for row in waiting:
            self.ask_measure(row["person_id"], when)

    def measure_heading(self, when: When) -> None:
        assert self.measure is not None  # the engine only asks for a measure the run has
        self.heading(f"{'Check-in' if when == 'before' else 'Check-out'}: {self.measure.title}")
        if self.measure.intro:
            self.say(self.measure.intro)

    def ask_measure(self, person_id: str, when: When) -> None:
        assert self.measure is not None
        name = people.find_person(self.store, person_id)["name"]
        if not confirm(f"Would {name} like to answer?", default=True, flag="--measure none"):
            self.engine.record_measure(person_id, self.measure.id, when,  # declined
                                       {i.id: None for i in self.measure.items})
            return
        answers: dict[str, int | None] = {}
        for item in self.measure.items:
            scale = f"{item.min} to {item.max}"
            answers[item.id] = ask_valid(f"{item.text} ({scale}, Enter to skip)",
                                         partial(parse_item, item), default="")
        self.engine.record_measure(person_id, self.measure.id, when, answers)

    # -- steps ---------------------------------------------------------------------------
    def show_keys(self) -> None:
        if self.plain or not self.live:
            self.say("Commands: " + "; ".join(f"{k}: {v}" for k, v in HELP_LINES) + ".")
        else:
            for key, words in HELP_LINES:
                self.say(f"  {key:<11} {words}")

    def status_line(self) -> str:
        from coprod_cli.cli.step_view import time_lines

        return " ".join(time_lines(self.engine, self.engine.clock()))

    def _header(self) -> list[str]:
        """Step n of N, title, who leads by name, and the time: what must never scroll away."""
        from coprod_cli.cli.step_view import facilitator_names, led_by, time_lines

        step = self.engine.session.steps[self.engine.step_index]
        view = self.engine.view()
        names = facilitator_names(self.engine)
        return [f"Step {view.number} of {view.total}: {step.title}",
                f"Led by: {led_by(step.lead, names)}. Planned: {step.minutes} min.",
                *time_lines(self.engine, self.engine.clock())]

    def show_step(self, page: int = 0, message: str = "") -> None:
        from coprod_cli.cli.step_view import body_lines, facilitator_names, fit, pages

        step = self.engine.session.steps[self.engine.step_index]
        header = self._header()
        width = self.console.width
        lines = body_lines(self.engine, step, facilitator_names(self.engine), width)
        if not self.live:
            self.heading(header[0])
            for line in header[1:]:
                self.say(line)
            self.say("")
            for line in lines:
                self.say(line)
            return
        # A fixed header at the top, the body paged to the rows left, keys at the bottom.
        book = pages(lines, self.console.height - len(header) - 5)
        self.page = min(page, len(book) - 1)
        self.page_count = len(book)
        self.console.clear()
        for number, line in enumerate(header):
            self.say(fit(line, width), style="bold" if number == 0 else None)
        self.say("─" * min(width - 1, 60))
        for line in book[self.page]:
            self.say(line)
        self.say(fit(message, width) if message else "")
        more = "" if len(book) == 1 else f"Page {self.page + 1} of {len(book)}" + (
            ": space for more. " if self.page + 1 < len(book) else ", the last. ")
        self.say(fit(more + "Enter next, v agenda, t note, g concern, ? keys", width),
                 style="dim")
        self.over_shown = False

    def _tick(self) -> None:
        """Redraw the header's time lines in place (rows 3 and 4), and ring once at zero."""
        from coprod_cli.cli.step_view import fit, time_lines
        from coprod_cli.escape import terminal_safe

        self.engine.refresh()  # still here; raises at once if another window took the run
        lines = time_lines(self.engine, self.engine.clock())
        view = self.engine.view()
        if self.bell and not self.over_shown and view.step_seconds >= view.planned_seconds:
            sys.stdout.write("\a")
            self.over_shown = True
        # written past the console, so cleaned here: only our own cursor codes reach the screen
        text = "".join(f"\x1b[{row};1H{fit(terminal_safe(line, one_line=True), self.console.width)}"
                       "\x1b[K" for row, line in enumerate(lines, start=3))
        sys.stdout.write("\x1b7" + text + "\x1b8")
        sys.stdout.flush()

    def steps(self) -> bool:
        """The step loop. Returns False when the facilitator chose to save and quit."""
        from coprod_cli.cli.step_view import before_step_one

        if self.engine.phase == "register":
            self.heading(f"Before step 1: {self.engine.session.title}")
            for line in before_step_one(self.engine):
                self.say(line)
            if self.live:
                ask("Press Enter to start step 1", default="")
            self.engine.begin_steps()
        self.show_step()
        if not self.live:
            self.show_keys()
        while self.engine.phase == "steps":
            try:
                action, rest = self.reader.read(self._tick if self.live else None)
            except EOFError:
                raise NoTerminalError(
                    "The input ended before the session did. Everything so far is saved.",
                    hint=f"Carry on with: coprod session resume {self.engine.id}") from None
            if self.live:
                self.say("")
            self.last_said = ""
            if not self.act(action, rest):
                return False
            if self.live and self.engine.phase == "steps" and action not in (
                    "next", "skip", "back", "jump", "more", "agenda"):
                self.show_step(self.page, message=self.last_said)  # the header stays put
        return True

    def act(self, action: str | None, rest: str) -> bool:
        """Do one command; False means save and quit."""
        engine = self.engine
        try:
            if engine.run["paused_at"] and action != "quit":
                engine.resume()  # while paused, any key only carries on
                self.say("Carrying on. The clock is running again.")
                self.say(self.status_line())
                return True
            if action == "next":
                engine.next()
            elif action == "skip":
                engine.skip()
                self.say("Skipped that step.")
            elif action == "back":
                engine.back()
            elif action == "note":
                from coprod_cli.cli.run_extras import ask_note

                engine.note(rest or ask_note(self))
                self.say("Note saved.")
                return True
            elif action == "add":
                self.add_one(rest or ask("Who has arrived (name)", default=""))
                return True
            elif action in ("more", "agenda", "jump", "time"):
                return self.look(action, rest)
            elif action == "concern":
                self.concern(rest)
                return True
            elif action == "leave":
                self.leave(rest)
                return True
            elif action == "pause":
                engine.pause()
                self.say("Paused. The clock has stopped. Press any key (or type r) to carry on.")
                return True
            elif action == "end":
                if confirm("End the session now and go to the evaluation?", default=False):
                    reason = ask("Why is it ending early (optional)", default="")
                    engine.end_early(reason)
                    self.say("Ending early. Everything is saved.")
                return True
            elif action == "quit":
                return False
            elif action == "help":
                self.show_keys()
                return True
            elif action == "resume":
                self.say("The clock is already running.")
                return True
            else:
                self.say(f"'{rest}' is not a key here. Press ? to see the keys.")
                return True
        except UsageError as exc:
            self.say(exc.message)
            return True
        if engine.phase == "steps":
            self.show_step()
        return True

    def watch(self) -> None:
        """Follow the run read-only (another window holds it); see ``run_watch``."""
        from coprod_cli.cli.run_watch import watch

        watch(self)

    def look(self, action: str, rest: str) -> bool:
        from coprod_cli.cli.run_extras import look

        return look(self, action, rest)

    def concern(self, what: str) -> None:
        from coprod_cli.cli.run_extras import concern

        concern(self, what)

    def leave(self, name: str) -> None:
        present = self.engine.present()
        names = {row["person_id"]: people.find_person(self.store, row["person_id"])["name"]
                 for row in present}
        if not name:
            self.say("Here now: " + ", ".join(names.values()) + ".")
            name = ask("Who is leaving (name)", default="")
        key = people.name_key(name)
        match = [pid for pid, n in names.items() if people.name_key(n) == key]
        if len(match) != 1:
            self.say(f"{name or 'Nobody'} is not on today's register, so nothing changed.")
            return
        self.engine.person_leaves(match[0])
        self.say(f"{names[match[0]]} has left. Thank you for coming.")

    # -- closing -------------------------------------------------------------------------
    def closing(self, feedback: str | None) -> None:
        """Ask for whatever the engine says comes next until it says the run can finish; a
        heading is shown once for each part (feedback forms, check-out, reflection)."""
        engine = self.engine
        self.heading("Closing")
        if engine.run["ended_early"]:
            self.say("The session ended early.")
        task = engine.closing_task()
        if task.kind == "feedback_mode":
            chosen = feedback or engine.run.get("feedback_planned")
            engine.set_feedback_mode(_feedback_mode(chosen) if chosen else ask_valid(
                "Peer evaluation: fill it in now, or later from paper forms (now/later)",
                _feedback_mode, flag="--feedback", default="now"))
            task = engine.closing_task()
        if engine.run["feedback_mode"] == "later":
            self.say(f"Feedback will be typed in later: coprod eval record {engine.id}")
        shown: ClosingKind | None = None
        while task.kind != "finish":
            if task.kind != shown:
                self.closing_heading(task.kind)
                shown = task.kind
            if task.kind == "feedback" and task.person_id is not None:
                self.ask_feedback(task.person_id)
            elif task.kind == "measure" and task.person_id is not None:
                self.ask_measure(task.person_id, "after")
            elif task.kind == "reflection":
                went_well = ask("What went well today", default="")
                better = ask("What could be better next time", default="")
                engine.reflect(went_well, better)
            else:  # nothing this screen knows how to ask: never loop on it
                raise CoprodError(f"The run is waiting for '{task.kind}', which this screen "
                                  "cannot ask for. Everything so far is saved.")
            task = engine.closing_task()
        engine.finish()

    def closing_heading(self, kind: ClosingKind) -> None:
        if kind == "feedback":
            self.heading(self.form.title)
            if self.form.intro:
                self.say(self.form.intro)
        elif kind == "measure":
            self.measure_heading("after")
        elif kind == "reflection":
            self.heading("Facilitators' reflection")

    def ask_feedback(self, person_id: str) -> None:
        from coprod_cli.cli.run_extras import ask_feedback

        ask_feedback(self, person_id)

    # -- summary -------------------------------------------------------------------------
    def summary(self) -> None:
        s = self.engine.summary()
        self.heading(f"Summary: {s['session']}")
        early = " (ended early)" if s["ended_early"] else ""
        actual = s["actual_minutes"]
        spent = minutes_text(int(round(actual))) if actual >= 1 else "less than a minute"
        self.say(f"Time: {spent} against a plan of "
                 f"{minutes_text(s['planned_minutes'])}{early}.")
        self.say(f"Steps: {s['steps_done']} of {s['step_count']} done"
                 + (f", {s['steps_skipped']} skipped" if s["steps_skipped"] else "") + ".")
        roles = ", ".join(people.role_count(n, r) for r, n in sorted(s["by_role"].items()))
        self.say(f"Attendance: {s['attendance']} ({roles})"
                 + (f"; {s['late']} arrived late" if s["late"] else "")
                 + (f"; {s['left_early']} left early" if s["left_early"] else "") + ".")
        lived = "yes" if s["co_facilitated_by_lived_experience"] else "no"
        self.say(f"Co-facilitated by someone with lived experience: {lived}.")
        if s["feedback_forms"]:
            parts = [f"{_short(q)} {v['mean']} out of 5 (n={v['n']})"
                     for q, v in s["ratings"].items()]
            count = s["feedback_forms"]
            self.say(f"Feedback: {count} form{'s' * (count != 1)}. " + "; ".join(parts) + ".")
            helpers = s["would_help_run"].get("yes", 0)
            if helpers:
                self.say(f"{helpers} would like to help run a session.")
        elif s["feedback_mode"] == "later":
            self.say(f"Feedback: to be entered later (coprod eval record {s['run_id']}).")
        self.say(f"Notes: {s['notes']}. Run id: {s['run_id']}.")


def _feedback_mode(text: str) -> FeedbackMode:
    low = text.strip().lower()
    if low in ("now", "n"):
        return "now"
    if low in ("later", "l", "paper"):
        return "later"
    raise CoprodError("Please answer now or later.")


def _short(question_id: str) -> str:
    return question_id.replace("_", " ").capitalize()
