"""The effectiveness report's figures against answers worked out independently here, and the
suppression rules as properties: people, not records; nothing hidden can be worked back."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_cli.evaluation.summary import Filters
from coprod_cli.evaluation.suppression import Hidden, suppress, suppress_group
from coprod_cli.people import register as people
from coprod_cli.store.database import Store
from tests.test_evaluation import org, report, run  # noqa: F401 (org: a fixture)


def two_people_three_runs(store: Store) -> dict[str, dict]:
    """The issue's case: 2 people (carers) at 3 runs, rating every time, answering ONS4."""
    who = {n: people.add_person(store, n, r) for n, r in (
        ("Sam", "staff"), ("Cy", "carer"), ("Di", "carer"))}
    low = {"satisfied": 2, "worthwhile": 2, "happy": 2, "anxious": 8}
    high = {"satisfied": 9, "worthwhile": 9, "happy": 9, "anxious": 0}
    for n, day in enumerate(("2026-01-05", "2026-03-05", "2026-05-05")):
        feedback = {who[p]["id"]: {"enjoyed": 4 + (n + i) % 2, "went_well": "Lovely group"}
                    for i, p in enumerate(("Cy", "Di"))}
        run(store, "wellbeing-five-ways", day, who["Sam"], None, [who["Cy"], who["Di"]],
            feedback, {who[p]["id"]: (low if n == 0 else high, high) for p in ("Cy", "Di")})
    return who


def test_two_people_hide_every_block_in_every_shareable_format(cli, coprod_home: Path) -> None:
    two_people_three_runs(Store.open(coprod_home / "store"))
    private = cli("eval", "summarise").text
    assert "Attendances" in private and "6" in private  # the facilitator's own screen
    data = json.loads(cli("eval", "summarise", "--format", "json").output)
    enjoyed = data["experience"]["questions"]["enjoyed"]
    assert data["reach"]["people"] is None and data["reach"]["attendances"] is None
    assert enjoyed["n"] is None and enjoyed["mean"] is None
    assert set(enjoyed["distribution"].values()) <= {None, 0}
    ons = data["outcomes"]["ons4"]
    assert ons["people"] is None
    for item in ons["items"].values():
        assert item["before_mean"] is None and item["after_mean"] is None
        assert set(item["band_shift"].values()) <= {None, 0}
    assert data["voices"]["went_well"] == [] and data["voices"]["withheld"]
    carers = data["reach"]["by_role"]["carer"]
    assert carers["attendances"] is None and carers["people"] is None
    md = cli("eval", "summarise", "--format", "md").output
    csv_text = cli("eval", "summarise", "--format", "csv").output
    assert "Lovely group" not in md + csv_text
    assert "| Attendances | 6 |" not in md and ",Attendances,6," not in csv_text
    assert ",Attendances,,fewer than 5" in csv_text


def ons(s: int, w: int, h: int, a: int) -> dict[str, int]:
    return {"satisfied": s, "worthwhile": w, "happy": h, "anxious": a}


def band(value: int, anxious: bool) -> int:
    """ONS's published bands, written out again here rather than read from the measure."""
    edges = (1, 3, 5, 10) if anxious else (4, 6, 8, 10)
    return next(n for n, top in enumerate(edges) if value <= top)


def test_first_and_latest_pairs_by_hand() -> None:
    store = Store.memory()
    lead = people.add_person(store, "Sam", "staff")
    group = [people.add_person(store, f"P{i}", "person-using-services") for i in range(6)]
    first = {p["id"]: ons(3 + i % 3, 5, 4, 7 - i) for i, p in enumerate(group)}
    middle = {p["id"]: ons(6, 6, 6, 4) for p in group}
    last = {p["id"]: ons(7 + i % 2, 5 + i % 3, 8, 1 + i) for i, p in enumerate(group)}
    run(store, "wellbeing-five-ways", "2026-01-05", lead, None, group, {},
        {pid: (first[pid], middle[pid]) for pid in first})
    run(store, "wellbeing-five-ways", "2026-01-19", lead, None, group[:2], {},
        {pid: (middle[pid], middle[pid]) for pid in list(first)[:2]})
    run(store, "wellbeing-five-ways", "2026-03-02", lead, None, group, {},
        {pid: (middle[pid], last[pid]) for pid in first})
    ons4 = report(store)["outcomes"]["ons4"]
    assert ons4["people"] == 6 and ons4["caution"] is True
    assert ons4["mean_gap_weeks"] == 8.0  # 5 January to 2 March
    for item in ("satisfied", "worthwhile", "happy", "anxious"):
        got = ons4["items"][item]
        befores = [first[p][item] for p in first]
        afters = [last[p][item] for p in first]
        assert got["n"] == 6
        assert got["before_mean"] == round(sum(befores) / 6, 2)
        assert got["after_mean"] == round(sum(afters) / 6, 2)
        moves = [(band(a, item == "anxious") - band(b, item == "anxious"))
                 * (-1 if item == "anxious" else 1) for b, a in zip(befores, afters, strict=True)]
        assert got["band_shift"] == {"better": sum(m > 0 for m in moves),
                                     "same": sum(m == 0 for m in moves),
                                     "worse": sum(m < 0 for m in moves)}
    # a minimum gap longer than the period leaves nobody paired
    from coprod_cli.evaluation.summary import summarise
    from tests.test_evaluation import DATA, load_form, load_measure

    none = summarise(store, Filters(), load_form("peer-evaluation", DATA),
                     {"ons4": load_measure("ons4", DATA)}, min_gap_weeks=9)
    assert none["outcomes"]["ons4"]["people"] == 0


