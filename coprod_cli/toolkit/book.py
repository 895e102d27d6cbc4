"""The whole toolkit as one document: cover, contents, introduction, sessions, credits.

``coprod toolkit build`` publishes every built-in and contributed session (never the user's
private drafts) grouped by theme: each session's facilitator's plan and handouts, exactly as
``coprod handouts print`` makes them, with who contributed it. The contents page gives page
numbers counted from the cover; to know them, each document is first laid out on its own to
count its pages (documents always start on a new page, so the counts add up), then the whole
book is laid out once. No Typer or Rich here.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from coprod_cli import clock, resources
from coprod_cli.errors import UsageError
from coprod_cli.escape import escape_markdown
from coprod_cli.files import FileGroup
from coprod_cli.sessions.library import Library, LoadedSession
from coprod_cli.toolkit.contributions import (
    IN_TOOLKIT,
    credit_words,
    sessions_folder,
    templates_folder,
)

THEME_ORDER = ("getting-started", "wellbeing", "self-esteem", "relationships",
               "personal-development", "co-production")
THEME_WORDS = {"getting-started": "Getting started together", "wellbeing": "Wellbeing",
               "self-esteem": "Self-esteem", "relationships": "Relationships",
               "personal-development": "Personal development",
               "co-production": "Co-production in action"}
TEMPLATES = {"cover": "toolkit/cover.md.j2", "contents": "toolkit/contents.md.j2",
             "introduction": "toolkit/introduction.md.j2", "credits": "toolkit/credits.md.j2"}
_PAGE = re.compile(rb"/Type /Page\b(?!s)")

#: The toolkit document and website are made to publish (a web server or a shared drive
#: must read them) and name only people who consented to be credited: ordinary permissions,
#: unlike the records and everything else under the home folder, which stay owner-only.
PUBLISHED_DIR = 0o755
PUBLISHED_FILE = 0o644


def theme_words(theme: str) -> str:
    return THEME_WORDS.get(theme) or theme.replace("-", " ").capitalize()


def published_library(toolkit_root: Path) -> Library:
    """Built-in sessions plus the toolkit's contributions: what the toolkit publishes."""
    return Library(resources.sessions_dir(), None,
                   [templates_folder(toolkit_root), resources.templates_dir()],
                   toolkit_dir=sessions_folder(toolkit_root))


@dataclass
class Entry:
    """One session in the book, with its documents and where they start."""

    loaded: LoadedSession
    contribution: dict[str, Any] | None
    documents: list[tuple[str, str]]
    page: int = 0
    handout_pages: list[int] | None = None


def _ordered(sessions: list[LoadedSession]) -> list[LoadedSession]:
    def key(s: LoadedSession) -> tuple[int, str, str]:
        theme = s.session.theme
        rank = THEME_ORDER.index(theme) if theme in THEME_ORDER else len(THEME_ORDER)
        return rank, theme, s.session.title.casefold()

    return sorted(sessions, key=key)


def contribution_for(loaded: LoadedSession, records: list[dict[str, Any]]
                     ) -> dict[str, Any] | None:
    if loaded.origin != "toolkit":
        return None
    return next((r for r in reversed(records) if r.get("session_id") == loaded.id
                 and r.get("status") == IN_TOOLKIT), None)


def contributed_by(record: dict[str, Any] | None) -> str:
    """"Beech House Recovery, Hestia" for the contents and the plan's first lines."""
    if not record:
        return ""
    return ", ".join(p for p in (record.get("service"), record.get("organisation")) if p) \
        or "a service"


def session_documents(loaded: LoadedSession, record: dict[str, Any] | None,
                      library: Library, style: str, organisation: str) -> list[tuple[str, str]]:
    """The plan and every handout of one session, as ``handouts print`` fills them in."""
    from coprod_cli.handouts import pack as handouts

    session = loaded.session
    request = handouts.PackRequest(loaded=loaded, organisation=organisation, style=style,
                                   only=["plan", *(h.id for h in session.handouts)])
    documents = handouts.build_documents(request, template_dirs=library.template_dirs,
                                         user_template_dir=None, form=None)
    out = [(d.title if d.kind != "plan" else session.title, d.markdown) for d in documents]
    lines = [f"**Theme:** {escape_markdown(theme_words(session.theme))}. "
             f"**Version** {session.version}."]
    if record:
        origin = based_on_words(session.based_on, library) if session.based_on else ""
        lines.append(f"**Contributed by** {escape_markdown(contributed_by(record))}"
                     + (f", adapted from {escape_markdown(origin)}" if origin else "") + ".")
        people = [credit_words(c) for c in record.get("credits") or []]
        if people:
            lines.append("**With thanks to** " + escape_markdown("; ".join(people)) + ".")
    title, plan = out[0]
    head, _, rest = plan.partition("\n")
    out[0] = (title, head + "\n\n" + "\n\n".join(lines) + "\n" + rest)
    return out


