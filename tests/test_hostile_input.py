"""Hostile and random input never gives a traceback; a full or read-only disk changes nothing.

Property-based (hypothesis) tests for the three readers of outside input: session YAML,
record bundles and money amounts.
"""

from __future__ import annotations

import errno
import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_cli import resources
from coprod_cli.errors import CoprodError, ValidationError
from coprod_cli.sessions.library import load_session_file
from coprod_cli.store.bundles import read_bundle

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
GOOD = (resources.sessions_dir() / "wellbeing-five-ways.yaml").read_text(encoding="utf-8")


@FAST
@given(text=st.text(max_size=400))
def test_random_yaml_text_gives_a_clear_error_or_a_session(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_session_file(path, [])
    except ValidationError as exc:
        assert exc.message and all(p.startswith(str(path)) for p in exc.problems)


@FAST
@given(cut=st.integers(min_value=0, max_value=len(GOOD)), junk=st.text(max_size=30),
       data=st.data())
def test_damaged_session_files_give_located_errors(tmp_path: Path, cut: int, junk: str,
                                                   data: st.DataObject) -> None:
    """A real session file cut short or with junk pasted in somewhere."""
    at = data.draw(st.integers(min_value=0, max_value=cut))
    text = GOOD[:at] + junk + GOOD[at:cut]
    path = tmp_path / "wellbeing-five-ways.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_session_file(path, [resources.templates_dir()])
    except ValidationError as exc:
        assert exc.problems or exc.message


@FAST
@given(blob=st.binary(max_size=2000))
def test_random_bytes_as_a_bundle(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "random.zip"
    path.write_bytes(blob)
    try:
        read_bundle(path)
    except ValidationError:
        pass


@FAST
@given(members=st.dictionaries(
    st.sampled_from(["manifest.json", "records/people/all.json", "records/../x.json",
                     "/etc/passwd", "records/runs/2026.json", "records/a b/c.json"]),
    st.one_of(st.binary(max_size=200), st.just(b'{"format": "coprod-records", "version": 1,'
                                               b' "schema_version": 1, "files": {}}'),
              st.just(b'{"records": {"1": {"name": "x"}}}')), max_size=5))
def test_random_zips_as_a_bundle(tmp_path: Path, members: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path = tmp_path / "random.zip"
    path.write_bytes(buffer.getvalue())
    try:
        bundle = read_bundle(path)
    except ValidationError:
        return
    assert all(not name.startswith(("/", "..")) for name in bundle.files)


@FAST
@given(text=st.text(max_size=30))
def test_random_money_text(text: str) -> None:
    from coprod_cli.money import parse_money

    try:
        pence = parse_money(text)
    except CoprodError:
        return
    assert isinstance(pence, int) and pence > 0


def test_full_disk_is_one_sentence_and_changes_nothing(cli, coprod_home: Path,
                                                       monkeypatch) -> None:
    cli("people", "add", "Ana")
    before = (coprod_home / "store" / "people" / "all.json").read_bytes()

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("coprod_cli.files.atomic_write_bytes", full)
    result = cli("people", "add", "Bo", code=1)
    assert result.text.startswith("Error: The disk is full, so coprod could not save. "
                                  "Nothing was changed.")
    assert "Traceback" not in result.text
    assert (coprod_home / "store" / "people" / "all.json").read_bytes() == before


def test_read_only_home_is_one_sentence(cli, coprod_home: Path, monkeypatch) -> None:
    cli("people", "add", "Ana")
    before = (coprod_home / "store" / "people" / "all.json").read_bytes()

    def read_only(*_a: object, **_k: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("os.replace", read_only)
    result = cli("people", "add", "Bo", code=1)
    assert result.text.startswith("Error: The records folder is on a read-only disk.")
    assert (coprod_home / "store" / "people" / "all.json").read_bytes() == before
    assert not list((coprod_home / "store" / "people").glob(".*.tmp"))
