"""What every command shares for one invocation: the home folder, flags, consoles, the store.

Commands reach for ``state()`` instead of threading these through every function, and the
root callback resets it on every invocation so tests that call the app many times in one
process never see a previous run's home folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli import config

if TYPE_CHECKING:
    from rich.console import Console

    from coprod_cli.sessions.catalogue import Catalogue
    from coprod_cli.sessions.library import Library
    from coprod_cli.settings import Settings
    from coprod_cli.store.database import Store


@dataclass
class AppState:
    home: Path
    debug: bool = False
    plain: bool = False
    _store: Store | None = field(default=None, repr=False)
    _library: Library | None = field(default=None, repr=False)
    _settings: Settings | None = field(default=None, repr=False)

    def store(self, *, for_restore: bool = False) -> Store:
        """The records, opened on first use (commands that only read sessions never open it).
        ``for_restore``: a damaged meta.json does not stop ``data restore`` replacing them."""
        if self._store is None:
            from coprod_cli.store.database import Store

            config.ensure_home(self.home)
            timeout = float(os.environ.get("COPROD_LOCK_TIMEOUT", "5"))
            # Old backups are pruned when the store makes a new daily one, not on opening;
            # the setting is read then, so a command that only reads never loads settings.
            self._store = Store.open(config.store_dir(self.home), lock_timeout=timeout,
                                     backup_keep_days=lambda: self.settings().backup_keep_days,
                                     migrate=not for_restore)
            self._store.audit_command = _command_path()
        return self._store

    def _session_folders(self) -> tuple[Path, Path, Path]:
        """Where sessions are read from: built-in, the toolkit's, the user's own."""
        from coprod_cli import resources

        return (resources.sessions_dir(), config.toolkit_dir(self.home) / "sessions",
                config.user_sessions_dir(self.home))

    def library(self) -> Library:
        if self._library is None:
            from coprod_cli import resources
            from coprod_cli.sessions.library import Library

            builtin, toolkit, user = self._session_folders()
            self._library = Library(
                builtin, user, [config.user_templates_dir(self.home),
                                config.toolkit_dir(self.home) / "templates",
                                resources.templates_dir()], toolkit_dir=toolkit)
        return self._library

    def catalogue(self) -> Catalogue:
        """What ``session list`` shows, kept under the home's cache (when there is a home)
        so a list need not load and check every session file each time."""
        from coprod_cli.sessions import catalogue

        keep_in = self.home / "cache" if self.home.is_dir() else None
        return catalogue.load(self._session_folders(), self.library, keep_in)

    def data_folders(self) -> list[Path]:
        """Where forms, measures and conversions are looked for: the user's (``data/`` in the
        records folder, or the records folder itself), then built-in."""
        from coprod_cli import resources

        return [self.home / "data", self.home, resources.data_dir()]

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = config.load_settings(self.home)
        return self._settings

    def console(self, stderr: bool = False) -> Console:
        """A Rich console honouring ``--plain`` and ``NO_COLOR`` (Rich reads it itself)."""
        console: Console = _safe_console()(
            stderr=stderr, highlight=False, emoji=False, no_color=self.plain or None,
            force_terminal=False if self.plain else None,
            soft_wrap=self.plain or not _stdout_is_terminal())
        return console

    def show_text(self, text: str) -> None:
        """Print a finished document (CSV, Markdown, JSON) as it is, except that stored text
        must not act on the terminal: the same sanitiser the consoles apply, without Rich's
        wrapping, so a copy-paste from the screen is the document itself."""
        import typer

        from coprod_cli.escape import terminal_safe

        typer.echo(terminal_safe(text), nl=False)


_SAFE_CONSOLE: Any = None


def _safe_console() -> Any:
    """A Rich ``Console`` whose every piece of text passes :func:`escape.terminal_safe`.

    Rich drops BEL, CR and BS but prints ESC as it is, so a service name or a credit from a
    bundle could retitle the window or draw a fake prompt. Plain strings are cleaned before
    Rich measures them, and every rendered segment of anything else (tables, panels, Text)
    is cleaned again on its way out; Rich's own colours are added after this, from styles,
    so they are untouched.
    """
    global _SAFE_CONSOLE
    if _SAFE_CONSOLE is None:
        from rich.console import Console
        from rich.segment import Segment

        from coprod_cli.escape import terminal_safe

        class SafeConsole(Console):
            def print(self, *objects: Any, **kwargs: Any) -> None:
                super().print(*(terminal_safe(o) if isinstance(o, str) else o
                                for o in objects), **kwargs)

            def render_str(self, text: str, *args: Any, **kwargs: Any) -> Any:
                return super().render_str(terminal_safe(text), *args, **kwargs)

            def render(self, renderable: Any, options: Any = None) -> Any:
                for segment in super().render(renderable, options):
                    if segment.control or not segment.text:
                        yield segment
                    else:
                        yield Segment(terminal_safe(segment.text), segment.style)

        _SAFE_CONSOLE = SafeConsole
    return _SAFE_CONSOLE


_STATE = AppState(home=config.home_dir())


def reset(home: Path | None, debug: bool, plain: bool) -> AppState:
    global _STATE
    debug = debug or os.environ.get("COPROD_DEBUG", "") not in ("", "0")
    _STATE = AppState(home=config.home_dir(home), debug=debug, plain=plain)
    return _STATE


def state() -> AppState:
    return _STATE


#: The contexts of the command groups being run, outermost first, kept by
#: ``CoprodGroup.invoke``. Typer has no public way to ask for the current context, and only
#: the public attributes (``command_path``, ``invoked_subcommand``) are read.
GROUPS: list[Any] = []


def _command_path() -> str:
    """The words of the command being run ("people add"), never its arguments or values."""
    if not GROUPS:
        return "coprod"
    group = GROUPS[-1]  # the innermost group: its path, then the command it is running
    words = [*group.command_path.split()[1:], group.invoked_subcommand or ""]
    return " ".join(word for word in words if word) or "coprod"


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
