"""Session files: every kind of bad input gets a located, plain message; good files load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coprod_cli import resources
from coprod_cli.errors import NotFoundError, ValidationError
from coprod_cli.sessions.library import Library, load_session_file, session_schema

GOOD = """\
id: walk-and-talk
title: "Walk and talk"
theme: wellbeing
duration: 60
summary: "A gentle walk with conversation."
aims: ["Get some air together"]
roles:
  lead: "Plans the route."
  co_facilitator: "Shares what walking does for them."
steps:
  - title: "Meet"
    minutes: 10
    lead: both
    say: "Hello."
    do: "Gather at the door."
  - title: "Walk"
    minutes: 50
    lead: co-facilitator
    say: "Let's go."
    do: "Walk the route."
"""


def load(write_file, text: str, name: str = "walk-and-talk.yaml"):
    return load_session_file(write_file(name, text), [resources.templates_dir()])


def problems_of(write_file, text: str, name: str = "walk-and-talk.yaml") -> list[str]:
    with pytest.raises(ValidationError) as info:
        load(write_file, text, name)
    return info.value.problems


def test_good_file_loads(write_file) -> None:
    loaded = load(write_file, GOOD)
    assert loaded.session.id == "walk-and-talk"
    assert loaded.session.planned_minutes == 60
    assert loaded.warnings == []


def test_yaml_syntax_error_names_line(write_file) -> None:
    problems = problems_of(write_file, GOOD.replace('title: "Meet"', 'title: "Meet'))
    assert len(problems) == 1
    assert problems[0].startswith(str(write_file("x", "").parent / "walk-and-talk.yaml") + ":")
    assert ":14:" in problems[0] or ":15:" in problems[0] or ":13:" in problems[0]


def test_duplicate_key_is_refused_with_both_lines(write_file) -> None:
    text = GOOD.replace("theme: wellbeing\n", "theme: wellbeing\ntheme: relationships\n")
    (problem,) = problems_of(write_file, text)
    assert ":4:1:" in problem and "'theme' appears twice (first on line 3)" in problem


def test_unknown_field_points_at_its_key(write_file) -> None:
    (problem,) = problems_of(write_file, GOOD + "colour: blue\n")
    assert problem.endswith(":21:1: colour: is not a field this file can have (check the "
                            "spelling)")


def test_minutes_as_words_and_negative_are_both_reported(write_file) -> None:
    text = GOOD.replace("minutes: 10", 'minutes: "ten"').replace("minutes: 50", "minutes: -5")
    problems = problems_of(write_file, text)
    assert len(problems) == 2
    assert ":12:14: steps[1].minutes: must be a whole number" in problems[0]
    assert ":17:14: steps[2].minutes: must be a positive whole number of minutes" in problems[1]


def test_no_steps(write_file) -> None:
    text = GOOD[: GOOD.index("steps:")] + "steps: []\n"
    (problem,) = problems_of(write_file, text)
    assert "steps:" in problem and "at least 1" in problem


def test_norway_value_gets_a_quoting_hint(write_file) -> None:
    (problem,) = problems_of(write_file, GOOD.replace("id: walk-and-talk", "id: no"))
    assert ":1:5: id: must be text (YAML reads yes/no/on/off as true/false" in problem


def test_date_value_gets_a_quoting_hint(write_file) -> None:
    (problem,) = problems_of(write_file, GOOD.replace('"Walk and talk"', "2024-01-02"))
    assert "title: must be text (YAML read it as a date or time" in problem


def test_huge_file_is_refused_without_parsing(write_file) -> None:
    path = write_file("big.yaml", "# " + "x" * 10_000_000)
    with pytest.raises(ValidationError) as info:
        load_session_file(path, [])
    assert "too large" in info.value.message
    assert info.value.problems[0].startswith(f"{path}:1:1:")


def test_binary_content_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"id: x\n\x89PNG\x00\x01\x02")
    with pytest.raises(ValidationError) as info:
        load_session_file(path, [])
    assert info.value.problems == [f"{path}:2:1: binary content (a NUL byte)"]


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"id: x\ntitle: caf\xe9\n")
    with pytest.raises(ValidationError) as info:
        load_session_file(path, [])
    assert "not UTF-8" in info.value.message and ":2:1:" in info.value.problems[0]


def test_cross_checks_handouts_and_file_name(write_file) -> None:
    text = GOOD.replace("    do: \"Gather at the door.\"\n",
                        "    do: \"Gather at the door.\"\n    handouts: [map]\n")
    problems = problems_of(write_file, text, name="other-name.yaml")
    assert any("id: 'walk-and-talk' must match the file name 'other-name'" in p
               for p in problems)
    assert any("steps[1].handouts[1]: 'map' is not in this session's handouts" in p
               for p in problems)


def test_minutes_not_adding_up_is_a_warning(write_file) -> None:
    loaded = load(write_file, GOOD.replace("duration: 60", "duration: 75"))
    assert len(loaded.warnings) == 1
    assert "duration: the steps add up to 60 minutes, not 75" in loaded.warnings[0]


def test_every_shipped_session_is_valid_and_substantial() -> None:
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    sessions = library.all()
    assert library.problems == []
    themes = {s.session.theme for s in sessions}
    assert {"wellbeing", "self-esteem", "relationships", "personal-development",
            "getting-started", "co-production"} <= themes
    for loaded in sessions:
        s = loaded.session
        assert loaded.warnings == [], loaded.warnings
        assert 60 <= s.duration <= 120 and 5 <= len(s.steps) <= 9
        assert s.handouts, f"{s.id} has no handout"
        assert sum(len(step.say) for step in s.steps) > 1500, f"{s.id} is thin"
        assert any(step.co_facilitator_tips for step in s.steps)
        assert any(step.accessibility_tips for step in s.steps)


def test_user_folder_adds_and_overrides(tmp_path: Path, write_file) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "walk-and-talk.yaml").write_text(GOOD, encoding="utf-8")
    builtin_copy = (resources.sessions_dir() / "wellbeing-five-ways.yaml").read_text()
    (user / "wellbeing-five-ways.yaml").write_text(
        builtin_copy.replace('title: "Five ways to wellbeing"', 'title: "Our five ways"'))
    (user / "broken.yaml").write_text("id: [", encoding="utf-8")
    library = Library(resources.sessions_dir(), user, [resources.templates_dir()])
    assert library.get("walk-and-talk").origin == "yours"
    assert library.get("wellbeing-five-ways").session.title == "Our five ways"
    assert len(library.problems) == 1 and "broken.yaml" in library.problems[0].message


def test_unknown_id_suggests_nearest() -> None:
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    with pytest.raises(NotFoundError) as info:
        library.get("wellbeing-five-way")
    assert "wellbeing-five-ways" in (info.value.hint or "")


def test_shipped_json_schema_matches_the_models() -> None:
    shipped = json.loads((resources.data_dir() / "schema" / "session.json").read_text())
    assert shipped == session_schema(), "run: coprod session schema > data/schema/session.json"


def test_get_reads_one_file_and_agrees_with_loading_them_all(tmp_path: Path) -> None:
    """``get`` reads only the file named for the id, in the folder that wins; it must give
    what loading every folder gives, overrides and broken overrides included."""
    user, toolkit = tmp_path / "mine", tmp_path / "toolkit"
    user.mkdir()
    toolkit.mkdir()
    builtin_copy = (resources.sessions_dir() / "wellbeing-five-ways.yaml").read_text()
    (toolkit / "wellbeing-five-ways.yaml").write_text(
        builtin_copy.replace('title: "Five ways to wellbeing"', 'title: "Toolkit five ways"'))
    (user / "wellbeing-five-ways.yml").write_text(
        builtin_copy.replace('title: "Five ways to wellbeing"', 'title: "Mine, as .yml"'))
    (user / "wellbeing-five-ways.yaml").write_text(
        builtin_copy.replace('title: "Five ways to wellbeing"', 'title: "Mine, as .yaml"'))
    (user / "walk-and-talk.yaml").write_text(GOOD, encoding="utf-8")
    (user / "getting-started-together.yaml").write_text("id: [", encoding="utf-8")

    def fresh() -> Library:
        return Library(resources.sessions_dir(), user, [resources.templates_dir()],
                       toolkit_dir=toolkit)

    everything = {s.id: s for s in fresh().all()}
    for session_id, loaded in everything.items():
        one = fresh().get(session_id)
        assert (one.path, one.origin, one.session) == (loaded.path, loaded.origin,
                                                       loaded.session), session_id
    assert fresh().get("wellbeing-five-ways").session.title == "Mine, as .yml"
    assert fresh().get("getting-started-together").origin == "built-in"  # broken gives way
    with pytest.raises(NotFoundError):
        fresh().get("../mine/walk-and-talk")
