"""``coprod eval record``: each paper form is saved as it is finished, never lost at the end."""

from __future__ import annotations

from pathlib import Path

from coprod_cli import resources
from coprod_cli.people import register as people
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import RunEngine
from coprod_cli.store.database import Store


def _setup(coprod_home: Path) -> tuple[Store, str]:
    store = Store.open(coprod_home / "store")
    sam = people.add_person(store, "Sam", "staff")
    here = [people.add_person(store, n, "person-using-services") for n in
            ("Ana", "Ceri", "Dai", "Eli", "Siân")]
    people.add_person(store, "Fern", "carer")  # on the register, not at the run
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    session = library.get("relationships-trust").session
    engine = RunEngine.start(store, session, service="Beech House")
    engine.add_facilitator(sam, "lead")
    for person in here:
        engine.add_attendee(person)
    engine.begin_steps()
    for _ in session.steps:
        engine.next()
    engine.set_feedback_mode("later")
    return store, engine.id


def form(name: str, enjoyed: str = "4", more: str = "y") -> str:
    return f"{name}\n{enjoyed}\n\n\n\nGood\n\n\n{more}\n"


def _paper(store: Store) -> list[dict]:
    return [f for f in store.all("feedback") if f["entered"] == "paper"]


def test_killed_after_three_of_five_forms_keeps_three(cli, coprod_home: Path) -> None:
    store, run_id = _setup(coprod_home)
    typed = form("Ana") + form("Ceri") + form("Dai") + "Eli\n5\n"  # input ends mid-form 4
    out = cli("eval", "record", run_id, input=typed, code=None)
    assert out.exit_code != 0
    assert "Saved form 3." in out.text
    assert "3 forms saved this time" in out.text
    assert f"coprod eval record {run_id}" in out.text
    assert len(_paper(Store.open(coprod_home / "store"))) == 3
    again = cli("eval", "record", run_id, input=form("Eli") + form("Siân", more="n")).text
    assert "3 forms already saved for this run; carrying on with form 4." in again
    assert "Form 4" in again and "Saved 2 forms for run" in again and "(5 in all)" in again
    assert len(_paper(Store.open(coprod_home / "store"))) == 5


def test_unknown_name_offers_near_match_add_or_anonymous(cli, coprod_home: Path) -> None:
    store, run_id = _setup(coprod_home)
    # 'Sian' is not on the register but Siân is: pick her (1)
    out = cli("eval", "record", run_id, input="Sian\n1\n" + form("", more="y")[1:]
              + "Bob\nn\n" + form("", more="y")[1:]
              + "Bob\na\nvolunteer\n" + form("", more="n")[1:]).text
    assert "There is nobody called 'Sian' in the register." in out
    assert "1) Siân (person using services" in out
    assert "a) add Sian to the register" in out and "n) record this form as anonymous" in out
    assert "Saved 3 forms" in out
    store = Store.open(coprod_home / "store")
    ids = [f["person_id"] for f in _paper(store)]
    sian = people.find_person(store, "Siân")["id"]
    bob = people.find_person(store, "Bob")
    assert ids[0] == sian and ids[1] is None and ids[2] == bob["id"]
    assert bob["role"] == "volunteer"


def test_second_form_and_absent_person_are_asked(cli, coprod_home: Path) -> None:
    store, run_id = _setup(coprod_home)
    out = cli("eval", "record", run_id, input=form("Ana") + "Ana\nn\nFern\nn\nCeri\n"
              + form("", more="n")[1:]).text
    assert "Ana already has a form for this run. Type a second one? (y/n)" in out
    assert "Fern is not on this run's register. Record their form anyway? (y/n)" in out
    assert "Saved 2 forms" in out
    names = [f["person_id"] for f in _paper(Store.open(coprod_home / "store"))]
    assert names == [people.find_person(store, "Ana")["id"],
                     people.find_person(store, "Ceri")["id"]]


def test_blank_form_is_not_counted(cli, coprod_home: Path) -> None:
    _, run_id = _setup(coprod_home)
    out = cli("eval", "record", run_id, input="\n" + "\n" * 7 + "n\n").text
    assert "Every question was skipped, so this form was not saved." in out
    assert "Saved 0 forms" in out
    assert _paper(Store.open(coprod_home / "store")) == []


CSV_HEAD = "person,enjoyed,listened_to,everyone_had_a_say,learned_something,went_well," \
           "even_better,help_run\n"


def test_csv_reports_every_unknown_name_and_saves_none(cli, coprod_home: Path,
                                                        write_file) -> None:
    _, run_id = _setup(coprod_home)
    bad = CSV_HEAD + "Ana,5,4,4,4,,,yes\nBob,4,4,4,4,,,no\n,3,,,,,,\nZed,1,1,1,1,,,\n"
    out = cli("eval", "record", run_id, "--from-csv", str(write_file("f.csv", bad)), code=1)
    assert "nothing was saved" in out.text
    assert "row 3, column person: nobody on the register is called 'Bob'" in out.text
    assert "row 5, column person: nobody on the register is called 'Zed'" in out.text
    assert _paper(Store.open(coprod_home / "store")) == []
    good = CSV_HEAD + "Ana,5,4,4,4,,,yes\n,,,,,,,\n,3,,,,,,\n"
    ok = cli("eval", "record", run_id, "--from-csv", str(write_file("g.csv", good))).text
    assert "Saved 2 forms" in ok  # the all-blank row is not a form
