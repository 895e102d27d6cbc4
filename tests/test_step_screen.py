"""The step screen: a header that stays, time in words and clock times, the agenda, names."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from coprod_cli.store.database import Store

FLAGS = ["session", "run", "getting-started-together", "--lead", "Dai:person-using-services",
         "--co-facilitator", "Priya:staff", "--attendee", "Ana:volunteer",
         "--feedback", "later", "--plain"]


def test_names_in_the_script_and_led_by(cli, clock) -> None:
    text = cli(*FLAGS, input="q\n").text
    assert "My name is Dai. This is Priya." in text
    assert "(lead's name)" not in text
    assert "Led by: Dai and Priya (both)" in text or "Led by: Dai (lead)" in text
    assert "Led by: Co-facilitator" not in text and "Led by: Lead facilitator" not in text


def test_countdown_overrun_in_words_and_clock_times(cli, clock) -> None:
    # clock is 10:00; step 1 of getting-started-together is planned for its minutes
    text = cli(*FLAGS, input="c\nq\n").text
    assert "left of" in text and "Step ends 10:" in text and "Session ends about" in text
    assert "It is 10:00." in text
    assert "Aims:" in text and "Materials:" in text
    assert text.index("Aims:") < text.index("Step 1 of 8")


def test_over_time_is_said_in_words(coprod_home: Path, clock) -> None:
    from coprod_cli import resources
    from coprod_cli.cli.step_view import time_lines
    from coprod_cli.people import register as people
    from coprod_cli.sessions.library import Library
    from coprod_cli.sessions.runner import RunEngine

    store = Store.memory()
    session = Library(resources.sessions_dir(), None, [resources.templates_dir()]).get(
        "getting-started-together").session
    engine = RunEngine.start(store, session)
    engine.add_attendee(people.add_person(store, "Ana", "volunteer"))
    engine.begin_steps()
    planned = session.steps[0].minutes
    clock.advance(minutes=planned + 3)
    first, due, session_end = time_lines(engine, clock())
    assert first.startswith("OVER TIME by 3 minutes")
    assert due == f"Step was due to end at 10:{planned:02d}."
    assert "3 minutes behind plan" in session_end
    clock.advance(minutes=1)
    assert "4 minutes" in time_lines(engine, clock())[0]


def test_agenda_and_jump(cli, clock, coprod_home: Path) -> None:
    clock.advance(0)
    text = cli(*FLAGS, input="n\ns\nv\nj 6\nv\nq\n").text
    assert "== Agenda ==" in text
    assert "1. Welcome" in text and "; done." in text and "; skipped." in text
    assert "; now." in text and "; to come." in text
    assert "== Step 6 of 8" in text
    (run,) = Store.open(coprod_home / "store").all("runs")
    assert run["step_index"] == 5
    bad = cli("session", "resume", "--plain", input="j 99\n\nq\n").text
    assert "Please give a step number from 1 to 8; nothing changed." in bad


def test_header_fits_a_small_window(coprod_home: Path, clock, monkeypatch) -> None:
    """At 60x30 and 100x30 the first lines are the header, and the page fits the window."""
    from coprod_cli import resources
    from coprod_cli.cli.run_screen import RunScreen
    from coprod_cli.people import register as people
    from coprod_cli.sessions.forms import load_form
    from coprod_cli.sessions.library import Library
    from coprod_cli.sessions.runner import RunEngine

    store = Store.memory()
    session = Library(resources.sessions_dir(), None, [resources.templates_dir()]).get(
        "wellbeing-five-ways").session
    engine = RunEngine.start(store, session)
    engine.add_facilitator(people.add_person(store, "Sam", "staff"), "lead")
    engine.add_attendee(people.add_person(store, "Ana", "volunteer"))
    engine.begin_steps()
    longest = max(range(len(session.steps)), key=lambda i: len(session.steps[i].say)
                  + len(session.steps[i].do))
    if longest:
        engine.jump(longest)
    form = load_form("peer-evaluation", [resources.data_dir()])
    for width in (60, 100):
        screen = RunScreen(engine, form, None)
        screen.live = True
        screen.console = Console(width=width, height=30, record=True, force_terminal=False)
        screen.show_step()
        shown = screen.console.export_text().splitlines()
        assert len(shown) <= 30, len(shown)
        assert shown[0].startswith(f"Step {longest + 1} of {len(session.steps)}")
        assert shown[1].startswith("Led by:")
        assert "left of" in shown[2] and "Step ends" in shown[3]
        assert shown[4].startswith("Session ends about") and "…" not in shown[4]
        assert all(len(line) <= width for line in shown)
        if screen.page_count > 1:
            assert "space for more" in shown[-1]


def test_a_lead_with_lived_experience_counts(cli, coprod_home: Path) -> None:
    text = cli(*FLAGS, input="n\n" * 8 + "Good\nMore time\n").text
    assert "Co-facilitated by someone with lived experience: yes." in text
    (run,) = Store.open(coprod_home / "store").all("runs")
    shown = cli("session", "record", run["id"]).text
    assert "Lead: Dai (lived experience)" in shown
