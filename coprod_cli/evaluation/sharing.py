"""Which report formats may leave the facilitator's machine, and which figures each gets.

The on-screen view is for the facilitator alone: every number, marked not for sharing. Every
other format can be saved, printed or sent on, so it gets the suppressed copy (small numbers
hidden). The rule lives here, not in one front end, so a web page or a meeting runner hides
exactly what the terminal hides. A format not listed as private is treated as shareable: a
new format added later hides small numbers until someone decides otherwise.
"""

from __future__ import annotations

from typing import Any

from coprod_cli.evaluation.suppression import suppress

#: Shown only on the facilitator's own screen, with every number.
PRIVATE_FORMATS: tuple[str, ...] = ("table",)
#: Written to a file or stdout to be shared: small numbers hidden.
SHAREABLE_FORMATS: tuple[str, ...] = ("md", "csv", "json", "pdf", "html")
#: How a private view is marked, at its top, wherever it is shown.
NOT_FOR_SHARING = "Not for sharing: this view shows small numbers."


def is_private(fmt: str) -> bool:
    return fmt in PRIVATE_FORMATS


def figures_for(report: dict[str, Any], fmt: str, threshold: int) -> dict[str, Any]:
    """The report a format may carry: all of it for a private view, else a suppressed copy
    (``threshold`` from the settings' small_number_threshold)."""
    return report if is_private(fmt) else suppress(report, threshold)


def shareable_formats_text() -> str:
    """``"md, csv, json, pdf or html"``: the shareable formats as a front end would list them."""
    *rest, last = SHAREABLE_FORMATS
    return f"{', '.join(rest)} or {last}" if rest else last
