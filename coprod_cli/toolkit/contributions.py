"""The living toolkit's folder: adding services' bundles with their provenance, and listing them.

The co-production lead adds a bundle a service shared (``toolkit add``) to ``toolkit/`` in
their home folder, where the library finds its session beside the built-ins. The bundle is
checked in full first (``toolkit.bundle``); then its templates, its session file (an id
already in use becomes the next version, the old copy archived) and the list of
contributions are written as one ``FileGroup``, so a failure part-way leaves the toolkit as
it was. Making a bundle is ``toolkit.share``; building the toolkit as one document is
``toolkit.book``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import CoprodError, NotFoundError, UsageError, ValidationError
from coprod_cli.files import FileGroup
from coprod_cli.store import schema

if TYPE_CHECKING:  # adding loads them; listing the contributions needs neither
    from coprod_cli.sessions.library import Library, LoadedSession
    from coprod_cli.toolkit.bundle import ToolkitBundle

CONTRIBUTIONS = "contributions.json"
IN_TOOLKIT = "in the toolkit"


def sessions_folder(root: Path) -> Path:
    return root / "sessions"


def templates_folder(root: Path) -> Path:
    return root / "templates"


def owner_only(root: Path) -> None:
    """The toolkit folder as the README says of the home folder: folders 0700, files 0600.
    It sits inside the records' home and its list of contributions names people; only
    what ``toolkit build`` makes to publish gets ordinary permissions. Earlier coprods made
    it 0755/0644, so each add puts that right."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


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

    from coprod_cli.sessions.scaffold import check_slug
    from coprod_cli.toolkit.bundle import read_bundle

    bundle = read_bundle(bundle_path)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        with FileLock(str(root / ".lock"), timeout=10, mode=0o600):
            added = _add_locked(bundle, root, library, as_id, added_by, check_slug)
            owner_only(root)
            return added
    except Timeout:
        raise CoprodError("Someone else is adding to the toolkit right now.",
                          hint="Try again in a minute.") from None


def _add_locked(bundle: ToolkitBundle, root: Path, library: Library, as_id: str | None,
                added_by: str, check_slug: Any) -> Added:
    from coprod_cli.toolkit.bundle import check_bundle_session, refuse

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
        raise refuse(bundle.path, f"it holds a template no handout uses ({sorted(unused)[0]})")

    sessions, templates = sessions_folder(root), templates_folder(root)
    target = sessions / f"{session_id}.yaml"
    replaced = None
    with FileGroup() as files:  # a failure anywhere puts every file back as it was
        for old, new in mapping.items():
            out = templates / new
            if out.exists():
                raise UsageError(f"The toolkit already has files at {out.parent}.",
                                 hint="Add it with another id: --as NEW_ID.")
            files.write_text(out, bundle.templates[old], mode=0o600)
        if target.exists():
            old_text = target.read_text(encoding="utf-8")
            replaced = _version_of(old_text)
            files.write_text(root / "archive" / f"{session_id}@{replaced}.yaml", old_text,
                             mode=0o600)
        files.write_text(target, text, mode=0o600)
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
            "shared_at": bundle.manifest.get("created_at", ""), "added_at": clock.now_iso(),
            "added_by": added_by, "bundle": bundle.path.name, "bundle_sha256": bundle.sha256,
            "credits": bundle.credits, "results": bundle.results, "status": IN_TOOLKIT,
            "replaced_version": replaced}
        # The declared shape, before anything is written: a bundle's credits are checked
        # like a merged record (file, record and field named; nothing changes).
        schema.validate(schema.TOOLKIT_CONTRIBUTIONS, [record],
                        source=(bundle.path.name, "credits.json and manifest.json"),
                        hint="Ask the service that shared it to check its credits and "
                             "share the session again.")
        records.append(record)
        files.write_text(root / CONTRIBUTIONS,
                         json.dumps(records, indent=2, ensure_ascii=False), mode=0o600)
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


def forget_credits(root: Path, person: dict[str, Any], group: FileGroup) -> int:
    """Credits that name a forgotten person become unnamed ("a volunteer, Beech House"),
    as if they had never consented to be named. Which field is a credit's name is read
    from the declared schema (``toolkit_contributions``, the ``Text`` marker), and the list
    is written owner-only through ``group``. Returns how many credits changed."""
    from coprod_cli.people.privacy import REMOVED_TEXT, _scrub, name_pattern

    records = load_contributions(root)
    pattern = name_pattern(person.get("name") or "")
    if not records or pattern is None:
        return 0
    spec = schema.table(schema.TOOLKIT_CONTRIBUTIONS)
    changed = 0
    for index, record in enumerate(records):
        scrubbed, removed = _scrub(spec, record, person, "", pattern)
        if not removed:
            continue
        changed += removed
        for credit in scrubbed.get("credits", []):
            if credit.get("name") == REMOVED_TEXT:
                credit["name"] = None
        records[index] = scrubbed
    if changed:
        group.write_text(root / CONTRIBUTIONS,
                         json.dumps(records, indent=2, ensure_ascii=False), mode=0o600)
    return changed
