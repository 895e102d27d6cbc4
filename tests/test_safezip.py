"""The one hostile-zip reader (coprod_cli.safezip), and the records bundle reader built on it.

The toolkit's bundle reader uses it too; its refusals are tested through the CLI in
tests/test_toolkit.py.
"""

from __future__ import annotations

import io
import random
import stat
import zipfile
from pathlib import Path

import pytest

from coprod_cli.errors import CoprodError, ValidationError
from coprod_cli.safezip import SafeZip, unsafe_name
from tests.hostile_zips import lie_about_size, with_member

MB = 1_000_000


def _refuse(problem: str) -> CoprodError:
    return ValidationError(f"refused: {problem}.")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def _open(path: Path, **limits: int) -> SafeZip:
    return SafeZip(path, _refuse, **{"max_member_bytes": MB, "max_total_bytes": 8 * MB,
                                     **limits})


def test_honest_members_read_back_exactly(tmp_path: Path) -> None:
    members = {"a.txt": b"hello", "folder/b.bin": bytes(range(256)) * 100, "empty": b""}
    with _open(_zip(tmp_path / "ok.zip", members), max_files=3) as zf:
        assert list(zf.members) == list(members)
        assert {name: zf.read(name) for name in zf.members} == members


def test_a_member_that_lies_small_but_holds_more_than_the_cap_is_refused(tmp_path: Path) -> None:
    honest = _zip(tmp_path / "honest.zip", {"big.txt": b"x" * (2 * MB)}).read_bytes()
    path = tmp_path / "liar.zip"
    path.write_bytes(lie_about_size(honest, "big.txt", 100))
    with _open(path) as zf:  # the header passes the size check: it claims 100 bytes
        assert zf.members["big.txt"].file_size == 100
        with pytest.raises(ValidationError) as caught:
            zf.read("big.txt")
    assert caught.value.message == ("refused: big.txt is far too large (more than 1,000,000 "
                                    "bytes unpacked, though its header says 100).")


def test_a_member_that_lies_about_its_size_under_the_cap_is_refused(tmp_path: Path) -> None:
    honest = _zip(tmp_path / "honest.zip", {"a.txt": b"y" * 5000}).read_bytes()
    path = tmp_path / "liar.zip"
    for claimed in (100, 9000):  # smaller than it is, and larger
        path.write_bytes(lie_about_size(honest, "a.txt", claimed))
        with _open(path) as zf, pytest.raises(ValidationError) as caught:
            zf.read("a.txt")
        assert caught.value.message == (f"refused: a.txt holds 5,000 bytes but its header "
                                        f"says {claimed:,} (damaged or changed).")


def test_declared_sizes_counts_names_and_links_are_refused_before_reading(tmp_path: Path
                                                                          ) -> None:
    cases = {
        "huge": ({"h": b"\0" * (MB + 1)}, {}, "h is far too large (1,000,001 bytes)"),
        "total": ({"a": b"\0" * MB, "b": b"\0" * MB}, {"max_total_bytes": MB},
                  "its files are far too large"),
        "count": ({f"f{n}": b"" for n in range(4)}, {"max_files": 3},
                  "it holds 4 files; a bundle holds at most 3"),
        "dot-dot": ({"a/../../x": b""}, {}, "it holds an unexpected file 'a/../../x', whose "
                                            "name tries to leave its folder"),
        "absolute": ({"/etc/x": b""}, {}, "whose name tries to leave its folder"),
        "backslash": ({"a\\..\\x": b""}, {}, "whose name tries to leave its folder"),
    }
    for case, (members, limits, words) in cases.items():
        with pytest.raises(ValidationError) as caught:
            _open(_zip(tmp_path / f"{case}.zip", members), **limits)
        assert words in caught.value.message, (case, caught.value.message)
    link = zipfile.ZipInfo("link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(link, b"/etc/passwd")
    (tmp_path / "link.zip").write_bytes(buffer.getvalue())
    with pytest.raises(ValidationError, match="'link' is a link, which a bundle may not hold"):
        _open(tmp_path / "link.zip")


def test_not_a_file_not_a_zip_and_too_big_a_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="There is no file at"):
        _open(tmp_path / "missing.zip")
    with pytest.raises(ValidationError, match="refused: it is not a file."):
        _open(tmp_path)
    (tmp_path / "x.zip").write_bytes(b"PK not really")
    with pytest.raises(ValidationError, match=r"it is not a zip file \(or it is damaged\)"):
        _open(tmp_path / "x.zip")
    big = _zip(tmp_path / "big.zip", {"a": b"spread out " * 1000})
    with pytest.raises(ValidationError, match="far larger than a bundle can be"):
        _open(big, max_zip_bytes=100)


