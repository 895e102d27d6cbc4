"""Session definitions: the models, strict loading from YAML, checks, and discovery.

A session is a YAML file. The built-in library ships with the package; a user's own folder adds
to it and can override a built-in by using the same id. Loading is strict (unknown keys,
wrong types and YAML surprises are errors) because a facilitator should find a mistake at
their desk, not in front of a group.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
)

from coprod_cli.errors import NotFoundError, ValidationError
from coprod_cli.yamlfile import YamlDocument, locate, read_yaml, validate_model

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[StrictStr, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Text = Annotated[StrictStr, StringConstraints(min_length=1, max_length=4000)]
Minutes = Annotated[StrictInt, Field(gt=0, le=480)]
StepLead = Literal["lead", "co-facilitator", "both"]
Origin = Literal["built-in", "toolkit", "yours"]
"""Where a session came from: shipped, added to the toolkit by its lead, or the user's own."""

LEAD_WORDS: dict[str, str] = {
    "lead": "Lead facilitator",
    "co-facilitator": "Co-facilitator",
    "both": "Both facilitators",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Roles(_Strict):
    """What each facilitator does; co-production means the second role is never an extra."""

    lead: Text
    co_facilitator: Text


class Handout(_Strict):
    id: Slug
    title: Text
    template: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9_./-]+\.j2$",
                                                     max_length=200)]
    easy_read: StrictBool = False


class Step(_Strict):
    title: Text
    minutes: Minutes
    lead: StepLead
    say: Text
    do: Text
    accessibility_tips: list[Text] = Field(default_factory=list)
    co_facilitator_tips: list[Text] = Field(default_factory=list)
    handouts: list[Slug] = Field(default_factory=list)


LADDER = ("coercion", "educating", "informing", "consultation", "engagement", "co-design",
          "co-production")
"""The Ladder of co-production's rungs, lowest first."""
LadderLevel = Literal["coercion", "educating", "informing", "consultation", "engagement",
                      "co-design", "co-production"]


class Session(_Strict):
    """One group session, run step by step. ``duration`` is the plan, in minutes."""

    id: Slug
    version: Annotated[StrictInt, Field(ge=1)] = 1
    title: Text
    theme: Slug
    duration: Minutes
    summary: Text
    aims: Annotated[list[Text], Field(min_length=1)]
    materials: list[Text] = Field(default_factory=list)
    roles: Roles
    measures: list[Literal["ons4"]] = Field(default_factory=list)
    handouts: list[Handout] = Field(default_factory=list)
    steps: Annotated[list[Step], Field(min_length=1, max_length=30)]
    based_on: Annotated[StrictStr, StringConstraints(max_length=100)] | None = None
    credits: list[Text] = Field(default_factory=list)
    #: The session is written for people who use easy read: ``session check`` then warns
    #: about sentences longer than 15 words in what facilitators say and in the aims.
    easy_read: StrictBool = False
    #: Where the session sits on the Ladder of co-production (Think Local Act Personal), from
    #: coercion up to co-production; the report shows the share run at co-design or above.
    coproduction_level: LadderLevel | None = None

    @property
    def planned_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    def handout(self, handout_id: str) -> Handout | None:
        return next((h for h in self.handouts if h.id == handout_id), None)


@dataclass(frozen=True)
class LoadedSession:
    """A valid session, where it came from, and anything worth a warning."""

    session: Session
    path: Path
    origin: Origin
    warnings: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.session.id


def _located(doc: YamlDocument, loc: tuple[int | str, ...], field_name: str, msg: str) -> str:
    line, col = locate(doc, loc)
    return f"{doc.path}:{line}:{col}: {field_name}: {msg}"


