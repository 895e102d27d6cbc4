"""The benchmark code's own parts: medians, spreads, ratios, verdicts, and the baselines run.

No timing is asserted here (speed lives in ``make bench``): these prove the arithmetic and
the printed lines tell the truth, that figures and baselines alternate, and that every
baseline script runs on a small store and imports none of coprod's code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import stores  # noqa: E402
import timing  # noqa: E402
from targets import TARGETS  # noqa: E402


def test_median_spread_ratio_and_verdict() -> None:
    result = timing.Result("x", [0.3, 0.1, 0.2], [0.1, 0.1, 0.4], 1.5)
    assert timing.median(result.figure) == 0.2 and timing.spread(result.figure) == (0.1, 0.3)
    assert result.ratio == pytest.approx(2.0) and not result.met
    assert timing.Result("y", [1.0], [1.0], 1.0).met  # "within" includes equal


def test_lines_show_median_spread_ratio_target_and_verdict() -> None:
    fast = timing.Result("coprod --help vs minimal Typer app", [0.081, 0.079, 0.090],
                         [0.060, 0.070, 0.065], 1.5, notes=["a note"])
    assert timing.line(fast) == (
        "coprod --help vs minimal Typer app\n"
        "    81 ms (79-90)  vs baseline 65 ms (60-70)  ratio 1.25  target <= 1.5  met\n"
        "    a note")
    slow = timing.Result("merge", [20.0, 31.5], [10.0, 12.0], 1.5)
    assert "25.75 s (20.00-31.50)  vs baseline 11.00 s (10.00-12.00)  ratio 2.34" in \
        timing.line(slow) and timing.line(slow).endswith("NOT MET")
    memory = timing.Result("peak", [300e6, 320e6], [250e6, 260e6], 1.5, unit="MB")
    assert "310 MB (300-320)  vs baseline 255 MB (250-260)  ratio 1.22" in timing.line(memory)


def test_the_tally_counts_what_was_met_and_what_was_not() -> None:
    met = timing.Result("a", [1.0], [1.0], 1.5)
    missed = timing.Result("b", [3.0], [1.0], 1.5)
    assert timing.tally([met, missed, True, False]) == "2 of 4 targets met."


def test_figure_and_baseline_alternate_after_a_warm_up() -> None:
    calls: list[str] = []

    def action(name: str) -> timing.Action:
        return lambda: calls.append(name) or timing.Run(0.1, 1)  # type: ignore[func-returns-value]

    figure, baseline = timing.alternate(action("A"), action("B"), 3,
                                        before=lambda name: calls.append(f"reset {name}"))
    assert calls == ["reset figure", "A", "reset baseline", "B"] * 4
    assert len(figure) == len(baseline) == 3  # the warm-up round is not counted


def test_a_process_is_timed_with_its_own_peak_memory_and_a_failure_is_never_a_figure(
        ) -> None:
    small = timing.run_process([sys.executable, "-c", "pass"])
    big = timing.run_process([sys.executable, "-c", "x = bytearray(200_000_000); x[-1] = 1"])
    assert small.seconds > 0 and 1e6 < small.peak_bytes < big.peak_bytes
    assert big.peak_bytes > 200e6
    with pytest.raises(RuntimeError, match="exited 3:\n.*no good"):
        timing.run_process([sys.executable, "-c",
                            "import sys; sys.stderr.write('no good'); sys.exit(3)"])


FORKS = """
import os, time
pid = os.fork()
if pid == 0:
    y = bytearray(200_000_000); y[-1] = 1
    time.sleep(0.2)
    os._exit(0)
