"""``coprod panel``: interview panels with people who use services.

A co-produced question bank (``panel question ...``), planning a panel from it, printing the
panel's pack and typing in the scores. Thin commands: each parses its options, calls one
function in ``coprod_cli.panels`` and presents the result (``panel_view``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import DocFormat as PackFormat
from coprod_cli.cli.choices import ListFormat as Format
from coprod_cli.cli.choices import ThreeStyles as Style
from coprod_cli.cli.context import state
from coprod_cli.cli.panel_view import (
    emit,
    say,
    show_panel,
    show_panel_list,
    show_questions,
    show_summary,
)

app = new_app("Interview panels: a question bank people who use services write together, "
              "planning a panel, its printed pack and the scores.\n\n"
              "Example: coprod panel plan --post \"Support worker\" --date 2027-01-15 "
              "--member Ceri --question q-3f9c2a")
question_app = new_app("The co-produced bank of interview questions.\n\n"
                       "Example: coprod panel question add \"Tell us about a time you "
                       "listened to someone.\" --topic values --by Ceri")
app.add_typer(question_app, name="question")

PANEL_HELP = "The panel's id (or its start, as 'coprod panel list' shows it)."
QUESTION_HELP = "The question's id (or its start, as 'coprod panel question list' shows it)."
TOPIC_HELP = "values, experience, skills, scenario or other."
GOOD_HELP = "What a good answer shows: the indicators the panel scores against."


# -- the question bank ---------------------------------------------------------------------

@question_app.command("add")
def question_add(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The question, in quotes.")],
    topic: Annotated[str, typer.Option(help=TOPIC_HELP)] = "other",
    by: Annotated[str | None, typer.Option(
        metavar="PERSON", help="Who wrote it: a name or short id from the register. They are "
        "credited by name only if their consent says they may be named in thank-yous.",
        show_default=False)] = None,
    good: Annotated[str, typer.Option(help=GOOD_HELP, show_default=False)] = "",
) -> None:
    """Add a question to the bank.

    Example: coprod panel question add "What does respect look like to you?" --topic values
    --by Ceri --good "Gives an example; talks about choice and dignity"
    """
    from coprod_cli.panels import questions

    record = questions.add_question(state().store(), text, topic=topic, by=by, good=good)
    say(f"Added question {questions.short(record['id'])} ({record['topic']}) to the bank.")


@question_app.command("list")
def question_list(
    topic: Annotated[str | None, typer.Option(help="Only this topic: " + TOPIC_HELP,
                                              show_default=False)] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include retired questions.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """List the questions in the bank, with who wrote each (credited as they agreed).

    Example: coprod panel question list --topic values --format json
    """
    from coprod_cli.panels import questions

    found = questions.list_questions(state().store(), topic=topic, include_retired=all_)
    if fmt is Format.json:
        emit(found)
        return
    show_questions(found)


@question_app.command("edit")
def question_edit(
    ref: Annotated[str, typer.Argument(metavar="ID", help=QUESTION_HELP)],
    text: Annotated[str | None, typer.Option(help="New words for the question.",
                                             show_default=False)] = None,
    topic: Annotated[str | None, typer.Option(help=TOPIC_HELP, show_default=False)] = None,
    good: Annotated[str | None, typer.Option(help=GOOD_HELP, show_default=False)] = None,
) -> None:
    """Change a question in the bank. Panels already planned keep the words they agreed.

    Example: coprod panel question edit q-3f9c2a --good "Listens, then checks back"
    """
    from coprod_cli.panels import questions

    record = questions.edit_question(state().store(), ref, text=text, topic=topic, good=good)
    say(f"Updated question {questions.short(record['id'])}.")


@question_app.command("retire")
def question_retire(
    ref: Annotated[str, typer.Argument(metavar="ID", help=QUESTION_HELP)],
) -> None:
    """Stop offering a question. It stays for the panels that used it.

    Example: coprod panel question retire q-3f9c2a
    """
    from coprod_cli.panels import questions

    record = questions.retire_question(state().store(), ref)
    say(f"Retired question {questions.short(record['id'])}: it is no longer offered for new "
        "panels (see it with 'coprod panel question list --all').")


# -- panels --------------------------------------------------------------------------------

@app.command("plan")
def plan(
    post: Annotated[str, typer.Option(help="The job being interviewed for.")],
    date: Annotated[str, typer.Option(help="The day of the interviews, YYYY-MM-DD.")],
    member: Annotated[list[str] | None, typer.Option(
        metavar="PERSON", help="Someone on the panel, from the register. Repeat for each.",
        show_default=False)] = None,
    question: Annotated[list[str] | None, typer.Option(
        metavar="ID", help="A question from the bank. Repeat for each, in the order asked.",
        show_default=False)] = None,
    own: Annotated[list[str] | None, typer.Option(
        metavar="TEXT", help="A question the panel adds of its own. Repeat for each.",
        show_default=False)] = None,
) -> None:
    """Plan an interview panel: who sits on it and the questions they agreed.

    Members pick questions from the bank (--question) and add their own (--own). A panel
    needs at least one question.

    Example: coprod panel plan --post "Support worker" --date 2027-01-15 --member Ceri
    --member Sam --question q-3f9c2a --own "What would you do on your first day?"
    """
    from coprod_cli.panels import planning, questions

    record = planning.plan_panel(state().store(), post=post, day=date, members=member or [],
                                 questions=question or [], own=own or [])
    pid = questions.short(record["id"])
    say(f"Planned panel {pid}: {record['post']} on {record['date']}, "
        f"{len(record['members'])} member{'s' * (len(record['members']) != 1)}, "
        f"{len(record['questions'])} question{'s' * (len(record['questions']) != 1)}.")
    say(f"Print its pack with: coprod panel pack {pid} --candidates 4 --out panel.pdf")


@app.command("list")
def list_panels(
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """List every interview panel.

    Example: coprod panel list --format json
    """
    from coprod_cli.panels import planning

    store = state().store()
    found = [planning.describe(store, p) for p in planning.all_panels(store)]
    if fmt is Format.json:
        emit(found)
        return
    show_panel_list(found)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="PANEL", help=PANEL_HELP)],
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Show one panel: its members, its questions and who asks each, and its candidates.

    Example: coprod panel show p-3f9c2a
    """
    from coprod_cli.panels import planning

    store = state().store()
    described = planning.describe(store, planning.find_panel(store, ref))
    if fmt is Format.json:
        emit(described)
        return
    show_panel(described)


