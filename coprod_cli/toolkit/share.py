"""Sharing a session with the toolkit: who to credit, how it went, and the bundle itself.

A service that adapts or writes a session sends it back as one zip (``toolkit share``): the
session file, its handout templates, an anonymised record of how it went (small numbers
hidden, no comments or names), the contributors' credit (a name only with that person's
consent, otherwise service and role) and a ``manifest.json`` with a SHA-256 for every file.
The bundle's format and how it is read back are in ``toolkit.bundle``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_cli import clock
from coprod_cli.files import atomic_write_bytes
from coprod_cli.people import register as people_mod
from coprod_cli.sessions.library import LoadedSession
from coprod_cli.toolkit.bundle import FORMAT, SESSION_MEMBER, VERSION


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
    from coprod_cli.sessions.forking import template_source

    session = loaded.session
    members: dict[str, bytes] = {SESSION_MEMBER: loaded.path.read_bytes()}
    for handout in session.handouts:
        members[f"templates/{handout.template}"] = template_source(
            handout.template, template_dirs).encode("utf-8")
    members["results.json"] = _json_bytes(results)
    members["credits.json"] = _json_bytes(credits)
    manifest = {
        "format": FORMAT, "version": VERSION,
        "created_at": clock.now_iso(),
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
    # It holds the names of those credited by name: owner-only, like the records, until
    # the person sending it chooses who gets it.
    atomic_write_bytes(out, buffer.getvalue(), mode=0o600)
    return manifest


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
