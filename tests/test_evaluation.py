"""The effectiveness report against figures worked out by hand, and the rules it relies on."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from coprod_cli import resources
from coprod_cli.errors import ValidationError
from coprod_cli.evaluation.summary import Filters, read_forms_csv, record_forms, summarise
from coprod_cli.evaluation.suppression import suppress, suppress_group
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import load_conversion, load_form, load_measure, score
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import RunEngine
from coprod_cli.store.database import Store

DATA = [resources.data_dir()]


class Clock:
    def __init__(self, when: datetime) -> None:
        self.now = when

    def __call__(self) -> datetime:
        return self.now


def sessions():  # noqa: ANN201
    return Library(resources.sessions_dir(), None, [resources.templates_dir()])


def run(store: Store, session_id: str, day: str, lead: dict, co: dict | None,
        attendees: list[dict], feedback: dict[str, dict], measures: dict | None = None) -> str:
    clock = Clock(datetime.fromisoformat(f"{day}T10:00:00+00:00"))
    session = sessions().get(session_id).session
    engine = RunEngine.start(store, session, service="Beech House", clock=clock)
    engine.add_facilitator(lead, "lead")
    if co:
        engine.add_facilitator(co, "co-facilitator")
    for person in attendees:
        engine.add_attendee(person)
    for pid, (before, _) in (measures or {}).items():
        engine.record_measure(pid, "ons4", "before", before)
    engine.begin_steps()
    for _ in session.steps:
        engine.next()
    for pid, answers in feedback.items():
        engine.record_feedback(pid, "peer-evaluation", 1, answers)
    for pid, (_, after) in (measures or {}).items():
        engine.record_measure(pid, "ons4", "after", after)
    engine.finish()
    return engine.id


@pytest.fixture
def org() -> tuple[Store, dict[str, dict]]:
    store = Store.memory()
    who = {name: people.add_person(store, name, role) for name, role in (
        ("Sam", "staff"), ("Ceri", "person-using-services"), ("Ana", "person-using-services"),
        ("Bo", "person-using-services"), ("Cy", "carer"), ("Dee", "volunteer"))}
    ids = {k: v["id"] for k, v in who.items()}
    ons = {ids["Ana"]: ({"satisfied": 4, "worthwhile": 5, "happy": 5, "anxious": 6},
                        {"satisfied": 5, "worthwhile": 5, "happy": 7, "anxious": 5}),
           ids["Bo"]: ({"satisfied": 7, "worthwhile": 8, "happy": 9, "anxious": 1},
                       {"satisfied": 7, "worthwhile": 6, "happy": None, "anxious": 2})}
    run(store, "wellbeing-five-ways", "2026-01-10", who["Sam"], None,
        [who["Ana"], who["Bo"], who["Ceri"], who["Cy"]],
        {ids["Ana"]: {"enjoyed": 5}, ids["Bo"]: {"enjoyed": 4},
         ids["Ceri"]: {"enjoyed": 3, "help_run": "yes"},
         ids["Cy"]: {"enjoyed": 4, "went_well": "Ana made the tea, thanks ANA!"}}, ons)
    run(store, "self-esteem-strengths", "2026-02-10", who["Sam"], who["Ceri"],
        [who["Ana"], who["Dee"]],
        {ids["Ana"]: {"enjoyed": 5, "even_better": "=HYPERLINK(\"x\")"},
         ids["Dee"]: {"enjoyed": 2, "help_run": "maybe"}})
    return store, who


def report(store: Store, **filters: str) -> dict:
    return summarise(store, Filters(**filters), load_form("peer-evaluation", DATA),
                     {"ons4": load_measure("ons4", DATA)})


def test_reach_by_hand(org) -> None:
    store, _ = org
    reach = report(store)["reach"]
    assert (reach["sessions"], reach["attendances"], reach["people"], reach["returning"]) == \
        (2, 6, 5, 1)
    assert reach["by_role"]["person-using-services"] == \
        {"sessions": 2, "attendances": 4, "people": 3, "returning": 1}
    assert reach["by_role"]["carer"] == {"sessions": 1, "attendances": 1, "people": 1,
                                         "returning": 0}
    assert reach["by_theme"]["self-esteem"]["attendances"] == 2
    assert reach["by_service"]["Beech House"]["people"] == 5


def test_coproduction_by_hand(org) -> None:
    store, _ = org
    co = report(store)["coproduction"]
    assert co == {"sessions": 2, "co_facilitated": 1, "moved_to_co_facilitator": 1,
                  "moved_to_panel_member": 0, "moved_to_committee_member": 0,
                  "moved_to_officer": 0, "would_help": {"maybe": 1, "yes": 1}, "co_designed": 0,
                  "by_level": {**dict.fromkeys(("coercion", "educating", "informing",
                                                "consultation", "engagement", "co-design",
                                                "co-production"), 0), "not recorded": 2}}
    levels = {"wellbeing-five-ways": "co-design", "self-esteem-strengths": "informing"}
    leveled = summarise(store, Filters(), load_form("peer-evaluation", DATA),
                        {"ons4": load_measure("ons4", DATA)}, levels=levels)["coproduction"]
    assert leveled["co_designed"] == 1 and leveled["by_level"]["informing"] == 1


def test_experience_by_hand(org) -> None:
    store, _ = org
    enjoyed = report(store)["experience"]["questions"]["enjoyed"]
    assert enjoyed["n"] == 6 and enjoyed["mean"] == round(23 / 6, 2)
    assert enjoyed["distribution"] == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 2}
    assert report(store)["experience"]["questions"]["listened_to"]["n"] == 0


def test_outcomes_never_pair_within_one_session(org) -> None:
    """Check-in and check-out of one session are the same day: no first-and-latest pair."""
    store, _ = org
    ons = report(store)["outcomes"]["ons4"]
    assert ons["people"] == 0 and ons["caution"] is True
    assert ons["items"]["satisfied"]["n"] == 0


def test_voices_replace_registered_names_with_roles(org) -> None:
    store, _ = org
    voices = report(store)["voices"]
    assert voices["went_well"] == ["[person using services] made the tea, thanks "
                                   "[person using services]!"]


def test_filters(org) -> None:
    store, _ = org
    assert report(store, date_from="2026-02-01")["reach"]["attendances"] == 2
    assert report(store, theme="wellbeing")["reach"]["sessions"] == 1
    assert report(store, date_to="2025-12-31")["reach"]["sessions"] == 0
    assert report(store, service="beech house")["reach"]["sessions"] == 2


def test_suppression_primary_and_secondary(org) -> None:
    store, _ = org
    shared = suppress(report(store), 5)
    reach = shared["reach"]
    assert reach["sessions"] == "fewer than 5" and reach["attendances"] == 6
    assert reach["people"] == 5 and reach["returning"] == "fewer than 5"
    enjoyed = shared["experience"]["questions"]["enjoyed"]
    # 5 people rated it, but each rating was given by fewer than 5: the cells and the mean
    # (from which they would follow) are hidden; zero stays zero
    assert enjoyed["mean"] == "hidden" and enjoyed["distribution"]["1"] == 0
    assert enjoyed["distribution"]["5"] == "fewer than 5"
    assert len(shared["voices"]["went_well"]) == 1  # 5 people's forms: comments can go
    assert shared["suppressed_below"] == 5
    few = suppress(report(store, date_from="2026-02-01"), 5)  # 2 forms: comments withheld
    assert few["voices"]["even_better"] == [] and "fewer than 5" in few["voices"]["withheld"]


def test_which_formats_hide_small_numbers(org) -> None:
    """One rule for every front end: the private screen gets every figure, every format that
    can be shared gets the suppressed copy, and a format nobody has classed is suppressed."""
    from coprod_cli.cli.eval import ReportFormat
    from coprod_cli.evaluation.sharing import (
        PRIVATE_FORMATS,
        SHAREABLE_FORMATS,
        figures_for,
        is_private,
    )

    store, _ = org
    full = report(store)
    assert figures_for(full, "table", 5) is full and is_private("table")
    for fmt in SHAREABLE_FORMATS:
        assert not is_private(fmt)
        assert figures_for(full, fmt, 5) == suppress(full, 5) != full
    assert figures_for(full, "html", 5) == suppress(full, 5)  # unknown: safe by default
    assert {f.value for f in ReportFormat} == set(PRIVATE_FORMATS) | set(SHAREABLE_FORMATS)


def test_secondary_cell_is_hidden_too() -> None:
    def cells(values: dict[str, int]) -> dict[str, object]:
        return suppress_group(values, 5)[0]

    assert cells({"a": 10, "b": 3, "c": 7}) == {"a": 10, "b": "fewer than 5", "c": "hidden"}
    assert cells({"a": 10, "b": 3, "c": 2}) == \
        {"a": 10, "b": "fewer than 5", "c": "fewer than 5"}
    assert cells({"a": 10, "b": 0, "c": 7}) == {"a": 10, "b": 0, "c": 7}
    assert cells({"a": 10, "b": 3, "c": 0}) == {"a": "hidden", "b": "fewer than 5", "c": 0}
    # two hidden 1s add up to 2: each must be 1, so a third cell goes too
    assert cells({"a": 10, "b": 1, "c": 1}) == \
        {"a": "hidden", "b": "fewer than 5", "c": "fewer than 5"}


@pytest.mark.parametrize(("item", "value", "band"), [
    ("satisfied", 4, "low"), ("satisfied", 5, "medium"), ("satisfied", 6, "medium"),
    ("satisfied", 7, "high"), ("happy", 8, "high"), ("worthwhile", 9, "very high"),
    ("anxious", 1, "very low"), ("anxious", 2, "low"), ("anxious", 3, "low"),
    ("anxious", 4, "medium"), ("anxious", 5, "medium"), ("anxious", 6, "high")])
def test_ons4_band_edges(item: str, value: int, band: str) -> None:
    assert load_measure("ons4", DATA).band(item, value) == band


def test_ons4_is_never_combined() -> None:
    with pytest.raises(ValidationError, match="never combined"):
        score(load_measure("ons4", DATA), {"satisfied": 5})


def test_swemwbs_supplied_by_user_converts(tmp_path: Path) -> None:
    folder = tmp_path / "measures"
    folder.mkdir()
    items = "\n".join(f"  - {{id: item{i}, text: \"(your licensed item {i})\", min: 1, max: 5}}"
                      for i in range(1, 8))
    (folder / "swemwbs.yaml").write_text(
        "id: swemwbs\ntitle: \"SWEMWBS\"\ncombine: true\n"
        "score: {method: sum, conversion: swemwbs}\nitems:\n" + items + "\n")
    measure = load_measure("swemwbs", [tmp_path, *DATA])
    table = load_conversion("swemwbs", DATA)
    assert score(measure, {f"item{i}": 1 for i in range(1, 8)}, table) == 7.00
    answers = {f"item{i}": v for i, v in zip(range(1, 8), [3, 3, 3, 3, 3, 3, 2], strict=True)}
    assert score(measure, answers, table) == 18.59
    assert score(measure, {f"item{i}": 5 for i in range(1, 8)}, table) == 35.00
    assert score(measure, {**answers, "item3": None}, table) is None


def test_no_swemwbs_wording_is_shipped() -> None:
    assert not (resources.data_dir() / "measures" / "swemwbs.yaml").exists()


CSV_OK = ("person,enjoyed,listened_to,everyone_had_a_say,learned_something,went_well,"
          "even_better,help_run\nAna,5,4,4,3,The tea,More time,yes\n,3,,,,,,no\n")


def test_csv_forms_recorded_whole(org, write_file) -> None:
    store, _ = org
    form = load_form("peer-evaluation", DATA)
    rows = read_forms_csv(write_file("forms.csv", CSV_OK), form)
    run_id = store.all("runs")[0]["id"]
    assert record_forms(store, run_id, form, rows) == 2
    paper = [f for f in store.all("feedback") if f["entered"] == "paper"]
    assert {f["answers"]["help_run"] for f in paper} == {"yes", "no"}


def test_csv_problems_name_row_and_column(write_file) -> None:
    form = load_form("peer-evaluation", DATA)
    bad = CSV_OK.replace("Ana,5,4", "Ana,7,four").replace(",3,,,,,,no", ",3,,,,,,perhaps")
    with pytest.raises(ValidationError) as info:
        read_forms_csv(write_file("bad.csv", bad), form)
    problems = info.value.problems
    assert any("row 2, column enjoyed: Please give a number from 1 to 5" in p for p in problems)
    assert any("row 2, column listened_to" in p for p in problems)
    assert any("row 3, column help_run: Please answer yes, maybe, no." in p for p in problems)
    assert "nothing was saved" in info.value.message


def test_csv_missing_column(write_file) -> None:
    form = load_form("peer-evaluation", DATA)
    with pytest.raises(ValidationError, match="missing column: help_run"):
        read_forms_csv(write_file("m.csv", "person,enjoyed,listened_to,everyone_had_a_say,"
                                  "learned_something,went_well,even_better\n"), form)


def test_cli_record_and_summarise(org, cli, coprod_home: Path, write_file) -> None:
    # the CLI works on the home store: rebuild a smaller org there
    store = Store.open(coprod_home / "store")
    who = {n: people.add_person(store, n, r) for n, r in (("Sam", "staff"),
                                                          ("Ana", "person-using-services"))}
    run_id = run(store, "relationships-trust", "2026-03-03", who["Sam"], None, [who["Ana"]],
                 {})
    out = cli("eval", "record", run_id, "--from-csv", str(write_file("f.csv", CSV_OK))).text
    assert f"Saved 2 forms for run {run_id}." in out
    guided = cli("eval", "record", run_id[:12],
                 input="Ana\ny\n4\n\n\n\nGood chat\n\nno\nn\n").text  # Ana has a CSV form: y
    assert "Saved 1 form for run" in guided
    table = cli("eval", "summarise").text
    assert "Not for sharing" in table and "Attendances" in table
    assert "Use --format md, csv, json, pdf or html for a report you can share." in table
    assert "Feedback forms: 3." in table  # the private screen shows the small number
    data = json.loads(cli("eval", "summarise", "--format", "json").output)
    assert data["experience"]["forms"] is None
    assert {"figure": "experience.forms", "reason": "small",
            "shown_as": "fewer than 5"} in data["suppressed"]
    csv_text = cli("eval", "summarise", "--format", "csv").output
    assert csv_text.splitlines()[0] == "section,group,measure,value,suppressed"
    empty = cli("eval", "summarise", "--from", "2030-01-01", code=1)
    assert "There were no sessions for from 2030-01-01" in empty.text
    assert "not a date" in cli("eval", "summarise", "--from", "1st May", code=2).text
    unknown = cli("eval", "record", "20260101-zzzzzz", code=1)
    assert "There is no run '20260101-zzzzzz'." in unknown.text
    assert len(store.all("feedback")) == 3


def test_csv_output_neutralises_formulas(org) -> None:
    from coprod_cli.evaluation.report_text import csv_safe, to_csv

    store, _ = org
    text = to_csv(report(store))
    assert "'=HYPERLINK" in text
    assert csv_safe("-3") == "'-3" and csv_safe("ok") == "ok"


def test_markdown_report_is_suppressed_and_escaped(org) -> None:
    from coprod_cli.evaluation.report_text import to_markdown

    store, _ = org
    text = to_markdown(suppress(report(store), 5), organisation="Beech *House*")
    assert text.startswith("# How co-production is working\nBeech \\*House\\*\n")
    for heading in ("## Reach", "## Co-production", "## Experience", "## Outcomes",
                    "## Voices", "## How these figures were made"):
        assert heading in text
    assert "| Attendances | 6 |" in text
    assert "| Sessions run | fewer than 5 |" in text
    assert "Caution: 0 people answered ONS personal wellbeing \\(ONS4\\) at least 4 " \
        "weeks apart" in text
    assert "- =HYPERLINK\\(\"x\"\\)" in text
    assert "Ana" not in text  # names in comments became roles


def test_voices_anonymise_awkward_names() -> None:
    from coprod_cli.evaluation.summary import _voices

    registry = {str(i): {"name": n, "role": "carer"} for i, n in enumerate(
        ["<b>Bo</b>", "Siân Dŵr-Łukasz", "O'Neil", "Ana"])}
    forms = [{"at": "1", "answers": {"went_well": t}} for t in (
        "Thanks <b>Bo</b> and siân dŵr-łukasz", "o'neil made tea", "Banana bread", "ANA.")]
    comments = {"went_well": [f["answers"]["went_well"] for f in forms], "even_better": []}
    assert _voices(comments, len(forms), registry)["went_well"] == [
        "Thanks [carer] and [carer]", "[carer] made tea", "Banana bread", "[carer]."]


def test_report_pdf_has_every_section_charts_and_hidden_figures(cli, coprod_home: Path,
                                                                tmp_path: Path) -> None:
    from pypdf import PdfReader

    cli("init", "--organisation", "Siân's <Org> & Co", "--service", "Beech", "--grant-cap",
        "150", "--small-numbers", "5", "--style", "standard")
    cli("data", "demo", "--profile", "small")
    out = tmp_path / "report.pdf"
    assert "Saved the report to" in cli("eval", "summarise", "--format", "pdf", "--out",
                                        str(out)).text
    reader = PdfReader(out)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for words in ("How co-production is working", "Siân's <Org> & Co", "Attendances by role",
                  "Co-production", "Would you like to help run a session?", "Experience",
                  "Outcomes", "Life satisfaction", "Voices", "How these figures were made",
                  "fewer than 5", "Page 1 of"):
        assert words in text, words
    fonts = {str(font.get("/BaseFont")) for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts and not any("Helvetica" in f for f in fonts)
    assert reader.metadata.title == "How co-production is working"
