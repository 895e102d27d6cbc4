"""The session catalogue: what ``session list`` shows, without loading every session.

Checking a session file strictly (YAML, the pydantic models, the cross-checks) costs about a
quarter of a second for the built-in six, most of it importing the models; a list needs only
each session's id, title, theme, time, number of steps, level and origin, and which files
were skipped as broken. So the catalogue keeps those in ``<home>/cache/sessions.json``,
keyed by every session file's size, modification time, inode and device (every editor
and ``toolkit add`` replaces or rewrites a file, which changes them) and by this coprod's
version and the loader's own source files. Anything that does not match, will not parse or
is missing is ignored: the library is loaded the strict way and the catalogue kept afresh.
The session files stay the only truth; deleting the cache folder loses nothing.

The catalogue holds no personal data (session definitions only), so it is an ordinary file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli import __version__, files

if TYPE_CHECKING:
    from coprod_cli.sessions.library import Library

FORMAT = 1
_LOADER_SOURCES = ("library.py", "lint.py", "../yamlfile.py")
"""The code whose rules decide what a session file's entry is (or that it is broken)."""


@dataclass(frozen=True)
class Entry:
    """One runnable session as a list shows it."""

    id: str
    title: str
    theme: str
    duration: int
    steps: int
    origin: str
    path: str
    level: str | None


@dataclass(frozen=True)
class Problem:
    """A session file that was skipped, with the sentence ``session list`` prints."""

    message: str


def _sources(folders: Sequence[Path | None]) -> list[list[Any]]:
    """Every session file the library would read, in its order, with its signature."""
    here = Path(__file__).resolve().parent
    out: list[list[Any]] = [[str(here / name), files.signature(here / name)]
                            for name in _LOADER_SOURCES]
    for folder in folders:
        if folder is None or not folder.is_dir():
            out.append([str(folder), None])
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            out.append([str(path), files.signature(path)])
    return out


class Catalogue:
    """The sessions of a library as list entries, from the kept catalogue when it is current."""

    def __init__(self, entries: list[Entry], problems: list[Problem]) -> None:
        self.entries = entries
        self.problems = problems

    def all(self, theme: str | None = None) -> list[Entry]:
        found = sorted(self.entries, key=lambda e: (e.theme, e.id))
        return [e for e in found if e.theme == theme] if theme is not None else found

    def themes(self) -> list[str]:
        return sorted({e.theme for e in self.entries})


def _from_library(library: Library) -> Catalogue:
    entries = [Entry(s.id, s.session.title, s.session.theme, s.session.duration,
                     len(s.session.steps), s.origin, str(s.path), s.session.coproduction_level)
               for s in library.all()]
    return Catalogue(entries, [Problem(p.message) for p in library.problems])


def load(folders: Sequence[Path | None], library: Callable[[], Library],
         keep_in: Path | None) -> Catalogue:
    """The catalogue of the sessions in ``folders`` (built-in, toolkit, the user's own);
    ``library()`` gives the strictly loaded library when the kept one is missing or stale;
    ``keep_in`` is the folder to keep it in (None: nothing is kept)."""
    import orjson

    try:
        sources = _sources(folders)
    except OSError:
        return _from_library(library())
    path = keep_in / "sessions.json" if keep_in is not None else None
    if path is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            kept = orjson.loads(path.read_bytes())
            if (kept["format"], kept["coprod"], kept["sources"]) == (FORMAT, __version__,
                                                                      sources):
                return Catalogue([Entry(*row) for row in kept["entries"]],
                                 [Problem(str(message)) for message in kept["problems"]])
    catalogue = _from_library(library())
    if path is not None:
        body = orjson.dumps({"format": FORMAT, "coprod": __version__, "sources": sources,
                             "entries": [list(e.__dict__.values()) for e in catalogue.entries],
                             "problems": [p.message for p in catalogue.problems]})
        with contextlib.suppress(OSError):
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            files.atomic_write_bytes(path, body, durable=False)
    return catalogue
