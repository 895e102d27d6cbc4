"""Writing a new session: ``coprod session new`` scaffolds a valid, commented YAML file and a
handout stub in the user's own folders, from answers or from a plain-text outline.

Everything written is checked by loading it back from a scratch folder first, an id or a
file that already exists is refused (nothing anyone wrote is overwritten), and both files are
written as one ``FileGroup``: both land, or neither. Reading outlines is ``sessions.outline``;
copying an existing session is ``sessions.forking``. No Typer or Rich here.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coprod_cli.errors import NotFoundError, UsageError
from coprod_cli.files import FileGroup
from coprod_cli.sessions.library import SLUG_PATTERN, Library, LoadedSession
from coprod_cli.sessions.lint import PLACEHOLDER

_SLUG = re.compile(SLUG_PATTERN)


@dataclass
class NewSession:
    """What ``session new`` needs; the rest of the file is scaffolded for the author."""

    id: str
    title: str
    theme: str
    duration: int
    aims: list[str]
    steps: list[tuple[str, int]] = field(default_factory=list)
    summary: str = ""


def slugify(text: str) -> str:
    """A title as an id: "Walk & Talk!" -> "walk-talk"."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:64].rstrip("-")


def check_slug(value: str, what: str, flag: str) -> str:
    value = value.strip()
    if not _SLUG.fullmatch(value) or len(value) > 64:
        raise UsageError(f"'{value}' cannot be a {what}: use lower-case letters, numbers and "
                         "dashes, like walk-and-talk.", hint=f"Pass {flag} with a plain id.")
    return value


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line for line in text.splitlines()) + "\n"


def _leads(count: int) -> list[str]:
    """Share the leading: both open and close, the middle alternates, starting with the
    co-facilitator (co-production is never the lead doing everything)."""
    if count == 1:
        return ["both"]
    middle = ["co-facilitator" if i % 2 == 0 else "lead" for i in range(count - 2)]
    return ["both", *middle, "both"]


def handout_id(session_id: str) -> str:
    return f"{session_id}-handout"[:64].rstrip("-")


def scaffold_yaml(new: NewSession, template: str) -> str:
    """The session file ``session new`` writes: valid, with comments that teach the format."""
    todo = PLACEHOLDER
    out = [
        f"# {new.title}: written with 'coprod session new'.",
        f"# Replace every '{todo}' with your own words, then check the file:",
        f"#   coprod session check {new.id}.yaml",
        "# Put text in double quotes, or after '|' on the lines below it. Quote anything YAML",
        "# could misread, like \"yes\", \"no\" or \"10:30\".",
        f"id: {new.id}",
        "version: 1",
        f"title: {yaml_quote(new.title)}",
        "# One lower-case word or words-with-dashes: wellbeing, self-esteem, relationships...",
        f"theme: {new.theme}",
        "# The planned length in minutes. The steps' minutes below should add up to it.",
        f"duration: {new.duration}",
        "summary: " + yaml_quote(new.summary or todo + " Two or three sentences: what happens, and "
                         "who it is for."),
        "aims:",
        *(f"  - {yaml_quote(aim)}" for aim in new.aims),
        "# What to get ready before people arrive.",
        "materials:",
        f"  - {yaml_quote(todo + ' Paper, pens, drinks...')}",
        "roles:",
        f"  lead: {yaml_quote(todo + ' What the lead facilitator does.')}",
        "  co_facilitator: "
        + yaml_quote(todo + " What the co-facilitator with lived experience does."),
        "# Handouts are Jinja2 templates that make Markdown; see 'Writing handout templates' in",
        "# the README. Set easy_read: true if the handout is easy read (15 words a sentence).",
        "handouts:",
        f"  - id: {handout_id(new.id)}",
        f"    title: {yaml_quote(new.title + ': handout')}",
        f"    template: {template}",
        "    easy_read: false",
        "# Each step: minutes, who leads it (lead, co-facilitator or both), what to say to the",
        "# group, what to do, tips, and the handouts it uses.",
        "steps:",
    ]
    leads = _leads(len(new.steps))
    for number, ((title, minutes), lead) in enumerate(zip(new.steps, leads, strict=True)):
        out += [
            f"  - title: {yaml_quote(title)}",
            f"    minutes: {minutes}",
            f"    lead: {lead}",
            "    say: " + _block(f"{todo} The words to say to the group, in plain language.",
                                 6).rstrip("\n"),
            "    do: " + _block(f"{todo} What the facilitators do, one thing a line.",
                                6).rstrip("\n"),
            "    accessibility_tips: []",
            "    co_facilitator_tips: []",
            f"    handouts: [{handout_id(new.id)}]" if number == min(1, len(new.steps) - 1)
            else "    handouts: []",
        ]
    return "\n".join(out) + "\n"


