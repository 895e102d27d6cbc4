"""The shipped content reaches users: inside the wheel, and from an editable install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coprod_cli import resources

ROOT = Path(__file__).resolve().parents[1]


def test_editable_install_finds_the_repository_folders() -> None:
    assert (resources.sessions_dir() / "wellbeing-five-ways.yaml").is_file()
    assert (resources.templates_dir() / "handouts").is_dir()
    assert (resources.data_dir() / "forms" / "peer-evaluation.yaml").is_file()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("coprod-*.whl")
    return built


def test_wheel_carries_sessions_templates_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for folder in ("sessions", "templates", "data")
               for p in (ROOT / folder).rglob("*") if p.is_file()}
    assert shipped, "nothing to ship?"
    for name in shipped:
        assert f"coprod_cli/_resources/{name}" in names, name
    assert not any(n.startswith(("sessions/", "templates/", "data/")) for n in names)


def test_installed_wheel_reads_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    code = ("from coprod_cli import resources; import coprod_cli;"
            "print(coprod_cli.__file__); print(resources.resource_root())")
    env = {**os.environ, "PYTHONPATH": str(target), "COPROD_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True, cwd=tmp_path).stdout.splitlines()
    assert out[0].startswith(str(target))
    assert out[1] == str(target / "coprod_cli" / "_resources")
    listing = subprocess.run([sys.executable, "-m", "coprod_cli", "session", "list",
                              "--format", "json"], capture_output=True, text=True, env=env,
                             check=True, cwd=tmp_path).stdout
    assert str(target / "coprod_cli" / "_resources" / "sessions") in listing
