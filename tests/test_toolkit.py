"""The living toolkit: share, add (refusing every kind of hostile bundle), list and build."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import time
import zipfile
from pathlib import Path

import pytest

from coprod_cli import config


def _pdf_text(path: Path, pages: slice | None = None) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    chosen = reader.pages[pages] if pages else reader.pages
    return "\n".join(page.extract_text() for page in chosen)


@pytest.fixture
def bundle(cli, coprod_home: Path, tmp_path: Path) -> Path:
    """A service forks a session, changes it, runs it once and shares it."""
    from coprod_cli.store.database import Store
    from tests.sample_records import build_org

    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    cli("session", "fork", "wellbeing-five-ways", "--as", "five-ways-outdoors")
    path = coprod_home / "sessions" / "five-ways-outdoors.yaml"
    path.write_text(path.read_text().replace('title: "Five ways to wellbeing"',
                                             'title: "Five ways outdoors"'))
    build_org(Store.open(config.store_dir(coprod_home)))  # runs five-ways, led by Sam
    out = tmp_path / "five-ways-outdoors.zip"
    text = cli("toolkit", "share", "five-ways-outdoors", "--out", str(out), "--contributor",
               "Ana", "--contributor", "Sam", "--named", "Ana").text
    assert "1 handout template" in text and "2 credits (1 by name)" in text
    return out


def _other_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli) -> Path:  # noqa: ANN001
    home = tmp_path / "lead-home"
    monkeypatch.setenv("COPROD_HOME", str(home))
    cli("init", "--organisation", "Hestia", "--service", "Co-production team",
        "--grant-cap", "150", "--small-numbers", "5", "--style", "standard")
    return home


def test_share_bundle_holds_session_handouts_anonymised_results_and_credits(bundle) -> None:
    with zipfile.ZipFile(bundle) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        credits = json.loads(zf.read("credits.json"))
        results = json.loads(zf.read("results.json"))
        for name, entry in manifest["files"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == entry["sha256"]
    assert names == ["credits.json", "manifest.json", "results.json", "session.yaml",
                     "templates/five-ways-outdoors/handouts/five-ways-card.md.j2"]
    assert manifest["session"] == {"id": "five-ways-outdoors", "version": 1,
                                   "title": "Five ways outdoors", "theme": "wellbeing",
                                   "based_on": "wellbeing-five-ways@1"}
    assert manifest["service"] == "Beech House" and manifest["organisation"] == "Hestia"
    assert {"name": "Ana", "role": "person using services", "service": "Beech House",
            "part": "contributed"} in credits
    assert {"name": None, "role": "staff", "service": "Beech House",
            "part": "contributed"} in credits
    # the fork has not been run: nothing to report, and nothing identifying in any case
    assert results["runs"] == 0 and results["small_numbers_hidden_below"] == 5
    raw = json.dumps(results)
    for name in ("Sam", "Bo", "Ceri", "Dee", "tea"):
        assert name not in raw


def test_share_results_hide_small_numbers(cli, coprod_home: Path, tmp_path: Path) -> None:
    from coprod_cli.store.database import Store
    from tests.sample_records import build_org

    build_org(Store.open(config.store_dir(coprod_home)))
    out = tmp_path / "b.zip"
    text = cli("toolkit", "share", "wellbeing-five-ways", "--out", str(out)).text
    assert "results from fewer than 5 runs and 1 credit (0 by name)" in text
    with zipfile.ZipFile(out) as zf:
        results = json.loads(zf.read("results.json"))
        credits = json.loads(zf.read("credits.json"))
    assert results["runs"] == "fewer than 5" and results["attendances"] == "fewer than 5"
    assert results["ratings"]["enjoyed"]["mean"] == "fewer than 5"
    assert "Good tea" not in json.dumps(results) and "voices" not in results
    assert credits == [{"name": None, "role": "staff", "service": "Beech House",
                        "part": "led"}]


def test_named_person_must_be_a_contributor(cli, coprod_home: Path, tmp_path: Path) -> None:
    cli("people", "add", "Ceri", "--role", "volunteer")
    result = cli("toolkit", "share", "wellbeing-five-ways", "--out", str(tmp_path / "x.zip"),
                 "--named", "Ceri", code=2)
    assert "Ceri is not among this session's contributors." in result.text
    assert not (tmp_path / "x.zip").exists()


def test_round_trip_add_list_build(cli, bundle, monkeypatch, tmp_path: Path) -> None:
    home = _other_home(monkeypatch, tmp_path, cli)
    text = cli("toolkit", "add", str(bundle)).text
    assert "Added 'Five ways outdoors' as five-ways-outdoors version 1, shared by Beech House" \
        in text
    toolkit = home / "toolkit"
    session = toolkit / "sessions" / "five-ways-outdoors.yaml"
    assert "template: contrib/five-ways-outdoors/v1/five-ways-outdoors/handouts/" \
        "five-ways-card.md.j2" in session.read_text()
    rows = json.loads(cli("toolkit", "list", "--format", "json").output)
    assert len(rows) == 1
    row = rows[0]
    assert (row["session_id"], row["version"], row["status"]) == (
        "five-ways-outdoors", 1, "in the toolkit")
    assert row["based_on"] == "wellbeing-five-ways@1" and row["service"] == "Beech House"
    assert row["added_by"] == "Co-production team, Hestia" and row["shared_at"]
    listed = json.loads(cli("session", "list", "--format", "json").output)
    assert {r["id"]: r["origin"] for r in listed}["five-ways-outdoors"] == "toolkit"
    # its handouts print, from the toolkit's own templates, in the sandbox
    cli("handouts", "print", "five-ways-outdoors", "--out", str(tmp_path / "h.pdf"))

    out = tmp_path / "toolkit.pdf"
    built = cli("toolkit", "build", "--out", str(out)).text
    assert "7 sessions (1 contributed by services)" in built
    import re

    contents = " ".join(_pdf_text(out, slice(1, 3)).split())
    found = re.search(r"Five ways outdoors \(from Beech House, Hestia\) 1 h 30 min (\d+) "
                      r"Handout: Five ways to wellbeing card (\d+)", contents)
    assert found, contents
    page = int(found[1])
    text_at = _pdf_text(out, slice(page - 1, page))
    assert text_at.startswith("Facilitator's plan: Five ways outdoors")
    from pypdf import PdfReader

    total = len(PdfReader(str(out)).pages)
    assert f"Page {page} of {total}" in text_at  # the footer agrees with the contents
    handout_at = _pdf_text(out, slice(int(found[2]) - 1, int(found[2])))
    assert handout_at.startswith("Five ways to wellbeing\nHestia")
    flat = " ".join(_pdf_text(out).split())
    # Sam did not agree to be named: thanked by role and service only
    assert "With thanks to Ana (person using services, Beech House); a member of staff, " \
        "Beech House." in flat
    assert "Welcome to the toolkit" in flat and "What co-production means" in flat
    assert "Thank you" in flat and "Shared by Beech House, Hestia." in flat

    site = tmp_path / "site"
    cli("toolkit", "build", "--format", "html", "--style", "easy-read", "--out", str(site))
    index = (site / "index.html").read_text()
    assert "Welcome to the toolkit" in index
    assert '<a href="five-ways-outdoors.html">' in index and 'href="credits.html"' in index
    page_html = (site / "five-ways-outdoors.html").read_text()
    assert "Five ways outdoors" in page_html and "Five ways to wellbeing card" in page_html
    assert "Thank you" in (site / "credits.html").read_text()
    pages = sorted(p.name for p in site.iterdir())
    assert len(pages) == 9 and "wellbeing-five-ways.html" in pages  # index, 7, credits
    cli("toolkit", "build", "--format", "html", "--out", str(site))  # rebuilt in place
    assert sorted(p.name for p in site.iterdir()) == pages
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_same_id_becomes_a_new_version_or_takes_as(cli, bundle, monkeypatch,
                                                   tmp_path: Path) -> None:
    home = _other_home(monkeypatch, tmp_path, cli)
    cli("toolkit", "add", str(bundle))
    again = cli("toolkit", "add", str(bundle), code=2)
    assert "This bundle was already added on" in again.text
    # a changed copy of the same session: the next version, the old one archived
    changed = _rebuild(bundle, tmp_path / "v2.zip", {"session.yaml": lambda t: t.replace(
        b"Five ways outdoors", b"Five ways out of doors")})
    text = cli("toolkit", "add", str(changed)).text
    assert "as five-ways-outdoors version 2" in text and "replaces version 1" in text
    assert (home / "toolkit" / "archive" / "five-ways-outdoors@1.yaml").is_file()
    statuses = {r["version"]: r["status"] for r in json.loads(
        cli("toolkit", "list", "--format", "json").output)}
    assert statuses == {1: "replaced by version 2", 2: "in the toolkit"}
    renamed = _rebuild(bundle, tmp_path / "v3.zip", {"session.yaml": lambda t: t + b"\n"})
    taken = cli("toolkit", "add", str(renamed), "--as", "wellbeing-five-ways", code=2)
    assert "There is already a session called 'wellbeing-five-ways'" in taken.text
    assert "as outdoor-ways version 1" in cli("toolkit", "add", str(renamed), "--as",
                                              "outdoor-ways").text
    plain = cli("--plain", "toolkit", "list").text
    assert "outdoor-ways version 1: Five ways outdoors. Shared by Beech House" in plain


def test_a_builtin_id_becomes_its_next_version(cli, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "b.zip"
    cli("toolkit", "share", "wellbeing-five-ways", "--out", str(out))
    _other_home(monkeypatch, tmp_path, cli)
    assert "as wellbeing-five-ways version 2" in cli("toolkit", "add", str(out)).text
    shown = json.loads(cli("session", "show", "wellbeing-five-ways", "--format", "json").output)
    assert shown["origin"] == "toolkit" and shown["version"] == 2


# -- hostile bundles ---------------------------------------------------------------------------
def _rebuild(source: Path, out: Path, change: dict, *, extra: dict | None = None,
             fix_manifest: bool = True) -> Path:
    """A copy of a bundle with members changed (and the manifest updated to match)."""
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    for name, edit in change.items():
        members[name] = edit(members[name])
    members.update(extra or {})
    manifest = json.loads(members["manifest.json"])
    if fix_manifest:
        manifest["files"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}
                             for n, d in members.items() if n != "manifest.json"}
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def _with_member(source: Path, out: Path, info: zipfile.ZipInfo, data: bytes) -> Path:
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
        zf.writestr(info, data)
    return out


def _refused(cli, bundle_path: Path, home: Path, words: str) -> None:  # noqa: ANN001
    result = cli("toolkit", "add", str(bundle_path), code=1)
    first = result.text.splitlines()[0]
    assert first.startswith(f"Error: {bundle_path} cannot be added to the toolkit: "), first
    assert words in first, result.text
    assert "Traceback" not in result.text
    toolkit = home / "toolkit"
    written = [p for p in toolkit.rglob("*") if p.is_file() and p.name != ".lock"] \
        if toolkit.exists() else []
    assert written == [], written


HOSTILE = {
    "not a zip": lambda b, t: (t / "x.zip").write_bytes(b"PK not really a zip") and t / "x.zip",
    "dot-dot": lambda b, t: _rebuild(b, t / "x.zip", {}, extra={
        "templates/../../../evil.md.j2": b"x"}),
    "absolute": lambda b, t: _rebuild(b, t / "x.zip", {}, extra={"/etc/evil.md.j2": b"x"}),
    "unexpected": lambda b, t: _rebuild(b, t / "x.zip", {}, extra={"run.sh": b"rm -rf /"}),
    "tampered": lambda b, t: _rebuild(b, t / "x.zip", {"session.yaml": lambda s: s.replace(
        b"Five ways outdoors", b"Five ways hijacked")}, fix_manifest=False),
    "invalid session": lambda b, t: _rebuild(b, t / "x.zip", {"session.yaml": lambda s: s.replace(
        b"duration: 90", b"duration: ninety")}),
    "python internals": lambda b, t: _rebuild(b, t / "x.zip", {
        "templates/five-ways-outdoors/handouts/five-ways-card.md.j2":
            lambda s: s + b"\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"}),
    "broken template": lambda b, t: _rebuild(b, t / "x.zip", {
        "templates/five-ways-outdoors/handouts/five-ways-card.md.j2":
            lambda s: s + b"\n{{ missing_thing }}\n"}),
    "missing template": lambda b, t: _drop(
        b, t / "x.zip", "templates/five-ways-outdoors/handouts/five-ways-card.md.j2"),
}
WORDS = {
    "not a zip": "it is not a zip file",
    "dot-dot": "tries to leave the toolkit folder",
    "absolute": "tries to leave the toolkit folder",
    "unexpected": "it holds an unexpected file 'run.sh'",
    "tampered": "session.yaml does not match its checksum",
    "invalid session": "its session does not pass 'coprod session check'",
    "python internals": "tries to reach Python internals (line",
    "broken template": "cannot be filled in",
    "missing template": "its session uses the handout template five-ways-outdoors/handouts/"
                        "five-ways-card.md.j2, which the bundle does not hold",
}


def _drop(source: Path, out: Path, name: str) -> Path:
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != name}
    manifest = json.loads(members["manifest.json"])
    manifest["files"].pop(name)
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return out


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_bundle_is_refused_and_nothing_written(case: str, cli, bundle, monkeypatch,
                                                       tmp_path: Path) -> None:
    home = _other_home(monkeypatch, tmp_path, cli)
    path = HOSTILE[case](bundle, tmp_path)
    _refused(cli, path, home, WORDS[case])


def test_symlink_member_is_refused(cli, bundle, monkeypatch, tmp_path: Path) -> None:
    home = _other_home(monkeypatch, tmp_path, cli)
    info = zipfile.ZipInfo("templates/link.md.j2")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _with_member(bundle, tmp_path / "x.zip", info, b"/etc/passwd")
    _refused(cli, path, home, "is a link, which a bundle may not hold")


def test_huge_member_is_refused_without_reading_it(cli, bundle, monkeypatch,
                                                   tmp_path: Path) -> None:
    home = _other_home(monkeypatch, tmp_path, cli)
    info = zipfile.ZipInfo("templates/huge.md.j2")
    info.compress_type = zipfile.ZIP_DEFLATED
    path = _with_member(bundle, tmp_path / "x.zip", info, b"\0" * 2_000_000)
    assert path.stat().st_size < 100_000  # small on disk, huge unpacked
    _refused(cli, path, home, "templates/huge.md.j2 is far too large")


def test_lying_size_header_is_caught_while_reading(cli, bundle, monkeypatch,
                                                   tmp_path: Path) -> None:
    """A member whose header claims 100 bytes but that unpacks to 2 MB: the header passes
    the 1 MB check, so only the capped read can catch it, and it must, naming the file."""
    from coprod_cli.errors import ValidationError
    from coprod_cli.toolkit.bundle import read_bundle
    from tests.hostile_zips import lie_about_size, with_member

    home = _other_home(monkeypatch, tmp_path, cli)
    name = "templates/five-ways-outdoors/handouts/big.md.j2"
    forged = with_member(bundle.read_bytes(), name, b"# Big\n" + b" " * 2_000_000)
    path = tmp_path / "liar.zip"
    path.write_bytes(lie_about_size(forged, name, 100))
    assert path.stat().st_size < 100_000
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(name).file_size == 100  # what the header claims
    with pytest.raises(ValidationError) as caught:
        read_bundle(path)
    assert caught.value.message == (
        f"{path} cannot be added to the toolkit: {name} is far too large (more than "
        "1,000,000 bytes unpacked, though its header says 100).")
    _refused(cli, path, home, f"{name} is far too large (more than 1,000,000 bytes unpacked")

    small_lie = tmp_path / "small-liar.zip"  # under the cap, but not the size it claims
    small_lie.write_bytes(lie_about_size(with_member(bundle.read_bytes(), name, b"# Hi\n"),
                                         name, 100))
    _refused(cli, small_lie, home, f"{name} holds 5 bytes but its header says 100")


def test_ten_thousand_files_via_cli(cli, monkeypatch, tmp_path: Path) -> None:
    home = _other_home(monkeypatch, tmp_path, cli)
    path = tmp_path / "many.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for n in range(10_000):
            zf.writestr(f"templates/f{n}.md.j2", b"")
    path.write_bytes(buffer.getvalue())
    _refused(cli, path, home, "holds 10,000 files")


def test_missing_bundle_file(cli, tmp_path: Path) -> None:
    result = cli("toolkit", "add", str(tmp_path / "nope.zip"), code=1)
    assert "There is no file at" in result.text


def test_empty_toolkit_list_and_build(cli, tmp_path: Path) -> None:
    assert "No contributions yet." in cli("toolkit", "list").text
    out = tmp_path / "t.pdf"
    assert "6 sessions (0 contributed by services)" in cli("toolkit", "build", "--out",
                                                           str(out)).text
    assert "Your session could be next" in " ".join(_pdf_text(out).split())


# -- a failure part-way leaves the toolkit as it was -------------------------------------------
def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_add_that_fails_at_the_last_file_puts_everything_back(cli, bundle, monkeypatch,
                                                               tmp_path: Path) -> None:
    import errno

    from coprod_cli import files

    home = _other_home(monkeypatch, tmp_path, cli)
    cli("toolkit", "add", str(bundle))
    toolkit = home / "toolkit"
    before = _snapshot(toolkit)
    newer = _rebuild(bundle, tmp_path / "v2.zip", {"session.yaml": lambda t: t + b"\n"})
    real = files.atomic_write_bytes

    def write(path: Path, data: bytes, mode: int = 0o600) -> None:
        if path.name == "contributions.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(files, "atomic_write_bytes", write)
    result = cli("toolkit", "add", str(newer), code=1)
    assert "The disk is full, so coprod could not save. Nothing was changed." in result.text
    # version 2's templates, the archived version 1 and the replaced session file were all
    # written before contributions.json failed; every one of them is undone
    assert _snapshot(toolkit) == before
    assert not (toolkit / "archive").exists()
    monkeypatch.setattr(files, "atomic_write_bytes", real)
    assert "version 2" in cli("toolkit", "add", str(newer)).text


def test_html_site_that_cannot_be_swapped_in_keeps_the_old_site(cli, monkeypatch,
                                                                tmp_path: Path) -> None:
    import errno
    import os

    site = tmp_path / "site"
    cli("toolkit", "build", "--format", "html", "--out", str(site))
    before = _snapshot(site)
    real_rename = os.rename

    def rename(src: object, dst: object) -> None:
        if Path(str(dst)) == site and not Path(str(src)).name.endswith(".old"):
            raise OSError(errno.EACCES, "Permission denied", str(dst))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    cli("toolkit", "build", "--format", "html", "--out", str(site), code=1)
    assert _snapshot(site) == before  # the old site was moved aside, then put back
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def _credits(edit):  # noqa: ANN001, ANN202
    """An edit of credits.json: ``edit`` changes the list of credits in place."""
    def change(data: bytes) -> bytes:
        credits = json.loads(data)
        edit(credits)
        return json.dumps(credits).encode()
    return change


BAD_CREDITS = {
    "a dict as a name": (lambda c: c[0].update(name={"first": "Ana"}), "credits[0].name"),
    "a role of admin<script>": (lambda c: c[0].update(role="admin<script>"), "credits[0].role"),
    "an escape sequence in a service": (lambda c: c[1].update(service="\x1b]0;pwned\x07"),
                                        "credits[1].service"),
    "a number as a part": (lambda c: c[1].update(part=7), "credits[1].part"),
}


@pytest.mark.parametrize("case", sorted(BAD_CREDITS))
def test_toolkit_add_refuses_credits_that_break_their_declared_shape(
        case: str, cli, bundle, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    """The same rule as a merge: a bundle whose records do not fit the declared schema is
    refused whole, naming the file, the record and the field, and nothing changes."""
    edit, field = BAD_CREDITS[case]
    home = _other_home(monkeypatch, tmp_path, cli)
    path = _rebuild(bundle, tmp_path / "bad.zip", {"credits.json": _credits(edit)})
    before = _snapshot(home)
    result = cli("toolkit", "add", str(path), code=1)
    first = result.text.splitlines()[0]
    assert first.startswith("Error: bad.zip was refused, so nothing was changed: in "
                            "credits.json"), result.text
    assert "toolkit_contributions record" in first and field in result.text, result.text
    assert "Hint: Ask the service that shared it" in result.text
    assert "Traceback" not in result.text and "\x1b" not in result.text
    assert _snapshot(home) == before
    assert cli("toolkit", "list").text.count("five-ways-outdoors") == 0


# -- contributed templates are bounded (issue 13) -------------------------------------------

CARD = "templates/five-ways-outdoors/handouts/five-ways-card.md.j2"
BOMBS = {
    "nested loops": (b"{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                     b"{% endfor %}", "took longer than 1 seconds to fill in"),
    "two gigabytes": (b"{{ 'x' * 2000000000 }}",
                      "would make more than 2,000,000 characters of output"),
    "self-calling macro": (b"{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}",
                           "calls itself too many times"),
    "endless output": (b"{% for i in range(100000) %}{{ 'y' * 100 }}{% endfor %}",
                       "made more than 2,000,000 characters of output"),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_toolkit_add_stops_a_template_bomb_naming_the_template(
        case: str, cli, bundle, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    from coprod_cli.render import bounds

    monkeypatch.setattr(bounds, "MAX_SECONDS", 1.0)
    bomb, words = BOMBS[case]
    home = _other_home(monkeypatch, tmp_path, cli)
    path = _rebuild(bundle, tmp_path / "bomb.zip", {CARD: lambda s: s + b"\n" + bomb})
    before = _snapshot(home)
    started = time.monotonic()
    result = cli("toolkit", "add", str(path), code=1)
    text = " ".join(result.text.split())
    assert time.monotonic() - started < 10
    assert "its handout template contrib/five-ways-outdoors/v1/five-ways-outdoors/handouts/" \
           "five-ways-card.md.j2 cannot " \
           "be filled in" in text
    assert "The template 'contrib/five-ways-outdoors/v1/five-ways-outdoors/handouts/" \
           f"five-ways-card.md.j2' was stopped because it {words}" in text, text
    assert "Traceback" not in result.text and "MemoryError" not in result.text
    assert _snapshot(home) == before


def test_a_users_own_template_bomb_is_stopped_at_render(cli, coprod_home: Path, tmp_path: Path,
                                                        monkeypatch) -> None:  # noqa: ANN001
    from coprod_cli.render import bounds

    monkeypatch.setattr(bounds, "MAX_SECONDS", 1.0)
    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    cli("session", "fork", "wellbeing-five-ways", "--as", "mine")
    card = next((coprod_home / "templates").rglob("*.md.j2"))
    card.write_text(card.read_text() + "\n" + BOMBS["nested loops"][0].decode())
    out = tmp_path / "h.pdf"
    result = cli("handouts", "print", "mine", "--out", str(out), code=1)
    assert "was stopped because it took longer than 1 seconds to fill in" in result.text
    assert card.name in result.text and not out.exists()


def test_permissions_are_true_to_the_readme(cli, bundle, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
    """Records and anything naming people are owner-only; what is made to publish (the
    toolkit website and document, a blank handouts pack) can be read by others."""
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600  # the shared bundle names Ana
    home = _other_home(monkeypatch, tmp_path, cli)
    cli("toolkit", "add", str(bundle))
    toolkit = home / "toolkit"
    modes = {p.relative_to(toolkit).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in [toolkit, *toolkit.rglob("*")]}
    assert modes["contributions.json"] == 0o600
    assert {m for p, m in modes.items() if (toolkit / p).is_dir() or p == "."} == {0o700}
    assert {m for p, m in modes.items() if (toolkit / p).is_file()} == {0o600}, modes
    site = tmp_path / "site"
    cli("toolkit", "build", "--format", "html", "--out", str(site))
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*") if p.is_file()} == {0o644}
    pdf = tmp_path / "toolkit.pdf"
    cli("toolkit", "build", "--out", str(pdf))
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o644
    blank = tmp_path / "blank.pdf"
    cli("handouts", "print", "wellbeing-five-ways", "--out", str(blank))
    assert stat.S_IMODE(blank.stat().st_mode) == 0o644
