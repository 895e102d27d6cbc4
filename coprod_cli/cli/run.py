"""``coprod session run / resume / history / record``: running groups and looking back."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import confirm
from coprod_cli.errors import ExitCode, NotFoundError, UsageError

PHASE_WORDS = {"register": "the register", "steps": "the steps",
               "closing": "the feedback and reflection", "done": "the end"}
OUTCOME_WORDS = {"done": "done", "skipped": "skipped",
                 "left": "moved away from (back or a jump)", "ended early": "ended early"}


class Feedback(StrEnum):
    now = "now"
    later = "later"


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"


def _screen_for(engine: Any) -> Any:
    from coprod_cli.cli.run_screen import RunScreen
    from coprod_cli.sessions.forms import load_form, load_measure

    form = load_form("peer-evaluation", state().data_folders())
    measure_id = engine.run.get("measure")
    measure = load_measure(measure_id, state().data_folders()) if measure_id else None
    return RunScreen(engine, form, measure)


def _hold(screen: Any, *, watch: bool, take_over: bool) -> bool:
    """One run, one window: take the run for this window, or (if another live window has
    it) say who, and watch it read-only or take it over. False: this window only watched."""
    from coprod_cli.cli.prompts import ask_valid
    from coprod_cli.sessions.lease import RunHeldError, describe

    engine = screen.engine
    if watch:
        screen.watch()
        return False
    try:
        engine.hold(take_over=take_over)
        return True
    except RunHeldError as exc:
        screen.say(f"This run is open in another window: {describe(exc.lease)}.")

    def choose(text: str) -> str:
        key = text.strip().lower()[:1]
        if key in ("w", "t", "q"):
            return key
        raise UsageError("Please answer w, t or q.")

    choice = ask_valid("w: watch it here read-only; t: take it over (the other window stops "
                       "saving); q: leave it", choose, flag="--watch or --take-over")
    if choice == "q":
        screen.say("Nothing changed. The other window still has the run.")
        raise typer.Exit(0)
    if choice == "w":
        screen.watch()
        return False
    engine.hold(take_over=True)
    screen.say("This window has the run now; the other one will stop saving.")
    return True


def _drive(screen: Any, *, lead: str | None = None, co_facilitators: list[str] | None = None,
           attendees: list[str] | None = None, feedback: str | None = None,
           watch: bool = False, take_over: bool = False) -> None:
    """Take a run from whatever phase it is in to the end; Ctrl-C saves and exits 130."""
    engine = screen.engine
    if engine.lease_token is None and not _hold(screen, watch=watch, take_over=take_over):
        return
    try:
        _steps_to_end(screen, lead=lead, co_facilitators=co_facilitators,
                      attendees=attendees, feedback=feedback)
    finally:
        if engine.lease_token is not None:
            engine.release()


def _steps_to_end(screen: Any, *, lead: str | None, co_facilitators: list[str] | None,
                  attendees: list[str] | None, feedback: str | None) -> None:
    from coprod_cli.sessions.lease import RunTakenOverError

    engine = screen.engine
    try:
        if engine.phase == "register":
            screen.facilitators(lead, co_facilitators or [])
            if not engine.present() or attendees:
                screen.register(attendees or [])
            screen.measure_round("before")
        if engine.phase in ("register", "steps"):
            if not screen.steps():
                screen.say(f"Saved. Carry on later with: coprod session resume {engine.id}")
                return
        if engine.phase == "closing":
            screen.closing(feedback)
        screen.summary()
    except RunTakenOverError:
        screen.say("")  # off the ticking clock line, so the message stands on its own
        raise
    except KeyboardInterrupt:
        screen.say("")
        screen.say(f"Stopped. Everything so far is saved. Carry on with: "
                   f"coprod session resume {engine.id}")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _check_measure(name: str) -> None:
    """A measure is one coprod ships (ons4) or one in the records folder's measures/ (a
    licensed organisation's swemwbs.yaml); anything else is refused before the run starts."""
    from coprod_cli.errors import NotFoundError
    from coprod_cli.sessions.forms import load_measure

    try:
        load_measure(name, state().data_folders())
    except NotFoundError:
        raise UsageError(f"'{name}' is not a measure coprod knows.",
                         hint="Use --measure ons4 or --measure none, or put the measure "
                              f"(e.g. {name}.yaml) in the measures folder of your records "
                              "folder.") from None


