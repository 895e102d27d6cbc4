"""Comparing a fork with its original: ``coprod session diff``.

The original is the snapshot ``session fork`` kept, or else the library's copy of the same
version. The differences come as plain-English lines ("Step 2 'Walk': 20 -> 30 minutes"),
then unified diffs of the session file and of each handout template. No Typer or Rich here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from coprod_cli.errors import NotFoundError, UsageError
from coprod_cli.sessions.forking import ORIGINALS, template_source
from coprod_cli.sessions.library import LEAD_WORDS, Library, LoadedSession, Session


@dataclass
class SessionDiff:
    """What changed: plain-English lines, then unified diffs of the file and each handout."""

    session_id: str
    based_on: str
    original_path: Path
    changes: list[str]
    text_diffs: list[tuple[str, list[str]]]


def find_original(fork: LoadedSession, library: Library, sessions_dir: Path
                  ) -> tuple[LoadedSession, list[Path]]:
    """The session a fork is based on: its snapshot, else the library's copy of that version."""
    from coprod_cli.sessions.library import load_session_file

    ref = fork.session.based_on
    if not ref:
        raise UsageError(f"'{fork.id}' is not based on another session, so there is nothing "
                         "to compare it with.",
                         hint="Only sessions made with 'coprod session fork' have an original.")
    original_id, _, version = ref.partition("@")
    snapshot = sessions_dir / ORIGINALS / ref
    if (snapshot / f"{original_id}.yaml").is_file():
        dirs = [snapshot / "templates", *library.template_dirs]
        return load_session_file(snapshot / f"{original_id}.yaml", dirs, "built-in"), dirs
    try:
        found = library.get(original_id)
    except NotFoundError:
        found = None
    if found is None or found.path == fork.path or str(found.session.version) != version:
        raise NotFoundError(f"The original of '{fork.id}' ({ref}) is no longer here.",
                            hint="It may have been removed or updated since the fork.")
    return found, library.template_dirs


def diff_session(fork: LoadedSession, library: Library, sessions_dir: Path) -> SessionDiff:
    original, original_dirs = find_original(fork, library, sessions_dir)
    a, b = original.session, fork.session
    changes: list[str] = []
    for name, label in (("title", "Title"), ("theme", "Theme"), ("summary", "Summary")):
        old, new = getattr(a, name), getattr(b, name)
        if old != new:
            changes.append(f"{label}: {_short(old)} -> {_short(new)}" if name != "summary"
                           else "Summary: rewritten")
    if a.duration != b.duration:
        changes.append(f"Duration: {a.duration} -> {b.duration} minutes")
    for name, label in (("aims", "Aim"), ("materials", "Material")):
        old, new = getattr(a, name), getattr(b, name)
        changes += [f"{label} removed: {_short(x)}" for x in old if x not in new]
        changes += [f"{label} added: {_short(x)}" for x in new if x not in old]
    for role in ("lead", "co_facilitator"):
        if getattr(a.roles, role) != getattr(b.roles, role):
            changes.append(f"Role of the {role.replace('_', '-')}: rewritten")
    changes += _step_changes(a, b)
    old_h = {h.id: h for h in a.handouts}
    new_h = {h.id: h for h in b.handouts}
    changes += [f"Handout removed: {old_h[i].title}" for i in old_h if i not in new_h]
    changes += [f"Handout added: {new_h[i].title}" for i in new_h if i not in old_h]
    text_diffs = [("session file", list(difflib.unified_diff(
        original.path.read_text(encoding="utf-8").splitlines(),
        fork.path.read_text(encoding="utf-8").splitlines(),
        f"{a.id} (original, {original.path.name})", f"{b.id} (yours)", lineterm="")))]
    for hid in [i for i in new_h if i in old_h]:
        try:
            before = template_source(old_h[hid].template, original_dirs)
            after = template_source(new_h[hid].template, library.template_dirs)
        except NotFoundError:
            continue
        if before != after:
            changes.append(f"Handout changed: {new_h[hid].title}")
            text_diffs.append((f"handout {hid}", list(difflib.unified_diff(
                before.splitlines(), after.splitlines(), f"{hid} (original)", f"{hid} (yours)",
                lineterm=""))))
    return SessionDiff(session_id=b.id, based_on=b.based_on or "",
                       original_path=original.path, changes=changes, text_diffs=text_diffs)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return f"'{flat}'" if len(flat) <= limit else f"'{flat[:limit - 3]}...'"


def _step_changes(a: Session, b: Session) -> list[str]:
    out: list[str] = []
    old_titles = [s.title for s in a.steps]
    new_titles = [s.title for s in b.steps]
    matcher = difflib.SequenceMatcher(a=old_titles, b=new_titles, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for offset in range(i2 - i1):
                old, new = a.steps[i1 + offset], b.steps[j1 + offset]
                what = []
                if old.minutes != new.minutes:
                    what.append(f"{old.minutes} -> {new.minutes} minutes")
                if old.lead != new.lead:
                    what.append(f"now led by: {LEAD_WORDS[new.lead].lower()}")
                for name, label in (("say", "what to say"), ("do", "what to do"),
                                    ("accessibility_tips", "accessibility tips"),
                                    ("co_facilitator_tips", "co-facilitator tips"),
                                    ("handouts", "handouts")):
                    if getattr(old, name) != getattr(new, name):
                        what.append(f"{label} changed")
                if what:
                    out.append(f"Step {j1 + offset + 1} '{new.title}': " + "; ".join(what))
            continue
        out += [f"Step removed: '{t}'" for t in old_titles[i1:i2]]
        out += [f"Step {j + 1} added: '{new_titles[j]}' ({b.steps[j].minutes} minutes)"
                for j in range(j1, j2)]
    return out