@app.command("assign")
def assign(
    ref: Annotated[str, typer.Argument(metavar="PANEL", help=PANEL_HELP)],
    question: Annotated[str, typer.Option(
        metavar="N", help="The question's number on the panel (as 'panel show' lists them).")],
    member: Annotated[str, typer.Option(metavar="PERSON", help="The member who asks it.")],
) -> None:
    """Say which member asks a question; their copy of the questions shows it.

    Example: coprod panel assign p-3f9c2a --question 2 --member Ceri
    """
    from coprod_cli.panels import planning

    panel = planning.assign(state().store(), ref, question, member)
    number = planning.question_number(panel, question)
    say(f"Question {number} of panel {panel['id'][:8]} is asked by {member.strip()}.")


@app.command("pack")
def pack(
    ref: Annotated[str, typer.Argument(metavar="PANEL", help=PANEL_HELP)],
    candidates: Annotated[int, typer.Option(help="How many people are being interviewed.")],
    out: Annotated[Path, typer.Option(help="The file to write.")],
    style: Annotated[Style, typer.Option(help="standard, easy-read or large-print.")
                     ] = Style.standard,
    fmt: Annotated[PackFormat, typer.Option("--format", help="pdf, html (for screen readers) "
                                            "or md.")] = PackFormat.pdf,
    candidate: Annotated[list[str] | None, typer.Option(
        metavar="NAME", help="A candidate's name, in order (only where the organisation sets "
        "panel_candidate_names: true). Without it candidates are codes: C1, C2 ...",
        show_default=False)] = None,
) -> None:
    """Print the panel's pack: the plan, each member's questions, a scoring sheet for each
    candidate (by code) for each member, and the summary the panel signs.

    The candidates' codes are recorded on the panel so their scores can be typed in.

    Example: coprod panel pack p-3f9c2a --candidates 4 --style easy-read --out panel.pdf
    """
    from coprod_cli.panels import questions
    from coprod_cli.panels.pack import write_pack

    settings = state().settings()
    saved, documents = write_pack(
        state().store(), ref, candidates=candidates, names=candidate or [],
        names_allowed=settings.panel_candidate_names, style=style.value, out=out,
        fmt=fmt.value, organisation=settings.organisation)
    codes = [c["code"] for c in saved["candidates"]]
    say(f"Saved {out}: {documents} documents for panel {questions.short(saved['id'])} "
        f"({saved['post']}), candidates {codes[0]}" + (f" to {codes[-1]}." if len(codes) > 1
                                                        else "."))
    say(f"Type the scores in with: coprod panel score {questions.short(saved['id'])}")


@app.command("score")
def score(
    ref: Annotated[str, typer.Argument(metavar="PANEL", help=PANEL_HELP)],
    candidate: Annotated[str | None, typer.Option(
        metavar="CODE", help="The candidate's code (C1, C2 ...).", show_default=False)] = None,
    member: Annotated[str | None, typer.Option(
        metavar="PERSON", help="The panel member whose scores these are.",
        show_default=False)] = None,
    question: Annotated[str | None, typer.Option(
        metavar="N", help="The question's number on the panel.", show_default=False)] = None,
    score_: Annotated[str | None, typer.Option(
        "--score", metavar="N", help="The score, 0 to 3: no evidence, some, good, excellent.",
        show_default=False)] = None,
    note: Annotated[str, typer.Option(help="A short note with the score.",
                                      show_default=False)] = "",
    summary_only: Annotated[bool, typer.Option(
        "--summary", help="Only show the summary; type nothing in.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="How to show the summary: table or "
                                        "json.")] = Format.table,
) -> None:
    """Type in the panel's scores, then see the summary: totals per candidate, per member
    and overall.

    Without --score, you are asked for each member's score for each candidate, question by
    question (--candidate and --member narrow it). With --score, one score is saved:
    give --candidate, --member and --question as well.

    Example: coprod panel score p-3f9c2a --candidate C1 --member Ceri --question 2 --score 3
    """
    from coprod_cli.cli.panel_score import score_interactively, score_one
    from coprod_cli.panels import scoring

    store = state().store()
    if score_ is not None:
        score_one(store, ref, candidate, member, question, score_, note)
    elif not summary_only:
        score_interactively(store, ref, candidate, member)
    result = scoring.summary(store, ref)
    if fmt is Format.json:
        emit(result)
        return
    show_summary(result)
