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


# -- where the records folder must not be ---------------------------------------------------

#: Folder names sync tools create; a records folder anywhere inside one is synced.
SYNCED_FOLDERS = (("onedrive", "OneDrive"), ("dropbox", "Dropbox"),
                  ("google drive", "Google Drive"), ("googledrive", "Google Drive"),
                  ("my drive", "Google Drive"), ("sharepoint", "SharePoint"),
                  ("cloudstorage", "a cloud storage provider"), ("icloud drive", "iCloud Drive"))
#: File systems that are a network mount (Linux ``/proc/mounts`` names).
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "davfs",
              "fuse.sshfs", "fuse.rclone", "9p", "ncpfs", "glusterfs", "ceph", "fuse.s3fs"}
MOUNTS_FILE = Path("/proc/mounts")


def _synced_by(path: Path) -> str | None:
    for part in path.parts:
        name = part.casefold()
        for marker, tool in SYNCED_FOLDERS:
            if name == marker or name.startswith((marker + " -", marker + "-",
                                                  marker + " (", marker + ".")):
                return tool
    return None


def _network_mount(path: Path) -> str | None:
    if str(path).startswith(("\\\\", "//")):
        return "a network share"
    try:
        lines = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None  # no /proc (macOS, Windows): the folder names are still checked
    best: tuple[int, str] | None = None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = Path(fields[1].replace("\\040", " "))
        if (path == point or point in path.parents) and (
                best is None or len(point.parts) > best[0]):
            best = (len(point.parts), fields[2])
    if best is not None and best[1].casefold() in NETWORK_FS:
        return f"a network mount ({best[1]})"
    return None


def unsafe_location(home: Path) -> str | None:
    """Why the records folder is somewhere locks and renames are not safe, or None.

    File-based stores are known to corrupt inside synced folders (the sync tool copies
    files while they are being replaced and ignores locks) and on network mounts (locks and
    atomic renames are not reliable there)."""
    try:
        path = home.expanduser().resolve()
    except OSError:
        path = home.expanduser().absolute()
    tool = _synced_by(path)
    where = f"inside a {tool}-synced folder" if tool else None
    mount = _network_mount(path)
    where = where or (f"on {mount}" if mount else None)
    if where is None:
        return None
    return (f"The records folder {home} is {where}. Sync tools and network drives copy "
            "files while coprod is replacing them and do not honour its locks, so records "
            "can be lost or damaged there. Keep the records folder on this computer's own "
            "disk (--home or COPROD_HOME) and share records with 'coprod data export'.")
