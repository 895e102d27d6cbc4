"""Writing and adapting sessions: scaffold a new one, fork an existing one, show the changes.

``coprod session new`` writes a commented, valid YAML file and a handout stub into the user's
own folders, from answers or from a plain-text outline (one step a line, with minutes).
``coprod session fork`` copies a session and its handouts with ``based_on: ID@VERSION`` and
keeps a snapshot of the original beside it, so ``coprod session diff`` can show what changed
even after the original moves on. Everything written is checked by loading it back first;
nothing half-made is left behind. No Typer or Rich here.
"""

from __future__ import annotations

import difflib
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.files import atomic_write_text
from coprod_cli.sessions.library import LEAD_WORDS, SLUG_PATTERN, Library, LoadedSession, Session
from coprod_cli.sessions.lint import PLACEHOLDER

ORIGINALS = "originals"
"""Inside the user's sessions folder: snapshots of what each fork was based on."""
MAX_OUTLINE_BYTES = 100_000
MAX_STEPS = 30
_SLUG = re.compile(SLUG_PATTERN)


# -- answers and outlines -------------------------------------------------------------------
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


def parse_minutes(text: str) -> int:
    text = text.strip().lower().removesuffix("minutes").removesuffix("mins").removesuffix(
        "min").strip()
    if not text.isdigit() or not 1 <= int(text) <= 480:
        raise UsageError(f"'{text}' is not a number of minutes from 1 to 480.")
    return int(text)


def parse_step_count(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_STEPS:
        raise UsageError(f"'{text}' is not a number of steps from 1 to {MAX_STEPS}.")
    return int(text)


_MINUTES = r"(?P<min>\d{1,3})\s*(?:m|mins?|minutes?)?\.?"
_STEP_AFTER = re.compile(r"^(?P<title>.+?)[\s:,;–—-]*\(?\s*" + _MINUTES + r"\s*\)?\s*$",
                         re.IGNORECASE)
_STEP_BEFORE = re.compile(r"^\(?" + _MINUTES + r"\s*\)?[\s:,;–—-]+(?P<title>\D.*)$",
                          re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d{1,2}[.)]\s+)")


Outline = tuple[str | None, list[tuple[str, int]]]


def parse_outline(text: str, where: str = "the outline") -> Outline:
    """(title or None, steps) from a plain-text outline.

    One step a line, with its minutes before or after the words ("Welcome - 10 min",
    "10: Welcome", "Warm-up game (15)"). A first line starting with ``#`` or ``Title:`` is the
    session's title; later lines starting with ``#`` are notes and are skipped, and so are
    blank lines. Every line that cannot be read is listed at once.
    """
    title: str | None = None
    steps: list[tuple[str, int]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        lowered = line.lower()
        if title is None and not steps and (line.startswith("#") or lowered.startswith("title:")):
            title = line.lstrip("#").strip() if line.startswith("#") else line[6:].strip()
            continue
        if line.startswith("#"):
            continue
        line = _BULLET.sub("", line)
        match = _STEP_AFTER.match(line) or _STEP_BEFORE.match(line)
        if not match or not match["title"].strip(" -:,"):
            problems.append(f"{where}:{number}: '{line[:60]}' has no minutes (write it like "
                            "'Welcome - 10 min')")
            continue
        minutes = int(match["min"])
        if not 1 <= minutes <= 480:
            problems.append(f"{where}:{number}: {minutes} minutes is not from 1 to 480")
            continue
        steps.append((match["title"].strip(" -:,;–—")[:200], minutes))
    if not steps and not problems:
        problems.append(f"{where}: no steps (one step a line, with minutes)")
    if len(steps) > MAX_STEPS:
        problems.append(f"{where}: {len(steps)} steps; a session has at most {MAX_STEPS}")
    if problems:
        raise ValidationError(f"{where} could not be read as a session outline.", problems,
                              hint="Write one step a line with its minutes, e.g. "
                                   "'Welcome and check-in - 10 min'.")
    return title, steps


def read_outline(path: Path) -> Outline:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"There is no outline file at {path}.") from None
    except OSError as exc:
        raise ValidationError(f"{path} could not be read: {exc.strerror}.") from None
    if len(raw) > MAX_OUTLINE_BYTES or b"\x00" in raw:
        raise ValidationError(f"{path} is not a plain-text outline.",
                              hint="Write one step a line, with minutes, in a text file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.",
                              hint="Save the outline as UTF-8 in your editor.") from None
    return parse_outline(text, str(path))


