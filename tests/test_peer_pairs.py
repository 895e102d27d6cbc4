"""Peer support pairs: interests and availability on people, suggestions checked against
small groups whose best pairing is worked out by hand, pairings made, reviewed and ended,
bad input refused with nothing saved, and forget/export covering it all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coprod_cli.peer.dates import parse_date
from coprod_cli.peer.interests import interest_key, singular
from coprod_cli.peer.pairs import parse_every, review_dates


def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.endswith((".lock", ".lock.owner"))}


def _add(cli, name: str, *interests: str, available: str = "", service: str = "Shared Days",
         role: str = "person-using-services") -> None:  # noqa: ANN001
    cli("people", "add", name, "--role", role, "--service", service)
    args = ["people", "edit", name]
    for interest in interests:
        args += ["--interest", interest]
    if available:
        args += ["--available", available]
    if len(args) > 3:
        cli(*args)


def _suggest(cli, *args: str) -> dict:  # noqa: ANN001
    return json.loads(cli("pairs", "suggest", "--format", "json", *args).output)


def _pairs_of(result: dict, key: str = "matched") -> set[frozenset[str]]:
    return {frozenset(p["name"] for p in s["people"]) for s in result[key]}


# -- interests and availability ----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "key"), [
    ("Gardening", "gardening"), ("Allotments", "gardening"), ("allotment", "gardening"),
    ("football (Wrexham)", "football"), ("Footy", "football"), ("FOOTBALL", "football"),
    ("Growing veg", "gardening"), ("Music & singing", "music"), ("Books", "reading"),
    ("Bowls", "bowls"), ("Berries", "berry"), ("  walks ", "walking"),
])
def test_interests_match_ignoring_case_plurals_and_synonyms(typed: str, key: str) -> None:
    assert interest_key(typed) == key


def test_singular_keeps_words_that_only_look_plural() -> None:
    assert [singular(w) for w in ("dishes", "glass", "darts", "bus", "plants")] == \
        ["dish", "glass", "darts", "bus", "plant"]


def test_people_edit_adds_removes_and_shows_interests_and_availability(cli) -> None:
    cli("people", "add", "Ceri")
    cli("people", "edit", "Ceri", "--interest", "gardening", "--interest",
        "football (Wrexham)", "--available", "mon-am,Thursday afternoon")
    shown = cli("people", "show", "Ceri").text
    assert "Interests: gardening, football (Wrexham)." in shown
    assert "Free: Monday mornings and Thursday afternoons." in shown
    cli("people", "edit", "Ceri", "--no-interest", "Footy", "--interest", "music",
        "--pairing", "no")
    data = json.loads(cli("people", "show", "Ceri", "--format", "json").output)
    assert data["interests"] == ["gardening", "music"]
    assert data["available"] == ["mon-am", "thu-pm"]
    assert data["pairing"] == "no"
    assert "has said no to being paired" in cli("people", "show", "Ceri").text
    cli("people", "edit", "Ceri", "--clear-interests", "--available", "")
    data = json.loads(cli("people", "show", "Ceri", "--format", "json").output)
    assert data["interests"] == [] and data["available"] == []


@pytest.mark.parametrize(("args", "message"), [
    (["--available", "mon-morning,thu-xx"], "'thu-xx' is not a time slot."),
    (["--available", "monday"], "'monday' is a day but not a time slot"),
    (["--no-interest", "chess"], "Ceri has no interest 'chess' to remove"),
    (["--pairing", "maybe"], "'maybe' is not an answer for --pairing."),
    (["--interest", "   "], "An interest cannot be empty."),
])
def test_people_edit_bad_interest_or_slot_is_refused_with_nothing_saved(
        cli, coprod_home: Path, args: list[str], message: str) -> None:
    _add(cli, "Ceri", "gardening", available="mon-am")
    before = _snapshot(coprod_home)
    result = cli("people", "edit", "Ceri", *args, code=2)
    assert message in result.output
    assert _snapshot(coprod_home) == before


# -- suggestions -------------------------------------------------------------------------------

def test_suggestions_find_the_best_total_not_the_greedy_first_pair(cli) -> None:
    # Ann and Bob share three interests (weight 9): a greedy loop pairs them first and
    # leaves Cai and Dee with nothing in common. Worked by hand, the best total is Ann with
    # Cai (cooking, painting: 6) and Bob with Dee (reading, fishing: 6) = 12 > 9.
    _add(cli, "Ann", "gardening", "music", "football", "cooking", "painting")
    _add(cli, "Bob", "allotment", "singing", "footy", "reading", "fishing")
    _add(cli, "Cai", "Baking", "painting")
    _add(cli, "Dee", "books", "angling")
    result = _suggest(cli)
    assert _pairs_of(result) == {frozenset({"Ann", "Cai"}), frozenset({"Bob", "Dee"})}
    assert _pairs_of(result, "others") == {frozenset({"Ann", "Bob"})}
    ann_bob = result["others"][0]
    assert ann_bob["interests"] == ["gardening", "music", "football"]
    assert ann_bob["weight"] == 9


def test_suggestions_say_why_and_rank_by_what_pairs_share(cli) -> None:
    # By hand: Ceri-Dai share gardening and music and Thursday afternoons (3+3+1 = 7);
    # Eira-Ffion share football and Monday mornings (3+1 = 4). Ceri-Ffion (football, music,
    # Monday mornings: 7) would leave Dai and Eira with nothing, so the best total is 11.
    _add(cli, "Ceri", "gardening", "football (Wrexham)", "music", available="mon-am,thu-pm")
    _add(cli, "Dai", "Allotments", "music", available="thu-pm")
    _add(cli, "Eira", "footy", available="mon-am")
    _add(cli, "Ffion", "singing", "football", available="mon-am,fri-pm")
    text = cli("pairs", "suggest").text
    assert ("1. Ceri and Dai: both: gardening, music; both free Thursday afternoons"
            in text)
    assert "2. Eira and Ffion: both: football; both free Monday mornings" in text
    assert text.index("Suggested pairs") < text.index("Other good pairs")
    assert "Dai and Ffion: both: music; no free time in common recorded yet" in text


def test_suggestions_leave_out_staff_the_unwilling_the_paired_and_other_services(cli) -> None:
    _add(cli, "Ann", "gardening", available="mon-am")
    _add(cli, "Bob", "gardening", available="mon-am")
    _add(cli, "Cai", "gardening")
    _add(cli, "Dee", "gardening")
    _add(cli, "Eli", "gardening")
    _add(cli, "Sam", "gardening", role="staff")
    _add(cli, "Gwen", "gardening", service="Other Place")
    cli("people", "edit", "Eli", "--pairing", "no")
    cli("pairs", "make", "Cai", "Dee")
    result = _suggest(cli, "--service", "shared days")
    assert _pairs_of(result) == {frozenset({"Ann", "Bob"})}
    assert result["others"] == []
    assert result["left_out"] == {"staff, who facilitate pairs": ["Sam"],
                                  "said no to being paired": ["Eli"],
                                  "already paired": ["Cai", "Dee"]}
    everyone = _suggest(cli)
    assert "Gwen" in {p["name"] for s in everyone["others"] + everyone["matched"]
                      for p in s["people"]}


def test_suggest_with_nobody_sharing_says_so(cli) -> None:
    _add(cli, "Ann", "gardening")
    _add(cli, "Bob", "chess")
    assert "No pairs to suggest among 2 people: nobody shares an interest" in \
        cli("pairs", "suggest").text


def test_suggest_help_names_the_algorithm(cli) -> None:
    text = " ".join(cli("pairs", "suggest", "--help").text.split())
    assert "maximum-weight matching" in text and "max_weight_matching" in text


# -- making, reviewing, ending -----------------------------------------------------------------

def test_review_dates_are_every_n_months_through_the_first_year() -> None:
    start = parse_date("2026-08-31")
    assert review_dates(start, 6) == ["2027-02-28", "2027-08-31"]
    assert review_dates(start, 3) == ["2026-11-30", "2027-02-28", "2027-05-31", "2027-08-31"]
    assert review_dates(start, 18) == ["2028-02-29"]
    assert parse_every("6m") == 6 and parse_every("1y") == 12 and parse_every("3") == 3


def _pair_id(cli) -> str:  # noqa: ANN001
    return json.loads(cli("pairs", "list", "--format", "json").output)[0]["id"]


def test_a_pairing_is_made_checked_reviewed_and_ended(cli) -> None:
    _add(cli, "Ceri", "gardening", available="thu-pm")
    _add(cli, "Dai", "allotment", available="thu-pm,fri-am")
    _add(cli, "Sam", role="staff")
    made = cli("pairs", "make", "Ceri", "Dai", "--facilitator", "Sam", "--agreed-on",
               "2026-11-01", "--check", "risk-assessment").text
    assert "Paired Ceri and Dai" in made and "agreed 2026-11-01" in made
    assert "Reviews due: 2027-05-01, 2027-11-01." in made
    assert "still to do: contact details agreed; emergency contacts held" in made
    pid = _pair_id(cli)
    pair = json.loads(cli("pairs", "list", "--format", "json").output)[0]
    assert pair["names"] == ["Ceri", "Dai"] and pair["facilitator"] == "Sam"
    assert pair["shared"] == ["gardening"] and pair["slots"] == ["thu-pm"]
    assert [c["done"] for c in pair["checklist"]] == [True, False, False]
    assert "all safeguarding checks done" in cli("pairs", "check", pid[:6], "--check",
                                                 "contact", "--check", "emergency").text
    assert "No reviews are due." in cli("pairs", "due", "--on", "2027-04-30").text
    due = cli("pairs", "due", "--on", "2027-05-01").text
    assert "2027-05-01: Ceri & Dai" in due and "facilitator Sam" in due
    cli("pairs", "review", pid[:6], "--how", "Ceri and Dai enjoy the allotment",
        "--decision", "carry-on", "--on", "2027-05-03", "--by", "Sam")
    assert "2027-11-01: Ceri & Dai" in cli("pairs", "due", "--on", "2027-12-01").text
    cli("pairs", "review", pid[:6], "--how", "Still going well", "--decision", "carry-on",
        "--on", "2027-11-02")
    # carrying on after the last planned review plans the next one
    assert "2028-05-01" in cli("pairs", "due", "--on", "2028-06-01").text
    cli("pairs", "end", pid[:6], "--reason", "Dai moved away", "--on", "2028-01-10")
    assert "No pairings yet" in cli("pairs", "list").text
    ended = json.loads(cli("pairs", "list", "--ended", "--format", "json").output)[0]
    assert ended["status"] == "ended" and ended["end_reason"] == "Dai moved away"
    assert [r["due"] for r in ended["reviews"]] == ["2027-05-01", "2027-11-01"]
    # both can be paired again once it has ended
    cli("pairs", "make", "Ceri", "Dai")


@pytest.mark.parametrize(("setup", "args", "message"), [
    ([], ["Ceri", "ceri"], "Ceri cannot be paired with themselves, so nothing was saved."),
    ([["people", "edit", "Dai", "--pairing", "no"]], ["Ceri", "Dai"],
     "Dai has said no to being paired, so nothing was saved."),
    ([["pairs", "make", "Dai", "Eira"]], ["Ceri", "Dai"],
     "Dai is already in an active pairing (with Eira), so nothing was saved."),
    ([["people", "edit", "Dai", "--service", "Elsewhere"]], ["Ceri", "Dai"],
     "Ceri is with 'Shared Days' and Dai with 'Elsewhere': people in different services (or "
     "who have left one) cannot be paired, so nothing was saved."),
    ([], ["Ceri", "Dai", "--facilitator", "Dai"], "Dai is in the pair, so cannot also be"),
    ([], ["Ceri", "Dai", "--check", "fire-drill"], "'fire-drill' is not one of the "
                                                    "safeguarding checks."),
    ([], ["Ceri", "Dai", "--review-every", "fortnightly"], "'fortnightly' is not a time "
                                                           "between reviews."),
    ([], ["Ceri", "Dai", "--agreed-on", "2999-01-01"], "2999-01-01 is in the future"),
    ([], ["Ceri", "Nobody"], "There is nobody called 'Nobody' in the register."),
])
def test_bad_pairings_are_refused_with_nothing_saved(cli, coprod_home: Path, setup: list,
                                                     args: list[str], message: str) -> None:
    for name in ("Ceri", "Dai", "Eira"):
        _add(cli, name, "gardening")
    for step in setup:
        cli(*step)
    before = _snapshot(coprod_home)
    result = cli("pairs", "make", *args, code=None)
    assert result.exit_code in (1, 2)
    assert message in " ".join(result.output.split())
    assert _snapshot(coprod_home) == before


def test_someone_who_left_the_organisations_service_cannot_be_paired(cli, coprod_home: Path
                                                                     ) -> None:
    cli("init", "--organisation", "Hestia", "--service", "Shared Days", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    _add(cli, "Ceri", service="Shared Days")
    _add(cli, "Dai", service="Old Day Centre")
    before = _snapshot(coprod_home)
    result = cli("pairs", "make", "Ceri", "Dai", code=1)
    assert ("Dai is with 'Old Day Centre', not 'Shared Days': someone who has left the "
            "service cannot be paired, so nothing was saved.") in " ".join(result.output.split())
    assert _snapshot(coprod_home) == before


def test_review_and_end_refuse_bad_input_with_nothing_saved(cli, coprod_home: Path) -> None:
    _add(cli, "Ceri")
    _add(cli, "Dai")
    cli("pairs", "make", "Ceri", "Dai", "--agreed-on", "2026-11-01")
    pid = _pair_id(cli)
    before = _snapshot(coprod_home)
    assert "'maybe' is not a decision." in cli("pairs", "review", pid, "--how", "ok",
                                               "--decision", "maybe", code=2).output
    assert "is before the pair agreed" in cli("pairs", "review", pid, "--how", "ok",
                                              "--decision", "end", "--on", "2026-10-01",
                                              code=2).output
    assert "The reason (--reason) cannot be empty." in cli("pairs", "end", pid, "--reason",
                                                           " ", code=2).output
    assert "There is no pairing 'zzzz'." in cli("pairs", "end", "zzzz", "--reason", "x",
                                                code=1).output
    assert _snapshot(coprod_home) == before
    cli("pairs", "end", pid, "--reason", "Moved")
    after = _snapshot(coprod_home)
    assert "ended on" in cli("pairs", "review", pid, "--how", "x", "--decision", "end",
                             code=1).output
    assert _snapshot(coprod_home) == after


# -- privacy -----------------------------------------------------------------------------------

def test_export_and_forget_cover_interests_pairs_and_reviews(cli, tmp_path: Path) -> None:
    _add(cli, "Ceri", "gardening", "football (Wrexham)", available="thu-pm")
    _add(cli, "Dai", "allotment", available="thu-pm")
    _add(cli, "Sam", role="staff")
    cli("pairs", "make", "Ceri", "Dai", "--facilitator", "Sam", "--agreed-on", "2026-11-01")
    pid = _pair_id(cli)
    cli("pairs", "review", pid, "--how", "Ceri loves the allotment with Dai",
        "--decision", "carry-on", "--on", "2027-05-02")
    out = tmp_path / "ceri.json"
    cli("people", "export", "Ceri", "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["interests"] == ["gardening", "football (Wrexham)"]
    assert data["person"]["available"] == ["thu-pm"]
    [pair] = data["pairs"]
    assert pair["reviews"][0]["how"] == "Ceri loves the allotment with Dai"
    ceri_id = data["person"]["id"]
    cli("people", "forget", "Ceri", "--yes")
    [kept] = json.loads(cli("pairs", "list", "--format", "json").output)
    assert ceri_id not in kept["people"] and kept["names"][0] == \
        "someone no longer on the register"
    assert "Ceri" not in json.dumps(kept)
    dai = tmp_path / "dai.json"
    cli("people", "export", "Dai", "--out", str(dai))
    assert "Ceri" not in dai.read_text(encoding="utf-8")
