"""The app as a whole: help that teaches, errors in one place, exit codes, home folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_cli.cli import app


def all_commands(group=None, prefix=()):  # noqa: ANN001, ANN201
    from typer.main import get_command

    group = group or get_command(app)
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, path)
        else:
            yield path, command


def test_every_command_has_help_with_an_example_and_is_in_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    seen = 0
    for path, command in all_commands():
        seen += 1
        assert command.help and "Example: coprod" in command.help, path
        assert f"coprod {' '.join(path)}" in readme, f"README.md does not mention {path}"
    assert seen >= 12


def test_help_keeps_square_brackets(cli) -> None:
    result = cli("session", "resume", "--help")
    assert "[RUN]" in result.text


def test_version(cli) -> None:
    assert cli("--version").text.startswith("coprod 0.")


def test_not_found_error_is_one_sentence_and_a_hint(cli) -> None:
    result = cli("session", "show", "wellbeing-5-ways", code=1)
    assert result.text.splitlines()[0] == "Error: There is no session called 'wellbeing-5-ways'."
    assert "Hint: Did you mean: wellbeing-five-ways" in result.text
    assert "Traceback" not in result.text


def test_usage_error_exits_2(cli) -> None:
    result = cli("session", "list", "--format", "xml", code=2)
    assert "xml" in result.text


def test_unexpected_error_is_calm_without_debug(monkeypatch, cli) -> None:
    monkeypatch.setattr(sys, "_called_from_test", False)

    def boom(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("secret participant name")

    monkeypatch.setattr("coprod_cli.sessions.library.Library.all", boom)
    result = cli("session", "list", code=1)
    assert "Error: Something unexpected went wrong (RuntimeError)" in result.text
    assert "secret participant name" not in result.text
    assert "--debug" in result.text


def test_debug_shows_the_exception(monkeypatch, cli) -> None:
    monkeypatch.setattr(sys, "_called_from_test", False)
    monkeypatch.setattr("coprod_cli.sessions.library.Library.all",
                        lambda *_a, **_k: (_ for _ in ()).throw(RuntimeError("boom")))
    result = cli("--debug", "session", "list", code=1)
    assert isinstance(result.exception, RuntimeError)


def test_disk_full_is_one_plain_sentence(monkeypatch, cli) -> None:
    import errno

    def full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("coprod_cli.people.register.add_person", full)
    result = cli("people", "add", "Jo", code=1)
    assert "Error: The disk is full, so coprod could not save. Nothing was changed." in \
        result.text


def test_home_option_and_env(tmp_path: Path, cli, coprod_home: Path) -> None:
    other = tmp_path / "elsewhere"
    cli("--home", str(other), "people", "add", "Jo")
    assert (other / "store").is_dir()
    assert not (coprod_home / "store").exists()
    assert oct(other.stat().st_mode & 0o777) == "0o700"


def test_init_writes_settings_and_refuses_to_overwrite(cli, coprod_home: Path) -> None:
    cli("init", "--organisation", "Beech House", "--service", "Recovery", "--grant-cap",
        "£150.00", "--small-numbers", "5", "--style", "large-print")
    from coprod_cli.config import load_settings

    settings = load_settings(coprod_home)
    assert settings.organisation == "Beech House" and settings.grant_cap_pence == 15000
    assert settings.handout_style == "large-print"
    assert oct((coprod_home / "config.yaml").stat().st_mode & 0o777) == "0o600"
    result = cli("init", "--organisation", "X", code=2)
    assert "Settings already exist" in result.text


def test_init_guided_asks_and_explains_bad_answers(cli, coprod_home: Path) -> None:
    result = cli("init", input="Beech House\nRecovery\ntwelve\n120\n\n\n")
    assert "is not an amount of money" in result.text
    from coprod_cli.config import load_settings

    assert load_settings(coprod_home).grant_cap_pence == 12000


def test_prompt_without_input_names_the_flag(cli) -> None:
    result = cli("init", "--organisation", "X", "--service", "Y", code=2)
    assert "Pass --grant-cap to answer it." in result.text


def test_python_m_and_console_script_work(tmp_path: Path) -> None:
    env = {**os.environ, "COPROD_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-m", "coprod_cli", "session", "list", "--format",
                          "json"], capture_output=True, text=True, env=env, check=True)
    assert len(json.loads(out.stdout)) >= 6
    script = Path(sys.executable).parent / "coprod"
    if script.exists():
        out = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                             env=env, check=True)
        assert out.stdout.startswith("coprod")


def test_session_list_does_not_import_reportlab(tmp_path: Path) -> None:
    code = ("import sys; from coprod_cli.cli import main\n"
            "try:\n main(['session','list'])\nexcept SystemExit: pass\n"
            "print('reportlab' in sys.modules, 'jinja2' in sys.modules)")
    env = {**os.environ, "COPROD_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


#: What ``coprod --help`` must never load: it shows a list of groups, nothing more.
HEAVY = ("pydantic", "pydantic_core", "reportlab", "jinja2", "tinydb", "orjson", "markdown_it",
         "yaml", "rich", "coprod_cli.grants", "coprod_cli.store", "coprod_cli.people",
         "coprod_cli.sessions", "coprod_cli.evaluation")


def test_help_loads_no_heavy_library_and_no_command_group(tmp_path: Path) -> None:
    """Holds every group, including ones added later, to the rule: a group's module (and
    so whatever it imports at its top) loads only when that group is used."""
    from coprod_cli.cli import COMMAND_GROUPS

    groups = sorted({target.partition(":")[0] for target, _ in COMMAND_GROUPS.values()})
    code = ("import contextlib, io, json, sys\nfrom coprod_cli.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
            "print(json.dumps([out.getvalue(), sorted(sys.modules)]))")
    env = {**os.environ, "COPROD_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    help_text, modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert "Keep the records safe" in help_text and "toolkit" in help_text
    loaded = {m for m in modules for h in HEAVY if m == h or m.startswith(h + ".")}
    assert loaded == set()
    assert [g for g in groups if g in modules] == []


def test_every_group_is_listed_with_its_own_help() -> None:
    import importlib

    from coprod_cli.cli import COMMAND_GROUPS

    for name, (target, summary) in COMMAND_GROUPS.items():
        module_name, _, function = target.partition(":")
        module = importlib.import_module(module_name)
        own = getattr(module, function).__doc__ if function else module.app.info.help
        assert " ".join(own.split()).startswith(summary), name


def test_a_mistyped_group_is_suggested(cli) -> None:
    result = cli("sesion", "list", code=2)
    assert "No such command 'sesion'. Did you mean 'session'?" in result.text


@pytest.mark.parametrize("plain", [True, False])
def test_no_color_and_plain(monkeypatch, cli, plain: bool) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    args = ["--plain"] if plain else []
    result = cli(*args, "session", "list")
    assert "\x1b[" not in result.output
    assert "wellbeing-five-ways" in result.output


def test_usage_errors_in_subcommands_are_usage_errors(tmp_path: Path) -> None:
    """Run as users do (not under pytest's re-raise), so the boundary itself is tested."""
    env = {**os.environ, "COPROD_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-m", "coprod_cli", "session", "list", "--nope"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2
    assert "No such option: --nope" in out.stderr
    assert "unexpected" not in out.stderr