def based_on_words(ref: str, library: Library) -> str:
    """``wellbeing-five-ways@1`` as "Five ways to wellbeing (version 1)" where it is known."""
    from coprod_cli.errors import NotFoundError

    session_id, _, version = ref.partition("@")
    try:
        title = library.get(session_id).session.title
    except NotFoundError:
        return ref
    return f"'{title}' (version {version})" if version else f"'{title}'"


def _page_count(markdown_docs: list[tuple[str, str]], style: str, folder: Path) -> list[int]:
    """Pages each document takes when laid out on its own."""
    from coprod_cli.render import render_pack

    counts = []
    for number, (title, markdown) in enumerate(markdown_docs):
        out = folder / f"count-{number}.pdf"
        render_pack([(title, markdown)], out=out, fmt="pdf", style=style, title=title)
        counts.append(len(_PAGE.findall(out.read_bytes())))
    return counts


@dataclass(frozen=True)
class Built:
    path: Path
    sessions: int
    contributed: int
    pages: int | None
    contents: dict[str, int]


def build(toolkit_root: Path, records: list[dict[str, Any]], out: Path, *, fmt: str = "pdf",
          style: str = "standard", organisation: str = "", today: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> Built:
    """Lay out the whole toolkit to ``out`` (pdf or html). ``progress(done, total)`` is
    called as each session is measured (for the contents' page numbers) and each document
    is laid out."""
    from coprod_cli.render import check_writable, render_pack, render_template
    from coprod_cli.render.styles import get_style

    get_style(style)
    if fmt != "html":  # a site is a folder: _write_site checks it
        check_writable(Path(out))
    library = published_library(toolkit_root)
    entries = [Entry(s, contribution_for(s, records), [])
               for s in _ordered(library.all())]
    for entry in entries:
        entry.documents = session_documents(entry.loaded, entry.contribution, library, style,
                                            organisation)
    day = Date.fromisoformat(today) if today else clock.today()
    context: dict[str, Any] = {
        "organisation": organisation, "date": f"{day.day} {day:%B %Y}",
        "sessions": len(entries), "contributed": sum(1 for e in entries if e.contribution),
        "themes": [], "show_pages": fmt == "pdf", "credits_page": 0, "intro_page": 0,
        "contributions": _credit_rows(records, library), "builtin": [
            e.loaded.session.title for e in entries if e.loaded.origin == "built-in"]}
    dirs = [resources.templates_dir()]

    def fill(name: str) -> str:
        return render_template(TEMPLATES[name], context, template_dirs=dirs)

    def themes() -> list[dict[str, Any]]:
        grouped: dict[str, dict[str, Any]] = {}
        for e in entries:
            s = e.loaded.session
            group = grouped.setdefault(s.theme, {"name": theme_words(s.theme),
                                                 "sessions": []})
            group["sessions"].append({
                "title": s.title, "minutes": s.duration, "page": e.page,
                "href": f"{s.id}.html",
                "credit": contributed_by(e.contribution),
                "handouts": [{"title": h.title, "page": p} for h, p in zip(
                    s.handouts, e.handout_pages or [0] * len(s.handouts), strict=True)]})
        return list(grouped.values())

    context["themes"] = themes()
    front = [("Cover", fill("cover")), ("Contents", fill("contents")),
             ("Introduction", fill("introduction"))]
    pages = None
    measuring = 1 + len(entries) if fmt == "pdf" else 0
    total = measuring + len(front) + sum(len(e.documents) for e in entries) + 1

    def step(done: int) -> None:
        if progress:
            progress(done, total)

    if fmt == "pdf":
        with tempfile.TemporaryDirectory(prefix="coprod-book-") as tmp:
            folder = Path(tmp)
            step(0)
            front_pages = _page_count(front, style, folder)
            counts = []
            for number, entry in enumerate(entries, start=2):
                counts.append(_page_count(entry.documents, style, folder))
                step(number)
            for _ in range(3):  # numbering the contents can, rarely, change its length
                page = 1 + sum(front_pages)
                context["intro_page"] = 1 + sum(front_pages[:2])
                for entry, pages_of in zip(entries, counts, strict=True):
                    entry.page = page
                    entry.handout_pages = [page + sum(pages_of[:i])
                                           for i in range(1, len(pages_of))]
                    page += sum(pages_of)
                context["credits_page"] = page
                context["themes"] = themes()
                front[1] = ("Contents", fill("contents"))
                now = _page_count([front[1]], style, folder)[0]
                if now == front_pages[1]:
                    break
                front_pages[1] = now
            credits = ("Credits", fill("credits"))
            pages = page - 1 + _page_count([credits], style, folder)[0]
    else:
        credits = ("Credits", fill("credits"))
    title = f"{organisation}: co-production toolkit" if organisation else \
        "Co-production toolkit"
    if fmt == "html":
        _write_site(Path(out), front, credits, entries, style=style, title=title,
                    author=organisation)
        return Built(path=Path(out), sessions=len(entries),
                     contributed=int(context["contributed"]), pages=None, contents={})
    documents = [*front, *(d for e in entries for d in e.documents), credits]
    render_pack(documents, out=Path(out), fmt=fmt, style=style, title=title,
                author=organisation,
                subject="Sessions to plan and run together, contributed by services",
                running_numbers=True,
                progress=(lambda done, _: step(measuring + done)) if progress else None)
    os.chmod(out, PUBLISHED_FILE)  # made to publish: names only of those who consented
    return Built(path=Path(out), sessions=len(entries),
                 contributed=int(context["contributed"]), pages=pages,
                 contents={e.loaded.id: e.page for e in entries})


def _write_site(site: Path, front: list[tuple[str, str]], credits: tuple[str, str],
                entries: list[Any], *, style: str, title: str, author: str) -> None:
    """A small static site: index.html (cover, contents, introduction), one page a session
    (plan and handouts) and credits.html. Built in a folder beside ``site`` and swapped in
    whole (``FileGroup.replace_folder``), so a failure half-way never leaves a half-built
    site, and a failed swap puts the old site back."""
    import shutil

    from coprod_cli.render import render_pack

    if site.exists() and not site.is_dir():
        raise UsageError(f"{site} is a file; the HTML toolkit is a folder of pages.",
                         hint="Give --out a folder name, e.g. --out toolkit-site")
    site.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{site.name}.", dir=site.parent))
    try:
        render_pack(front, out=building / "index.html", fmt="html", style=style,
                    title=title, author=author, subject="The co-production toolkit")
        for entry in entries:
            session = entry.loaded.session
            render_pack(entry.documents, out=building / f"{session.id}.html", fmt="html",
                        style=style, title=session.title, author=author,
                        subject=f"{session.title}: plan and handouts")
        render_pack([credits], out=building / "credits.html", fmt="html", style=style,
                    title=f"{title}: credits", author=author, subject="Credits")
        for path in building.rglob("*"):
            os.chmod(path, PUBLISHED_DIR if path.is_dir() else PUBLISHED_FILE)
        os.chmod(building, PUBLISHED_DIR)
        with FileGroup() as files:  # the old site comes back if the new one cannot go in
            files.replace_folder(site, building)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _credit_rows(records: list[dict[str, Any]], library: Library) -> list[dict[str, Any]]:
    from coprod_cli.handouts.pack import human_date

    rows = []
    for record in records:
        if record.get("status") != IN_TOOLKIT:
            continue
        rows.append({"title": record.get("title", ""), "version": record.get("version", 1),
                     "by": contributed_by(record),
                     "added": human_date(str(record.get("added_at", ""))[:10]),
                     "based_on": based_on_words(record["based_on"], library)
                     if record.get("based_on") else "",
                     "people": [credit_words(c) for c in record.get("credits") or []]})
    return rows
