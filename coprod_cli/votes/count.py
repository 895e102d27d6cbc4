"""Counting ballots: yes-no, majority (plurality), instant-runoff (IRV) and STV, every round kept.

Written here rather than taken from a library: pyrankvote (MIT) uses a quota of
votes / (seats + 1) with no "+ 1", breaks ties with an unseeded ``random`` and keeps no
record of transfers; stvpoll and pyrcv are GPL-3.0, which coprod (MIT) cannot take in.
The rules, all documented in README ("Fair votes") and said in each result:

* Ballots hold option numbers. A ranked ballot may stop early; when it has no continuing
  choice left it is "exhausted" and counts for no one from then on.
* **IRV** (one seat): each round, every ballot counts for its highest continuing choice.
  A candidate with more than half of the votes still in the count (the quota shown for that
  round: ``floor(votes / 2) + 1``) is elected; otherwise the candidate with the fewest votes
  is excluded and their ballots pass to the next choice.
* **STV** (several seats): the Droop quota, ``floor(valid ballots / (seats + 1)) + 1``.
  A candidate who reaches it is elected; their surplus passes on by the **weighted inclusive
  Gregory method**: every ballot they hold goes on to its next continuing choice at its
  current value times ``surplus / their total``. Surpluses are passed one at a time, largest
  first, before anyone is excluded. When no one can reach the quota the candidate with the
  fewest votes is excluded and their ballots pass on at the value they have. When the
  candidates left equal the seats left, they are all elected. Arithmetic is exact
  (fractions); figures are shown to two decimal places.
* **Ties** (who to exclude, or whose surplus goes first, or two with the most votes in a
  majority vote): the candidate with fewer votes in the earliest round where the tied
  candidates' votes differ is the one excluded (or goes later); if they were equal in every
  round, it is decided by lot, with a random generator seeded by the number drawn when the
  vote closed (kept with the vote, so anyone can repeat the count and get the same answer).
* **Yes-no**: carried when more vote yes than no; abstentions are counted and reported but
  are not votes for or against. A tie is not carried.
"""

from __future__ import annotations

import random
from fractions import Fraction

from coprod_cli.votes.result import Round, Transfer, VoteResult

TIE_RULE = ("Ties are broken by votes in the earliest round where the tied candidates "
            "differ, then by lot with the seed recorded when the vote closed.")


class _Ties:
    """Breaks ties the documented way, remembering what it said."""

    def __init__(self, names: list[str], seed: int | None) -> None:
        self.names = names
        self.seed = seed
        self.history: list[dict[int, Fraction]] = []  # each round's counts, by option
        self.notes: list[str] = []
        self._rng = random.Random(seed)

    def lowest(self, tied: list[int], why: str, loses: str = "is excluded") -> int:
        """Of ``tied`` (equal now), the one to exclude (or to go last); ``loses`` says what
        that means ("is excluded")."""
        if len(tied) == 1:
            return tied[0]
        pool = sorted(tied)
        for number, counts in enumerate(self.history, start=1):
            least = min(counts.get(c, Fraction(0)) for c in pool)
            pool = [c for c in pool if counts.get(c, Fraction(0)) == least]
            if len(pool) == 1:
                self.notes.append(
                    f"{self._list(tied)} were tied {why}; {self.names[pool[0]]} had fewer "
                    f"votes in round {number}, so {self.names[pool[0]]} {loses}.")
                return pool[0]
        chosen = self._rng.choice(pool)
        before = "" if len(self.history) == 1 else " and had been in every round"
        self.notes.append(f"{self._list(tied)} were tied {why}{before}, so it was decided "
                          f"by lot (seed {self.seed}): {self.names[chosen]} {loses}.")
        return chosen

    def order_highest(self, tied: list[int], why: str, loses: str) -> list[int]:
        """``tied`` from the one that goes first to the one that goes last."""
        left, out = list(tied), list[int]()
        while len(left) > 1:
            last = self.lowest(left, why, loses)
            out.insert(0, last)
            left.remove(last)
        return left + out

    def _list(self, options: list[int]) -> str:
        names = [self.names[c] for c in sorted(options)]
        return ", ".join(names[:-1]) + " and " + names[-1]


def _by_votes(candidates: list[int], totals: dict[int, Fraction], ties: _Ties,
              why: str, loses: str) -> list[int]:
    """``candidates`` most votes first, ties broken by the rule."""
    out: list[int] = []
    for value in sorted({totals[c] for c in candidates}, reverse=True):
        same = [c for c in candidates if totals[c] == value]
        out += ties.order_highest(same, why, loses) if len(same) > 1 else same
    return out


def count_single(names: list[str], ballots: list[list[int]], *, method: str,
                 seed: int | None) -> VoteResult:
    """A yes-no or majority vote: one round, each ballot one X."""
    totals = {i: Fraction(0) for i in range(len(names))}
    for ballot in ballots:
        if ballot:
            totals[ballot[0]] += 1
    valid = sum(1 for b in ballots if b)
    ties = _Ties(names, seed)
    ties.history.append(dict(totals))
    result = VoteResult(names=names, method=method, seats=1, valid=valid, quota=None,
                        seed=seed)
    if method == "yes-no":
        yes, no = totals[0], totals[1]
        result.outcome = "carried" if yes > no else "not carried"
        result.rounds.append(Round(1, {i: totals[i] for i in range(len(names))}, Fraction(0)))
        return result
    rnd = Round(1, dict(totals), Fraction(0))
    result.rounds.append(rnd)
    if valid:
        top = max(totals.values())
        leaders = [c for c in totals if totals[c] == top]
        winner = ties.order_highest(leaders, "for the most votes",
                                                        "does not win")[0] if len(leaders) > 1 \
            else leaders[0]
        rnd.elected.append(winner)
        result.elected.append(winner)
    result.tie_notes = ties.notes
    return result


