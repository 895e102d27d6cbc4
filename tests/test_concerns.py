"""Safeguarding concerns: recorded privately during a run, listed until followed up, never
in a shared bundle, a report or the run's notes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from coprod_cli.store.database import Store

FLAGS = ["session", "run", "relationships-trust", "--lead", "Sam:staff",
         "--attendee", "Dŵr:volunteer", "--attendee", "Ana:person-using-services",
         "--feedback", "later", "--plain"]
WHAT = "Ana said her landlord took her bank card"


def test_concern_key_records_privately_and_is_listed(cli, coprod_home: Path) -> None:
    out = cli(*FLAGS, input=f"n\ng {WHAT}\nAna\nq\n").text
    assert "g: record a private safeguarding concern" in out
    assert "Concern recorded privately for follow-up." in out
    store = Store.open(coprod_home / "store")
    (run,) = store.all("runs")
    assert run["notes"] == []  # not a run note
    (concern,) = store.all("concerns")
    ana = next(p for p in store.all("people") if p["name"] == "Ana")
    assert concern["person_id"] == ana["id"] and concern["step"] == 1
    listed = cli("session", "concerns").text
    assert WHAT in listed and "About: Ana" in listed and "to follow up" in listed
    assert "step 2" in listed
    record = cli("session", "record", run["id"]).text
    assert WHAT not in record
    done = cli("session", "concerns", "--followed-up", concern["id"][:6],
               "--note", "Told the duty manager").text
    assert "is marked followed up" in done
    assert "No safeguarding concerns are waiting for follow-up." in \
        cli("session", "concerns").text
    assert "Follow-up: Told the duty manager" in cli("session", "concerns", "--all").text
    again = cli("session", "concerns", "--followed-up", concern["id"][:6], code=2)
    assert "already marked followed up" in again.text


def test_concerns_never_leave_in_an_export(cli, coprod_home: Path, tmp_path: Path) -> None:
    cli(*FLAGS, input=f"g {WHAT}\n\nq\n")
    out = tmp_path / "export.zip"
    cli("data", "export", "--out", str(out))
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert not any(n.startswith("records/concerns/") for n in names)
        assert all(WHAT.encode() not in zf.read(n) for n in names)
    backup = tmp_path / "backup.zip"
    cli("data", "backup", "--out", str(backup))
    with zipfile.ZipFile(backup) as zf:
        assert any(n.startswith("records/concerns/") for n in zf.namelist())


def test_empty_concern_records_nothing(cli, coprod_home: Path) -> None:
    out = cli(*FLAGS, input="g\n\nq\n").text
    assert "Nothing was recorded." in out
    assert Store.open(coprod_home / "store").all("concerns") == []
