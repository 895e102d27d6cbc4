"""Peer evaluation and the effectiveness report: record forms, then summarise what happened.

Recording checks every answer against the form before anything is saved, so a batch of paper
forms lands whole or not at all. Summarising reads the records once and computes plain numbers
(reach, co-production, experience, outcomes, voices); hiding small numbers is a separate step
(``suppression.py``) so the facilitator's own view and shareable reports come from one source.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import ValidationError
from coprod_cli.evaluation import workers
from coprod_cli.evaluation.kept import Found, KeptParts, fingerprint, signature
from coprod_cli.evaluation.outcomes import SMALL_SAMPLE
from coprod_cli.evaluation.tally import HALVES, VOICES_SHOWN, Part, join, split, year_part
from coprod_cli.evaluation.totals import Totals
from coprod_cli.evaluation.voices import voices
from coprod_cli.people import register as people
from coprod_cli.sessions.run_records import ATTENDANCE, FEEDBACK, MEASURES, RUNS
from coprod_cli.store.storage import bulk_reading

if TYPE_CHECKING:
    from coprod_cli.sessions.forms import Conversion, Form, Measure
    from coprod_cli.store.database import Store

Progress = Callable[[int, int, str], None]
_YEAR_TABLES = (RUNS, ATTENDANCE, FEEDBACK, MEASURES)
PERSON_COLUMN = "person"
__all__ = ["SMALL_SAMPLE", "Filters", "read_forms_csv", "record_forms", "summarise"]


# -- recording paper forms ------------------------------------------------------------------
def csv_header(form: Form) -> list[str]:
    """The documented CSV layout: who (optional), then one column per question id."""
    return [PERSON_COLUMN, *(q.id for q in form.questions)]


def read_forms_csv(path: Path, form: Form) -> list[tuple[str, dict[str, Any]]]:
    """Rows of (person reference, answers), every value checked; all problems at once."""
    from coprod_cli.sessions.forms import parse_answer

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"There is no CSV file at {path}.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.",
                              hint="Save the spreadsheet as 'CSV UTF-8'.") from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    expected = csv_header(form)
    missing = [c for c in expected[1:] if c not in header]
    unknown = [c for c in header if c not in expected]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column" + "s" * (len(missing) > 1) + ": " + ", ".join(missing))
        if unknown:
            parts.append("unknown column" + "s" * (len(unknown) > 1) + ": " + ", ".join(unknown))
        raise ValidationError(f"{path}: the header row has a {'; '.join(parts)}.",
                              hint="The header must be: " + ",".join(expected))
    rows: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"{path}: row {number}: more cells than columns")
            continue
        answers: dict[str, Any] = {}
        for question in form.questions:
            try:
                answers[question.id] = parse_answer(question, raw.get(question.id) or "")
            except ValidationError as exc:
                problems.append(f"{path}: row {number}, column {question.id}: {exc.message}")
        rows.append(((raw.get(PERSON_COLUMN) or "").strip(), answers))
    if problems:
        raise ValidationError(f"{path} has {len(problems)} problem"
                              f"{'s' * (len(problems) != 1)}; nothing was saved.", problems)
    if not rows:
        raise ValidationError(f"{path} has a header but no forms.")
    return rows


def record_forms(store: Store, run_id: str, form: Form,
                 forms: list[tuple[str | None, dict[str, Any]]]) -> int:
    """Save paper forms for a run in one transaction: all of them or none."""
    from coprod_cli.sessions.run_records import find_run, partition_of

    run = find_run(store, run_id)
    part = partition_of(run["id"])
    resolved = [(people.find_person(store, ref)["id"] if ref else None, answers)
                for ref, answers in forms]
    from coprod_cli.sessions.runner import now_iso

    stamp = now_iso()
    with store.transaction() as tx:
        for person_id, answers in resolved:
            tx.insert(FEEDBACK, {
                "run_id": run["id"], "person_id": person_id, "form": form.id,
                "form_version": form.version, "answers": answers, "entered": "paper",
                "session_id": run["session_id"], "theme": run["theme"],
                "service": run["service"], "at": stamp}, partition=part)
    return len(resolved)


# -- summarising ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    service: str | None = None
    theme: str | None = None
    session: str | None = None

    def keeps(self, run: dict[str, Any]) -> bool:
        day = run["started_at"][:10]
        return ((self.date_from is None or day >= self.date_from)
                and (self.date_to is None or day <= self.date_to)
                and (self.service is None
                     or people.name_key(run["service"]) == people.name_key(self.service))
                and (self.theme is None
                     or run["theme"].casefold() == self.theme.strip().casefold())
                and (self.session is None or run["session_id"] == self.session))


def _partition_filters(filters: Filters, year: str) -> tuple[Any, Any]:
    """How a year's part is filed among kept parts: the filters that can change it."""
    service = people.name_key(filters.service) if filters.service is not None else None
    theme = filters.theme.strip().casefold() if filters.theme is not None else None
    return [service, theme, filters.session], [filters.date_from, filters.date_to]


def _read(store: Store, year: str, table: str) -> Iterator[list[dict[str, Any]]]:
    return store.pieces(table, year)