def run(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session to run.")],
    lead: Annotated[str | None, typer.Option(
        help="Lead facilitator's name (add ':ROLE' for someone new, e.g. 'Sam:staff').")] = None,
    co_facilitator: Annotated[list[str] | None, typer.Option(
        "--co-facilitator", help="A co-facilitator's name; repeat for more.")] = None,
    attendee: Annotated[list[str] | None, typer.Option(
        "--attendee", help="Someone taking part; repeat for each person.")] = None,
    feedback: Annotated[Feedback | None, typer.Option(
        help="Peer evaluation now (typed in at the end) or later (from paper forms).")] = None,
    measure: Annotated[str | None, typer.Option(
        help="Wellbeing check-in and check-out: ons4, swemwbs (if your organisation has "
             "put its licensed swemwbs.yaml in the records folder's measures folder), or "
             "none.")] = None,
    service: Annotated[str | None, typer.Option(
        help="The service running it (default: from your settings).")] = None,
    new: Annotated[bool, typer.Option(
        "--new", help="Start a new run even if one of this session is unfinished.")] = False,
    plain: Annotated[bool, typer.Option(
        "--plain", help="A linear transcript for screen readers: no redraws, no colour.")
    ] = False,
    take_over: Annotated[bool, typer.Option(
        "--take-over", help="If the unfinished run is open in another window, take it over.")
    ] = False,
    bell: Annotated[bool, typer.Option(
        "--bell", help="Ring the terminal bell once when a step's planned time is up.")
    ] = False,
) -> None:
    """Run a session with a group: register, each step with timings, notes, evaluation.

    In a terminal, press single keys: Enter next, b back, s skip, t note, a add a person,
    l someone leaves, p pause, e end early, q save and quit, ? help. From a pipe, type the
    same letters one a line. Everything is saved the moment it happens.

    Example: coprod session run wellbeing-five-ways --lead "Sam" --co-facilitator "Ceri"
    """
    from coprod_cli.sessions.runner import RunEngine, unfinished_runs

    if plain:
        state().plain = True
    if measure is not None and measure != "none":
        _check_measure(measure)
    loaded = state().library().get(session_id)
    store = state().store()
    waiting = [] if new else unfinished_runs(store, loaded.id)
    if waiting:
        run_record = waiting[0]
        question = (f"There is an unfinished run of '{loaded.session.title}' from "
                    f"{run_record['started_at'][:16].replace('T', ' ')} "
                    f"(stopped at {PHASE_WORDS[run_record['phase']]}). Carry on with it?")
        if confirm(question, default=True, flag="--new (or: coprod session resume)"):
            engine = RunEngine.load(store, run_record["id"], loaded.session)
            _drive(_screen_for(engine), attendees=attendee, feedback=feedback.value
                   if feedback else None, take_over=take_over)
            return
    engine = RunEngine.start(store, loaded.session,
                             service=service if service is not None else state().settings().service,
                             measure="" if measure == "none" else measure,
                             feedback=feedback.value if feedback else None)
    engine.hold()
    screen = _screen_for(engine)
    screen.bell = bell
    screen.say(f"{loaded.session.title}: {len(loaded.session.steps)} steps, "
               f"{loaded.session.duration} minutes. Run id {engine.id}.", style="bold")
    _drive(screen, lead=lead, co_facilitators=co_facilitator or [], attendees=attendee or [],
           feedback=feedback.value if feedback else None)


