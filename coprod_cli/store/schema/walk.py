"""Reading and rewriting the places a declaration marks, in records of any shape.

Paths come from :func:`coprod_cli.store.schema.markers.marked`: keys, ``EACH`` (every item
of a list) and ``VALUES`` (every value of a mapping). A record that does not fit its table
simply has nothing at a place, so the check can walk damaged records too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from coprod_cli.store.schema.markers import EACH, VALUES, Named, Path, Text
from coprod_cli.store.schema.registry import Located

Where = tuple[str | int, ...]


def spots(value: Any, path: Path, at: Where = ()) -> Iterator[tuple[Where, Any]]:
    """Each value at ``path`` in a record, with its concrete place (list indexes, map keys).
    Tolerant of any shape: a record that does not fit simply has no value there."""
    if not path:
        yield at, value
        return
    step, rest = path[0], path[1:]
    if step == EACH:
        if isinstance(value, list):
            for index, inner in enumerate(value):
                yield from spots(inner, rest, (*at, index))
    elif step == VALUES:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from spots(inner, rest, (*at, key))
    elif isinstance(value, dict) and step in value:
        yield from spots(value[step], rest, (*at, step))


def rewrite(value: Any, path: Path, change: Callable[[Any], Any]) -> Any:
    """A copy of ``value`` with ``change`` applied at every place ``path`` reaches; only the
    containers on the way are copied, and a place the record does not have is left alone."""
    if not path:
        return change(value)
    step, rest = path[0], path[1:]
    if step == EACH:
        return [rewrite(v, rest, change) for v in value] if isinstance(value, list) else value
    if step == VALUES:
        return {k: rewrite(v, rest, change) for k, v in value.items()} \
            if isinstance(value, dict) else value
    if not isinstance(value, dict) or step not in value:
        return value
    return {**value, step: rewrite(value[step], rest, change)}


def place(at: Where) -> str:
    """``("history", 0, "by")`` -> ``history[0].by``."""
    out = ""
    for step in at:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def is_named(value: Any) -> bool:
    return isinstance(value, dict) and "name" in value and "person_id" in value


def person_ids(record: dict[str, Any], located: Located) -> Iterator[tuple[Where, Any]]:
    """The person ids at one marked place: the value itself, or a named person's id."""
    for at, value in spots(record, located.path):
        if isinstance(located.marker, Named):
            if is_named(value):
                yield at, value["person_id"]
        else:
            yield at, value


def text_label(marker: Text, at: Where) -> str:
    keys = [step for step in at if isinstance(step, str)]
    return marker.label.format(key=keys[-1] if keys else "", path=place(at))
