"""The result of a count, with every round, as plain data and plain sentences.

``count.py`` fills these in; the ``vote count`` command shows them, and the meetings
helper puts :meth:`VoteResult.summary_lines` into the minutes. Figures are exact fractions
while counting; here they become numbers people read ("5.50") or JSON numbers (4 places).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

METHOD_WORDS = {"yes-no": "yes or no", "majority": "majority (one X, most votes wins)",
                "irv": "instant-runoff (ranked, one seat)",
                "stv": "single transferable vote (ranked, several seats)"}


def figure(value: Fraction | int) -> str:
    """A count as people read it: whole numbers plain, fractions to two places."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _number(value: Fraction | None) -> float | int | None:
    if value is None:
        return None
    return value.numerator if value.denominator == 1 else round(float(value), 4)


def votes_word(value: Fraction | int) -> str:
    return f"{figure(value)} vote" + ("" if Fraction(value) == 1 else "s")


@dataclass
class Transfer:
    """Ballots passed on at the end of a round: a surplus, or an excluded candidate's."""

    source: int
    kind: str  # "surplus" or "exclusion"
    amount: Fraction  # the surplus, or the excluded candidate's votes
    to: dict[int, Fraction]
    exhausted: Fraction


@dataclass
class Round:
    number: int
    counts: dict[int, Fraction]  # candidates still standing or elected
    exhausted: Fraction  # votes that had no continuing choice left before this round
    quota: Fraction | None = None  # IRV: more than half of the votes in this round
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    transfer: Transfer | None = None
    note: str = ""


@dataclass
class VoteResult:
    names: list[str]
    method: str
    seats: int
    valid: int
    quota: Fraction | None  # STV: the Droop quota
    seed: int | None
    rounds: list[Round] = field(default_factory=list)
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    outcome: str | None = None  # yes-no: "carried" or "not carried"
    tie_notes: list[str] = field(default_factory=list)
    question: str = ""
    vote_id: str = ""
    status: str = ""

    def quota_in(self, rnd: Round) -> Fraction | None:
        return rnd.quota if rnd.quota is not None else self.quota

    def elected_in(self, option: int) -> Round | None:
        return next((r for r in self.rounds if option in r.elected), None)

    def as_dict(self) -> dict[str, Any]:
        """The result, JSON-ready: names, not option numbers."""
        from coprod_cli.votes.count import TIE_RULE

        n = self.names

        def counts(values: dict[int, Fraction]) -> dict[str, float | int | None]:
            return {n[c]: _number(v) for c, v in values.items()}

        rounds = []
        for r in self.rounds:
            entry: dict[str, Any] = {
                "round": r.number, "counts": counts(r.counts),
                "exhausted": _number(r.exhausted),
                "quota": _number(self.quota_in(r)),
                "elected": [n[c] for c in r.elected], "excluded": [n[c] for c in r.excluded],
                "transfer": None, "note": r.note}
            if r.transfer is not None:
                t = r.transfer
                entry["transfer"] = {"from": n[t.source], "kind": t.kind,
                                     "amount": _number(t.amount), "to": counts(t.to),
                                     "exhausted": _number(t.exhausted)}
            rounds.append(entry)
        return {"id": self.vote_id, "question": self.question, "method": self.method,
                "seats": self.seats, "status": self.status, "ballots": self.valid,
                "quota": _number(self.quota), "outcome": self.outcome,
                "elected": [n[c] for c in self.elected],
                "excluded": [n[c] for c in self.excluded], "rounds": rounds,
                "ties": self.tie_notes, "tie_rule": TIE_RULE, "tie_seed": self.seed,
                "summary": self.summary_lines()}

    def summary_lines(self) -> list[str]:
        """Plain sentences for the minutes: who was elected, or whether it was carried."""
        q = self.question.strip()
        q = "" if not q else f"{q} " if q[-1] in "?.!" else f"{q}: "
        if not self.valid:
            return [f"{q}{'no' if q.endswith(': ') else 'No'} ballots were cast."]
        if self.method == "yes-no":
            first = self.rounds[0].counts
            outcome = str(self.outcome)
            if not q.endswith(": "):  # a new sentence after a question, or on its own
                outcome = outcome.capitalize()
            said = (f"{q}{outcome}, with {figure(first[0])} for, {figure(first[1])} "
                    f"against and {figure(first.get(2, 0))} abstaining")
            if first[0] == first[1]:
                said += " (a tie is not carried)"
            return [said + "."]
        lines = []
        if self.method == "majority":
            for c in self.elected:
                lines.append(f"{q}{self.names[c]} won with {figure(self.rounds[0].counts[c])} "
                             f"of {self.valid} votes.")
        else:
            for c in self.elected:
                rnd = self.elected_in(c)
                assert rnd is not None
                quota = self.quota_in(rnd)
                votes = rnd.counts.get(c, Fraction(0))
                if quota is not None and votes >= quota:
                    lines.append(f"{q}{self.names[c]} was elected in round {rnd.number} with "
                                 f"{figure(votes)} of {self.valid} votes (quota "
                                 f"{figure(quota)}).")
                else:
                    lines.append(f"{q}{self.names[c]} was elected in round {rnd.number} with "
                                 f"{votes_word(votes)}, as the candidates left were as many "
                                 "as the seats left.")
        return lines + self.tie_notes

    def round_lines(self) -> list[str]:
        """Each round in words, for a screen reader or ``--plain``."""
        n = self.names
        out = []
        for r in self.rounds:
            quota = self.quota_in(r)
            head = f"Round {r.number}" + (f" (quota {figure(quota)})" if quota is not None
                                          else "") + ": "
            shown = sorted(r.counts, key=lambda c: (-r.counts[c], n[c]))
            head += ", ".join(f"{n[c]} {figure(r.counts[c])}" for c in shown)
            if r.exhausted:
                head += f"; exhausted {figure(r.exhausted)}"
            out.append(head + ".")
            out += [f"  {line}" for line in self.events(r)]
        return out

    def events(self, r: Round) -> list[str]:
        """What happened at the end of round ``r``: elected, excluded, transferred."""
        n = self.names
        out = []
        for c in r.elected:
            out.append(f"{n[c]} is elected.")
        if r.transfer is not None:
            t = r.transfer
            why = (f"{n[t.source]}'s surplus of {votes_word(t.amount)} passes on"
                   if t.kind == "surplus" else
                   f"{n[t.source]} is excluded; their {votes_word(t.amount)} "
                   + ("passes" if t.amount == 1 else "pass") + " on")
            moved = [f"{figure(v)} to {n[c]}" for c, v in
                     sorted(t.to.items(), key=lambda kv: (-kv[1], n[kv[0]]))]
            if t.exhausted:
                moved.append(f"{figure(t.exhausted)} exhausted (no further choice)")
            out.append(f"{why}: " + (", ".join(moved) if moved else "nothing") + ".")
        if r.note:
            out.append(r.note)
        return out