def resume(
    run_id: Annotated[str | None, typer.Argument(
        metavar="[RUN]", help="The run to carry on (default: the latest unfinished).")] = None,
    feedback: Annotated[Feedback | None, typer.Option(
        help="Peer evaluation now or later, if not chosen yet.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Linear transcript, no redraws.")
                     ] = False,
    watch: Annotated[bool, typer.Option(
        "--watch", help="Follow the run read-only (it is open in another window).")] = False,
    take_over: Annotated[bool, typer.Option(
        "--take-over", help="Take the run from the window that has it; that one stops saving."
    )] = False,
) -> None:
    """Carry on with a run that was stopped part-way, at the step where it stopped.

    A run is driven from one window at a time. If it is open in another, you are told which
    (process, account, since when) and may watch it read-only or take it over.

    Example: coprod session resume --watch
    """
    from coprod_cli.sessions.runner import RunEngine, find_run, unfinished_runs

    if plain:
        state().plain = True
    store = state().store()
    if run_id is None:
        waiting = unfinished_runs(store)
        if not waiting:
            raise NotFoundError("There is no unfinished run to carry on with.",
                                hint="Start one with: coprod session run ID")
        record = waiting[0]
    else:
        record = find_run(store, run_id)
        if record["status"] != "in-progress":
            raise UsageError(f"Run {record['id']} is already finished.",
                             hint=f"See it with: coprod session record {record['id']}")
    loaded = state().library().get(record["session_id"])
    engine = RunEngine.load(store, record["id"], loaded.session)
    screen = _screen_for(engine)
    if watch and take_over:
        raise UsageError("--watch and --take-over cannot be used together.",
                         hint="Choose one: watch read-only, or take the run over.")
    screen.say(f"Carrying on with {loaded.session.title} (run {engine.id}).", style="bold")
    _drive(screen, feedback=feedback.value if feedback else None, watch=watch,
           take_over=take_over)


def history(
    fmt: Annotated[HistoryFormat, typer.Option("--format", help="table or json.")
                   ] = HistoryFormat.table,
) -> None:
    """List every run: date, session, service, attendance and whether it finished.

    Example: coprod session history --format json
    """
    from coprod_cli.evaluation.recording import paper_forms
    from coprod_cli.sessions.runner import history as all_runs

    store = state().store()
    rows = []
    for r in all_runs(store):
        status = "ended early" if r["ended_early"] else r["status"]
        # Paper feedback chosen, and nothing typed in yet: say so, with the command.
        waiting = r["feedback_mode"] == "later" and r["status"] == "finished" \
            and not paper_forms(store, r["id"])
        rows.append({"id": r["id"], "date": r["started_at"][:10], "session": r["session_id"],
                     "title": r["session_title"], "service": r["service"],
                     "attendance": r["attendance"],
                     "status": status,
                     "forms_to_type": waiting})
    if fmt is HistoryFormat.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from coprod_cli.people.register import people_count

    console = state().console()
    if not rows:
        console.print("No sessions have been run yet. Start one with: coprod session run ID",
                      markup=False)
        return
    if state().plain:
        for r in rows:
            console.print(f"{r['date']}: {r['title']} ({r['id']}), "
                          f"{people_count(r['attendance'])}, {r['status']}"
                          + ("; paper forms to type in." if r["forms_to_type"] else "."),
                          markup=False)
        _forms_hint(console, rows)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Sessions run", title_justify="left")
    table.add_column("Run", no_wrap=True, min_width=15)  # ids are typed back: never cut
    for column in ("Date", "Session", "Service", "People", "Status"):
        table.add_column(column, justify="right" if column == "People" else "left")
    for r in rows:
        table.add_row(r["id"], r["date"], Text(r["title"]), Text(r["service"] or "-"),
                      str(r["attendance"]),
                      r["status"] + ("; forms to type in" if r["forms_to_type"] else ""))
    console.print(table)
    _forms_hint(console, rows)


def _forms_hint(console: Any, rows: list[dict[str, Any]]) -> None:
    if any(r["forms_to_type"] for r in rows):
        console.print("Paper forms still to type in: coprod eval record RUN", markup=False)


