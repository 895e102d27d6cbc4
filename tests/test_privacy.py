"""Subject access, forgetting and retention review: exact contents, reports that still add up,
no personal data left behind, and prompts that name their flag."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sample_records import Clock, build_org, report, run_session

from coprod_cli import config, resources
from coprod_cli.people import privacy
from coprod_cli.people import register as people
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import RunEngine
from coprod_cli.store import schema
from coprod_cli.store.database import Store


@pytest.fixture
def store() -> Store:
    return Store.memory()


# -- subject access ---------------------------------------------------------------------------

def test_export_holds_exactly_what_is_held_about_the_person(store: Store) -> None:
    who = build_org(store)
    ana = store.get("people", who["Ana"]["id"])
    first, second = sorted(r["id"] for r in store.all("runs"))
    attendance = store.find("attendance", lambda a: a["person_id"] == ana["id"])
    forms = store.find("feedback", lambda f: f["person_id"] == ana["id"])
    measured = sorted(store.find("measures", lambda m: m["person_id"] == ana["id"]),
                      key=lambda m: m["when"] == "after")  # same clock: before first
    got = privacy.subject_access(store, "ana", at="2026-11-23T10:00:00+00:00")
    core = {
        "about_this_export": privacy.ABOUT_EXPORT,
        "exported_at": "2026-11-23T10:00:00+00:00",
        "person": ana,
        "attendance": [{**attendance[0], "session": "Five ways to wellbeing"}],
        "feedback_given": [{**forms[0], "date": "2026-01-10"}],
        "measures_given": [{**m, "date": "2026-01-10"} for m in measured],
        "safeguarding_concerns": [],  # the person may ask; the organisation decides
        "runs_facilitated": [{"run_id": second, "date": "2026-02-10",
                              "session": "Noticing our strengths",
                              "service": "Beech House", "as": "co-facilitator"}],
        "mentions": [
            {"where": "facilitators' reflection (went_well)", "run_id": first,
             "date": "2026-01-10", "session": "Five ways to wellbeing", "text": "Ana spoke up"},
            {"where": "run note", "run_id": first, "date": "2026-01-10",
             "session": "Five ways to wellbeing", "text": "Ana is new and was welcomed"},
            {"where": "someone's feedback (went_well)", "run_id": first, "date": "2026-01-10",
             "session": "Five ways to wellbeing", "text": "ANA made the tea!"},
            # every free text forget would remove is shown, a grant's as well as a run's
            {"where": "small grant (activity)", "table": "grants", "id": "g-2026-abc123",
             "date": "2026-03-01", "text": "Ana will plant bulbs with the group"}],
        "grants": [{"id": "g-2026-abc123", "title": "Memory garden", "service": "Beech House",
                    "status": "submitted", "amount_pence": 1200, "start_date": "2026-04-01",
                    "created_at": "2026-03-01T10:00:00+00:00",
                    "named_in": [{"where": "coproducers[0]",
                                  "entry": {"name": "Ana", "person_id": ana["id"],
                                            "role": "person-using-services"}}]}],
        "funds_added": [],
        "involvement": [],
        "journey": [
            {"date": "2026-01-10", "source": "attendance",
             "what": "You came to the session \u201cFive ways to wellbeing\u201d."},
            {"date": "2026-02-10", "source": "runs",
             "what": "You helped to lead the session \u201cNoticing our strengths\u201d."}],
        # interview panels (issue 19): she wrote no question, sat on no panel, gave no score
        "panel_questions_written": [], "interview_panels": [], "interview_scores_given": [],
    }
    # the core sections exactly; every other declared table (groups, meetings, panels ...)
    # has its own section, empty here because Ana is in none of them
    assert {k: got[k] for k in core if k in got} == core
    features = {t.section for t in schema.tables() if t.people} - set(core)
    assert {k: v for k, v in got.items() if k not in core} == {k: [] for k in features}
    assert measured[0]["when"] == "before" and len(measured) == 2
    # who wrote a comment about Ana is someone else's data: it is not in her export
    assert who["Bo"]["id"] not in json.dumps(got)


def test_export_command_writes_readable_json_atomically(cli, coprod_home: Path,
                                                        tmp_path: Path) -> None:
    cli("people", "add", "Siân Ó Dálaigh", "--role", "carer")
    out = tmp_path / "sar" / "sian.json"
    out.parent.mkdir()
    result = cli("people", "export", "siân ó dálaigh", "--out", str(out))
    assert f"Wrote everything held about Siân Ó Dálaigh to {out}." in result.text
    assert "0 attendance, 0 feedback given, 0 measures given" in result.text
    text = out.read_text(encoding="utf-8")
    assert '"name": "Siân Ó Dálaigh"' in text  # ensure_ascii=False: readable as written
    assert text.startswith('{\n  "about_this_export": "This file holds everything')
    assert json.loads(text)["person"]["role"] == "carer"
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["sian.json"]  # no temp file left


def test_export_pdf_sits_next_to_the_json(cli, tmp_path: Path) -> None:
    cli("people", "add", "Ana <b>Dŵr</b>", "--role", "volunteer")
    out = tmp_path / "ana.json"
    result = cli("people", "export", "Ana <b>Dŵr</b>", "--out", str(out), "--pdf")
    pdf = tmp_path / "ana.pdf"
    assert str(pdf) in result.text
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Records held about Ana <b>Dŵr</b>" in text  # escaped, not markup
        assert "Sessions attended" in text


def test_export_unknown_person_is_one_sentence(cli, tmp_path: Path) -> None:
    result = cli("people", "export", "Nobody", "--out", str(tmp_path / "x.json"), code=1)
    assert "Error: There is nobody called 'Nobody' in the register." in result.text
    assert not (tmp_path / "x.json").exists()


# -- forgetting -------------------------------------------------------------------------------

def test_forget_keeps_every_report_figure_identical(store: Store) -> None:
    who = build_org(store)
    before = report(store)
    assert before["reach"]["people"] == 4 and before["reach"]["returning"] == 1
    assert before["coproduction"]["moved_to_co_facilitator"] == 1
    assert before["outcomes"]["ons4"]["people"] == 1  # Bo: first and latest, 4 weeks apart
    record = privacy.forget(store, who["Ana"]["id"], at="2026-11-23T10:00:00+00:00")
    after = report(store)
    for section in ("period", "reach", "coproduction", "experience", "outcomes"):
        assert after[section] == before[section], section
    assert after["voices"]["forms"] == before["voices"]["forms"]
    assert record["counts"] == {"people": 1, "attendance": 1, "feedback": 2, "measures": 2,
                                "runs": 2, "grants": 1}
    assert record["texts_removed"] == 4  # note, reflection, Bo's comment, grant activity


def test_forget_erases_the_person_and_their_name(store: Store) -> None:
    who = build_org(store)
    ana_id = who["Ana"]["id"]
    privacy.forget(store, ana_id)
    assert store.get("people", ana_id) is None
    everything = json.dumps({t: store.all(t) for t in (
        "people", "runs", "attendance", "feedback", "measures", "grants", "erasures")},
        ensure_ascii=False)
    assert ana_id not in everything
    assert not re.search(r"(?<!\w)ana(?!\w)", everything, re.IGNORECASE)
    assert "The Anagram game was hard" in everything  # another word, not her name
    pseudonyms = set(re.findall(r"anon-[0-9a-f]{12}", everything))
    assert len(pseudonyms) == 1  # one stand-in everywhere, so she is still one person
    [pseudonym] = pseudonyms
    runs = sorted(store.all("runs"), key=lambda r: r["id"])
    assert runs[0]["notes"][0]["text"] == privacy.REMOVED_TEXT
    assert runs[0]["reflection"] == {"went_well": privacy.REMOVED_TEXT,
                                     "even_better": "Start on time"}
    assert pseudonym in runs[0]["feedback_done"]
    assert runs[1]["facilitators"][1]["person_id"] == pseudonym
    assert runs[1]["facilitators"][1]["lived_experience"] is True
    comments = [f["answers"].get("went_well") for f in store.all("feedback")]
    assert privacy.REMOVED_TEXT in comments and "Good tea" in comments
    grant = store.get("grants", "g-2026-abc123")
    assert grant["coproducers"] == [{"name": privacy.REMOVED_NAME, "person_id": pseudonym,
                                     "role": "person-using-services"}]
    assert grant["activity"] == privacy.REMOVED_TEXT
    [erasure] = store.all("erasures")
    assert set(erasure) == {"id", "at", "counts", "texts_removed"}
    assert pseudonym not in json.dumps(erasure)


def test_forget_refuses_while_a_run_with_them_is_unfinished(store: Store) -> None:
    who = build_org(store)
    session = Library(resources.sessions_dir(), None, [resources.templates_dir()]
                      ).get("wellbeing-five-ways").session
    engine = RunEngine.start(store, session, clock=Clock("2026-03-01"))
    engine.add_attendee(who["Dee"])
    with pytest.raises(Exception, match="has not finished"):
        privacy.preview_forget(store, "Dee")


def _disk_store(home: Path) -> Store:
    config.ensure_home(home)
    return Store.open(config.store_dir(home))


def test_forget_needs_yes_without_a_terminal(cli, coprod_home: Path) -> None:
    build_org(_disk_store(coprod_home))
    result = cli("people", "forget", "Ana", code=2)
    assert "Forgetting Ana (" in result.text
    assert "remove 4 notes or comments that name them" in result.text
    assert "Pass --yes to answer it." in result.text
    assert cli("people", "show", "Ana").text.startswith("Ana (")  # nothing changed
    result = cli("people", "forget", "Ana", input="n\n", code=1)
    assert "Nothing was changed." in result.text
    assert not _disk_store(coprod_home).all("erasures")


def test_forget_command_with_yes(cli, coprod_home: Path) -> None:
    build_org(_disk_store(coprod_home))
    result = cli("people", "forget", "Ana", "--yes")
    assert "delete their register entry" in result.text
    assert ("replace their id with an anonymous one, or remove their name, in: 1 attendance "
            "record, 2 feedback forms, 2 wellbeing answers, 2 session runs, 1 grant record"
            ) in result.text
    assert "Ana has been forgotten: 8 records changed, 4 notes or comments removed, 0 " \
        "receipt copies and 0 toolkit credits cleared." in result.text
    assert "nobody called 'Ana'" in cli("people", "show", "Ana", code=1).text
    backups = [p.name for p in (coprod_home / "backups").iterdir()]
    assert any(name.endswith("-before-forget") for name in backups), backups
    erasure = json.loads((coprod_home / "store" / "erasures" / "all.json").read_text())
    assert "Ana" not in json.dumps(erasure) and "anon-" not in json.dumps(erasure)


# -- retention review -------------------------------------------------------------------------

def test_review_lists_only_people_quiet_for_longer_than_the_period(store: Store) -> None:
    today = date(2026, 11, 23)
    who = {n: people.add_person(store, n, r) for n, r in (
        ("Sam", "staff"), ("Old", "volunteer"), ("Fresh", "carer"), ("Quiet", "other"),
        ("Renewed", "carer"), ("Led", "person-using-services"))}
    for name in who:
        store.update("people", who[name]["id"], {"created_at": "2023-01-01T09:00:00+00:00"})
    store.update("people", who["Renewed"]["id"],
                 {"consent": {"text": "attendance", "given_at": "2026-11-01T09:00:00+00:00"}})
    run_session(store, "wellbeing-five-ways", "2024-10-01", who["Sam"], None,
                [who["Old"]], {})
    run_session(store, "wellbeing-five-ways", "2026-11-01", who["Sam"], who["Led"],
                [who["Fresh"]], {})
    due = privacy.due_for_review(store, 730, today=today)
    assert [(p["name"], p["last_activity"], p["last_activity_was"]) for p in due] == [
        ("Quiet", "2023-01-01", "added to the register"),
        ("Old", "2024-10-01", "attended a session")]
    assert due[1]["days_since"] == (today - date(2024, 10, 1)).days
    # everyone else last took part (or renewed consent) 22 days ago
    assert [p["name"] for p in privacy.due_for_review(store, 22, today=today)] == [
        "Quiet", "Old"]
    assert {p["name"] for p in privacy.due_for_review(store, 21, today=today)} == {
        "Quiet", "Old", "Sam", "Fresh", "Led", "Renewed"}


def test_review_command_uses_the_retention_setting(cli, coprod_home: Path) -> None:
    store = _disk_store(coprod_home)
    old = (date.today() - timedelta(days=800)).isoformat()
    recent = (date.today() - timedelta(days=100)).isoformat()
    who = {n: people.add_person(store, n, "volunteer") for n in ("Sam", "Old", "Fresh")}
    for person in who.values():
        store.update("people", person["id"], {"created_at": f"{old}T09:00:00+00:00"})
    run_session(store, "wellbeing-five-ways", old, who["Sam"], None, [who["Old"]], {})
    run_session(store, "wellbeing-five-ways", recent, who["Sam"], None, [who["Fresh"]], {})
    result = cli("people", "review")
    assert "1 person has not taken part for more than 730 days:" in result.text
    assert f"Old ({who['Old']['id'][:6]}, volunteer): last attended a session on {old}, " \
           "800 days ago" in result.text
    assert "Fresh" not in result.text and "Sam (" not in result.text
    assert "coprod people forget PERSON" in result.text
    (coprod_home / "config.yaml").write_text("retention_days: 50\n", encoding="utf-8")
    listed = json.loads(cli("people", "review", "--format", "json").text)
    assert [p["name"] for p in listed] == ["Old", "Fresh", "Sam"]
    assert config.Settings().retention_days == 730


def test_a_failed_forget_changes_nothing(coprod_home: Path, monkeypatch) -> None:
    store = _disk_store(coprod_home)
    who = build_org(store)
    files = {p: p.read_bytes() for p in (coprod_home / "store").rglob("*.json")}
    from coprod_cli.store.database import Transaction

    real_insert = Transaction.insert

    def failing_insert(self, table, record, **kw):  # noqa: ANN001, ANN202
        if table == privacy.ERASURES:  # the last write of the erasure
            raise OSError(28, "No space left on device")
        return real_insert(self, table, record, **kw)

    monkeypatch.setattr(Transaction, "insert", failing_insert)
    with pytest.raises(OSError):
        privacy.forget(store, who["Ana"]["id"])
    assert {p: p.read_bytes() for p in (coprod_home / "store").rglob("*.json")} == files
    assert store.get("people", who["Ana"]["id"])["name"] == "Ana"
