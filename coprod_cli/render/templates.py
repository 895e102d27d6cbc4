"""The Jinja2 environment that fills handout templates in, producing Markdown.

Three rules keep templates safe with any user text:

- every ``{{ value }}`` is passed through ``escape_markdown`` on its way out (a ``finalize``
  hook, the Markdown equivalent of HTML autoescaping), so a name like ``*Jo* [write 3]`` prints
  as typed. A template that really means to insert Markdown marks it ``{{ text|markdown }}``;
- an unknown variable is an error (``StrictUndefined``) that names the template and line,
  never a silent blank on a printed form;
- templates a user wrote (their own sessions and templates folder) or a service contributed
  run in Jinja's immutable sandbox, so they cannot reach Python internals, and within the
  time, output and memory bounds of ``render.bounds``.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from coprod_cli.errors import NotFoundError, ValidationError
from coprod_cli.escape import escape_markdown


class MarkdownText(str):
    """Text that is already Markdown and must not be escaped again."""

    __slots__ = ()


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, MarkdownText):
        return value
    return escape_markdown(str(value))


def _as_markdown(value: Any) -> MarkdownText:
    return MarkdownText("" if value is None else str(value))


def _minutes(value: int) -> str:
    hours, mins = divmod(int(value), 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


def _clock(value: int) -> str:
    """Minutes from the start as ``0:05``, for a timetable."""
    hours, mins = divmod(int(value), 60)
    return f"{hours}:{mins:02d}"


_ENVIRONMENTS: dict[tuple[tuple[str, ...], bool], Any] = {}


def environment(template_dirs: list[Path], sandboxed: bool = False) -> Any:
    """A (cached) Jinja2 environment reading templates from ``template_dirs`` in order."""
    key = (tuple(str(d) for d in template_dirs), sandboxed)
    if key in _ENVIRONMENTS:
        return _ENVIRONMENTS[key]
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from coprod_cli.render.bounds import bounded_environment

    cls = bounded_environment(ImmutableSandboxedEnvironment) if sandboxed \
        else jinja2.Environment
    env = cls(loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
              undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
              finalize=_finalize, auto_reload=False)
    env.filters["markdown"] = _as_markdown
    env.filters["md_escape"] = escape_markdown
    env.filters["minutes"] = _minutes
    env.filters["clock"] = _clock
    if sandboxed:
        env.globals["range"] = getattr(cls, "watched_range")  # noqa: B009 - made at run time
    _ENVIRONMENTS[key] = env
    return env


def render_template(template: str, context: dict[str, Any], *, template_dirs: list[Path],
                    sandboxed: bool = False) -> str:
    """Fill in ``template`` (a path inside one of ``template_dirs``) and return Markdown.
    A sandboxed template (one that did not ship with coprod) is bounded in time, output
    and memory (``render.bounds``)."""
    if not sandboxed:
        return _render(template, context, template_dirs, sandboxed=False)
    from coprod_cli.render import bounds

    return bounds.run_bounded(template, lambda: _render(template, context, template_dirs,
                                                        sandboxed=True))


def _render(template: str, context: dict[str, Any], template_dirs: list[Path], *,
            sandboxed: bool) -> str:
    import jinja2
    from jinja2.exceptions import SecurityError

    env = environment(template_dirs, sandboxed)
    try:
        loaded = env.get_template(template)
    except jinja2.TemplateNotFound:
        raise NotFoundError(f"The template '{template}' was not found.",
                            hint="Looked in: " + ", ".join(str(d) for d in template_dirs)
                            + ".") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationError(
            f"The template '{template}' has a mistake on line {exc.lineno}: {exc.message}.",
            problems=[f"{exc.filename or template}:{exc.lineno}: {exc.message}"],
            hint="Check the {{ }} and {% %} on that line.") from None
    try:
        if not sandboxed:
            return str(loaded.render(**context))
        from coprod_cli.render.bounds import MAX_SECONDS, Deadline, collect

        deadline = type(env).deadline = Deadline(MAX_SECONDS)
        return collect(loaded.generate(**context), deadline)
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, loaded.filename)
        raise ValidationError(
            f"The template '{template}' uses something it was not given on line {line}: "
            f"{exc.message}.",
            problems=[f"{loaded.filename}:{line}: {exc.message}"],
            hint="Check the spelling of the name, or use it only inside "
                 "{% if name is defined %}.") from None
    except SecurityError as exc:
        line = _template_line(exc, loaded.filename)
        raise ValidationError(
            f"The template '{template}' tried something templates may not do, on line "
            f"{line}.", problems=[f"{loaded.filename}:{line}: {exc}"]) from None
    except jinja2.TemplateError as exc:
        line = _template_line(exc, loaded.filename)
        raise ValidationError(
            f"The template '{template}' could not be filled in (line {line}): {exc}.",
            problems=[f"{loaded.filename}:{line}: {exc}"]) from None


def _template_line(exc: BaseException, filename: str | None) -> int | str:
    """The template line an error happened on: Jinja rewrites tracebacks to point at it."""
    found: int | str = "?"
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if filename and frame.f_code.co_filename == filename:
            found = lineno
    return found