def test_damaged_data_is_a_refusal_not_a_traceback(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(5000)  # does not compress: the stream is 5 KB long
    good = _zip(tmp_path / "good.zip", {"a.txt": noise}).read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        start = zf.getinfo("a.txt").header_offset + 30 + len("a.txt")
    damaged = bytearray(good)
    damaged[start:start + 40] = b"\xff" * 40  # garbage where the deflate stream begins
    (tmp_path / "bad.zip").write_bytes(bytes(damaged))
    with _open(tmp_path / "bad.zip") as zf, pytest.raises(ValidationError) as caught:
        zf.read("a.txt")
    assert caught.value.message == "refused: a.txt cannot be read (damaged or encrypted)."


def test_unsafe_names() -> None:
    for name in ("", "/x", "../x", "a/../../x", "a//b", "C:x", "a\\b", "a\x00b"):
        assert unsafe_name(name), name
    for name in ("a", "templates/x.md.j2", "records/people/2026.json", "a..b"):
        assert not unsafe_name(name), name


# -- the records bundle reader -----------------------------------------------------------------
def _records_bundle(tmp_path: Path) -> Path:
    from coprod_cli.people import register as people
    from coprod_cli.store import backups
    from coprod_cli.store.database import Store

    store = Store.open(tmp_path / "store")
    people.add_person(store, "Ana", "person-using-services")
    out = tmp_path / "good.zip"
    backups.export(store, out, service="Beech", organisation="")
    return out


def test_records_bundle_member_that_lies_about_its_size_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records reader's cap is a gigabyte; lowered to 1 MB here so the forgery stays
    small. Its header claims 100 bytes; it really unpacks to 2 MB."""
    from coprod_cli.store import bundles

    monkeypatch.setattr(bundles, "MAX_MEMBER_BYTES", MB)
    good = _records_bundle(tmp_path).read_bytes()
    name = "records/people/all.json"
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        assert name in zf.namelist()
    forged = with_member(_without(good, name), name, b" " * (2 * MB))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(lie_about_size(forged, name, 100))
    with pytest.raises(ValidationError) as caught:
        bundles.read_bundle(bad)
    assert caught.value.message == (
        f"{bad} is not a bundle coprod can use: {name} is far too large (more than "
        "1,000,000 bytes unpacked, though its header says 100).")
    assert caught.value.hint and "coprod data export" in caught.value.hint


def test_records_bundle_member_shorter_than_its_header_is_refused(tmp_path: Path) -> None:
    from coprod_cli.store import bundles

    good = _records_bundle(tmp_path).read_bytes()
    name = "records/people/all.json"
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        real = zf.getinfo(name).file_size
    bad = tmp_path / "bad.zip"
    bad.write_bytes(lie_about_size(good, name, real + 10))
    with pytest.raises(ValidationError) as caught:
        bundles.read_bundle(bad)
    assert caught.value.message == (
        f"{bad} is not a bundle coprod can use: {name} holds {real:,} bytes but its header "
        f"says {real + 10:,} (damaged or changed).")


def _without(zip_bytes: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(zip_bytes))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            if info.filename != name:
                zf.writestr(info.filename, source.read(info))
    return buffer.getvalue()
