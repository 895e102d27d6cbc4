"""The home folder and the user's settings.

Records live in one folder chosen, in order, by ``--home``, the ``COPROD_HOME`` environment
variable, or the platform's application-data folder. Settings are a small YAML file in that
folder; every setting has a default so the tool works without ``coprod init``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_cli.errors import ValidationError

if TYPE_CHECKING:
    from coprod_cli.settings import Settings

APP_NAME = "coprod"
CONFIG_FILE = "config.yaml"


def __getattr__(name: str) -> object:
    """``config.Settings`` is loaded on first use: pydantic costs ~90 ms to import, and
    ``coprod --help`` should not pay for it."""
    if name in ("Settings", "HandoutStyle"):
        from coprod_cli import settings

        return getattr(settings, name)
    raise AttributeError(name)


def platform_home() -> Path:
    """The platform's usual place for an application's own data."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


def home_dir(override: Path | None = None) -> Path:
    """The folder holding this user's records, settings and own sessions."""
    if override is not None:
        return override.expanduser()
    env = os.environ.get("COPROD_HOME")
    if env:
        return Path(env).expanduser()
    return platform_home()


def ensure_home(home: Path) -> Path:
    """Create the home folder readable only by its owner (it holds personal data)."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def store_dir(home: Path) -> Path:
    return home / "store"


def user_sessions_dir(home: Path) -> Path:
    """Sessions the user wrote or adapted; they add to, and can override, the built-ins."""
    return home / "sessions"


def user_templates_dir(home: Path) -> Path:
    return home / "templates"


def toolkit_dir(home: Path) -> Path:
    """The organisation's living toolkit: sessions services contributed, added by the lead
    (``toolkit/sessions``, ``toolkit/templates``, ``toolkit/contributions.json``)."""
    return home / "toolkit"


def load_settings(home: Path) -> Settings:
    """Read settings, or the defaults when ``coprod init`` was never run."""
    from pydantic import ValidationError as PydanticValidationError

    from coprod_cli.settings import Settings

    path = home / CONFIG_FILE
    if not path.exists():
        return Settings()
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Settings.model_validate(raw)
    except (yaml.YAMLError, PydanticValidationError, TypeError) as exc:
        raise ValidationError(
            f"The settings file {path} could not be read.",
            problems=[str(exc)],
            hint="Fix it by hand, or run 'coprod init --force' to write it again.",
        ) from None


def save_settings(home: Path, settings: Settings) -> Path:
    """Write settings atomically, so a crash never leaves half a config file."""
    import yaml

    from coprod_cli.files import atomic_write_text

    ensure_home(home)
    text = (
        "# coprod settings. Edit here or run 'coprod init --force'.\n"
        + yaml.safe_dump(settings.model_dump(), sort_keys=False, allow_unicode=True)
    )
    path = home / CONFIG_FILE
    atomic_write_text(path, text)
    return path
