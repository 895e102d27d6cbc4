"""What a declaration can say about a field beyond its type, and the declared types reduced
to a small tree that messages and walkers read.

A table is declared once, as a TypedDict (``declarations.py``), with ``Annotated`` markers on the
fields that matter beyond their type: who a field refers to (:class:`Person`,
:class:`Named`), what free text may name someone (:class:`Text`), which other table a field
points into (:class:`Ref`), that text is a date (:class:`DateText`). pydantic ignores these
markers; :func:`marked` finds them, with the path to each, so the check, forgetting and
subject access all read the same declaration.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Union

import typing_extensions as te

# -- markers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The value is a person's register id (None for an anonymous form). ``label`` is how a
    problem names it: "its facilitator 0a1b... is not on the register"."""

    label: str = "person"


@dataclass(frozen=True)
class Named:
    """The value is a ``{"name", "person_id"}`` mapping: someone by name, with their register
    id when they have one. Forgetting removes the name and swaps the id."""

    label: str = "named person"


@dataclass(frozen=True)
class Text:
    """Free text that may name someone. ``label`` says where it is for a person reading their
    subject access export; ``{key}`` is the last key of the text's place, ``{path}`` all of
    it ("someone's feedback ({key})" -> "someone's feedback (went_well)")."""

    label: str


@dataclass(frozen=True)
class Ref:
    """The value is the id of a record in ``table``; ``label`` names it in a problem."""

    table: str
    label: str


@dataclass(frozen=True)
class DateText:
    """The value is ISO text starting with a date (checked by the pattern beside it)."""


@dataclass(frozen=True)
class NameText:
    """The value is a display name (checked by the pattern beside it): it prints in
    terminals, PDFs and web pages, so it must hold something, and no control characters (a
    line break or an escape sequence would rewrite the screen)."""


# -- the shape of a declared type, for messages and for walking marked fields ---------------

EACH = "[]"  # a path step: every item of a list
VALUES = "{}"  # a path step: every value of a mapping
Path = tuple[str, ...]

_WORDS = {"text": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
          "shape": "a mapping", "map": "a mapping", "list": "a list", "any": "anything"}


@dataclass
class Node:
    """One declared type, reduced to what messages and walkers need."""

    kind: str  # text, int, float, bool, any, list, map, shape, choice, union
    markers: tuple[object, ...] = ()
    item: Node | None = None  # a list's items, a map's values
    fields: dict[str, Node] = field(default_factory=dict)
    choices: tuple[Any, ...] = ()
    options: tuple[Node, ...] = ()
    nullable: bool = False

    def words(self) -> str:
        if self.kind == "choice":
            said = "one of: " + ", ".join(map(str, self.choices))
        elif self.kind == "union":
            said = " or ".join(o.words() for o in self.options)
        else:
            said = _WORDS[self.kind]
        return said + (" or empty (null)" if self.nullable else "")


ANY = Node("any")
_PRIMITIVES = {str: "text", int: "int", float: "float", bool: "bool", Any: "any"}


def node_of(hint: Any) -> Node:
    """The tree of a declared type (a TypedDict and everything in it). Only what pydantic's
    strict mode and this module's messages both understand can be declared."""
    origin, args = te.get_origin(hint), te.get_args(hint)
    if origin in (te.NotRequired, te.Required):
        return node_of(args[0])
    if origin is te.Annotated:
        inner = node_of(args[0])
        return Node(**{**inner.__dict__, "markers": inner.markers + tuple(args[1:])})
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            node = node_of(members[0])
        else:
            options = tuple(node_of(m) for m in members)
            if any(o.kind not in ("text", "int", "float", "bool") for o in options):
                # pydantic tags each member's errors with its type; only plain types have
                # tags this module can read back, so richer unions are not declared
                raise TypeError(f"only unions of plain types can be declared, not {hint}")
            node = Node("union", options=options)
        return Node(**{**node.__dict__, "nullable": len(members) < len(args)})
    if origin is Literal:
        return Node("choice", choices=args)
    if origin is list:
        return Node("list", item=node_of(args[0]))
    if origin is dict:
        return Node("map", item=node_of(args[1]))
    if te.is_typeddict(hint):
        hints = te.get_type_hints(hint, include_extras=True)
        # which keys are required is pydantic's to read (__required_keys__ is wrong under
        # postponed annotations); messages and walkers need only the fields' types
        return Node("shape", fields={k: node_of(v) for k, v in hints.items()})
    if hint in _PRIMITIVES:
        return Node(_PRIMITIVES[hint])
    raise TypeError(f"{hint!r} cannot be declared in a record schema")


def marked(node: Node, path: Path = ()) -> Iterator[tuple[Path, object]]:
    """Every marker in a declared type, with the path from the record's top level to it."""
    for marker in node.markers:
        yield path, marker
    if node.kind == "shape":
        for key, inner in node.fields.items():
            yield from marked(inner, (*path, key))
    elif node.kind == "list" and node.item:
        yield from marked(node.item, (*path, EACH))
    elif node.kind == "map" and node.item:
        yield from marked(node.item, (*path, VALUES))