def cross_check(doc: YamlDocument, session: Session, template_dirs: list[Path],
                jargon: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Problems a schema cannot see: ids that must agree with each other, and timings.

    Returns (errors, warnings). Errors make the file unusable; warnings are advice.
    """
    errors: list[str] = []
    warnings: list[str] = []
    if doc.path.suffix in (".yaml", ".yml") and doc.path.stem != session.id:
        errors.append(_located(doc, ("id",), "id",
                               f"'{session.id}' must match the file name '{doc.path.stem}'"))
    seen: set[str] = set()
    for i, handout in enumerate(session.handouts):
        if handout.id in seen:
            errors.append(_located(doc, ("handouts", i, "id"), f"handouts[{i + 1}].id",
                                   f"'{handout.id}' is used by two handouts"))
        seen.add(handout.id)
        if ".." in Path(handout.template).parts or handout.template.startswith("/"):
            errors.append(_located(doc, ("handouts", i, "template"),
                                   f"handouts[{i + 1}].template",
                                   "must be a path inside the templates folder"))
        elif not any((d / handout.template).is_file() for d in template_dirs):
            warnings.append(_located(doc, ("handouts", i, "template"),
                                     f"handouts[{i + 1}].template",
                                     f"'{handout.template}' was not found in the templates "
                                     "folder"))
    used: set[str] = set()
    for s, step in enumerate(session.steps):
        for h, handout_id in enumerate(step.handouts):
            used.add(handout_id)
            if handout_id not in seen:
                errors.append(_located(doc, ("steps", s, "handouts", h),
                                       f"steps[{s + 1}].handouts[{h + 1}]",
                                       f"'{handout_id}' is not in this session's handouts"))
    for i, handout in enumerate(session.handouts):
        if handout.id not in used:
            warnings.append(_located(doc, ("handouts", i, "id"), f"handouts[{i + 1}].id",
                                     f"'{handout.id}' is not used by any step"))
    total = session.planned_minutes
    if total != session.duration:
        warnings.append(_located(doc, ("duration",), "duration",
                                 f"the steps add up to {total} minutes, not {session.duration}"))
    from coprod_cli.sessions.lint import friendly_warnings

    warnings += friendly_warnings(doc, session, template_dirs, jargon)
    return errors, warnings


def load_session_file(path: Path, template_dirs: list[Path], origin: Origin = "yours",
                      jargon: list[str] | None = None) -> LoadedSession:
    """Load and fully check one session file; raises ``ValidationError`` listing every error.

    ``jargon`` is the list of words worth explaining (the settings' ``jargon``; None: the
    default list).
    """
    doc = read_yaml(path, what="session file")
    session = validate_model(doc, Session, what="session file")
    errors, warnings = cross_check(doc, session, template_dirs, jargon)
    if errors:
        raise ValidationError(f"{path} has {len(errors)} problem{'s' * (len(errors) != 1)}.",
                              errors, hint="Fix the lines listed and check the file again.")
    return LoadedSession(session=session, path=path, origin=origin, warnings=warnings)


class Library:
    """All sessions a user can run: the built-ins, then the toolkit's contributed sessions,
    then their own folder on top (a later folder overrides an id of an earlier one).

    Broken files in the user's folder do not hide the rest of the library; they are kept in
    ``problems`` so ``session list`` can mention them.
    """

    def __init__(self, builtin_dir: Path, user_dir: Path | None,
                 template_dirs: list[Path], toolkit_dir: Path | None = None) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir
        self.toolkit_dir = toolkit_dir
        self.template_dirs = template_dirs
        self._sessions: dict[str, LoadedSession] | None = None
        self._problems: list[ValidationError] = []

    @property
    def problems(self) -> list[ValidationError]:
        """The broken files (every folder is read to know them)."""
        self._load()
        return self._problems

    def _folders(self) -> list[tuple[Path | None, Origin]]:
        """The folders in the order they are read: a later one overrides an earlier id."""
        return [(self.builtin_dir, "built-in"), (self.toolkit_dir, "toolkit"),
                (self.user_dir, "yours")]

    def _load(self) -> dict[str, LoadedSession]:
        if self._sessions is not None:
            return self._sessions
        found: dict[str, LoadedSession] = {}
        for folder, origin in self._folders():
            if folder is None or not folder.is_dir():
                continue
            for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
                try:
                    loaded = load_session_file(path, self.template_dirs, origin)
                except ValidationError as exc:
                    self._problems.append(exc)
                    continue
                found[loaded.id] = loaded
        self._sessions = found
        return found

    def _load_one(self, session_id: str) -> LoadedSession | None:
        """What ``_load()[session_id]`` would be, reading only the files that can hold it:
        a later folder wins, ``.yml`` after ``.yaml`` within one (their sorted order), and a
        broken file gives way to the one it would have overridden."""
        for folder, origin in reversed(self._folders()):
            if folder is None:
                continue
            for suffix in (".yml", ".yaml"):
                path = folder / f"{session_id}{suffix}"
                if not path.is_file():
                    continue
                try:
                    return load_session_file(path, self.template_dirs, origin)
                except ValidationError:
                    continue
        return None

    def all(self, theme: str | None = None) -> list[LoadedSession]:
        sessions = sorted(self._load().values(), key=lambda s: (s.session.theme, s.id))
        if theme is not None:
            sessions = [s for s in sessions if s.session.theme == theme]
        return sessions

    def themes(self) -> list[str]:
        return sorted({s.session.theme for s in self._load().values()})

    def get(self, session_id: str) -> LoadedSession:
        """One session by id. A session's file is named for its id (a file whose name
        differs is refused), so only that file is read, in the folder that would win (yours,
        then the toolkit's, then the built-in ones); all are loaded only to suggest ids."""
        if self._sessions is None and re.fullmatch(SLUG_PATTERN, session_id):
            found = self._load_one(session_id)
            if found is not None:
                return found
        sessions = self._load()
        if session_id in sessions:
            return sessions[session_id]
        close = difflib.get_close_matches(session_id, list(sessions), n=3, cutoff=0.4)
        close += [i for i in sessions if session_id in i and i not in close]
        hint = ("Did you mean: " + ", ".join(close[:3]) + "?") if close else None
        raise NotFoundError(f"There is no session called '{session_id}'.",
                            hint=hint or "Run 'coprod session list' to see every session.")


def session_schema() -> dict[str, object]:
    """The JSON Schema editors use to autocomplete and check session files."""
    schema = Session.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "coprod session"
    return schema
