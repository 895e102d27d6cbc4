"""The home folder and the user's settings.

Records live in one folder chosen, in order, by ``--home``, the ``COPROD_HOME`` environment
variable, or the platform's application-data folder. Settings are a small YAML file in that
folder; every setting has a default so the tool works without ``coprod init``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from coprod_cli.errors import ValidationError

APP_NAME = "coprod"
CONFIG_FILE = "config.yaml"

HandoutStyle = Literal["standard", "easy-read", "large-print", "dyslexia"]


class Settings(BaseModel):
    """What an organisation sets once: who it is and how cautious its reports are."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = ""
    service: str = ""
    grant_cap_pence: int = Field(default=15000, ge=100, le=10_000_000)
    #: The grants scheme's yearly budget (calendar year); None means no yearly limit. Funds
    #: raised and unspent money returned add to it.
    grant_budget_pence: int | None = Field(default=None, ge=0, le=100_000_000)
    #: How long a grant has to be spent, counted from its approval.
    grant_spend_months: int = Field(default=12, ge=1, le=60)
    small_number_threshold: int = Field(default=5, ge=1, le=100)
    #: Days without attending or facilitating after which a person is listed by
    #: 'coprod people review' (data minimisation: keep records no longer than needed).
    retention_days: int = Field(default=730, ge=1, le=36500)
    handout_style: HandoutStyle = "standard"
    backup_keep_days: int = Field(default=30, ge=1, le=3650)


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


def load_settings(home: Path) -> Settings:
    """Read settings, or the defaults when ``coprod init`` was never run."""
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

    from coprod_cli.fileutil import atomic_write_text

    ensure_home(home)
    text = (
        "# coprod settings. Edit here or run 'coprod init --force'.\n"
        + yaml.safe_dump(settings.model_dump(), sort_keys=False, allow_unicode=True)
    )
    path = home / CONFIG_FILE
    atomic_write_text(path, text)
    return path