def _removed_text() -> str:
    from coprod_cli.people.privacy import REMOVED_TEXT  # slow to import: only to compute

    return REMOVED_TEXT


Plan = tuple[Found | None, dict[str, list[int]] | None, list[Any]]
"""A year's half: its kept part if one matches, its files' signatures, its key."""


def _plan(store: Store, kept: KeptParts | None, year: str, half: str,
          filters: Filters) -> Plan:
    """Whether a half of a year (``tally.HALVES``) is kept, from its own files: the year's
    runs and the half's tables, so a change to feedback alone leaves attendance kept."""
    tables = (RUNS, *HALVES[half])
    paths = [store.file_path(t, year) for t in tables]
    sources: dict[str, list[int]] | None = None
    if kept is not None and all(path is not None for path in paths):
        sources = {t: signature(path) for t, path in zip(tables, paths, strict=True)
                   if path is not None}  # taken before reading: a later change shows
    others, dates = _partition_filters(filters, year)
    found = None
    if sources is not None and kept is not None:
        # a date range that covers every run of the year changes nothing in it
        whole = kept.find(f"{year}.{half}", [others, [None, None]], sources)
        if whole is not None and (dates == [None, None] or (
                whole.span and (dates[0] is None or dates[0] <= whole.span[0])
                and (dates[1] is None or whole.span[1] <= dates[1]))):
            found = whole
        elif dates != [None, None]:
            found = kept.find(f"{year}.{half}", [others, dates], sources)
    return found, sources, [others, dates]


def _year_parts(store: Store, years: list[str], filters: Filters, form: Form,
                measures: dict[str, Measure], conversions: dict[str, Conversion | None],
                kept: KeptParts | None, progress: Progress | None,
                processes: int | None, shown: int = 0, of: int | None = None,
                meanwhile: Callable[[], None] | None = None) -> Iterator[Part]:
    """Each year's part: kept from an earlier summary when its record files and filters are
    the same, else computed from the records (and kept for next time), on two cores when
    there is enough to compute (``workers.py``). Progress counts from ``shown`` of ``of``
    years when these are the last of a longer list; ``meanwhile`` is called once the
    worker has started, before the first part is yielded.

    A year is kept in two halves (``tally.HALVES``). Computed, it is one piece of work
    when several years are, so its runs are read once; when only one year is, each half it
    needs is a piece of its own, so the two cores share the year (a repeat after a session
    was added), or one half is computed and the other read as kept (after a change to
    feedback alone)."""
    plans = {year: {half: _plan(store, kept, year, half, filters) for half in HALVES}
             for year in years}
    missing = {year: [h for h, (found, _, _) in halves.items() if found is None]
               for year, halves in plans.items()}
    todo = [year for year, halves in missing.items() if halves]
    if processes is None:
        processes = workers.available() if _bytes(store, todo) >= WORKER_BYTES else 1
    share_one = len(todo) == 1 and processes >= 2  # the two processes share that year
    work = [unit for year in todo
            for unit in ([f"{year}.{h}" for h in missing[year]]
                         if share_one or len(missing[year]) == 1 else [year])]
    canon: dict[str, str] = {}

    def compute(unit: str) -> Part:
        year, _, half = unit.partition(".")
        return year_part(partial(_read, store, year), filters.keeps, form, measures,
                         conversions, _removed_text(), canon, half=half or None)

    def keep(unit: str, part: Part) -> None:
        year, _, half = unit.partition(".")
        for name, piece in ([(half, part)] if half else zip(HALVES, split(part), strict=True)):
            _, sources, key = plans[year][name]
            if sources is not None and kept is not None:
                kept.put(f"{year}.{name}", key, sources, piece)

    if work:
        _removed_text()  # imported before the worker is forked, not in both processes
    fresh = workers.Parts(work, compute, keep, processes, alongside=meanwhile is not None)
    results = iter(fresh)
    try:
        if meanwhile is not None:
            meanwhile()  # while the worker computes
        for done, (year, halves) in enumerate(plans.items()):
            if progress is not None:
                progress(shown + done, of or len(years), year)
            got: dict[str, Part] = {}
            whole = None
            for half, (found, _, _) in halves.items():
                if found is not None:
                    piece = found.part()
                    if piece is None:  # damaged inside: computed again, and kept afresh
                        piece = compute(f"{year}.{half}")
                        keep(f"{year}.{half}", piece)
                    got[half] = piece
            while whole is None and len(got) < len(HALVES):  # computed, in ``work`` order
                unit, part, was_kept = next(results)
                if not was_kept:
                    keep(unit, part)
                if "." in unit:
                    got[unit.partition(".")[2]] = part
                else:
                    whole = part
            yield whole if whole is not None else join(got["attendance"], got["feedback"])
    finally:
        fresh.close()  # the worker is ended and reaped whatever happened
    if progress is not None:
        progress(shown + len(years), of or len(years), "")


WORKER_BYTES = 4_000_000
"""Records to compute, in bytes, below which a second process is not started: forking and
sending parts back costs a few milliseconds, the time to total about a megabyte."""