def test_would_help_uses_latest_session_and_theme_ignores_case(org) -> None:  # noqa: F811
    from coprod_cli.evaluation.summary import record_forms
    from tests.test_evaluation import DATA, load_form

    store, who = org
    runs = sorted(store.all("runs"), key=lambda r: r["started_at"])
    # Dee said "maybe" at the later session; a paper form typed in afterwards for the
    # earlier session says "no": the later session's answer stands
    record_forms(store, runs[0]["id"], load_form("peer-evaluation", DATA),
                 [(who["Dee"]["id"], {"help_run": "no"})])
    assert report(store)["coproduction"]["would_help"] == {"maybe": 1, "yes": 1}
    assert report(store, theme="WELLBEING")["reach"]["sessions"] == 1
    assert report(store, theme="Self-Esteem")["reach"]["sessions"] == 1


# -- suppression as properties ---------------------------------------------------------------
def possible(cells: dict[str, object], values: dict[str, int], threshold: int
             ) -> dict[str, set[int]]:
    """Brute force: every value each hidden cell could take, given what is shown."""
    total = sum(values.values())
    hidden_keys = [k for k, v in cells.items() if isinstance(v, Hidden)]
    rest = total - sum(v for v in cells.values() if isinstance(v, int))

    def allowed(key: str, value: int) -> bool:
        if cells[key] == f"fewer than {threshold}":
            return 1 <= value < threshold
        return value == 0 or value >= threshold

    out: dict[str, set[int]] = {k: set() for k in hidden_keys}
    for combo in itertools.product(range(rest + 1), repeat=len(hidden_keys)):
        if sum(combo) == rest and all(allowed(k, v) for k, v in zip(hidden_keys, combo,
                                                                    strict=True)):
            for k, v in zip(hidden_keys, combo, strict=True):
                out[k].add(v)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=5), st.integers(2, 5))
def test_no_hidden_cell_can_be_worked_out(counts: list[int], threshold: int) -> None:
    values = {f"c{i}": v for i, v in enumerate(counts)}
    cells, total_goes = suppress_group(values, threshold)
    for key, shown in cells.items():  # every label tells the truth
        if shown == f"fewer than {threshold}":
            assert 0 < values[key] < threshold
        elif not isinstance(shown, Hidden):
            assert shown == values[key] and not 0 < values[key] < threshold
    if total_goes:
        return
    for key, options in possible(cells, values, threshold).items():
        assert values[key] in options
        assert len(options) > 1, (values, cells, key, options)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 3)), min_size=1, max_size=12))
def test_a_mean_never_sits_beside_a_hidden_rating(ratings: list[tuple[int, int]]) -> None:
    """Random small sets of ratings (value, person): if a cell is hidden, so is the mean."""
    distribution = {str(k): sum(1 for v, _ in ratings if v == k) for k in range(1, 6)}
    raters = {str(k): len({p for v, p in ratings if v == k}) for k in range(1, 6)}
    q = {"text": "Enjoyed", "n": len(ratings), "labels": {},
         "mean": round(sum(v for v, _ in ratings) / len(ratings), 2),
         "distribution": distribution, "people": len({p for _, p in ratings}),
         "cell_people": raters}
    base = report_shell({"enjoyed": q})
    shared = suppress(base, 3)["experience"]["questions"]["enjoyed"]
    shown = shared["distribution"]
    if any(isinstance(v, Hidden) for v in shown.values()):
        assert isinstance(shared["mean"], Hidden)
    for key, n in raters.items():
        if 0 < n < 3:
            assert isinstance(shown[key], Hidden)


