"""Reading YAML that people write by hand, and pointing at the exact line of any problem.

Session, form and measure files are written by facilitators in a text editor. PyYAML's
defaults are unkind to them: duplicate keys silently overwrite, and nothing remembers which
line a value came from. This module loads safely, refuses duplicates, and maps a pydantic
validation error back to ``file:line:col: field: problem`` using the composed node tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from coprod_cli.errors import ValidationError

MAX_BYTES = 1_000_000
"""A session file is a few kilobytes; anything past a megabyte is a mistake, not a session."""

M = TypeVar("M", bound=BaseModel)

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_BaseLoader):  # type: ignore[misc]  # base chosen at run time (C or Python)
    """A safe loader that refuses a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            _refuse_huge_number(value_node, f"'{key}'")
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None,
                    f"'{key}' appears twice (first on line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        return mapping


#: More digits than any number a session, form or setting holds; Python's own int() refuses
#: text of over 4,300 digits with a bare ValueError, which would read as a crash.
MAX_NUMBER_DIGITS = 30


def _refuse_huge_number(node: yaml.Node, field: str) -> None:
    if node.tag != "tag:yaml.org,2002:int" or not isinstance(node.value, str):
        return
    digits = sum(ch.isdigit() for ch in node.value)
    if digits > MAX_NUMBER_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"{field} is out of range (a number of {digits:,} digits)",
            node.start_mark)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> Any:
    _refuse_huge_number(node, "a number")  # in a list, where no field name is at hand
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data plus the node tree it came from, for locating problems later."""

    path: Path
    data: Any
    root: yaml.Node | None


def _problem(path: Path, line: int, col: int, field: str, message: str) -> str:
    where = f"{path}:{line}:{col}"
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"


def read_yaml(path: Path, *, what: str = "file") -> YamlDocument:
    """Load one YAML file, raising ``ValidationError`` with a located message on any problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"There is no {what} at {path}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a {what}.") from None
    except OSError as exc:
        raise ValidationError(f"{path} could not be read: {exc.strerror}.") from None
    if len(raw) > MAX_BYTES:
        problem = _problem(path, 1, 1, "", f"the file is {len(raw):,} bytes; a {what} is at "
                           f"most {MAX_BYTES:,} bytes")
        raise ValidationError(f"{path} is too large to be a {what}.", [problem])
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ValidationError(f"{path} is not a text file.",
                              [_problem(path, line, 1, "", "binary content (a NUL byte)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError(f"{path} is not UTF-8 text.",
                              [_problem(path, line, 1, "", "bytes that are not UTF-8 text")],
                              hint="Save the file as UTF-8 in your editor.") from None

    loader = UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "not valid YAML"
        raise ValidationError(f"{path} is not valid YAML.", [_problem(path, line, col, "",
                                                                       message)]) from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path} is not valid YAML.",
                              [_problem(path, 1, 1, "", str(exc))]) from None
    finally:
        loader.dispose()
    return YamlDocument(path=path, data=data, root=root)


def format_loc(loc: Sequence[int | str]) -> str:
    """``('steps', 2, 'minutes')`` -> ``steps[3].minutes`` (counting from 1, as people do)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def node_at(root: yaml.Node | None, loc: Sequence[int | str]) -> tuple[yaml.Node | None, bool]:
    """Follow ``loc`` through the node tree; returns the deepest node reached and whether the
    whole path was found (a missing field points at its parent mapping)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value
                          if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if match is None:
                return node, False
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node, False
            node = node.value[part]
        else:
            return node, False
    return node, True


def key_node_at(root: yaml.Node | None, loc: Sequence[int | str]) -> yaml.Node | None:
    """The key node for the last part of ``loc`` (an unknown field is best shown at its key)."""
    parent, found = node_at(root, loc[:-1])
    if not found or not isinstance(parent, yaml.MappingNode):
        return None
    return next((k for k, _ in parent.value
                 if isinstance(k, yaml.ScalarNode) and k.value == str(loc[-1])), None)


_FRIENDLY = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "list_type": "must be a list (lines starting with '- ')",
    "dict_type": "must be a set of 'name: value' lines",
    "model_type": "must be a set of 'name: value' lines",
    "missing": "is required but missing",
    "extra_forbidden": "is not a field this file can have (check the spelling)",
}


def friendly_message(error: ErrorDetails) -> str:
    """Plain words for pydantic's error, with a hint for YAML's yes/no and date surprises."""
    kind = error["type"]
    message = _FRIENDLY.get(kind) or error["msg"][0].lower() + error["msg"][1:]
    value = error.get("input")
    if kind == "string_type" and isinstance(value, bool):
        message += " (YAML reads yes/no/on/off as true/false: put the value in quotes)"
    elif kind == "string_type" and isinstance(value, (int, float)):
        message += " (put the value in quotes)"
    elif kind == "string_type" and hasattr(value, "isoformat"):
        message += " (YAML read it as a date or time: put it in quotes)"
    elif kind == "greater_than" and "minutes" in str(error.get("loc", ())):
        message = "must be a positive whole number of minutes"
    return message


def located_problems(doc: YamlDocument, exc: PydanticValidationError) -> list[str]:
    """Every pydantic error as ``file:line:col: field: problem``, in file order."""
    problems: list[tuple[int, int, str]] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        node: yaml.Node | None
        if error["type"] == "extra_forbidden" and loc:
            node = key_node_at(doc.root, loc)
        else:
            node, _ = node_at(doc.root, loc)
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append((line, col, _problem(doc.path, line, col, format_loc(loc) or "file",
                                             friendly_message(error))))
    problems.sort(key=lambda p: (p[0], p[1]))
    return [p[2] for p in problems]


def locate(doc: YamlDocument, loc: Sequence[int | str]) -> tuple[int, int]:
    """Line and column of the value at ``loc`` (or the nearest parent that exists)."""
    node, _ = node_at(doc.root, loc)
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def validate_model(doc: YamlDocument, model: type[M], *, what: str) -> M:
    """Validate ``doc`` against ``model``; every problem is reported at once, located."""
    if not isinstance(doc.data, dict):
        found = "nothing" if doc.data is None else type(doc.data).__name__
        raise ValidationError(
            f"{doc.path} is not a {what}.",
            [_problem(doc.path, 1, 1, "", f"expected 'name: value' lines, found {found}")])
    try:
        return model.model_validate(doc.data)
    except PydanticValidationError as exc:
        problems = located_problems(doc, exc)
        count = len(problems)
        raise ValidationError(
            f"{doc.path} has {count} problem{'s' if count != 1 else ''}.", problems,
            hint="Fix the lines listed, then run 'coprod session check' on the file.") from None