def _next_choice(ballot: list[int], start: int, standing: set[int]) -> int | None:
    """The position in ``ballot`` of its first choice at or after ``start`` still standing."""
    for position in range(start, len(ballot)):
        if ballot[position] in standing:
            return position
    return None


def count_ranked(names: list[str], ballots: list[list[int]], *, seats: int,
                 seed: int | None, method: str) -> VoteResult:
    """IRV (``method="irv"``, one seat) or STV (several): every round kept."""
    valid = sum(1 for b in ballots if b)
    droop = Fraction(valid // (seats + 1) + 1)
    result = VoteResult(names=names, method=method, seats=seats, valid=valid,
                        quota=None if method == "irv" else droop, seed=seed)
    ties = _Ties(names, seed)
    hopeful = set(range(len(names)))
    elected: list[int] = []
    excluded: list[int] = []
    # each candidate's pile: [ballot index, position of its current choice, value]
    piles: dict[int, list[tuple[int, int, Fraction]]] = {c: [] for c in hopeful}
    exhausted = Fraction(0)
    for index, ballot in enumerate(ballots):
        if ballot:
            piles[ballot[0]].append((index, 0, Fraction(1)))
    surplus_due: list[int] = []
    number = 0
    if not valid:
        result.rounds.append(Round(1, {c: Fraction(0) for c in hopeful}, Fraction(0),
                                   note="No ballots were cast, so no one was elected."))
        return result

    def totals() -> dict[int, Fraction]:
        return {c: sum((v for _, _, v in piles[c]), Fraction(0)) for c in piles}

    def pass_on(pile: list[tuple[int, int, Fraction]], factor: Fraction
                ) -> tuple[dict[int, Fraction], Fraction]:
        moved: dict[int, Fraction] = {}
        lost = Fraction(0)
        for index, position, value in pile:
            new_value = value * factor
            nxt = _next_choice(ballots[index], position + 1, hopeful)
            if nxt is None:
                lost += new_value
                continue
            choice = ballots[index][nxt]
            piles[choice].append((index, nxt, new_value))
            moved[choice] = moved.get(choice, Fraction(0)) + new_value
        return moved, lost

    while True:
        number += 1
        now = totals()
        standing = [c for c in range(len(names)) if c in hopeful or c in elected]
        rnd = Round(number, {c: now[c] for c in standing}, exhausted)
        ties.history.append(now)
        result.rounds.append(rnd)
        quota = droop
        if method == "irv":
            in_count = sum((now[c] for c in hopeful), Fraction(0))
            quota = Fraction(int(in_count) // 2 + 1)  # IRV values are whole: no transfers
            rnd.quota = quota
        reached = [c for c in hopeful if now[c] >= quota and now[c] > 0]
        for c in _by_votes(reached, now, ties, "on reaching the quota",
                           "is elected after the other"):
            if len(elected) < seats:
                hopeful.discard(c)
                elected.append(c)
                rnd.elected.append(c)
                surplus_due.append(c)
        if len(elected) >= seats:
            break
        if len(hopeful) <= seats - len(elected):
            for c in _by_votes(sorted(hopeful), now, ties, "for the last seats",
                               "is elected after the other"):
                elected.append(c)
                rnd.elected.append(c)
            rnd.note = "The candidates left were as many as the seats left."
            hopeful.clear()
            break
        surplus_due = [c for c in surplus_due if now[c] > quota]
        if method == "stv" and surplus_due:
            order = _by_votes(surplus_due, now, ties, "for whose surplus goes first",
                              "has their surplus passed on later")
            giver = order[0]
            surplus_due.remove(giver)
            pile, piles[giver] = piles[giver], []
            surplus = now[giver] - quota
            moved, lost = pass_on(pile, surplus / now[giver])
            keep = now[giver] - surplus
            piles[giver] = [(-1, 0, keep)]  # the quota stays with them
            exhausted += lost
            rnd.transfer = Transfer(giver, "surplus", surplus, moved, lost)
            continue
        lowest_value = min(now[c] for c in hopeful)
        lowest = [c for c in hopeful if now[c] == lowest_value]
        out = ties.lowest(lowest, "for the fewest votes", "is excluded")
        hopeful.discard(out)
        excluded.append(out)
        rnd.excluded.append(out)
        pile, piles[out] = piles[out], []
        moved, lost = pass_on(pile, Fraction(1))
        exhausted += lost
        rnd.transfer = Transfer(out, "exclusion", now[out], moved, lost)
        if not hopeful and len(elected) < seats:
            break
    result.elected = elected
    result.excluded = excluded
    result.tie_notes = ties.notes
    return result


def count_ballots(names: list[str], ballots: list[list[int]], *, method: str, seats: int = 1,
                  seed: int | None = None) -> VoteResult:
    """The result of ``ballots`` (option numbers, first choice first) by ``method``."""
    if method in ("yes-no", "majority"):
        return count_single(names, ballots, method=method, seed=seed)
    return count_ranked(names, ballots, seats=seats if method == "stv" else 1, seed=seed,
                        method=method)