def _bytes(store: Store, years: list[str]) -> int:
    total = 0
    for year in years:
        for table in _YEAR_TABLES:
            path = store.file_path(table, year)
            if path is not None:
                with contextlib.suppress(OSError):
                    total += path.stat().st_size
    return total


def summarise(store: Store, filters: Filters, form: Form, measures: dict[str, Measure],
              conversions: dict[str, Conversion | None] | None = None,
              min_gap_weeks: int = 4, levels: dict[str, str | None] | None = None, *,
              keep_in: Path | None = None, progress: Progress | None = None,
              processes: int | None = None) -> dict[str, Any]:
    """Every figure of the effectiveness report, unsuppressed.

    Reads each file once, a year at a time (runs, then that year's attendance, feedback and
    measures, which always sit in their run's year), keeping only running totals. With
    ``keep_in`` (a folder of kept summaries, see ``kept.py``), a year whose files have not
    changed since an earlier summary with the same filters is read from there instead.
    ``progress(done, total, year)`` is told as each year is reached. ``processes`` (1 or 2)
    says how many may compute years; by default two when there are two cores and at least
    ``WORKER_BYTES`` of records to compute.
    """
    conversions = conversions or {}
    totals = Totals(form, measures, conversions, min_gap_weeks, levels or {})
    years = store.partitions(RUNS)
    if filters.date_from:
        years = [y for y in years if y >= filters.date_from[:4]]
    if filters.date_to:
        years = [y for y in years if y <= filters.date_to[:4]]
    kept = None
    if keep_in is not None:
        kept = KeptParts(keep_in, fingerprint(
            form.model_dump(mode="json"),
            {k: m.model_dump(mode="json") for k, m in sorted(measures.items())},
            {k: c.model_dump(mode="json") if c else None
             for k, c in sorted(conversions.items())}))
    from coprod_cli.evaluation.roadmap_counts import roadmap_counts

    # the figures too are made with the collector paused: it would walk every person-id
    # set merged so far each time a few hundred new objects are made (0.2 s on org-50)
    try:
        with bulk_reading():
            _add_years(totals, store, years, filters, form, measures, conversions, kept,
                       progress, processes)
            registry = {p["id"]: p for p in store.all(people.TABLE)}
            return {
                "filters": filters.__dict__,
                "period": totals.period(),
                "reach": totals.reach(),
                "coproduction": {**totals.coproduction(),
                                 **roadmap_counts(store, filters, totals.first_attended)},
                "experience": totals.experience(),
                "outcomes": totals.outcome_report(),
                "trend": totals.trend_report(),
                "voices": {**_voices(totals.comments, totals.forms, registry), "withheld": None},
            }
    finally:
        workers.finish()  # a worker still keeping its last part is waited for


def _add_years(totals: Totals, store: Store, years: list[str], filters: Filters, form: Form,
               measures: dict[str, Measure], conversions: dict[str, Conversion | None],
               kept: KeptParts | None, progress: Progress | None,
               processes: int | None) -> None:
    """Every year's part added to ``totals``, oldest first. Kept, the years before the
    latest are also kept merged as one part (``Totals.as_part``), keyed by all their record
    files: a change in the latest year, where new sessions land, then reads that one file
    and the latest year, instead of every year's part and merging their sets again."""
    earlier = years[:-1]
    before = _signatures(store, earlier) if kept is not None and len(earlier) >= 2 \
        and filters.date_from is None and filters.date_to is None else None
    key: list[Any] = [_partition_filters(filters, "")[0], earlier]
    if before is not None and kept is not None:
        found = kept.find(CUMULATIVE, key, before)
        if found is not None:
            def earlier_first() -> None:  # while a worker computes the latest year
                merged = found.part()
                if merged is not None:
                    totals.add(merged)
                    return
                for part in _year_parts(store, earlier, filters, form, measures, conversions,
                                        kept, progress, 1, 0, len(years)):
                    totals.add(part)  # damaged inside: from the years' own parts, once
                kept.put(CUMULATIVE, key, before, totals.as_part())

            for part in _year_parts(store, years[-1:], filters, form, measures, conversions,
                                    kept, progress, processes, len(earlier), len(years),
                                    earlier_first):
                totals.add(part)
            return
    for year, part in zip(years, _year_parts(store, years, filters, form, measures,
                                             conversions, kept, progress, processes),
                          strict=True):
        totals.add(part)
        if before is not None and kept is not None and year == earlier[-1]:
            kept.put(CUMULATIVE, key, before, totals.as_part())


CUMULATIVE = "before-latest"
"""How the kept merge of every year but the latest is filed among the kept parts."""


def _signatures(store: Store, years: list[str]) -> dict[str, list[int]] | None:
    """Every record file of these years, recognised (``kept.signature``); None if one
    is missing."""
    out: dict[str, list[int]] = {}
    for year in years:
        for table in _YEAR_TABLES:
            path = store.file_path(table, year)
            if path is None:
                return None
            out[f"{year}/{table}"] = signature(path)
    return out


def _voices(comments: dict[str, list[str]], forms: int,
            registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Comments with every registered person's name replaced by their role."""
    return voices(comments, forms, registry, VOICES_SHOWN)
