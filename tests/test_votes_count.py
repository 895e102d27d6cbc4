"""The count, checked against worked examples with published answers, and the tie rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from coprod_cli.votes.count import count_ballots

CITIES = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
M, N, C, K = range(4)
#: Where 58% of Tennessee lives near each city, as ranked by distance.
TENNESSEE = ([[M, N, C, K]] * 42 + [[N, C, K, M]] * 26 + [[C, K, N, M]] * 15
             + [[K, C, N, M]] * 17)

FOODS = ["Oranges", "Pears", "Chocolate", "Strawberries", "Bonbons"]
OR, P, CH, S, B = range(5)
FOOD_BALLOTS = ([[OR]] * 4 + [[P, OR]] * 2 + [[CH, S]] * 8 + [[CH, B]] * 4 + [[S]] + [[B]])


def names(result, options):  # noqa: ANN001, ANN201
    return [result.names[c] for c in options]


def test_irv_and_plurality_give_different_winners_in_the_tennessee_capital_example() -> None:
    """Wikipedia, "Instant-runoff voting", the example of electing Tennessee's capital
    (https://en.wikipedia.org/wiki/Instant-runoff_voting): Memphis 42%, Nashville 26%,
    Chattanooga 15%, Knoxville 17% first preferences. Plurality elects Memphis; IRV
    excludes Chattanooga (its votes go to Knoxville, 32), then Nashville (to Knoxville, 58),
    and elects Knoxville."""
    plurality = count_ballots(CITIES, [b[:1] for b in TENNESSEE], method="majority", seed=1)
    assert names(plurality, plurality.elected) == ["Memphis"]

    irv = count_ballots(CITIES, TENNESSEE, method="irv", seed=1)
    assert names(irv, irv.elected) == ["Knoxville"]
    first, second, third = irv.rounds
    assert first.counts == {M: 42, N: 26, C: 15, K: 17}
    assert first.quota == 51
    assert names(irv, first.excluded) == ["Chattanooga"]
    assert first.transfer is not None and first.transfer.to == {K: 15}
    assert second.counts == {M: 42, N: 26, K: 32}
    assert names(irv, second.excluded) == ["Nashville"]
    assert third.counts == {M: 42, K: 58}
    assert names(irv, third.elected) == ["Knoxville"]
    assert irv.summary_lines() == [
        "Knoxville was elected in round 3 with 58 of 100 votes (quota 51)."]


def test_stv_food_election_transfers_chocolates_surplus_at_half_value() -> None:
    """Wikipedia, "Single transferable vote", the food election example
    (https://en.wikipedia.org/wiki/Single_transferable_vote#Example): 20 voters, 3 seats,
    Droop quota 6. Chocolate (12) is elected and its surplus of 6 passes on at 6/12 = 0.5 a
    ballot: 4 to Strawberries, 2 to Bonbons. Pears is excluded (2 to Oranges, who reach 6),
    then Bonbons; Chocolate, Oranges and Strawberries are elected."""
    result = count_ballots(FOODS, FOOD_BALLOTS, method="stv", seats=3, seed=1)
    assert result.quota == 6
    assert names(result, result.elected) == ["Chocolate", "Oranges", "Strawberries"]
    r1, r2, r3, r4 = result.rounds
    assert r1.counts == {OR: 4, P: 2, CH: 12, S: 1, B: 1}
    assert names(result, r1.elected) == ["Chocolate"]
    assert r1.transfer is not None and r1.transfer.kind == "surplus"
    assert r1.transfer.amount == 6 and r1.transfer.to == {S: 4, B: 2}
    assert r2.counts == {OR: 4, P: 2, CH: 6, S: 5, B: 3}
    assert names(result, r2.excluded) == ["Pears"]
    assert r3.counts[OR] == 6 and names(result, r3.elected) == ["Oranges"]
    assert names(result, r3.excluded) == ["Bonbons"]
    assert r3.transfer is not None and r3.transfer.exhausted == 3  # 1 + 4 x 0.5, no choice
    assert r4.exhausted == 3 and names(result, r4.elected) == ["Strawberries"]
    assert result.summary_lines()[0] == (
        "Chocolate was elected in round 1 with 12 of 20 votes (quota 6).")
    assert "as the candidates left were as many as the seats left" in result.summary_lines()[2]


def test_a_fractional_surplus_is_passed_on_in_exact_fractions() -> None:
    """10 ballots, 2 seats, quota 4: A has 7, a surplus of 3 passed at 3/7 a ballot."""
    ballots = [[0, 1]] * 5 + [[0, 2]] * 2 + [[1]] * 1 + [[2]] * 2
    result = count_ballots(["A", "B", "C"], ballots, method="stv", seats=2, seed=1)
    transfer = result.rounds[0].transfer
    assert transfer is not None
    assert transfer.to == {1: Fraction(15, 7), 2: Fraction(6, 7)}
    assert result.rounds[1].counts == {0: 4, 1: 1 + Fraction(15, 7), 2: 2 + Fraction(6, 7)}
    assert names(result, result.elected) == ["A", "B"]
    as_dict = result.as_dict()
    assert as_dict["rounds"][1]["counts"]["B"] == round(1 + 15 / 7, 4)


def test_a_tie_for_exclusion_goes_to_the_earliest_round_where_they_differ() -> None:
    # round 1: A 5, B 3, C 2, D 1, E 1: D and E have been equal in every round, so by lot
    ballots = [[0]] * 5 + [[1]] * 3 + [[2]] * 2 + [[3, 2]] * 1 + [[4, 1]] * 1
    result = count_ballots(["A", "B", "C", "D", "E"], ballots, method="irv", seed=7)
    assert result.tie_notes and "decided by lot (seed 7)" in result.tie_notes[0]

    # B and C tie on 3 in round 2, but C had fewer in round 1: C is excluded
    ballots = [[0]] * 6 + [[1]] * 3 + [[2]] * 2 + [[3, 2]] * 1
    result = count_ballots(["A", "B", "C", "D"], ballots, method="irv", seed=7)
    assert names(result, result.rounds[0].excluded) == ["D"]
    assert result.rounds[1].counts == {0: 6, 1: 3, 2: 3}
    assert names(result, result.rounds[1].excluded) == ["C"]
    assert result.tie_notes == ["B and C were tied for the fewest votes; C had fewer votes "
                                "in round 1, so C is excluded."]


def test_a_tie_by_lot_is_the_same_every_time_for_the_same_seed() -> None:
    ballots = [[0]] * 3 + [[1]] * 3
    picks = {names(r, r.elected)[0] for r in
             (count_ballots(["A", "B"], ballots, method="majority", seed=42) for _ in range(5))}
    assert len(picks) == 1
    winners = {names(r, r.elected)[0] for r in
               (count_ballots(["A", "B"], ballots, method="majority", seed=s)
                for s in range(40))}
    assert winners == {"A", "B"}  # it really is a lot, not always the first


def test_yes_no_is_carried_only_with_more_yes_than_no() -> None:
    carried = count_ballots(["Yes", "No", "Abstain"], [[0]] * 5 + [[1]] * 3 + [[2]],
                            method="yes-no")
    assert carried.outcome == "carried"
    assert carried.summary_lines() == ["Carried, with 5 for, 3 against and 1 abstaining."]
    tie = count_ballots(["Yes", "No", "Abstain"], [[0]] * 3 + [[1]] * 3, method="yes-no")
    assert tie.outcome == "not carried"
    assert "a tie is not carried" in tie.summary_lines()[0]


def test_no_ballots_elects_no_one() -> None:
    for method in ("irv", "stv", "majority"):
        result = count_ballots(["A", "B", "C"], [], method=method, seats=2 if method == "stv"
                               else 1, seed=1)
        assert result.elected == []
        assert result.summary_lines() == ["No ballots were cast."]


@pytest.mark.parametrize("seats", [1, 2, 3])
def test_stv_never_elects_more_than_the_seats_and_values_add_up(seats: int) -> None:
    import random

    rng = random.Random(seats)
    ballots = [rng.sample(range(5), rng.randint(1, 5)) for _ in range(57)]
    result = count_ballots(list("ABCDE"), ballots, method="stv", seats=seats, seed=3)
    assert len(result.elected) == seats
    for rnd in result.rounds:  # no vote is made or lost: every round sums to the ballots
        assert sum(rnd.counts.values()) + rnd.exhausted == 57


def test_summary_lines_read_as_sentences_for_the_minutes() -> None:
    ballots = [[0, 1]] * 4 + [[1, 0]] * 2 + [[2]] * 5
    result = count_ballots(["Siân", "Dev", "Ceri"], ballots, method="irv", seed=1)
    result.question = "Chair"
    assert result.summary_lines() == [
        "Chair: Siân was elected in round 2 with 6 of 11 votes (quota 6)."]
    result.question = "Who should be Chair?"
    assert result.summary_lines()[0].startswith("Who should be Chair? Siân was elected")