def handout_stub(new: NewSession) -> str:
    return (
        "{# A handout for '" + new.title.replace("#}", "") + "'. It is Markdown with a few "
        "handout lines ([write 3], [ ] tick boxes, [picture NAME] words, [fill A | B]).\n"
        "   {{ session.title }}, {{ organisation }}, {{ service }} and {{ date }} are filled "
        "in for you. #}\n"
        "# {{ session.title }}\n\n"
        "{% if organisation or service %}{{ organisation }}{% if organisation and service %}, "
        "{% endif %}{{ service }}\n\n{% endif %}"
        "{% if date %}Date: {{ date }}{% else %}[fill Date]{% endif %}\n\n"
        f"[picture star] {PLACEHOLDER} The first idea, in one short sentence.\n\n"
        f"[picture people] {PLACEHOLDER} The next idea.\n\n"
        "## My notes\n\n[write 3]\n")


def create_session(new: NewSession, library: Library, sessions_dir: Path,
                   templates_dir: Path) -> tuple[Path, Path]:
    """Write the scaffolded session and its handout stub; returns their paths.

    Refuses an id that is already a session (built-in, toolkit or yours) or a file that
    exists, so nothing anyone wrote is ever overwritten.
    """
    check_slug(new.id, "session id", "--id")
    check_slug(new.theme, "theme", "--theme")
    if not new.aims:
        raise UsageError("A session needs at least one aim.", hint="Pass --aim TEXT.")
    if not new.steps:
        raise UsageError("A session needs at least one step.", hint="Pass --steps N.")
    refuse_existing(new.id, library, sessions_dir)
    template = f"handouts/{new.id}.md.j2"
    session_path = sessions_dir / f"{new.id}.yaml"
    handout_path = templates_dir / template
    if handout_path.exists():
        raise UsageError(f"There is already a handout template at {handout_path}.",
                         hint="Choose another id with --id, or move that file first.")
    text = scaffold_yaml(new, template)
    stub = handout_stub(new)
    check_before_writing(new.id, text, {template: stub}, library.template_dirs)
    with FileGroup() as files:  # both files, or neither
        files.write_text(handout_path, stub, mode=0o644)
        files.write_text(session_path, text, mode=0o644)
    return session_path, handout_path


def refuse_existing(session_id: str, library: Library, sessions_dir: Path) -> None:
    """Refuse an id that is already a session (built-in, toolkit or yours) or a file."""
    path = sessions_dir / f"{session_id}.yaml"
    if path.exists():
        raise UsageError(f"You already have a session file at {path}.",
                         hint="Choose another id, or edit that file.")
    try:
        found = library.get(session_id)
    except NotFoundError:
        return
    raise UsageError(f"There is already a session called '{session_id}' ({found.origin}).",
                     hint=f"Choose another id, or adapt it with 'coprod session fork "
                          f"{session_id} --as NEW_ID'.")


def check_before_writing(session_id: str, text: str, templates: dict[str, str],
                         template_dirs: list[Path]) -> LoadedSession:
    """Load what is about to be written from a scratch folder: it must be a valid session."""
    from coprod_cli.sessions.library import load_session_file

    with tempfile.TemporaryDirectory(prefix="coprod-") as tmp:
        root = Path(tmp)
        for rel, source in templates.items():
            target = root / "templates" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source, encoding="utf-8")
        path = root / f"{session_id}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_session_file(path, [root / "templates", *template_dirs])
