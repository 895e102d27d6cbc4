"""The questions behind ``meeting run``'s keys: a note, a decision and its reason, an action,
a declaration of interest, a vote, marking an open action done, a late arrival, a jump.

Split from ``meeting_screen`` to keep each module small. Typed after the key on one line
(``t the urn broke``) the words are used as they are; otherwise each part is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coprod_cli.cli.prompts import ask, ask_valid
from coprod_cli.errors import UsageError

if TYPE_CHECKING:
    from coprod_cli.cli.meeting_screen import MeetingScreen


def note(screen: MeetingScreen, rest: str) -> None:
    screen.engine.note(rest or ask("Note", default=""))
    screen.say("Note saved.")


def decision(screen: MeetingScreen, rest: str) -> None:
    what = rest or ask("What was decided", default="")
    if not what.strip():
        screen.say("Nothing was decided, so nothing was added.")
        return
    reason = ask("Why (the reason, for the minutes)", default="")
    made = screen.engine.decide(what, reason)
    screen.say("Decision saved." if made["quorate"] else
               "Decision saved, marked 'not quorate'.")


def action(screen: MeetingScreen, rest: str) -> None:
    what = rest or ask("What is the action", default="")
    if not what.strip():
        screen.say("No action given, so nothing was added.")
        return
    who = ask("Who will do it (name)", default="")
    if not who.strip():
        screen.say("An action needs someone to do it, so nothing was added.")
        return
    due = ask("By when (YYYY-MM-DD, or Enter for no date)", default="")
    made = screen.engine.action(what, who, due or None)
    screen.say(f"Action saved for {made['owner']}" + (f", by {made['due']}." if made["due"]
                                                       else "."))


def interest(screen: MeetingScreen, rest: str) -> None:
    who = rest or ask("Who is declaring an interest (name)", default="")
    if not who.strip():
        screen.say("Nobody named, so nothing was added.")
        return
    what = ask("What is the interest", default="")
    made = screen.engine.declare(who, what)
    screen.say(f"Declaration of interest saved for {made['name']}.")


def vote(screen: MeetingScreen, rest: str) -> None:
    """A vote on this item: the question, the options and how it is counted, then each
    member here gives their choice; the result is said and kept for the minutes."""
    from coprod_cli.meetings import vote_link

    if not vote_link.available():
        screen.say(vote_link.NOT_AVAILABLE + " Record the result as a decision (d) instead.")
        return
    question = rest or ask("What is the vote about (the question)", default="")
    if not question.strip():
        screen.say("No question, so no vote.")
        return
    options_text = ask("The options, split by commas (Enter for yes / no)", default="")
    options = [o.strip() for o in options_text.split(",") if o.strip()]
    method = "yes-no" if not options else ask(
        "How to count: majority (one X each), irv or stv (ranked)", default="majority")
    method = method.strip().lower()
    if method not in ("yes-no", "majority", "irv", "stv"):
        screen.say(f"'{method}' is not a way of counting here (majority, irv or stv), so no "
                   "vote was added.")
        return
    seats = 1
    if method == "stv":
        seats_text = ask("How many seats", default="1")
        if not seats_text.isdigit() or not 1 <= int(seats_text) < len(options):
            screen.say(f"Please give a number of seats from 1 to {len(options) - 1}; no vote "
                       "was added.")
            return
        seats = int(seats_text)
    ranked = method in ("irv", "stv")
    ballots: list[tuple[str | None, str]] = []
    here = [m for m in screen.engine.members() if m.person_id in {
        a["person_id"] for a in screen.engine.meeting.get("attendance", [])
        if a["status"] == "present"}]
    words = "order, best first, e.g. B>C>A" if ranked else \
        "vote (yes, no or abstain)" if method == "yes-no" else "choice"

    def parse(text: str) -> str:
        if text.strip():
            vote_link.check_ballot(method, options, text.strip())
        return text.strip()

    for member in here:
        choice = ask_valid(f"{member.name}'s {words} (Enter if they do not vote)", parse,
                           default="")
        if choice:
            ballots.append((member.person_id, choice))
    result = screen.engine.vote(question, options, method, ballots, seats=seats)
    screen.say(" ".join(result))  # one message, so a redrawn screen shows all of it


def done(screen: MeetingScreen, rest: str) -> None:
    carried = [a for a in screen.engine.open_actions() if a["status"] == "open"]
    everything = screen.engine.open_actions()
    if not carried:
        screen.say("There are no open actions from earlier meetings.")
        return
    number = rest or ask("Which open action is done (its number)", default="")
    if not number.strip().isdigit() or not 1 <= int(number) <= len(everything):
        raise UsageError(f"Please give an action's number from 1 to {len(everything)}; "
                         "nothing changed.")
    chosen = everything[int(number) - 1]
    if chosen["status"] == "done":
        raise UsageError(f"Action {number} is already done; nothing changed.")
    said = ask("A note on how it went (or Enter)", default="")
    screen.engine.action_done(chosen["id"], said)
    screen.say(f"Marked done: {chosen['what']}.")


def arrives(screen: MeetingScreen, rest: str) -> None:
    from coprod_cli.people.register import name_key

    name = rest or ask("Which member has arrived (name)", default="")
    found = [m for m in screen.engine.members() if name_key(m.name) == name_key(name)]
    if len(found) != 1:
        screen.say(f"{name or 'Nobody'} is not a member of this group, so nothing changed. "
                   "Guests are noted with t.")
        return
    quorum = screen.engine.arrives(found[0].person_id)
    screen.say(f"{found[0].name} is here. {quorum.sentence()}")


def jump(screen: MeetingScreen, rest: str) -> None:
    total = len(screen.engine.items)
    if not rest.strip().isdigit() or not 1 <= int(rest) <= total:
        rest = ask(f"Jump to which item (1 to {total})", default="")
    if rest.strip().isdigit() and 1 <= int(rest) <= total:
        screen.engine.jump(int(rest) - 1)
    else:
        screen.say(f"Please give an item number from 1 to {total}; nothing changed.")


def agenda(screen: MeetingScreen) -> None:
    from coprod_cli.cli.meeting_view import agenda_lines

    if screen.live:
        screen.console.clear()
    screen.heading("Agenda")
    for line in agenda_lines(screen.engine):
        screen.say(line)
    screen.say("Jump to an item with j and its number, e.g. j 5."
               + (" Any other key goes back to the item." if screen.live else ""))
    if screen.live:
        key, more = screen.reader.read()
        if key == "jump":
            jump(screen, more)
        screen.show_item()
