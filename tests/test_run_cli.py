"""``coprod session run`` as transcripts: what was typed, what was shown, what was stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from coprod_cli.sessions.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS
from coprod_cli.store.database import Store

FLAGS = ["session", "run", "getting-started-together", "--lead", "Sam:staff",
         "--co-facilitator", "Ceri:person-using-services", "--attendee", "Dŵr:volunteer",
         "--attendee", "<b>Bo</b>:carer"]
FEEDBACK_DWR = "5\n4\n5\n4\nMeeting people\nShorter break\nyes\n"
FEEDBACK_BO = "3\n\n\n\n\n\nno\n"


def store_of(home: Path) -> Store:
    return Store.open(home / "store")


def test_whole_run_scripted(cli, clock, coprod_home: Path) -> None:
    steps = "n\nt Everyone chose a badge colour\n" + "n\n" * 3 + "s\n" + "n\n" * 3
    result = cli(*FLAGS, "--feedback", "now", "--plain",
                 input=steps + FEEDBACK_DWR + FEEDBACK_BO + "Everyone spoke\nMore time\n")
    text = result.text
    order = ["== Facilitators ==", "Added Sam (staff)", "Ceri co-facilitates with lived "
             "experience.", "== Register ==", "Dŵr is here.", "<b>Bo</b> is here.",
             "2 on the register.", "== Step 1 of 8: Welcome and settling in ==",
             "Led by:", "Say:", "Do:", "> n", "== Step 2 of 8:", "> t Everyone chose",
             "Note saved.", "Skipped that step.", "== Closing ==", "Feedback from Dŵr",
             "Feedback from <b>Bo</b>", "== Facilitators' reflection ==",
             "== Summary: Getting started together ==",
             "Steps: 7 of 8 done, 1 skipped.",
             "Attendance: 2 (1 carer, 1 volunteer).",
             "Co-facilitated by someone with lived experience: yes.",
             "Feedback: 2 forms. Enjoyed 4.0 out of 5 (n=2); Listened to 4.0 out of 5 (n=1)",
             "1 would like to help run a session."]
    position = 0
    for expected in order:
        found = text.find(expected, position)
        assert found >= 0, f"missing or out of order: {expected!r}\n{text}"
        position = found
    store = store_of(coprod_home)
    (run,) = store.all(RUNS)
    assert run["status"] == "finished" and run["phase"] == "done"
    assert run["notes"][0]["text"] == "Everyone chose a badge colour"
    assert run["reflection"] == {"went_well": "Everyone spoke", "even_better": "More time"}
    assert {f["as"] for f in run["facilitators"]} == {"lead", "co-facilitator"}
    assert len(store.all(ATTENDANCE)) == 2
    forms = {f["answers"]["help_run"]: f["answers"] for f in store.all(FEEDBACK)}
    assert forms["yes"]["went_well"] == "Meeting people"
    assert forms["no"]["listened_to"] is None
    names = {p["name"] for p in store.all("people")}
    assert names == {"Sam", "Ceri", "Dŵr", "<b>Bo</b>"}


def test_guided_register_asks_again_when_empty(cli, coprod_home: Path) -> None:
    typed = ("Sam\n\n"          # lead, new person, default role staff
             "Ceri\nperson\n"   # co-facilitator, asked for their role at once
             "\n"               # no more co-facilitators
             "\n"               # empty register: asked again
             "=cmd|' /C calc'!A0\n\n"  # attendee, default role
             "\n"               # done
             "q\n")
    result = cli("session", "run", "relationships-trust", input=typed)
    assert "A session needs at least one attendee. Please add someone." in result.text
    assert "=cmd|' /C calc'!A0 is here." in result.text
    assert "Saved. Carry on later with: coprod session resume" in result.text
    (run,) = store_of(coprod_home).all(RUNS)
    assert run["status"] == "in-progress" and run["phase"] == "steps"


def test_end_early_then_feedback_later(cli, coprod_home: Path) -> None:
    result = cli(*FLAGS, "--feedback", "later", input="n\ne\ny\nFire alarm\n\n\n")
    assert "Ending early. Everything is saved." in result.text
    assert "Feedback will be typed in later: coprod eval record" in result.text
    assert "(ended early)" in result.text
    (run,) = store_of(coprod_home).all(RUNS)
    assert run["ended_early"] and run["end_reason"] == "Fire alarm"
    assert run["feedback_mode"] == "later" and run["status"] == "finished"


def test_input_ending_mid_session_saves_and_resume_finishes(cli, clock,
                                                           coprod_home: Path) -> None:
    first = cli(*FLAGS, input="n\nn\nt Halfway note\n", code=2)
    assert "The input ended before the session did. Everything so far is saved." in first.text
    (run,) = store_of(coprod_home).all(RUNS)
    assert run["step_index"] == 2 and run["notes"][0]["text"] == "Halfway note"
    rest = "n\n" * 6 + FEEDBACK_DWR + FEEDBACK_BO + "\n\n"
    second = cli("session", "resume", "--feedback", "now", input=rest)
    assert f"Carrying on with Getting started together (run {run['id']})" in second.text
    assert "Step 3 of 8" in second.text and "Step 1 of 8" not in second.text
    (run,) = store_of(coprod_home).all(RUNS)
    assert run["status"] == "finished" and len(store_of(coprod_home).all(FEEDBACK)) == 2


def test_run_offers_to_carry_on_unfinished(cli, coprod_home: Path) -> None:
    cli(*FLAGS, input="n\nq\n")
    again = cli("session", "run", "getting-started-together", input="y\nq\n")
    assert "There is an unfinished run of 'Getting started together'" in again.text
    assert "== Step 2 of 8" in again.text or "Step 2 of 8" in again.text
    assert len(store_of(coprod_home).all(RUNS)) == 1
    scripted = cli("session", "run", "getting-started-together", code=2)
    assert "Pass --new (or: coprod session resume)" in scripted.text


def test_unknown_key_says_which_key_shows_help(cli) -> None:
    result = cli(*FLAGS, input="x\n?\nq\n")
    assert "'x' is not a key here. Press ? to see the keys." in result.text
    assert result.text.count("Commands: Enter or n: next step") == 2  # at the start, and ?


def test_history_says_which_runs_have_forms_to_type(cli, coprod_home: Path) -> None:
    cli(*FLAGS, "--feedback", "later", "--plain", input="n\n" * 8 + "\n\n")
    plain = cli("--plain", "session", "history").text
    assert "2 people, finished; paper forms to type in." in plain
    assert "Paper forms still to type in: coprod eval record RUN" in plain
    (run,) = store_of(coprod_home).all(RUNS)
    cli("eval", "record", run["id"], input="Dŵr\n4\n\n\n\n\n\n\nn\n")
    assert "forms to type in" not in cli("--plain", "session", "history").text
    shown = cli("session", "record", run["id"]).text
    assert "finished." in shown and "at done" not in shown and "status" not in shown
    assert "Step 1: done after" in shown and "left in" not in shown


def test_live_feedback_skip_one_or_switch_to_paper(cli, coprod_home: Path) -> None:
    steps = "n\n" * 8
    result = cli(*FLAGS, "--feedback", "now", "--plain",
                 input=steps + "s\n" + "p\n" + "Good\n\n").text
    assert "s skips this person and p moves everyone left to paper forms" in result
    assert "No form from Dŵr: nothing was answered, so nothing is counted." in result
    assert "Paper forms for everyone left. Type them in later with: coprod eval record" \
        in result
    assert store_of(coprod_home).all(FEEDBACK) == []
    assert "Feedback: to be entered later (coprod eval record" in result


def test_missing_answer_without_terminal_names_the_flag(cli) -> None:
    result = cli("session", "run", "getting-started-together", code=2)
    assert "Pass --lead to answer it." in result.text
    assert "Traceback" not in result.text


def test_unknown_session_suggests(cli) -> None:
    result = cli("session", "run", "getting-started", code=1)
    assert "Did you mean: getting-started-together" in result.text


def test_ctrl_c_saves_and_exits_130(cli, monkeypatch, coprod_home: Path) -> None:
    from coprod_cli.cli.keys import KeyReader

    calls = {"n": 0}
    real = KeyReader.read

    def read(self, on_tick=None):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, on_tick)

    monkeypatch.setattr(KeyReader, "read", read)
    result = cli(*FLAGS, input="n\nn\nn\n", code=130)
    assert "Stopped. Everything so far is saved." in result.text
    (run,) = store_of(coprod_home).all(RUNS)
    assert run["step_index"] == 2 and run["status"] == "in-progress"


def test_ons4_check_in_and_check_out(cli, coprod_home: Path) -> None:
    args = ["session", "run", "wellbeing-five-ways", "--lead", "Sam:staff", "--attendee",
            "Ana:person-using-services", "--feedback", "later"]
    typed = ("y\n4\n5\n3\n11\n6\n"   # check-in: 11 is refused and asked again
             + "n\n" * 8
             + "y\n6\n6\n5\n4\n" + "\n\n")
    result = cli(*args, input=typed)
    assert "Check-in: ONS personal wellbeing" in result.text
    assert "Please give a number from 0 to 10" in result.text
    assert "Check-out: ONS personal wellbeing" in result.text
    records = {m["when"]: m["answers"] for m in store_of(coprod_home).all(MEASURES)}
    assert records["before"] == {"satisfied": 4, "worthwhile": 5, "happy": 3, "anxious": 6}
    assert records["after"] == {"satisfied": 6, "worthwhile": 6, "happy": 5, "anxious": 4}


def test_measure_none_skips_check_in(cli, coprod_home: Path) -> None:
    args = ["session", "run", "wellbeing-five-ways", "--lead", "Sam:staff", "--attendee",
            "Ana:person-using-services", "--measure", "none", "--feedback", "later"]
    result = cli(*args, input="n\n" * 8 + "\n\n")
    assert "Check-in" not in result.text
    assert store_of(coprod_home).all(MEASURES) == []


def test_history_and_record(cli, coprod_home: Path) -> None:
    cli(*FLAGS, "--feedback", "later", input="n\nt A note\n" + "n\n" * 7 + "\n\n")
    rows = json.loads(cli("session", "history", "--format", "json").output)
    assert rows[0]["session"] == "getting-started-together" and rows[0]["attendance"] == 2
    assert rows[0]["status"] == "finished"
    plain = cli("--plain", "session", "history").text.strip().splitlines()
    # one sentence a run, naming the session by its title (the id is for typing, not reading)
    assert plain == [f"{rows[0]['date']}: Getting started together ({rows[0]['id']}), "
                     "2 people, finished; paper forms to type in.",
                     "Paper forms still to type in: coprod eval record RUN"]
    assert "getting-started-together" not in plain[0]
    shown = cli("session", "record", rows[0]["id"]).text
    assert "Lead: Sam" in shown and "Co-facilitator: Ceri (lived experience)" in shown
    assert "Note (step 2): A note" in shown
    full = json.loads(cli("session", "record", rows[0]["id"], "--format", "json").output)
    assert full["summary"]["attendance"] == 2
    missing = cli("session", "record", "20260101-nothere", code=1)
    assert "There is no run '20260101-nothere'." in missing.text


def test_killed_process_loses_nothing_and_resumes(tmp_path: Path) -> None:
    """A real process, killed with SIGKILL mid-step, then resumed in a new one."""
    env = {**os.environ, "COPROD_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "coprod_cli", *FLAGS, "--feedback", "later"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("n\nt Before the kill\nn\n")
    proc.stdin.flush()
    seen = ""
    deadline = time.monotonic() + 20
    while "Step 3 of 8" not in seen and time.monotonic() < deadline:
        seen += proc.stdout.readline()
    assert "Step 3 of 8" in seen
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    store = Store.open(tmp_path / "home" / "store")
    (run,) = store.all(RUNS)
    assert run["step_index"] == 2 and run["notes"][0]["text"] == "Before the kill"
    done = subprocess.run([sys.executable, "-m", "coprod_cli", "session", "resume"],
                          input="n\n" * 6 + "\n\n", capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Step 3 of 8" in done.stdout and "Summary: Getting started together" in done.stdout
    assert store.all(RUNS)[0]["status"] == "finished"


def test_pause_arrivals_and_leavers_mid_session(cli, clock, coprod_home: Path) -> None:
    typed = ("n\np\nx\n"                  # pause; any key only carries on
             "a Łucja:volunteer\n"         # someone arrives during step 2
             "l <b>Bo</b>\n"               # someone leaves
             "l Nobody\n"                  # a name not on the register changes nothing
             "q\n")
    result = cli(*FLAGS, input=typed)
    text = result.text
    assert "Paused. The clock has stopped." in text
    assert "Carrying on. The clock is running again." in text
    assert "'x' is not a command" not in text
    assert "Łucja is here (arrived late)." in text
    assert "<b>Bo</b> has left. Thank you for coming." in text
    assert "Nobody is not on today's register, so nothing changed." in text
    rows = {r["person_id"]: r for r in store_of(coprod_home).all(ATTENDANCE)}
    by_name = {p["name"]: p["id"] for p in store_of(coprod_home).all("people")}
    assert rows[by_name["Łucja"]]["late"] is True
    assert rows[by_name["<b>Bo</b>"]]["left_at"] is not None
    assert rows[by_name["Dŵr"]]["left_at"] is None


def test_late_arrival_near_duplicate_is_asked_not_added(cli, coprod_home: Path) -> None:
    cli("people", "add", "Siân", "--role", "volunteer", "--service", "Beech House")
    result = cli(*FLAGS, "--plain", input="a Sian\ny\nq\n")
    assert "Sian is not on the register. Is this Siân (volunteer, Beech House)? (y/n)" \
        in result.text
    assert "Siân is here (arrived late)." in result.text
    names = sorted(p["name"] for p in store_of(coprod_home).all("people"))
    assert names == sorted(["Sam", "Ceri", "Dŵr", "<b>Bo</b>", "Siân"])


def test_empty_and_long_names_refused_before_role(cli, coprod_home: Path) -> None:
    result = cli(*FLAGS, "--plain", input="a " + "x" * 200 + "\nq\n")
    assert "That name is 200 characters; the most is 80." in result.text
    assert "is new. Role" not in result.text


def test_consent_is_asked_at_the_door(cli, coprod_home: Path, monkeypatch) -> None:
    monkeypatch.setattr("coprod_cli.cli.context.stdin_is_terminal", lambda: True)
    typed = "y\ny\ny\n" * 2 + "a Jo:carer\ny\ny\nn\na Kit:carer\nn\ny\ny\nq\n"
    result = cli(*FLAGS, "--plain", input=typed)
    assert "Jo is new. Please ask them:" in result.text
    assert "Can we keep your name on our list of people who come? (y/n)" in result.text
    assert "They take part as Anonymous attendee 1: counted, never named." in result.text
    people_now = {p["name"]: p for p in store_of(coprod_home).all("people")}
    assert people_now["Jo"]["consent"]["text"] == \
        "agreed to: register, feedback in reports; did not agree to: named in credits"
    assert people_now["Jo"]["consent"]["given_at"]
    assert "Kit" not in people_now
    anonymous = people_now["Anonymous attendee 1"]
    assert "counted in reach only" in anonymous["consent"]["text"]
    here = {a["person_id"] for a in store_of(coprod_home).all(ATTENDANCE)}
    assert anonymous["id"] in here  # still counts in reach
