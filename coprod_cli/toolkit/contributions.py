"""The living toolkit: share a session as a bundle, add bundles with provenance, list them.

A service that adapts or writes a session sends it back as one zip (``share``): the session
file, its handout templates, an anonymised record of how it went (small numbers hidden), the
contributors' credit (a name only with that person's consent, otherwise service and role) and
a ``manifest.json`` with a SHA-256 for every file. The co-production lead adds it (``add``)
to ``toolkit/`` in their home folder, where the library finds it beside the built-ins.

A bundle is treated as hostile until proven otherwise, as record bundles are
(``bundles.py``): only expected names, no path that could leave the toolkit folder, no links,
size and count limits read with a cap, checksums, a session that passes ``check``, and handout
templates that render in the sandbox. Every check runs before anything is written. Building
the toolkit as one document lives in ``toolkit_book.py``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from coprod_cli.errors import CoprodError, NotFoundError, UsageError, ValidationError
from coprod_cli.files import atomic_write_bytes, atomic_write_text
from coprod_cli.people import register as people_mod
from coprod_cli.sessions.library import Library, LoadedSession

FORMAT = "coprod-toolkit"
VERSION = 1
SESSION_MEMBER = "session.yaml"
FIXED_MEMBERS = ("manifest.json", SESSION_MEMBER, "results.json", "credits.json")
MAX_FILES = 64
MAX_MEMBER_BYTES = 1_000_000
MAX_TOTAL_BYTES = 8_000_000
MAX_BUNDLE_BYTES = 8_000_000
CONTRIBUTIONS = "contributions.json"
IN_TOOLKIT = "in the toolkit"
_TEMPLATE_MEMBER = re.compile(r"templates/((?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}/){0,5}"
                              r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}\.j2)")
_JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_INTERNALS = re.compile(r"__|\b(?:mro|subclasses|globals|builtins|import|getattr|attr|"
                        r"self|cycler|joiner|namespace|lipsum|config|request)\b")


def sessions_folder(root: Path) -> Path:
    return root / "sessions"


def templates_folder(root: Path) -> Path:
    return root / "templates"


# -- sharing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contributor:
    """Someone who helped make or run the session, as the credits will show them."""

    person_id: str
    name: str
    role: str
    service: str
    part: str  # "led", "co-facilitated", "contributed"


def contributors_from_runs(store: Any, session_id: str) -> list[Contributor]:
    """The people who facilitated runs of the session, from the records."""
    from coprod_cli.sessions.runner import RUNS

    seen: dict[str, str] = {}
    for year in store.partitions(RUNS):
        for run in store.all(RUNS, partition=year):
            if run.get("session_id") != session_id:
                continue
            for f in run.get("facilitators") or []:
                part = "led" if f.get("as") == "lead" else "co-facilitated"
                if seen.get(f["person_id"]) != "co-facilitated":
                    seen[f["person_id"]] = part
    out = []
    for person_id, part in seen.items():
        person = store.get(people_mod.TABLE, person_id)
        if person is not None:
            out.append(Contributor(person_id, person["name"], person["role"],
                                   person.get("service") or "", part))
    return out


def credits_for(contributors: list[Contributor], named: set[str], service: str
                ) -> list[dict[str, Any]]:
    """Credits as they travel: a name only for people in ``named`` (their consent)."""
    out = []
    for c in contributors:
        out.append({"name": c.name if c.person_id in named else None,
                    "role": people_mod.ROLE_WORDS.get(c.role, "other"),
                    "service": c.service or service, "part": c.part})
    return out


def anonymised_results(store: Any, session_id: str, form: Any, measures: dict[str, Any],
                       threshold: int) -> dict[str, Any]:
    """How the session went, with small numbers hidden and no comments or names at all."""
    from coprod_cli.evaluation.summary import Filters, summarise
    from coprod_cli.evaluation.suppression import suppress

    report = suppress(summarise(store, Filters(session=session_id), form, measures), threshold)
    reach = report["reach"]
    experience = {qid: {"question": q["text"], "answers": q["n"], "mean": q["mean"],
                        "distribution": q["distribution"]}
                  for qid, q in report["experience"]["questions"].items()}
    outcomes = {mid: {"title": m["title"], "pairs": m["pairs"],
                      "items": {iid: {"answers": i["n"], "before_mean": i["before_mean"],
                                      "after_mean": i["after_mean"],
                                      "band_shift": i["band_shift"]}
                                for iid, i in m["items"].items()}}
                for mid, m in report["outcomes"].items()}
    return {"period": report["period"], "small_numbers_hidden_below": threshold,
            "runs": reach["sessions"], "attendances": reach["attendances"],
            "people": reach["people"], "returning": reach["returning"],
            "people_by_role": {role: row["people"] for role, row in reach["by_role"].items()},
            "co_facilitated_by_lived_experience": report["coproduction"]["co_facilitated"],
            "forms": report["experience"]["forms"], "ratings": experience,
            "outcomes": outcomes}


def share(loaded: LoadedSession, template_dirs: list[Path], out: Path, *,
          results: dict[str, Any], credits: list[dict[str, Any]], service: str,
          organisation: str) -> dict[str, Any]:
    """Write the bundle for ``loaded`` to ``out`` (atomically); returns its manifest."""
    from coprod_cli.sessions.authoring import template_source

    session = loaded.session
    members: dict[str, bytes] = {SESSION_MEMBER: loaded.path.read_bytes()}
    for handout in session.handouts:
        members[f"templates/{handout.template}"] = template_source(
            handout.template, template_dirs).encode("utf-8")
    members["results.json"] = _json_bytes(results)
    members["credits.json"] = _json_bytes(credits)
    manifest = {
        "format": FORMAT, "version": VERSION,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "service": service, "organisation": organisation,
        "session": {"id": session.id, "version": session.version, "title": session.title,
                    "theme": session.theme, "based_on": session.based_on},
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in sorted(members.items())}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", _json_bytes(manifest))
        for name, data in sorted(members.items()):
            zf.writestr(name, data)
    atomic_write_bytes(out, buffer.getvalue(), mode=0o644)
    return manifest


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


# -- reading a bundle (hostile) ----------------------------------------------------------------
@dataclass
class ToolkitBundle:
    path: Path
    sha256: str
    manifest: dict[str, Any]
    session_text: str
    templates: dict[str, str]
    results: dict[str, Any]
    credits: list[dict[str, Any]]

    @property
    def session_id(self) -> str:
        return str(self.manifest["session"]["id"])


def _refuse(path: Path, problem: str, problems: list[str] | None = None) -> ValidationError:
    return ValidationError(f"{path} cannot be added to the toolkit: {problem}.", problems,
                           hint="Nothing was added. Ask the service for a new copy made with "
                                "'coprod toolkit share'.")


def _unsafe_name(name: str) -> bool:
    """A member name that could land outside the folder it is unpacked into."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or \
            re.match(r"^[A-Za-z]:", name):
        return True
    return "//" in name or any(part in ("..", ".") for part in PurePosixPath(name).parts)