def report_shell(questions: dict[str, dict]) -> dict:
    empty = {"sessions": 0, "attendances": 0, "people": 0, "returning": 0}
    return {"filters": {}, "period": {"first": None, "last": None},
            "reach": {**empty, "by_role": {}, "by_theme": {}, "by_service": {}},
            "coproduction": {"sessions": 9, "co_facilitated": 0, "moved_to_co_facilitator": 0,
                             "would_help": {}},
            "experience": {"forms": 9, "people": 9, "questions": questions},
            "outcomes": {}, "voices": {"forms": 9, "went_well": [], "even_better": [],
                                       "withheld": None}}


SWEMWBS = "id: swemwbs\ntitle: \"SWEMWBS\"\ncombine: true\nscore: {method: sum, conversion: " \
    "swemwbs}\nitems:\n" + "\n".join(
        f"  - {{id: item{i}, text: \"(our licensed item {i})\", min: 1, max: 5}}"
        for i in range(1, 8)) + "\n"
# the published raw-to-metric values these tests use, copied from Warwick's table
METRIC = {14: 15.32, 21: 19.25, 28: 25.03, 35: 35.00, 7: 7.00, 18: 17.43, 19: 17.98}


def swemwbs(raw: int) -> dict[str, int]:
    base, extra = divmod(raw, 7)
    return {f"item{i}": base + (1 if i <= extra else 0) for i in range(1, 8)}


def test_swemwbs_end_to_end(cli, coprod_home: Path) -> None:
    (coprod_home / "measures").mkdir(parents=True)
    (coprod_home / "measures" / "swemwbs.yaml").write_text(SWEMWBS, encoding="utf-8")
    args = ["session", "run", "wellbeing-five-ways", "--lead", "Sam:staff", "--attendee",
            "Ana:person-using-services", "--feedback", "later", "--measure", "swemwbs"]
    result = cli(*args, input="y\n" + "2\n" * 7 + "n\n" * 8 + "y\n" + "3\n" * 7 + "\n\n")
    assert "Check-in: SWEMWBS" in result.text and "(our licensed item 1)" in result.text
    store = Store.open(coprod_home / "store")
    answers = {m["when"]: m["answers"] for m in store.all("measures")}
    assert answers["before"] == swemwbs(14) and answers["after"] == swemwbs(21)
    # six more people, first and latest answers eight weeks apart
    lead = people.add_person(store, "Lee", "staff")
    group = [people.add_person(store, f"P{i}", "person-using-services") for i in range(6)]
    raws = [(14, 21), (21, 28), (28, 28), (21, 14), (18, 19), (7, 35)]
    for day, pick in (("2026-01-05", 0), ("2026-03-02", 1)):
        from coprod_cli.sessions.runner import RunEngine
        from tests.test_evaluation import Clock, sessions

        engine = RunEngine.start(store, sessions().get("wellbeing-five-ways").session,
                                 service="Beech", measure="swemwbs",
                                 clock=Clock(__import__("datetime").datetime.fromisoformat(
                                     f"{day}T10:00:00+00:00")))
        engine.add_facilitator(lead, "lead")
        for p in group:
            engine.add_attendee(p)
        for p, raw in zip(group, raws, strict=True):
            engine.record_measure(p["id"], "swemwbs", "before", swemwbs(raw[pick]))
        engine.begin_steps()
        for _ in engine.session.steps:
            engine.next()
        engine.finish()
    from coprod_cli import resources
    from coprod_cli.evaluation.measures import report_measures
    from coprod_cli.evaluation.summary import summarise
    from tests.test_evaluation import DATA, load_form

    measures, conversions = report_measures([coprod_home, resources.data_dir()])
    data = summarise(store, Filters(date_from="2026-01-01"), load_form("peer-evaluation", DATA),
                     measures, conversions)
    scored = data["outcomes"]["swemwbs"]["score"]
    changes = [METRIC[b] and METRIC[a] - METRIC[b] for b, a in raws]
    assert scored["n"] == 6
    assert scored["first_mean"] == round(sum(METRIC[b] for b, _ in raws) / 6, 2)
    assert scored["latest_mean"] == round(sum(METRIC[a] for _, a in raws) / 6, 2)
    assert scored["mean_change"] == round(sum(changes) / 6, 2)
    assert data["outcomes"]["swemwbs"]["caution"] is True
    md = cli("eval", "summarise", "--from", "2026-01-01", "--format", "md").output
    assert "SWEMWBS" in md and "Caution: 6 people" in md
    shared = json.loads(cli("eval", "summarise", "--from", "2026-01-01", "--format",
                            "json").output)["outcomes"]["swemwbs"]["score"]
    assert shared["n"] == 6 and shared["mean_change"] is None  # 3, 2 and 1 people: hidden
    table = cli("eval", "summarise", "--from", "2026-01-01").text
    assert "SWEMWBS score" in table
    better = sum(c >= 3 for c in changes)
    assert better == 3 and sum(c <= -3 for c in changes) == 1


