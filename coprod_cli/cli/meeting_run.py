"""``coprod meeting run / resume``: running a group's meeting item by item, and carrying on."""

from __future__ import annotations

from typing import Annotated

import typer

from coprod_cli.cli.context import state

MEETING = Annotated[str, typer.Argument(metavar="MEETING", help="The meeting's id (or its "
                                        "date, when only one meeting is that day).")]
PLAIN = Annotated[bool, typer.Option("--plain", help="A linear transcript for screen "
                                     "readers: no redraws, no colour.")]


def _run(ref: str, *, apologies: list[str], guests: list[str], plain: bool,
         resuming: bool) -> None:
    from coprod_cli.cli.meeting_screen import MeetingScreen, drive
    from coprod_cli.cli.prompts import confirm
    from coprod_cli.errors import UsageError
    from coprod_cli.meetings.engine import MeetingEngine, check_can_run

    if plain:
        state().plain = True
    store = state().store()
    engine = MeetingEngine.load(store, ref)
    check_can_run(store, engine.meeting)
    screen = MeetingScreen(engine)
    if engine.phase == "items":
        where = f"item {engine.item_index + 1}, {engine.item['title']}"
        if not resuming and not confirm(
                f"This meeting was started and stopped at {where}. Carry on with it?",
                default=True, flag="coprod meeting resume"):
            screen.say("Nothing changed. Carry on later with: coprod meeting resume "
                       f"{engine.id}")
            return
        screen.say(f"Carrying on with the meeting on {engine.meeting['date']} at {where}.",
                   style="bold")
    elif resuming:
        raise UsageError(f"The meeting on {engine.meeting['date']} has not been started.",
                         hint=f"Start it with: coprod meeting run {engine.id}")
    else:
        from coprod_cli.groups.membership import find_group

        group = find_group(store, engine.meeting["group_id"])
        screen.say(f"{group['name']}: the meeting on {engine.meeting['date']} at "
                   f"{engine.meeting['time']}, {len(engine.items)} items. Id {engine.id}.",
                   style="bold")
    drive(screen, apologies=apologies, guests=guests)


def run(
    ref: MEETING,
    apologies: Annotated[list[str] | None, typer.Option(
        "--apologies", help="A member who sent apologies (name); repeat for each. The others "
                            "are asked about one by one.", show_default=False)] = None,
    guest: Annotated[list[str] | None, typer.Option(
        "--guest", help="A guest who is not a member (name); repeat for each.",
        show_default=False)] = None,
    plain: PLAIN = False,
) -> None:
    """Run a meeting: who is here (and the quorum), then item by item with timings.

    On any item press: t note, d decision (with its reason), a action (what, who, by when),
    i declaration of interest, V vote; Enter next, s skip, v agenda, j N jump, c clock,
    p pause, x N an open action done, w a late arrival, q save and stop, ? keys. From a pipe
    (or with --plain), type the same letters one a line. Everything is saved at once; run it
    again to carry on.

    Example: coprod meeting run 2027-01-12 --apologies Bryn --guest "Ann from Age Cymru"
    """
    _run(ref, apologies=apologies or [], guests=guest or [], plain=plain, resuming=False)


def resume(ref: MEETING, plain: PLAIN = False) -> None:
    """Carry on with a meeting that was stopped, at the item where it stopped.

    Example: coprod meeting resume 2027-01-12
    """
    _run(ref, apologies=[], guests=[], plain=plain, resuming=True)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("resume")(resume)
