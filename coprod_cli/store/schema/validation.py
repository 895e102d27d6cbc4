"""Checking records against their table's declaration, fast, with plain messages.

One strict pydantic-core pass over a whole list of records (a file of a bundle, a batch of
inserts): records that fit cost almost no Python code (only names are checked in Python),
which keeps a merge of an organisation near the cost of parsing its JSON. Only when
something is wrong are pydantic's errors turned into phrases a person can act on, each
naming the record and the field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticError

from coprod_cli.errors import ValidationError
from coprod_cli.store.schema.markers import ANY, DateText, NameText, Node
from coprod_cli.store.schema.registry import table


@dataclass(frozen=True)
class RecordProblem:
    """What is wrong with one record: ``index`` in the list given, its id, the field (a path
    such as ``facilitators[0].person_id``; empty for the record as a whole) and a phrase to
    follow the id ("has no 'name'")."""

    index: int
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record_id}: {self.message}"


def _record_id(record: Any) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    return rid if isinstance(rid, str) and rid else "(no id)"


def _show(value: Any) -> str:
    """A value as a message quotes it: short, and with control characters written out, so
    quoting a doctored record cannot send escape sequences to the terminal."""
    text = f"'{value[:40]}'" if isinstance(value, str) else \
        json.dumps(value, ensure_ascii=False, default=repr)[:40]
    return "".join(f"\\u{ord(ch):04x}" if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch
                   for ch in text)


def _locate(node: Node, loc: Sequence[int | str]) -> tuple[str, Node]:
    """A pydantic error location as the path a person reads, and the declared type there."""
    path = ""
    for step in loc:
        if node.kind == "union" and isinstance(step, str) and \
                step in {_PYDANTIC_TAGS[o.kind] for o in node.options}:
            node = next(o for o in node.options if _PYDANTIC_TAGS[o.kind] == step)
            continue
        if node.kind == "list":
            path, node = f"{path}[{step}]", node.item or ANY
        else:
            path = f"{path}.{step}" if path else str(step)
            node = node.fields.get(str(step), ANY) if node.kind == "shape" else \
                node.item or ANY
    return path, node


_PYDANTIC_TAGS = {"text": "str", "int": "int", "float": "float", "bool": "bool"}


def _phrase(kind: str, path: str, value: Any, node: Node, ctx: dict[str, Any]) -> str:
    if not path:
        return "is not a mapping (a JSON object)"
    if kind == "missing":
        return f"has no '{path}'"
    if kind == "literal_error":
        return f"'{path}' is {_show(value)}, which is not one of: " + \
            ", ".join(map(str, node.choices))
    if kind == "string_pattern_mismatch" and any(isinstance(m, DateText)
                                                 for m in node.markers):
        return f"'{path}' is {_show(value)}, which is not a date (YYYY-MM-DD)"
    if kind == "string_pattern_mismatch" and any(isinstance(m, NameText)
                                                 for m in node.markers):
        return (f"'{path}' is {_show(value)}, which is blank or holds a line break or "
                "another control character")
    if kind == "string_too_short":
        return f"'{path}' is empty"
    if kind in ("string_too_long", "too_long"):
        return f"'{path}' is longer than {ctx.get('max_length')} characters"
    return f"'{path}' should be {node.words()}, not {_show(value)}"


def problems(name: str, records: Sequence[Any]) -> list[RecordProblem]:
    """Every problem in ``records`` of table ``name``, each naming record and field.

    One strict pydantic-core pass over the whole list. Use :func:`validate` to refuse
    instead of list.
    """
    spec = table(name)
    try:
        spec.adapter().validate_python(records, strict=True)
    except PydanticError as exc:
        errors = exc.errors(include_url=False)
    else:
        return []
    found: dict[tuple[int, str], RecordProblem] = {}
    extra: dict[int, list[str]] = {}
    for error in errors:
        loc = error["loc"]
        if not loc or not isinstance(loc[0], int):
            continue
        index = loc[0]
        path, node = _locate(spec.node, loc[1:])
        if error["type"] == "extra_forbidden":
            extra.setdefault(index, []).append(path)
            continue
        key = (index, path)
        if key not in found:  # a union reports once per member; one message is enough
            found[key] = RecordProblem(index, _record_id(records[index]), path, _phrase(
                error["type"], path, error["input"], node, dict(error.get("ctx") or {})))
    for index, fields in extra.items():
        noun = spec.noun[0]
        article = "an" if noun[:1] in "aeiou" else "a"
        reason = f"; {spec.closed_reason}" if spec.closed_reason else ""
        found[(index, "")] = RecordProblem(
            index, _record_id(records[index]), ", ".join(sorted(fields)),
            f"holds fields {article} {noun} must not have ({', '.join(sorted(fields))})"
            f"{reason}")
    return sorted(found.values(), key=lambda p: p.index)


class InvalidRecords(ValidationError):
    """Records that break their table's declaration; nothing was written."""

    def __init__(self, message: str, found: list[RecordProblem], hint: str | None = None,
                 located: list[str] | None = None) -> None:
        super().__init__(message, problems=located or [], hint=hint)
        self.found = found


SHOWN = 20  # problems listed with a refusal; the rest are counted


def validate(name: str, records: Sequence[Any], *,
             source: tuple[str, str] | None = None, hint: str | None = None) -> None:
    """Refuse ``records`` unless every one fits table ``name``'s declaration.

    ``source`` is where they came from: a file and the part of it (``("beech.zip",
    "records/people/all.json")``); without it they are records about to be saved. The message
    is one sentence naming the first record and field; every problem is listed with it.
    ``hint`` replaces the usual advice where the fix lies elsewhere (a shared bundle).
    """
    found = problems(name, records)
    if not found:
        return
    first = found[0]
    where = f"{name} record {first.record_id}"
    prefix = f"{source[0]}: {source[1]}: " if source else ""
    located = [f"{prefix}{name} record {p.record_id}: {p.message}" for p in found[:SHOWN]]
    if len(found) > SHOWN:
        located.append(f"... and {len(found) - SHOWN} more")
    listed = located if len(found) > 1 else []  # one problem is said in the sentence itself
    if source is None:
        raise InvalidRecords(f"Nothing was saved: the {where} is not valid ({first.message}).",
                             found, located=listed,
                             hint="'coprod data check' lists every record that breaks its "
                                  "table; if coprod itself built this one, please report it "
                                  "with the command you ran.")
    raise InvalidRecords(
        f"{source[0]} was refused, so nothing was changed: in {source[1]}, the {where} is not "
        f"valid ({first.message}).", found, located=listed,
        hint=hint or "Correct the record where the file was made ('coprod data check' there "
                     "lists every problem), then make the file again.")
