"""``coprod init``: write the settings file, guided or by flags."""

from __future__ import annotations

from typing import Annotated

import typer

from coprod_cli import config
from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import ask, ask_valid
from coprod_cli.errors import CoprodError, UsageError


def _pounds_to_pence(text: str) -> int:
    from decimal import Decimal, InvalidOperation

    cleaned = text.strip().lstrip("£").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CoprodError(f"'{text}' is not an amount of money, like 150 or £150.00.") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise CoprodError(f"'{text}' is not an amount of money, like 150 or £150.00.")
    return int(value * 100)


def _threshold(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise CoprodError("Please give a whole number from 1 to 100.")
    return int(text)


def init(
    organisation: Annotated[str | None, typer.Option(help="Your organisation's name.")] = None,
    service: Annotated[str | None, typer.Option(help="Your service or project.")] = None,
    grant_cap: Annotated[str | None, typer.Option(
        help="Most a small-grant application may ask for, e.g. 150.")] = None,
    small_numbers: Annotated[int | None, typer.Option(
        help="Hide counts from fewer than this many people in shared reports.")] = None,
    style: Annotated[str | None, typer.Option(
        help="Default handout style: standard, easy-read, large-print or dyslexia.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing settings.")] = False,
) -> None:
    """Set up coprod for your service (optional: everything has a sensible default).

    Asks for anything you do not give as an option.

    Example: coprod init --organisation "Beech House" --service "Recovery" --grant-cap 150
    """
    home = state().home
    path = home / config.CONFIG_FILE
    if path.exists() and not force:
        raise UsageError(f"Settings already exist at {path}.",
                         hint="Add --force to replace them.")
    from coprod_cli.settings import Settings

    defaults = Settings()
    org = organisation if organisation is not None else ask(
        "Organisation name", flag="--organisation", default="")
    svc = service if service is not None else ask("Service name", flag="--service", default="")
    cap = _pounds_to_pence(grant_cap) if grant_cap is not None else ask_valid(
        "Small-grant cap in pounds", _pounds_to_pence, flag="--grant-cap",
        default=f"{defaults.grant_cap_pence / 100:.2f}")
    threshold = small_numbers if small_numbers is not None else ask_valid(
        "Hide numbers from fewer than how many people", _threshold, flag="--small-numbers",
        default=str(defaults.small_number_threshold))
    chosen_style = style if style is not None else ask(
        "Handout style (standard, easy-read, large-print, dyslexia)", flag="--style",
        default=defaults.handout_style)
    try:
        settings = Settings.model_validate({
            "organisation": org, "service": svc, "grant_cap_pence": cap,
            "small_number_threshold": threshold, "handout_style": chosen_style})
    except ValueError as exc:
        raise UsageError("Those settings are not valid.", hint=str(exc).splitlines()[-1]
                         ) from None
    saved = config.save_settings(home, settings)
    state().console().print(f"Saved your settings to {saved}.", markup=False)
    warning = config.unsafe_location(home)
    if warning:
        state().console(stderr=True).print(f"Warning: {warning}", markup=False)
