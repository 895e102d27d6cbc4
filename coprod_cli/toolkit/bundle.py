"""Toolkit bundles: the format ``toolkit share`` writes, and reading one as hostile input.

A bundle is one zip: ``manifest.json`` (format, version, the session's id and version, and a
SHA-256 for every file), ``session.yaml``, the handout templates under ``templates/``,
``results.json`` (how the session went, anonymised) and ``credits.json``. It is treated as
hostile until proven otherwise, as record bundles are: the zip is opened with
``coprod_cli.safezip`` (no name that could leave the toolkit folder, no links, size and count
limits that a lying header cannot get round), then only expected names, checksums, a session
that passes ``check`` and handout templates that render in the sandbox are accepted. Every
check runs before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_cli.errors import CoprodError, ValidationError
from coprod_cli.safezip import SafeZip
from coprod_cli.sessions.library import LoadedSession

FORMAT = "coprod-toolkit"
VERSION = 1
SESSION_MEMBER = "session.yaml"
FIXED_MEMBERS = ("manifest.json", SESSION_MEMBER, "results.json", "credits.json")
MAX_FILES = 64
MAX_MEMBER_BYTES = 1_000_000
MAX_TOTAL_BYTES = 8_000_000
MAX_BUNDLE_BYTES = 8_000_000
_TEMPLATE_MEMBER = re.compile(r"templates/((?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}/){0,5}"
                              r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}\.j2)")
_JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_INTERNALS = re.compile(r"__|\b(?:mro|subclasses|globals|builtins|import|getattr|attr|"
                        r"self|cycler|joiner|namespace|lipsum|config|request)\b")


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


def refuse(path: Path, problem: str, problems: list[str] | None = None) -> ValidationError:
    """The one sentence every refused bundle gets: what is wrong, and that nothing changed."""
    return ValidationError(f"{path} cannot be added to the toolkit: {problem}.", problems,
                           hint="Nothing was added. Ask the service for a new copy made with "
                                "'coprod toolkit share'.")


def read_bundle(path: Path) -> ToolkitBundle:
    """Open and check every part of a toolkit bundle; raises ``ValidationError`` on the first
    problem, before anything is written anywhere."""
    with SafeZip(path, lambda problem: refuse(path, problem), max_files=MAX_FILES,
                 max_member_bytes=MAX_MEMBER_BYTES, max_total_bytes=MAX_TOTAL_BYTES,
                 max_zip_bytes=MAX_BUNDLE_BYTES, in_memory=True, what="a session bundle",
                 folder="the toolkit folder") as zf:
        for name in zf.members:
            if name not in FIXED_MEMBERS and not _TEMPLATE_MEMBER.fullmatch(name):
                raise refuse(path, f"it holds an unexpected file {name!r}")
        for name in FIXED_MEMBERS:
            if name not in zf.members:
                raise refuse(path, f"it has no {name}")
        data = {name: zf.read(name) for name in zf.members}
        raw = zf.raw or b""
    manifest = _parse_json(data.pop("manifest.json"), "manifest.json", path)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refuse(path, "it is not a coprod toolkit bundle (its manifest says otherwise)")
    if manifest.get("version") != VERSION:
        raise refuse(path, f"it is format version {manifest.get('version')!r}; this coprod "
                            f"reads version {VERSION}")
    listed = manifest.get("files")
    session_info = manifest.get("session")
    if not isinstance(listed, dict) or not isinstance(session_info, dict) or \
            not isinstance(session_info.get("id"), str):
        raise refuse(path, "its manifest does not list its files and session")
    for name, content in data.items():
        entry = listed.get(name)
        if not isinstance(entry, dict):
            raise refuse(path, f"{name} is not in its manifest")
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            raise refuse(path, f"{name} does not match its checksum (changed after sharing)")
    missing = sorted(set(listed) - set(data))
    if missing:
        raise refuse(path, f"its manifest lists {missing[0]}, which is missing")
    texts: dict[str, str] = {}
    for name, content in data.items():
        try:
            texts[name] = content.decode("utf-8")
        except UnicodeDecodeError:
            raise refuse(path, f"{name} is not UTF-8 text") from None
    results = _parse_json(data["results.json"], "results.json", path)
    credits = _parse_json(data["credits.json"], "credits.json", path)
    if not isinstance(results, dict) or not isinstance(credits, list) or not all(
            isinstance(c, dict) for c in credits):
        raise refuse(path, "its results or credits are not in the expected shape")
    for key in ("service", "organisation", "created_at"):
        if not isinstance(manifest.get(key, ""), str):
            raise refuse(path, f"its manifest's {key} is not text")
    templates = {name.removeprefix("templates/"): text for name, text in texts.items()
                 if name.startswith("templates/")}
    return ToolkitBundle(path=path, sha256=hashlib.sha256(raw).hexdigest(), manifest=manifest,
                         session_text=texts[SESSION_MEMBER], templates=templates,
                         results=results, credits=[_clean_credit(c) for c in credits])


def _parse_json(data: bytes, name: str, path: Path) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise refuse(path, f"{name} is not valid JSON") from None


def _clean_credit(credit: dict[str, Any]) -> dict[str, Any]:
    """A credit's text on one line (a name typed with a trailing space or a line break reads
    as the same name). Anything that is not text is passed on unchanged, for ``toolkit add``
    to refuse against the declared credit shape: a dict as a name is a broken bundle, not
    an anonymous credit."""
    def text(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return " ".join(value.split()) or None

    return {"name": text(credit.get("name")), "role": text(credit.get("role")) or "other",
            "service": text(credit.get("service")) or "", "part": text(credit.get("part"))
            or "contributed"}


def check_bundle_session(bundle: ToolkitBundle, session_id: str, version: int | None,
                         templates: dict[str, str]) -> tuple[str, LoadedSession]:
    """Rewrite the bundle's session for the toolkit (id, version, template paths under
    ``templates``) and check it in a scratch folder: valid, every handout present, every
    template safe to fill in. Returns the new text and the loaded session."""
    from coprod_cli.sessions.forking import rewrite_session_text
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
            raise refuse(path, "its session does not pass 'coprod session check'",
                          problems or [exc.message]) from None
        used = {h.template for h in loaded.session.handouts}
        lacking = sorted(used - set(templates.values()))
        if lacking:
            raise refuse(path, f"its session uses the handout template {lacking[0]}, which "
                                "the bundle does not hold")
        if used != set(templates.values()) or (version is not None and
                                               loaded.session.version != version):
            raise refuse(path, "its session file is laid out in a way coprod cannot rename "
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
            raise refuse(path, f"its handout template {template} tries to reach Python "
                                f"internals (line {line})")
    try:
        render_template(template, {"session": loaded.session, "organisation": "",
                                    "service": "", "date": ""},
                        template_dirs=[folder], sandboxed=True)
    except CoprodError as exc:
        raise refuse(path, f"its handout template {template} cannot be filled in",
                      [exc.message]) from None
