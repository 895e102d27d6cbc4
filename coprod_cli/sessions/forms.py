"""Evaluation forms and wellbeing measures, defined as data and validated like sessions.

The peer evaluation and ONS4 ship in ``data/``; a service can add its own in its home folder.
Answers are checked here, against the definition, so the runner, ``eval record`` and any CSV
import all apply the same rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from coprod_cli.errors import NotFoundError, ValidationError
from coprod_cli.sessions.library import Slug, Text
from coprod_cli.yamlfile import read_yaml, validate_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    id: Slug | Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+$")]
    type: Literal["scale", "text", "choice"]
    text: Text
    easy_read: Text | None = None
    min: StrictInt | None = None
    max: StrictInt | None = None
    labels: dict[int, Text] = Field(default_factory=dict)
    choices: list[Text] = Field(default_factory=list)


class Form(_Strict):
    id: Slug
    version: StrictInt = 1
    title: Text
    intro: Text | None = None
    questions: Annotated[list[Question], Field(min_length=1)]


class Band(_Strict):
    label: Text
    min: StrictInt
    max: StrictInt


class MeasureItem(_Strict):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]+$")]
    text: Text
    short: Text | None = None  # a name for tables and charts, e.g. "Life satisfaction"
    min: StrictInt
    max: StrictInt
    labels: dict[int, Text] = Field(default_factory=dict)
    bands: list[Band] = Field(default_factory=list)
    reversed: StrictBool = False


class Scoring(_Strict):
    """How a measure turns into one score, where the measure allows it (ONS4 never does).

    ``sum`` adds the items; ``conversion`` names a table in ``data/conversions/`` (SWEMWBS's
    raw-to-metric table ships there; its item wording does not)."""

    method: Literal["sum"]
    conversion: Slug | None = None


class Measure(_Strict):
    id: Slug
    version: StrictInt = 1
    title: Text
    intro: Text | None = None
    source: Text | None = None
    combine: StrictBool = False
    score: Scoring | None = None
    items: Annotated[list[MeasureItem], Field(min_length=1)]

    def band(self, item_id: str, value: int) -> str | None:
        item = next(i for i in self.items if i.id == item_id)
        return next((b.label for b in item.bands if b.min <= value <= b.max), None)


class Conversion(_Strict):
    id: Slug
    raw_min: StrictInt
    raw_max: StrictInt
    table: dict[int, float]


def _check_form(form: Form, path: Path) -> Form:
    problems = []
    for i, q in enumerate(form.questions):
        if q.type == "scale":
            if q.min is None or q.max is None or q.min >= q.max:
                problems.append(f"{path}: questions[{i + 1}]: a scale needs min below max")
            elif any(not q.min <= k <= q.max for k in q.labels):
                problems.append(f"{path}: questions[{i + 1}].labels: a label is outside "
                                f"{q.min} to {q.max}")
        if q.type == "choice" and not q.choices:
            problems.append(f"{path}: questions[{i + 1}].choices: a choice needs choices")
    if len({q.id for q in form.questions}) != len(form.questions):
        problems.append(f"{path}: questions: two questions share an id")
    if problems:
        raise ValidationError(f"{path} is not a usable form.", problems)
    return form


def _check_measure(measure: Measure, path: Path) -> Measure:
    problems = []
    for i, item in enumerate(measure.items):
        if item.bands:
            covered = sorted(v for b in item.bands for v in range(b.min, b.max + 1))
            if covered != list(range(item.min, item.max + 1)):
                problems.append(f"{path}: items[{i + 1}].bands: bands must cover "
                                f"{item.min} to {item.max} once each")
    if measure.combine and measure.score is None:
        problems.append(f"{path}: score: a measure that combines items needs a score method")
    if measure.score is not None and not measure.combine:
        problems.append(f"{path}: combine: set 'combine: true' to give this measure a score")
    if problems:
        raise ValidationError(f"{path} is not a usable measure.", problems)
    return measure


def _find(kind: str, name: str, folders: list[Path]) -> Path:
    for folder in folders:
        path = folder / kind / f"{name}.yaml"
        if path.is_file():
            return path
    raise NotFoundError(f"There is no {kind[:-1]} called '{name}'.",
                        hint=f"Look in the '{kind}' folder of coprod's data for the ids.")


def load_form(name: str, folders: list[Path]) -> Form:
    """Find ``forms/<name>.yaml`` in the user's data folder first, then the built-ins."""
    path = _find("forms", name, folders)
    return _check_form(validate_model(read_yaml(path, what="form"), Form, what="form"), path)


def load_measure(name: str, folders: list[Path]) -> Measure:
    path = _find("measures", name, folders)
    measure = validate_model(read_yaml(path, what="measure"), Measure, what="measure")
    return _check_measure(measure, path)


def load_conversion(name: str, folders: list[Path]) -> Conversion:
    path = _find("conversions", name, folders)
    conversion = validate_model(read_yaml(path, what="conversion table"), Conversion,
                                what="conversion table")
    if sorted(conversion.table) != list(range(conversion.raw_min, conversion.raw_max + 1)):
        raise ValidationError(f"{path} must give a score for every raw total from "
                              f"{conversion.raw_min} to {conversion.raw_max}.")
    return conversion


def score(measure: Measure, answers: dict[str, int | None],
          conversion: Conversion | None = None) -> float | None:
    """One score for measures that allow it; None when any item was skipped (no guessing)."""
    if measure.score is None:
        raise ValidationError(f"{measure.title} is never combined into one score.",
                              hint="Report each of its questions separately.")
    values = [answers.get(item.id) for item in measure.items]
    if any(v is None for v in values):
        return None
    raw = sum(v for v in values if v is not None)
    if conversion is None:
        return float(raw)
    if raw not in conversion.table:
        raise ValidationError(f"A raw total of {raw} is outside the conversion table "
                              f"({conversion.raw_min} to {conversion.raw_max}).")
    return conversion.table[raw]


def parse_answer(question: Question, text: str) -> Any:
    """One typed answer, checked against its question. Empty means skipped (None)."""
    text = text.strip()
    if not text:
        return None
    if question.type == "scale":
        low, high = question.min or 1, question.max or 5
        if not text.isdigit() or not low <= int(text) <= high:
            raise ValidationError(f"Please give a number from {low} to {high}, or press Enter "
                                  "to skip.")
        return int(text)
    if question.type == "choice":
        for choice in question.choices:
            if text.lower() == choice.lower() or (len(text) >= 1 and
                                                  choice.lower().startswith(text.lower())):
                return choice
        raise ValidationError("Please answer " + ", ".join(question.choices) + ".")
    return text


def parse_item(item: MeasureItem, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not item.min <= int(text) <= item.max:
        raise ValidationError(f"Please give a number from {item.min} to {item.max}, or press "
                              "Enter to skip.")
    return int(text)
