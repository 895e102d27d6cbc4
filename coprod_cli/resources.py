"""Where the shipped content (sessions, templates, data) lives, in every kind of install.

A wheel carries the top-level ``sessions/``, ``templates/`` and ``data/`` folders inside the
package as ``coprod_cli/_resources/``. An editable install does not (hatchling's force-include
only applies to wheels), so there we fall back to the repository root next to the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_root() -> Path:
    """The folder holding ``sessions/``, ``templates/`` and ``data/`` for this install."""
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "sessions").is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def sessions_dir() -> Path:
    """Built-in session definitions."""
    return resource_root() / "sessions"


def templates_dir() -> Path:
    """Built-in Jinja2 templates (handouts, forms)."""
    return resource_root() / "templates"


def data_dir() -> Path:
    """Built-in data: evaluation forms, measures, the session JSON Schema."""
    return resource_root() / "data"
