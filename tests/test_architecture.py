"""The layering rules, held by reading the source with ``ast`` (nothing here is imported).

docs/ARCHITECTURE.md explains each rule; these tests are what keeps them true:

- domain packages and the top-level shared modules never import Typer or Rich, so they can
  be used from a test, a script or a Python prompt without a terminal;
- ``render/`` never imports ``coprod_cli.store``: rendering is given text, never records;
- only ``cli/`` (and ``__main__``, which starts it) imports ``coprod_cli.cli``;
- no module is over 500 lines;
- every module starts with its docstring, on its first line.

Every import counts wherever it is: at the top, inside a function, or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coprod_cli"
DOMAIN = ("store", "sessions", "people", "evaluation", "grants", "toolkit", "handouts", "demo",
          "groups", "meetings", "votes", "panels", "involvement", "peer")
TERMINAL_LIBRARIES = ("typer", "rich")
MAX_LINES = 500


@dataclass(frozen=True)
class Module:
    path: Path
    name: str  # dotted: coprod_cli.store.bundles
    source: str
    tree: ast.Module

    @property
    def rel(self) -> str:
        return self.path.relative_to(PACKAGE.parent).as_posix()

    @property
    def package(self) -> str:
        """The dotted package relative imports start from."""
        return self.name if self.path.name == "__init__.py" else self.name.rpartition(".")[0]

    def imports(self) -> list[tuple[int, str]]:
        """(line, dotted module) for every import, relative ones made absolute. ``from a
        import b`` counts as ``a`` and as ``a.b`` (``b`` may be a module)."""
        found: list[tuple[int, str]] = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                found += [(node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = self.package.split(".")
                    parts = parts[:len(parts) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                found.append((node.lineno, base))
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        return found


def _modules() -> list[Module]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        source = path.read_text(encoding="utf-8")
        out.append(Module(path, ".".join(parts), source, ast.parse(source, str(path))))
    return out


MODULES = _modules()


def _is(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _where(module: Module) -> str:
    """``domain``, ``shared`` (a top-level module), ``render``, ``cli`` or ``main``."""
    parts = module.name.split(".")
    if len(parts) == 1:
        return "shared"  # coprod_cli/__init__.py
    if len(parts) == 2 and not (PACKAGE / parts[1]).is_dir():
        return "main" if parts[1] == "__main__" else "shared"
    return "domain" if parts[1] in DOMAIN else parts[1]


def test_the_rules_see_every_part_of_the_package() -> None:
    """A new package must be placed under a rule here, not slip past all of them."""
    places = {m.name: _where(m) for m in MODULES}
    assert set(places.values()) <= {"domain", "shared", "render", "cli", "main"}, places
    assert {m.name.split(".")[1] for m in MODULES if _where(m) == "domain"} == set(DOMAIN)
    assert "coprod_cli.escape" in places and places["coprod_cli.escape"] == "shared"


@pytest.mark.parametrize("module", [m for m in MODULES if _where(m) in ("domain", "shared")],
                         ids=lambda m: m.rel)
def test_domain_and_shared_modules_import_no_typer_or_rich(module: Module) -> None:
    bad = [f"{module.rel}:{line} imports {name}" for line, name in module.imports()
           if any(_is(name, lib) for lib in TERMINAL_LIBRARIES)]
    assert bad == [], "Terminal code belongs in coprod_cli/cli/: " + "; ".join(bad)


@pytest.mark.parametrize("module", [m for m in MODULES if _where(m) == "render"],
                         ids=lambda m: m.rel)
def test_render_never_touches_the_store(module: Module) -> None:
    bad = [f"{module.rel}:{line} imports {name}" for line, name in module.imports()
           if _is(name, "coprod_cli.store")]
    assert bad == [], "Rendering is given text, never records: " + "; ".join(bad)


@pytest.mark.parametrize("module", [m for m in MODULES if _where(m) not in ("cli", "main")],
                         ids=lambda m: m.rel)
def test_only_cli_imports_cli(module: Module) -> None:
    bad = [f"{module.rel}:{line} imports {name}" for line, name in module.imports()
           if _is(name, "coprod_cli.cli")]
    assert bad == [], "Only coprod_cli/cli/ may use the command layer: " + "; ".join(bad)


def test_no_module_is_over_500_lines() -> None:
    long = {m.rel: n for m in MODULES if (n := len(m.source.splitlines())) > MAX_LINES}
    assert long == {}, f"Split these by what they hold (limit {MAX_LINES} lines): {long}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.rel)
def test_every_module_starts_with_its_docstring(module: Module) -> None:
    first = module.source.splitlines()[0] if module.source else ""
    assert first.startswith('"""') and ast.get_docstring(module.tree), (
        f"{module.rel} must open with a docstring saying what it holds and why")


# -- the checker checks: each rule catches what it is there to catch ---------------------------
def _fake(name: str, source: str) -> Module:
    parts = name.split(".")
    path = PACKAGE.joinpath(*parts[1:]).with_suffix(".py")
    return Module(path, name, source, ast.parse(source))


def test_imports_are_found_wherever_they_are_and_relative_ones_resolved() -> None:
    module = _fake("coprod_cli.render.pdf", '"""x"""\nfrom typing import TYPE_CHECKING\n'
                   "if TYPE_CHECKING:\n    from rich.console import Console\n"
                   "def f():\n    from ..store import database\n    import typer.core\n"
                   "from . import blocks\n")
    names = [name for _, name in module.imports()]
    assert "rich.console" in names and "typer.core" in names
    assert "coprod_cli.store" in names and "coprod_cli.store.database" in names
    assert "coprod_cli.render.blocks" in names
    assert _where(module) == "render"
    assert _where(_fake("coprod_cli.safezip", '"""x"""')) == "shared"
    assert _where(_fake("coprod_cli.__main__", '"""x"""')) == "main"
    assert _where(_fake("coprod_cli.grants.scheme", '"""x"""')) == "domain"
    assert _is("coprod_cli.cli.context", "coprod_cli.cli")
    assert not _is("coprod_cli.client", "coprod_cli.cli")
