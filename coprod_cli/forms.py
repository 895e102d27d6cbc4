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
from coprod_cli.library import Slug, Text
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
    min: StrictInt
    max: StrictInt
    labels: dict[int, Text] = Field(default_factory=dict)
    bands: list[Band] = Field(default_factory=list)
    reversed: StrictBool = False


class Measure(_Strict):
    id: Slug
    version: StrictInt = 1
    title: Text
    intro: Text | None = None
    source: Text | None = None
    combine: StrictBool = False
    items: Annotated[list[MeasureItem], Field(min_length=1)]

    def band(self, item_id: str, value: int) -> str | None:
        item = next(i for i in self.items if i.id == item_id)
        return next((b.label for b in item.bands if b.min <= value <= b.max), None)


def _find(kind: str, name: str, folders: list[Path]) -> Path:
    for folder in folders:
        path = folder / kind / f"{name}.yaml"
        if path.is_file():
            return path
    raise NotFoundError(f"There is no {kind[:-1]} called '{name}'.",
                        hint=f"Look in the '{kind}' folder of coprod's data for the ids.")


def load_form(name: str, folders: list[Path]) -> Form:
    """Find ``forms/<name>.yaml`` in the user's data folder first, then the built-ins."""
    doc = read_yaml(_find("forms", name, folders), what="form")
    return validate_model(doc, Form, what="form")


def load_measure(name: str, folders: list[Path]) -> Measure:
    doc = read_yaml(_find("measures", name, folders), what="measure")
    return validate_model(doc, Measure, what="measure")


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
