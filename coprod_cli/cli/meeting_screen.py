"""The terminal face of ``meeting run``: asks, shows and reacts; the meeting engine saves.

Built from the pieces ``session run`` uses (the key reader, prompts, the header that never
scrolls away, the ticking time lines, the piped one-word-a-line mode), so running a meeting
feels like running a session. Each phase can be entered fresh or on resume: the register is
taken once, and a resumed meeting opens at the item it stopped on.
"""

from __future__ import annotations

import sys
import textwrap

from coprod_cli.cli.context import state, stdin_is_terminal
from coprod_cli.cli.keys import KeyReader
from coprod_cli.cli.meeting_view import HELP_LINES, parse_meeting_command
from coprod_cli.cli.prompts import ask, ask_valid, confirm
from coprod_cli.errors import CoprodError, NoTerminalError, UsageError
from coprod_cli.meetings.engine import MeetingEngine


def _presence(text: str) -> str:
    low = text.strip().lower()
    if low in ("h", "here", "y", "yes", "p", "present"):
        return "present"
    if low in ("a", "apologies", "apology", "sorry"):
        return "apologies"
    if low in ("n", "no", "x", "absent", "not here"):
        return "absent"
    raise UsageError("Please answer h (here), a (apologies) or n (not here).")


class MeetingScreen:
    def __init__(self, engine: MeetingEngine) -> None:
        self.engine = engine
        self.store = engine.store
        self.plain = state().plain
        self.console = state().console()
        self.reader = KeyReader(interactive=stdin_is_terminal() and not self.plain,
                                parse=parse_meeting_command)
        self.live = self.reader.interactive
        self.last_said = ""

    # -- small helpers -------------------------------------------------------------------
    def say(self, text: str = "", style: str | None = None) -> None:
        if text.strip():
            self.last_said = text.strip()
        self.console.print(text, style=None if self.plain else style, markup=False,
                           highlight=False)

    def heading(self, text: str) -> None:
        self.say("")
        self.say(text if not self.plain else f"== {text} ==", style="bold")

    # -- attendance ----------------------------------------------------------------------
    def attendance(self, apologies: list[str], guests: list[str]) -> None:
        from coprod_cli.people.register import name_key

        members = self.engine.members()
        self.heading("Who is here")
        self.say(f"{len(members)} members. For each: h here, a apologies, n not here.")
        sent = {name_key(n) for n in apologies}
        present: list[str] = []
        sorry: list[str] = []
        for member in members:
            if name_key(member.name) in sent:
                status = "apologies"
                self.say(f"{member.name}: apologies.")
            else:
                status = ask_valid(f"{member.name}", _presence, default="h",
                                   flag="--apologies")
            (present if status == "present" else sorry if status == "apologies"
             else []).append(member.person_id)
        names = list(guests)
        if not guests:
            while answer := ask("A guest (name, or Enter for none/no more)", default="",
                                flag="--guest"):
                names.append(answer)
        quorum = self.engine.begin(present, sorry, names)
        self.say(quorum.sentence(), style=None if quorum.met else "bold")

    # -- items ---------------------------------------------------------------------------
    def show_keys(self) -> None:
        if self.plain or not self.live:
            self.say("Commands: " + "; ".join(f"{k}: {v}" for k, v in HELP_LINES) + ".")
        else:
            for key, words in HELP_LINES:
                self.say(f"  {key:<11} {words}")

    def help_screen(self) -> None:
        """The keys; in a terminal on a screen of their own until any key is pressed."""
        if not self.live:
            self.show_keys()
            return
        self.console.clear()
        self.say("Keys", style="bold")
        self.show_keys()
        self.say("Any key goes back to the item.", style="dim")
        self.reader.read()
        self.last_said = ""

    def status_line(self) -> str:
        from coprod_cli.cli.meeting_view import time_lines

        return " ".join(time_lines(self.engine, self.engine.clock()))

    def show_item(self, message: str = "") -> None:
        from coprod_cli.cli.meeting_view import header, recorded_lines
        from coprod_cli.cli.step_view import fit, pages

        head = header(self.engine, self.engine.clock())
        width = self.console.width
        lines = recorded_lines(self.engine, width)
        if not self.live:
            self.heading(head[0])
            for line in head[1:]:
                self.say(line)
            for line in lines:
                self.say(line)
            return
        self.console.clear()
        for number, line in enumerate(head):
            self.say(fit(line, width), style="bold" if number == 0 else None)
        self.say("─" * min(width - 1, 60))
        room = self.console.height - len(head) - 5
        page = pages(lines, room)
        for line in page[-1] if len(page) > 1 else page[0]:  # the latest of a long item
            self.say(line)
        # what was just said wraps (a quorum sentence is never cut); the header is cut
        for line in textwrap.wrap(message, max(width - 1, 20))[:4] if message else [""]:
            self.say(line)
        self.say(fit("Enter next, t note, d decision, a action, V vote, ? keys", width),
                 style="dim")

    def _tick(self) -> None:
        """Redraw the header's time lines in place (rows 3 to 5)."""
        from coprod_cli.cli.meeting_view import time_lines
        from coprod_cli.cli.step_view import fit
        from coprod_cli.escape import terminal_safe

        lines = time_lines(self.engine, self.engine.clock())
        text = "".join(f"\x1b[{row};1H{fit(terminal_safe(line, one_line=True), self.console.width)}"
                       "\x1b[K" for row, line in enumerate(lines, start=3))
        sys.stdout.write("\x1b7" + text + "\x1b8")
        sys.stdout.flush()

    def arrive_at_item(self) -> None:
        """What an item offers as it starts: the last minutes to approve, on that item."""
        if self.engine.item["key"] != "last-minutes":
            return
        earlier = self.engine.previous()
        if earlier is None or earlier["status"] != "finished" or earlier.get("approval"):
            return
        from coprod_cli.meetings.papers import human_date

        if not confirm(f"Are the minutes of the meeting on {human_date(earlier['date'])} "
                       "agreed as a true record?", default=True, flag="coprod meeting approve"):
            self.say("The last minutes stay a draft. Approve them later with: coprod meeting "
                     f"approve {earlier['id']} --at {self.engine.id} --proposed-by NAME")
            return
        proposed = ask("Proposed by (name)", default="")
        if not proposed:
            self.say("Nobody proposed them, so they stay a draft.")
            return
        seconded = ask("Seconded by (name, or Enter for none)", default="")
        try:
            self.engine.approve_previous(proposed, seconded or None)
            self.say(f"The minutes of {earlier['date']} are approved.")
        except CoprodError as exc:
            self.say(exc.message)

    def items(self) -> bool:
        """The item loop. False when the chair chose to save and stop."""
        self.arrive_at_item()
        self.show_item(self.last_said)
        if not self.live:
            self.show_keys()
        while self.engine.phase == "items":
            try:
                action, rest = self.reader.read(self._tick if self.live else None)
            except EOFError:
                raise NoTerminalError(
                    "The input ended before the meeting did. Everything so far is saved.",
                    hint=f"Carry on with: coprod meeting run {self.engine.id}") from None
            if self.live:
                self.say("")
            self.last_said = ""
            before = self.engine.item_index
            if not self.act(action, rest):
                return False
            if self.engine.phase != "items":
                break
            if self.engine.item_index != before:
                self.arrive_at_item()
                self.show_item(self.last_said)
            elif self.live and action not in ("agenda",):
                self.show_item(self.last_said)
        return True

    def act(self, action: str | None, rest: str) -> bool:
        """Do one command; False means save and stop."""
        from coprod_cli.cli import meeting_asks

        engine = self.engine
        try:
            if engine.run.get("paused_at") and action != "quit":
                engine.resume()
                self.say("Carrying on. The clock is running again.")
                return True
            if action == "next":
                engine.next()
            elif action == "skip":
                engine.skip()
                self.say("Skipped that item.")
            elif action == "back":
                engine.back()
            elif action == "jump":
                meeting_asks.jump(self, rest)
            elif action == "agenda":
                meeting_asks.agenda(self)
            elif action == "time":
                self.say(f"It is {engine.clock():%H:%M}. {self.status_line()}")
            elif action == "pause":
                engine.pause()
                self.say("Paused. The clock has stopped. Press any key (or type r) to carry on.")
            elif action == "resume":
                self.say("The clock is already running.")
            elif action in ("note", "decision", "action", "interest", "vote", "done",
                            "arrives"):
                getattr(meeting_asks, action)(self, rest)
            elif action == "end":
                if confirm("End the meeting now? The items not reached are left out.",
                           default=False):
                    engine.finish()
            elif action == "quit":
                return False
            elif action == "help":
                self.help_screen()
            else:
                self.say(f"'{rest}' is not a key here. Press ? to see the keys.")
        except UsageError as exc:
            self.say(exc.message)
        except CoprodError as exc:
            if isinstance(exc, NoTerminalError):
                raise
            self.say(exc.message)
        return True

    def summary(self) -> None:
        meeting = self.engine.meeting
        self.heading("The meeting has finished")
        decisions = len(meeting.get("decisions", []))
        from coprod_cli.meetings.actions import made_at

        made = len(made_at(self.store, self.engine.id))
        from coprod_cli.meetings.vote_link import meeting_results

        notes = len(meeting.get("notes", []))
        votes = len(meeting_results(self.store, self.engine.id))
        self.say(f"{decisions} decision{'s' * (decisions != 1)}, {made} action"
                 f"{'s' * (made != 1)}, {votes} vote{'s' * (votes != 1)}, {notes} note"
                 f"{'s' * (notes != 1)}.")
        self.say(f"Print the minutes with: coprod meeting minutes {self.engine.id} --out "
                 "minutes.pdf")


def drive(screen: MeetingScreen, *, apologies: list[str], guests: list[str]) -> None:
    """Take a meeting from wherever it is to the end; Ctrl-C saves and exits 130."""
    import typer

    from coprod_cli.errors import ExitCode

    engine = screen.engine
    try:
        if engine.phase == "attendance":
            screen.attendance(apologies, guests)
        if engine.phase == "items" and not screen.items():
            screen.say(f"Saved. Carry on later with: coprod meeting run {engine.id}")
            return
        screen.summary()
    except KeyboardInterrupt:
        screen.say("")
        screen.say(f"Stopped. Everything so far is saved. Carry on with: coprod meeting run "
                   f"{engine.id}")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