# -- the JSON's documented shape ------------------------------------------------------------
def validate(value: object, schema: dict, root: dict, path: str = "$") -> list[str]:
    """A small JSON Schema checker (the keywords data/schema/report.json uses), so the test
    needs no extra dependency: type, const, enum, properties, required,
    additionalProperties, items, minimum, oneOf and local $ref."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return validate(value, root["$defs"][name], root, path)
    problems: list[str] = []
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool,
             "null": type(None)}
    if "type" in schema:
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]

        def fits(kind: str) -> bool:
            if kind == "integer":
                return isinstance(value, int) and not isinstance(value, bool)
            if kind == "number":
                return isinstance(value, int | float) and not isinstance(value, bool)
            return isinstance(value, kinds[kind])

        if not any(fits(k) for k in wanted):
            return [f"{path}: {value!r} is not {wanted}"]
    if "const" in schema and value != schema["const"]:
        problems.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in {schema['enum']}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        problems.append(f"{path}: {value} below {schema['minimum']}")
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not validate(value, s, root, path)]
        if len(passing) != 1:
            problems.append(f"{path}: matches {len(passing)} of oneOf")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        problems += [f"{path}: missing {k}" for k in schema.get("required", [])
                     if k not in value]
        for key, item in value.items():
            if key in props:
                problems += validate(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{path}: unexpected key {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                problems += validate(item, schema["additionalProperties"], root,
                                     f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            problems += validate(item, schema["items"], root, f"{path}[{n}]")
    return problems


def test_validator_catches_what_it_should() -> None:
    schema = json.loads((__import__("coprod_cli.resources", fromlist=["x"]).data_dir()
                         / "schema" / "report.json").read_text())
    assert validate({"schema": "coprod-effectiveness-report"}, schema, schema)
    assert validate("fewer than 5", {"type": ["integer", "null"]}, schema)
    assert not validate(None, {"type": ["integer", "null"]}, schema)


def test_json_matches_its_schema_every_time(cli, coprod_home: Path, tmp_path: Path) -> None:
    from coprod_cli import resources

    schema = json.loads((resources.data_dir() / "schema" / "report.json").read_text())
    two_people_three_runs(Store.open(coprod_home / "store"))
    small = json.loads(cli("eval", "summarise", "--format", "json").output)
    assert validate(small, schema, schema) == []
    assert small["schema_version"] == 2 and small["suppressed"]
    hidden_paths = {s["figure"] for s in small["suppressed"]}
    assert "reach.people" in hidden_paths and small["reach"]["people"] is None
    demo = str(tmp_path / "demo")
    cli("--home", demo, "data", "demo", "--profile", "small")
    big = json.loads(cli("--home", demo, "eval", "summarise", "--format", "json").output)
    assert validate(big, schema, schema) == []
    assert set(big) == set(small)  # every key, every time

    def strings_in_number_places(value: object, path: str = "") -> list[str]:
        if isinstance(value, dict):
            return [p for k, v in value.items() if k not in ("text", "short", "labels",
                                                              "title", "filters", "period",
                                                              "suppressed", "voices", "schema",
                                                              "rated_question")
                    for p in strings_in_number_places(v, f"{path}.{k}")]
        return [path] if isinstance(value, str) else []

    assert strings_in_number_places(big) == []


def test_html_twin_and_pdf_pages(cli, coprod_home: Path, tmp_path: Path) -> None:
    cli("init", "--organisation", "Beech House Co-op", "--service", "Beech", "--grant-cap",
        "150", "--small-numbers", "5", "--style", "standard")
    cli("data", "demo", "--profile", "small")
    page = tmp_path / "report.html"
    assert "Saved the report to" in cli("eval", "summarise", "--format", "html", "--out",
                                        str(page)).text
    html = page.read_text(encoding="utf-8")
    for words in ("<h1", "How co-production is working", "Beech House Co-op", "At a glance",
                  '<th scope="col">', '<th scope="row">', "<caption>Attendances by role",
                  "Over time", "What did not work so well", "How these figures were made",
                  "Getting started together", "person using services", "Ladder of "
                  "co-production"):
        assert words in html, words
    assert "getting-started</" not in html  # themes as words, not ids
    assert "(said " in html  # identical comments counted, not repeated
    md = cli("eval", "summarise", "--format", "md").output
    assert "## At a glance" in md and "%\\)" in md
