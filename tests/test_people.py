"""The people register: any name, roles, consent, likely duplicates flagged, never merged."""

from __future__ import annotations

import json

import pytest

from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.people import register as people
from coprod_cli.store.database import Store

AWKWARD = ["<b>Bo</b>", "{{ x }}", "=cmd|' /C calc'!A0", "Dŵr Ŷnys", "Łucja Żółć",
           "Siobhán Ó Dálaigh", "Ağca Işıl", "Jo 🌻"]


@pytest.fixture
def store() -> Store:
    return Store.memory()


def test_add_and_find_by_name_or_short_id(store: Store) -> None:
    ceri = people.add_person(store, "Ceri", "person", service="Beech House",
                             consent="attendance and anonymous feedback",
                             prefers=["easy-read"])
    assert ceri["role"] == "person-using-services"
    assert ceri["consent"]["text"] == "attendance and anonymous feedback"
    assert people.find_person(store, "ceri")["id"] == ceri["id"]
    assert people.find_person(store, ceri["id"][:6])["id"] == ceri["id"]


@pytest.mark.parametrize("name", AWKWARD)
def test_names_are_stored_exactly(store: Store, name: str) -> None:
    person = people.add_person(store, name, "staff")
    assert store.get(people.TABLE, person["id"])["name"] == name


def test_bad_names_and_roles(store: Store) -> None:
    with pytest.raises(UsageError):
        people.add_person(store, "   ", "staff")
    with pytest.raises(UsageError):
        people.add_person(store, "A\nB", "staff")
    with pytest.raises(UsageError, match="is not a role"):
        people.add_person(store, "Jo", "boss")
    with pytest.raises(UsageError):
        people.add_person(store, "x" * 81, "staff")


def test_likely_duplicates(store: Store) -> None:
    people.add_person(store, "Siobhán Murphy", "carer")
    assert people.likely_duplicates(store, "siobhán  murphy")
    assert people.likely_duplicates(store, "Siobhan Murphy")
    assert not people.likely_duplicates(store, "Sam")


def test_ambiguous_and_unknown(store: Store) -> None:
    people.add_person(store, "Sam", "staff")
    people.add_person(store, "Sam", "volunteer")
    with pytest.raises(ValidationError, match="More than one person matches 'Sam'"):
        people.find_person(store, "Sam")
    with pytest.raises(NotFoundError) as info:
        people.find_person(store, "Samm")
    assert "Did you mean: Sam" in (info.value.hint or "")


def test_edit(store: Store) -> None:
    person = people.add_person(store, "Jo", "volunteer")
    edited = people.edit_person(store, "Jo", role="staff", prefers=["large-print"])
    assert edited["role"] == "staff" and edited["prefers"] == ["large-print"]
    assert edited["id"] == person["id"]
    with pytest.raises(UsageError, match="Nothing to change"):
        people.edit_person(store, "Jo")


def test_cli_add_list_show_edit(cli) -> None:
    out = cli("people", "add", "Dŵr Jones", "--role", "volunteer", "--prefers",
              "large-print", "--consent", "attendance").text
    assert "Added Dŵr Jones (" in out and "volunteer" in out
    listed = json.loads(cli("people", "list", "--format", "json").output)
    assert listed[0]["name"] == "Dŵr Jones" and listed[0]["prefers"] == ["large-print"]
    shown = json.loads(cli("people", "show", "dŵr jones", "--format", "json").output)
    assert shown["consent"]["text"] == "attendance"
    cli("people", "edit", "Dŵr Jones", "--service", "Beech House")
    assert "Beech House" in cli("people", "list").text


def test_cli_duplicate_is_flagged_and_asked(cli) -> None:
    cli("people", "add", "Siobhán Murphy", "--role", "carer")
    refused = cli("people", "add", "Siobhan Murphy", input="y\n", code=1)
    assert "Is this Siobhán Murphy (carer), already on the register? (y/n)" in refused.text
    assert "Nothing was added: Siobhán Murphy" in refused.text
    no_stdin = cli("people", "add", "Siobhan Murphy", code=2)
    assert "--allow-duplicate" in no_stdin.text
    cli("people", "add", "Siobhan Murphy", "--allow-duplicate")
    assert len(json.loads(cli("people", "list", "--format", "json").output)) == 2


@pytest.mark.parametrize(("first", "second"), [("Siân", "Sian"), ("Łukasz", "Lukasz"),
                                               ("Gareth", "Garteh"), ("Zoë", "zoe")])
def test_near_duplicate_names_are_asked_about(cli, first: str, second: str) -> None:
    cli("people", "add", first, "--role", "staff", "--service", "Beech House")
    asked = cli("people", "add", second, input="y\n", code=1).text
    assert f"Is this {first} (staff, Beech House), already on the register?" in asked
    assert len(json.loads(cli("people", "list", "--format", "json").output)) == 1
    added = cli("people", "add", second, input="n\n").text
    assert f"Adding {second} as a new, different person." in added
    assert len(json.loads(cli("people", "list", "--format", "json").output)) == 2


def test_unrelated_names_are_not_near() -> None:
    assert not people.is_near_name("Sam", "Ana")
    assert not people.is_near_name("Priya", "Dai")
    assert people.fold_name("Łukasz") == "lukasz" and people.fold_name("SIÂN") == "sian"
    assert people.edit_distance("garteh", "gareth") == 1


def test_cli_awkward_names_shown_exactly(cli) -> None:
    for name in AWKWARD:
        cli("people", "add", name, "--allow-duplicate")
    text = cli("people", "list").text
    for name in AWKWARD:
        assert name in text, name
