"""Adapting a session: ``coprod session fork`` copies a session and its handouts into the
user's folders, and the session-file rewriting that the fork and the toolkit both use.

A fork gets ``based_on: ID@VERSION`` and keeps a snapshot of the original beside it (under
``originals/`` in the user's sessions folder), so ``coprod session diff`` can show what
changed even after the original moves on. The copy is checked by loading it back before
anything is written, and everything is written as one ``FileGroup``. ``rewrite_session_text``
changes a file's id, version, ``based_on`` and template paths while keeping every comment
the author wrote. No Typer or Rich here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.files import FileGroup
from coprod_cli.sessions.library import Library, LoadedSession, Session
from coprod_cli.sessions.scaffold import (
    check_before_writing,
    check_slug,
    refuse_existing,
    yaml_quote,
)

ORIGINALS = "originals"
"""Inside the user's sessions folder: snapshots of what each fork was based on."""


_TEMPLATE_LINE = re.compile(
    r"^(?P<head>\s*(?:-\s+)?template:\s*)(?P<q>[\"']?)(?P<path>[A-Za-z0-9_./-]+)(?P=q)"
    r"(?P<tail>\s*(?:#.*)?)$", re.MULTILINE)


def rewrite_session_text(text: str, *, session_id: str | None = None,
                         version: int | None = None, based_on: str | None = None,
                         templates: dict[str, str] | None = None) -> str:
    """Change a session file's id, version, ``based_on`` and template paths, keeping every
    comment and line the author wrote. Callers load the result to check it took."""
    lines = text.splitlines()
    if based_on is not None:
        lines = [line for line in lines if not line.startswith("based_on:")]
    out: list[str] = []
    for line in lines:
        if session_id is not None and line.startswith("id:"):
            line = f"id: {session_id}"
        elif version is not None and line.startswith("version:"):
            line = f"version: {version}"
        out.append(line)
    anchor = next((n for n, line in enumerate(out) if line.startswith("version:")), None)
    if anchor is None:
        anchor = next((n for n, line in enumerate(out) if line.startswith("id:")), -1)
        if version is not None and anchor >= 0:
            anchor += 1
            out.insert(anchor, f"version: {version}")
    if based_on is not None and anchor >= 0:
        out.insert(anchor + 1, f"based_on: {yaml_quote(based_on)}")
    result = "\n".join(out) + "\n"
    if templates:
        def swap(match: re.Match[str]) -> str:
            new = templates.get(match["path"])
            if new is None:
                return match.group(0)
            return f"{match['head']}{match['q']}{new}{match['q']}{match['tail']}"

        result = _TEMPLATE_LINE.sub(swap, result)
    return result


def template_source(template: str, template_dirs: list[Path]) -> str:
    for folder in template_dirs:
        path = folder / template
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise NotFoundError(f"The handout template '{template}' was not found.",
                        hint="Looked in: " + ", ".join(str(d) for d in template_dirs) + ".")


@dataclass(frozen=True)
class Forked:
    path: Path
    based_on: str
    templates: list[Path]


def reference(session: Session) -> str:
    return f"{session.id}@{session.version}"


def fork_session(original: LoadedSession, new_id: str | None, library: Library,
                 sessions_dir: Path, templates_dir: Path) -> Forked:
    """Copy ``original`` and its handouts into the user's folders as ``new_id``.

    With the same id the copy overrides the original in this library (your own twist on it);
    with a new id it sits beside it. The original is kept as a snapshot for ``diff``.
    """
    session = original.session
    target_id = check_slug(new_id, "session id", "--as") if new_id else session.id
    target = sessions_dir / f"{target_id}.yaml"
    if target.exists():
        raise UsageError(f"You already have a session file at {target}.",
                         hint="Choose another id with --as, or edit that file.")
    if target_id != session.id:
        refuse_existing(target_id, library, sessions_dir)
    ref = reference(session)
    text = original.path.read_text(encoding="utf-8")
    sources = {h.template: template_source(h.template, library.template_dirs)
               for h in session.handouts}
    moved = {old: f"{target_id}/{old}" for old in sources}
    for new in moved.values():
        if (templates_dir / new).exists():
            raise UsageError(f"There is already a handout template at {templates_dir / new}.",
                             hint="Choose another id with --as, or move that folder first.")
    new_text = rewrite_session_text(text, session_id=target_id, version=1, based_on=ref,
                                    templates=moved)
    checked = check_before_writing(target_id, new_text,
                                   {moved[k]: v for k, v in sources.items()},
                                   library.template_dirs)
    if (checked.session.based_on != ref or
            {h.template for h in checked.session.handouts} != set(moved.values())):
        raise ValidationError(f"{original.path} is laid out in a way coprod cannot copy "
                              "safely.", hint="Copy it by hand into your sessions folder.")
    snapshot = sessions_dir / ORIGINALS / ref
    with FileGroup() as files:  # the snapshot, the handouts and the session, or none of them
        if not (snapshot / f"{session.id}.yaml").exists():
            for rel, source in sources.items():
                files.write_text(snapshot / "templates" / rel, source, mode=0o644)
            files.write_text(snapshot / f"{session.id}.yaml", text, mode=0o644)
        for old, source in sources.items():
            files.write_text(templates_dir / moved[old], source, mode=0o644)
        files.write_text(target, new_text, mode=0o644)
    return Forked(path=target, based_on=ref,
                  templates=[templates_dir / moved[k] for k in sources])