def record(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="The run's id (or its start).")],
    fmt: Annotated[HistoryFormat, typer.Option("--format", help="table or json.")
                   ] = HistoryFormat.table,
) -> None:
    """Show one run in full: who came, who led, each step's time, notes and feedback.

    Example: coprod session record 20261123-a1b2c3
    """
    from coprod_cli.sessions.runner import feedback_for, find_run, person_name, summarise_run

    store = state().store()
    run_record = find_run(store, run_id)
    summary = summarise_run(store, run_record, None)
    if fmt is HistoryFormat.json:
        full = {"run": run_record, "summary": summary,
                "feedback": feedback_for(store, run_record["id"])}
        typer.echo(json.dumps(full, indent=2, ensure_ascii=False))
        return
    from coprod_cli.cli.run_screen import clock_text

    console = state().console()
    say = console.print
    say(f"{run_record['session_title']} ({run_record['id']})", style="bold", markup=False)
    state_words = "ended early" if run_record["ended_early"] else \
        {"in-progress": "not finished yet", "finished": "finished"}[run_record["status"]]
    where = f", stopped at {PHASE_WORDS[run_record['phase']]}" \
        if run_record["phase"] != "done" else ""
    say(f"Started {run_record['started_at'][:16].replace('T', ' ')}; {state_words}{where}.",
        markup=False)
    for f in run_record["facilitators"]:
        say(f"{'Lead' if f['as'] == 'lead' else 'Co-facilitator'}: "
            f"{person_name(store, f['person_id'])}"
            + (" (lived experience)" if f["lived_experience"] else ""), markup=False)
    say(f"Attendance: {summary['attendance']}; time {summary['actual_minutes']} of "
        f"{summary['planned_minutes']} planned minutes.", markup=False)
    for entry in run_record["step_log"]:
        if entry["ended_at"]:
            from datetime import datetime

            secs = (datetime.fromisoformat(entry["ended_at"]) -
                    datetime.fromisoformat(entry["started_at"])).total_seconds() \
                - entry["paused_seconds"]
            say(f"  Step {entry['step'] + 1}: {OUTCOME_WORDS.get(entry['outcome'], 'done')} "
                f"after {clock_text(secs)}", markup=False)
    for note in run_record["notes"]:
        where = f"step {note['step'] + 1}" if note["step"] is not None else note["phase"]
        say(f"Note ({where}): {note['text']}", markup=False)
    if run_record.get("reflection"):
        ref = run_record["reflection"]
        say(f"Went well: {ref['went_well'] or '-'}. Could be better: "
            f"{ref['even_better'] or '-'}.", markup=False)
    say(f"Feedback forms: {summary['feedback_forms']}.", markup=False)


def concerns(
    followed_up: Annotated[str | None, typer.Option(
        "--followed-up", metavar="ID", help="Mark this concern followed up (its id or start)."
    )] = None,
    note: Annotated[str, typer.Option(help="With --followed-up: what was done.")] = "",
    show_all: Annotated[bool, typer.Option("--all", help="Include concerns followed up.")
                        ] = False,
) -> None:
    """List private safeguarding concerns (key g in a run) until each is followed up.

    These are never in a run's notes, a report, a shared toolkit or a data export; backups
    keep them.

    Example: coprod session concerns --followed-up 3f2a --note "Spoke to the duty manager"
    """
    from coprod_cli.sessions.concerns import follow_up, open_concerns
    from coprod_cli.sessions.runner import find_run, person_name

    store = state().store()
    say = state().console().print
    if followed_up is not None:
        done = follow_up(store, followed_up, note)
        say(f"Concern {done['id'][:8]} is marked followed up.", markup=False)
        return
    rows = open_concerns(store, include_followed_up=show_all)
    if not rows:
        say("No safeguarding concerns are waiting for follow-up." if not show_all else
            "No safeguarding concerns have been recorded.", markup=False)
        return
    say("Safeguarding concerns: private, for follow-up only.", style="bold", markup=False)
    for c in rows:
        try:
            run_title = find_run(store, c["run_id"])["session_title"]
        except NotFoundError:
            run_title = "a run no longer on record"
        about = person_name(store, c["person_id"]) if c["person_id"] else "name not given"
        status = f"followed up {c['followed_up_at'][:10]}" if c["followed_up_at"] else \
            "to follow up"
        say(f"{c['id'][:8]}  {c['noticed_at'][:16].replace('T', ' ')}  {run_title}"
            + (f", step {c['step'] + 1}" if c["step"] is not None else "")
            + f"  About: {about}  ({status})", markup=False)
        say(f"    {c['what']}", markup=False)
        if c.get("follow_up"):
            say(f"    Follow-up: {c['follow_up']}", markup=False)
    if not show_all:
        say("Mark one done with: coprod session concerns --followed-up ID --note \"...\"",
            markup=False)


def register(app: typer.Typer) -> None:
    app.command("concerns")(concerns)
    app.command("run")(run)
    app.command("resume")(resume)
    app.command("history")(history)
    app.command("record")(record)