os.waitpid(pid, 0)
x = bytearray(150_000_000); x[-1] = 1
"""


def test_a_forked_workers_memory_is_added_to_its_parents() -> None:
    """The kernel reports the larger of a process and its reaped worker (the worker's
    200 MB here, the parent's 150 MB coming after); the figure is the parent's own peak
    plus the worker's, an upper bound of the whole tree at any moment, and not the
    worker's twice."""
    run = timing.run_process([sys.executable, "-c", FORKS])
    assert run.workers == 1
    assert run.peak_bytes > 350e6  # ru_maxrss alone would say about 210 MB
    assert run.peak_bytes < 400e6  # ru_maxrss plus the worker would say about 420 MB
    alone = timing.run_process([sys.executable, "-c", "x = bytearray(150_000_000)"])
    assert alone.workers == 0 and alone.peak_bytes < 200e6


def test_every_target_is_in_one_place() -> None:
    assert set(TARGETS) == {"help", "quiet", "summarise-10y", "summarise-org",
                            "summarise-repeat", "summarise-memory", "merge", "first-write",
                            "pack"}
    assert TARGETS["summarise-repeat"] == 0.2 and TARGETS["pack"] == 1.3


def test_floor_scripts_read_every_records_file_and_nothing_else(
        cli, coprod_home: Path, tmp_path: Path) -> None:
    cli("data", "demo", "--profile", "small")
    cli("people", "add", "Siân Ó Briain", "--role", "volunteer")  # and a backup is made
    store = coprod_home / "store"
    (store / "summary-cache").mkdir()
    (store / "summary-cache" / "2016.json").write_text("{}")
    listed = stores.file_list(store, tmp_path / "files.txt").read_text().splitlines()
    names = {str(Path(p).relative_to(store)) for p in listed}
    assert {"people/all.json", "runs/2016.json", "feedback/2016.json"} <= names
    assert not any(n.startswith(("summary-cache", "meta")) or "backups" in n for n in names)
    for floor in (stores.ORJSON_FLOOR, stores.JSON_LOAD_FLOOR):
        code = floor + "print(len(open(sys.argv[1]).read().splitlines()))"
        out = subprocess.run(timing.python_script(code, str(tmp_path / "files.txt")),
                             capture_output=True, text=True, check=True)
        assert out.stdout.strip() == str(len(listed))
    removed = stores.make_cold(coprod_home)
    assert removed == ["store/summary-cache/2016.json"]
    assert not (store / "summary-cache").exists() and (store / "meta.json").is_file()
    assert cli("people", "list").text.count("Siân Ó Briain") == 1  # the records are intact


def test_a_new_day_is_made_by_removing_todays_backup(cli, coprod_home: Path) -> None:
    cli("people", "add", "Łucja Nowak", "--role", "volunteer")  # (nothing to back up yet)
    cli("people", "add", "Siobhán Murphy", "--role", "volunteer")
    backups = coprod_home / "backups"
    assert any(backups.iterdir())
    stores.remove_todays_backup(coprod_home)
    assert not any(backups.iterdir())
    cli("people", "add", "Dŵr Jones", "--role", "volunteer")
    assert any(backups.iterdir())  # that write was the first of its day again


def test_the_start_up_baseline_is_a_typer_app_with_coprods_settings() -> None:
    run = [sys.executable, str(BENCH / "baseline_typer.py")]
    shown = subprocess.run([*run, "--help"], capture_output=True, text=True, check=True)
    assert "--plain" in shown.stdout and "people" in shown.stdout and "\x1b[" not in shown.stdout
    listed = subprocess.run([*run, "people", "list"], capture_output=True, text=True,
                            check=True)
    assert listed.stdout == "No people records yet.\n"
    source = (BENCH / "baseline_typer.py").read_text()
    assert "rich_markup_mode=None" in source and "add_completion=False" in source


def test_the_plain_reportlab_pack_lays_out_the_same_text_without_coprod(
        cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    text, pdf = tmp_path / "pack.md", tmp_path / "plain.pdf"
    cli("handouts", "print", "wellbeing-five-ways", "--copies", "2", "--format", "md",
        "--out", str(text))
    code = ("import runpy, sys\nsys.argv = sys.argv[1:]\n"
            "runpy.run_path(sys.argv[0], run_name='__main__')\n"
            "print(sorted(m for m in sys.modules if m.startswith('coprod_cli')))")
    out = subprocess.run([sys.executable, "-c", code, str(BENCH / "plain_reportlab_pack.py"),
                          str(text), str(pdf)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    reader = PdfReader(pdf)
    words = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 5
    for phrase in ("Facilitator's plan", "Sign-in sheet", "Peer evaluation", "What went well?"):
        assert phrase in words, phrase