def even_steps(duration: int, count: int) -> list[tuple[str, int]]:
    """``count`` steps sharing ``duration`` minutes (the first steps take any remainder)."""
    if not 1 <= count <= MAX_STEPS:
        raise UsageError(f"A session has 1 to {MAX_STEPS} steps, not {count}.")
    if duration < count:
        raise UsageError(f"{count} steps do not fit in {duration} minutes.",
                         hint="Give fewer steps or a longer duration.")
    base, extra = divmod(duration, count)
    names = ["Welcome and check-in", *(f"Activity {n}" for n in range(1, count - 1)),
             "Closing and your views"] if count > 1 else ["The session"]
    return [(names[i], base + (1 if i < extra else 0)) for i in range(count)]


# -- writing a new session -------------------------------------------------------------------
def _q(text: str) -> str:
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
        f"title: {_q(new.title)}",
        "# One lower-case word or words-with-dashes: wellbeing, self-esteem, relationships...",
        f"theme: {new.theme}",
        "# The planned length in minutes. The steps' minutes below should add up to it.",
        f"duration: {new.duration}",
        "summary: " + _q(new.summary or todo + " Two or three sentences: what happens, and "
                         "who it is for."),
        "aims:",
        *(f"  - {_q(aim)}" for aim in new.aims),
        "# What to get ready before people arrive.",
        "materials:",
        f"  - {_q(todo + ' Paper, pens, drinks...')}",
        "roles:",
        f"  lead: {_q(todo + ' What the lead facilitator does.')}",
        f"  co_facilitator: {_q(todo + ' What the co-facilitator with lived experience does.')}",
        "# Handouts are Jinja2 templates that make Markdown; see 'Writing handout templates' in",
        "# the README. Set easy_read: true if the handout is easy read (15 words a sentence).",
        "handouts:",
        f"  - id: {handout_id(new.id)}",
        f"    title: {_q(new.title + ': handout')}",
        f"    template: {template}",
        "    easy_read: false",
        "# Each step: minutes, who leads it (lead, co-facilitator or both), what to say to the",
        "# group, what to do, tips, and the handouts it uses.",
        "steps:",
    ]
    leads = _leads(len(new.steps))
    for number, ((title, minutes), lead) in enumerate(zip(new.steps, leads, strict=True)):
        out += [
            f"  - title: {_q(title)}",
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
    _refuse_existing(new.id, library, sessions_dir)
    template = f"handouts/{new.id}.md.j2"
    session_path = sessions_dir / f"{new.id}.yaml"
    handout_path = templates_dir / template
    if handout_path.exists():
        raise UsageError(f"There is already a handout template at {handout_path}.",
                         hint="Choose another id with --id, or move that file first.")
    text = scaffold_yaml(new, template)
    stub = handout_stub(new)
    _check_before_writing(new.id, text, {template: stub}, library.template_dirs)
    atomic_write_text(handout_path, stub, mode=0o644)
    try:
        atomic_write_text(session_path, text, mode=0o644)
    except BaseException:
        handout_path.unlink(missing_ok=True)
        raise
    return session_path, handout_path


def _refuse_existing(session_id: str, library: Library, sessions_dir: Path) -> None:
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


def _check_before_writing(session_id: str, text: str, templates: dict[str, str],
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


# -- rewriting a session file's text ---------------------------------------------------------
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
        out.insert(anchor + 1, f"based_on: {_q(based_on)}")
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


# -- forking ------------------------------------------------------------------------------
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
        _refuse_existing(target_id, library, sessions_dir)
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
    checked = _check_before_writing(target_id, new_text,
                                    {moved[k]: v for k, v in sources.items()},
                                    library.template_dirs)
    if (checked.session.based_on != ref or
            {h.template for h in checked.session.handouts} != set(moved.values())):
        raise ValidationError(f"{original.path} is laid out in a way coprod cannot copy "
                              "safely.", hint="Copy it by hand into your sessions folder.")
    snapshot = sessions_dir / ORIGINALS / ref
    written: list[Path] = []
    try:
        if not (snapshot / f"{session.id}.yaml").exists():
            for rel, source in sources.items():
                path = snapshot / "templates" / rel
                atomic_write_text(path, source, mode=0o644)
                written.append(path)
            atomic_write_text(snapshot / f"{session.id}.yaml", text, mode=0o644)
            written.append(snapshot / f"{session.id}.yaml")
        for old, source in sources.items():
            path = templates_dir / moved[old]
            atomic_write_text(path, source, mode=0o644)
            written.append(path)
        atomic_write_text(target, new_text, mode=0o644)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return Forked(path=target, based_on=ref,
                  templates=[templates_dir / moved[k] for k in sources])


# -- comparing a fork with its original -------------------------------------------------------
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