def read_bundle(path: Path) -> ToolkitBundle:
    """Open and check every part of a toolkit bundle; raises ``ValidationError`` on the first
    problem, before anything is written anywhere."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFoundError(f"There is no file at {path}.") from None
    if not path.is_file():
        raise _refuse(path, "it is not a file")
    if size > MAX_BUNDLE_BYTES:
        raise _refuse(path, f"it is {size:,} bytes, far larger than a session bundle can be")
    raw = path.read_bytes()
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(path, "it is not a zip file") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_FILES:
            raise _refuse(path, f"it holds {len(infos):,} files; a session bundle holds at "
                                f"most {MAX_FILES}")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise _refuse(path, "it holds the same file twice")
        files: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if _unsafe_name(name.rstrip("/")):
                raise _refuse(path, f"the file name {name!r} tries to leave the toolkit folder")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _refuse(path, f"{name!r} is a link, which a bundle may not hold")
            if info.is_dir():
                continue
            if name not in FIXED_MEMBERS and not _TEMPLATE_MEMBER.fullmatch(name):
                raise _refuse(path, f"it holds an unexpected file {name!r}")
            if info.file_size > MAX_MEMBER_BYTES:
                raise _refuse(path, f"{name} is far too large ({info.file_size:,} bytes)")
            files[name] = info
        if sum(i.file_size for i in files.values()) > MAX_TOTAL_BYTES:
            raise _refuse(path, "its files are far too large")
        for name in FIXED_MEMBERS:
            if name not in files:
                raise _refuse(path, f"it has no {name}")
        data = {name: _read(zf, info, path) for name, info in files.items()}
    manifest = _parse_json(data.pop("manifest.json"), "manifest.json", path)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(path, "it is not a coprod toolkit bundle (its manifest says otherwise)")
    if manifest.get("version") != VERSION:
        raise _refuse(path, f"it is format version {manifest.get('version')!r}; this coprod "
                            f"reads version {VERSION}")
    listed = manifest.get("files")
    session_info = manifest.get("session")
    if not isinstance(listed, dict) or not isinstance(session_info, dict) or \
            not isinstance(session_info.get("id"), str):
        raise _refuse(path, "its manifest does not list its files and session")
    for name, content in data.items():
        entry = listed.get(name)
        if not isinstance(entry, dict):
            raise _refuse(path, f"{name} is not in its manifest")
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            raise _refuse(path, f"{name} does not match its checksum (changed after sharing)")
    missing = sorted(set(listed) - set(data))
    if missing:
        raise _refuse(path, f"its manifest lists {missing[0]}, which is missing")
    texts: dict[str, str] = {}
    for name, content in data.items():
        try:
            texts[name] = content.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(path, f"{name} is not UTF-8 text") from None
    results = _parse_json(data["results.json"], "results.json", path)
    credits = _parse_json(data["credits.json"], "credits.json", path)
    if not isinstance(results, dict) or not isinstance(credits, list) or not all(
            isinstance(c, dict) for c in credits):
        raise _refuse(path, "its results or credits are not in the expected shape")
    for key in ("service", "organisation", "created_at"):
        if not isinstance(manifest.get(key, ""), str):
            raise _refuse(path, f"its manifest's {key} is not text")
    templates = {name.removeprefix("templates/"): text for name, text in texts.items()
                 if name.startswith("templates/")}
    return ToolkitBundle(path=path, sha256=hashlib.sha256(raw).hexdigest(), manifest=manifest,
                         session_text=texts[SESSION_MEMBER], templates=templates,
                         results=results, credits=[_clean_credit(c) for c in credits])


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    try:
        with zf.open(info) as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError):
        raise _refuse(path, f"{info.filename} cannot be read (damaged or encrypted)") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise _refuse(path, f"{info.filename} is far too large")
    return data


def _parse_json(data: bytes, name: str, path: Path) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse(path, f"{name} is not valid JSON") from None


def _clean_credit(credit: dict[str, Any]) -> dict[str, Any]:
    """Only the fields a credit has, as short single-line text."""
    def text(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return None
        return " ".join(value.split())[:120]

    return {"name": text(credit.get("name")), "role": text(credit.get("role")) or "other",
            "service": text(credit.get("service")) or "", "part": text(credit.get("part"))
            or "contributed"}


def check_bundle_session(bundle: ToolkitBundle, session_id: str, version: int | None,
                         templates: dict[str, str]) -> tuple[str, LoadedSession]:
    """Rewrite the bundle's session for the toolkit (id, version, template paths under
    ``templates``) and check it in a scratch folder: valid, every handout present, every
    template safe to fill in. Returns the new text and the loaded session."""
    from coprod_cli.sessions.authoring import rewrite_session_text
    from coprod_cli.sessions.library import load_session_file

    path = bundle.path
    text = rewrite_session_text(bundle.session_text, session_id=session_id, version=version,
                                templates=templates)
    with tempfile.TemporaryDirectory(prefix="coprod-toolkit-") as tmp:
        root = Path(tmp)
        folder = root / "templates"
        for old, new in templates.items():
            target = folder / new
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(bundle.templates[old], encoding="utf-8")
        file = root / f"{session_id}.yaml"
        file.write_text(text, encoding="utf-8")
        try:
            loaded = load_session_file(file, [folder], "toolkit")
        except ValidationError as exc:
            problems = [p.replace(str(file), SESSION_MEMBER) for p in exc.problems]
            raise _refuse(path, "its session does not pass 'coprod session check'",
                          problems or [exc.message]) from None
        used = {h.template for h in loaded.session.handouts}
        lacking = sorted(used - set(templates.values()))
        if lacking:
            raise _refuse(path, f"its session uses the handout template {lacking[0]}, which "
                                "the bundle does not hold")
        if used != set(templates.values()) or (version is not None and
                                               loaded.session.version != version):
            raise _refuse(path, "its session file is laid out in a way coprod cannot rename "
                                "safely")
        for handout in loaded.session.handouts:
            _check_template(path, handout.template, folder, loaded)
    return text, loaded


def _check_template(path: Path, template: str, folder: Path, loaded: LoadedSession) -> None:
    """Refuse template code that reaches for Python internals, then fill the template in, in
    the sandbox, as printing would: it must work with no help from outside."""
    from coprod_cli.render import render_template

    source = (folder / template).read_text(encoding="utf-8")
    for match in _JINJA_CODE.finditer(source):
        if _INTERNALS.search(match.group(0)):
            line = source.count("\n", 0, match.start()) + 1
            raise _refuse(path, f"its handout template {template} tries to reach Python "
                                f"internals (line {line})")
    try:
        render_template(template, {"session": loaded.session, "organisation": "",
                                    "service": "", "date": ""},
                        template_dirs=[folder], sandboxed=True)
    except CoprodError as exc:
        raise _refuse(path, f"its handout template {template} cannot be filled in",
                      [exc.message]) from None


# -- adding to the toolkit ---------------------------------------------------------------------
def load_contributions(root: Path) -> list[dict[str, Any]]:
    path = root / CONTRIBUTIONS
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError(f"The toolkit's list of contributions ({path}) cannot be read.",
                              hint="Restore it from a backup, or move it away to start a new "
                                   "list.") from None
    if not isinstance(data, list):
        raise ValidationError(f"The toolkit's list of contributions ({path}) is damaged.")
    return data


@dataclass(frozen=True)
class Added:
    record: dict[str, Any]
    path: Path
    replaced: int | None  # the version it replaced in the toolkit, if any


def add(bundle_path: Path, root: Path, library: Library, *, as_id: str | None = None,
        added_by: str = "") -> Added:
    """Add a checked bundle to the toolkit folder ``root``, keeping its provenance.

    An id already in use becomes a new version (the toolkit's copy is archived), unless
    ``as_id`` gives the session a new id, which must be free.
    """
    from filelock import FileLock, Timeout

    from coprod_cli.sessions.authoring import check_slug

    bundle = read_bundle(bundle_path)
    root.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(root / ".lock"), timeout=10):
            return _add_locked(bundle, root, library, as_id, added_by, check_slug)
    except Timeout:
        raise CoprodError("Someone else is adding to the toolkit right now.",
                          hint="Try again in a minute.") from None


def _add_locked(bundle: ToolkitBundle, root: Path, library: Library, as_id: str | None,
                added_by: str, check_slug: Any) -> Added:
    records = load_contributions(root)
    earlier = next((r for r in records if r.get("bundle_sha256") == bundle.sha256), None)
    if earlier:
        raise UsageError(f"This bundle was already added on {earlier['added_at'][:10]} as "
                         f"'{earlier['session_id']}' version {earlier['version']}.",
                         hint="Nothing was changed.")
    session_id = check_slug(as_id or bundle.session_id, "session id", "--as")
    try:
        existing: LoadedSession | None = library.get(session_id)
    except NotFoundError:
        existing = None
    if as_id and existing is not None:
        raise UsageError(f"There is already a session called '{as_id}' ({existing.origin}).",
                         hint="Choose another id with --as.")
    bundle_version = bundle.manifest["session"].get("version")
    version = existing.session.version + 1 if existing is not None else (
        bundle_version if isinstance(bundle_version, int) and bundle_version >= 1 else 1)
    for record in records:
        if record.get("session_id") == session_id:
            version = max(version, int(record.get("version", 0)) + 1)
    namespace = f"contrib/{session_id}/v{version}"
    mapping = {old: f"{namespace}/{old}" for old in bundle.templates}
    text, loaded = check_bundle_session(bundle, session_id, version, mapping)
    # every handout the session uses must come with the bundle, and nothing else
    unused = set(bundle.templates) - {k for k, v in mapping.items()
                                      if v in {h.template for h in loaded.session.handouts}}
    if unused:
        raise _refuse(bundle.path, f"it holds a template no handout uses ({sorted(unused)[0]})")

    sessions, templates = sessions_folder(root), templates_folder(root)
    target = sessions / f"{session_id}.yaml"
    replaced = None
    written: list[Path] = []
    archived: tuple[Path, Path] | None = None
    try:
        for old, new in mapping.items():
            out = templates / new
            if out.exists():
                raise UsageError(f"The toolkit already has files at {out.parent}.",
                                 hint="Add it with another id: --as NEW_ID.")
            atomic_write_text(out, bundle.templates[old], mode=0o644)
            written.append(out)
        if target.exists():
            old_text = target.read_text(encoding="utf-8")
            old_version = _version_of(old_text)
            replaced = old_version
            archive = root / "archive" / f"{session_id}@{old_version}.yaml"
            atomic_write_text(archive, old_text, mode=0o644)
            archived = (archive, target)
        atomic_write_text(target, text, mode=0o644)
        written.append(target)
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        for record in records:
            if record.get("session_id") == session_id and record.get("status") == IN_TOOLKIT:
                record["status"] = f"replaced by version {version}"
        info = bundle.manifest["session"]
        record = {
            "id": bundle.sha256[:10], "session_id": session_id, "version": version,
            "title": loaded.session.title, "theme": loaded.session.theme,
            "shared_as": f"{info.get('id')}@{info.get('version')}",
            "based_on": loaded.session.based_on, "service": bundle.manifest.get("service", ""),
            "organisation": bundle.manifest.get("organisation", ""),
            "shared_at": bundle.manifest.get("created_at", ""), "added_at": now,
            "added_by": added_by, "bundle": bundle.path.name, "bundle_sha256": bundle.sha256,
            "credits": bundle.credits, "results": bundle.results, "status": IN_TOOLKIT,
            "replaced_version": replaced}
        records.append(record)
        atomic_write_text(root / CONTRIBUTIONS,
                          json.dumps(records, indent=2, ensure_ascii=False), mode=0o644)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if archived:
            archive, original = archived
            if not original.exists():
                archive.replace(original)
            else:
                archive.unlink(missing_ok=True)
        raise
    return Added(record=record, path=target, replaced=replaced)


def _version_of(text: str) -> int:
    match = re.search(r"^version:\s*(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else 1


def contributions(root: Path) -> list[dict[str, Any]]:
    """Every contribution, newest first, for ``toolkit list``."""
    return sorted(load_contributions(root), key=lambda r: r.get("added_at", ""), reverse=True)


def credit_words(credit: dict[str, Any]) -> str:
    """How one credit reads: "Ceri (person using services, Beech House)", or without consent
    to be named "a member of staff, Beech House"."""
    role = str(credit.get("role") or "")
    where = ", ".join(p for p in (role, credit.get("service")) if p)
    if credit.get("name"):
        return f"{credit['name']} ({where})" if where else str(credit["name"])
    phrase = {"staff": "a member of staff", "other": "a contributor", "": "a contributor"}.get(
        role, f"an {role}" if role[:1] in "aeiou" else f"a {role}")
    return ", ".join(p for p in (phrase, credit.get("service")) if p)
