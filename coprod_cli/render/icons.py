"""Simple pictures for easy read, drawn once as shapes and rendered to both PDF and SVG.

Easy read puts a picture on the left of each idea (Department of Health guidance). We draw
our own plain line pictures rather than ship clip-art with unclear licences: each is a list of
shapes in a 100 x 100 box (y grows downwards, as in SVG). The words beside a picture always
carry the meaning; the picture supports them, so HTML marks it ``aria-hidden``.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from coprod_cli.errors import ValidationError
from coprod_cli.render.styles import ACCENT, SOFT

Shape = tuple[Any, ...]
STROKE = 6.0


def _person(cx: float, top: float, size: float = 1.0) -> list[Shape]:
    r = 11 * size
    return [("circle", cx, top + r, r, "soft"),
            ("poly", [cx - 19 * size, top + 64 * size, cx - 17 * size, top + 40 * size,
                      cx, top + 29 * size, cx + 17 * size, top + 40 * size,
                      cx + 19 * size, top + 64 * size], True, "soft")]


def _arc(cx: float, cy: float, r: float, start: float, end: float, steps: int = 12
         ) -> list[float]:
    points: list[float] = []
    for i in range(steps + 1):
        a = math.radians(start + (end - start) * i / steps)
        points += [cx + r * math.cos(a), cy + r * math.sin(a)]
    return points


def _star() -> list[float]:
    points: list[float] = []
    for i in range(10):
        r = 42 if i % 2 == 0 else 18
        a = math.radians(-90 + 36 * i)
        points += [50 + r * math.cos(a), 54 + r * math.sin(a)]
    return points


ICONS: dict[str, list[Shape]] = {
    "people": _person(33, 18) + _person(67, 18),
    "group": _person(50, 10, 0.9) + _person(22, 30, 0.8) + _person(78, 30, 0.8),
    "walk": [("circle", 56, 14, 9, "soft"), ("line", 53, 25, 46, 56),
             ("poly", [32, 46, 50, 33, 66, 46], False, "none"),
             ("poly", [30, 88, 46, 56, 60, 70, 64, 90], False, "none")],
    "eye": [("poly", [8, 50, 30, 29, 50, 23, 70, 29, 92, 50, 70, 71, 50, 77, 30, 71], True,
             "none"), ("circle", 50, 50, 14, "accent")],
    "book": [("poly", [50, 28, 10, 20, 10, 78, 50, 86], True, "soft"),
             ("poly", [50, 28, 90, 20, 90, 78, 50, 86], True, "soft"),
             ("line", 20, 38, 40, 42), ("line", 20, 52, 40, 56), ("line", 60, 42, 80, 38),
             ("line", 60, 56, 80, 52)],
    "heart": [("circle", 34, 38, 18, "accent"), ("circle", 66, 38, 18, "accent"),
              ("poly", [17, 44, 83, 44, 50, 86], True, "accent")],
    "pencil": [("poly", [18, 84, 24, 64, 68, 20, 80, 32, 36, 76], True, "soft"),
               ("line", 60, 28, 72, 40)],
    "star": [("poly", _star(), True, "soft")],
    "speech": [("rect", 10, 14, 80, 54, 12, "soft"), ("poly", [30, 68, 24, 88, 48, 68], False,
                                                       "none"),
               ("line", 24, 34, 76, 34), ("line", 24, 50, 62, 50)],
    "calendar": [("rect", 14, 20, 72, 66, 6, "none"), ("line", 14, 38, 86, 38),
                 ("line", 32, 10, 32, 28), ("line", 68, 10, 68, 28),
                 ("rect", 26, 50, 14, 12, 2, "accent"), ("rect", 56, 64, 14, 12, 2, "soft")],
    "clock": [("circle", 50, 50, 38, "none"), ("line", 50, 50, 50, 26),
              ("line", 50, 50, 68, 60)],
    "phone": [("rect", 30, 8, 40, 84, 8, "none"), ("line", 42, 20, 58, 20),
              ("circle", 50, 78, 4, "accent")],
    "tick": [("poly", [18, 52, 42, 76, 84, 26], False, "none")],
    "question": [("circle", 50, 50, 40, "soft"), ("text", 50, 68, 52, "?")],
    "home": [("poly", [12, 50, 50, 16, 88, 50], False, "none"),
             ("rect", 24, 46, 52, 42, 0, "soft"), ("rect", 43, 62, 14, 26, 0, "accent")],
    "money": [("circle", 50, 50, 40, "soft"), ("text", 50, 67, 48, "£")],
    "smile": [("circle", 50, 50, 40, "soft"), ("circle", 36, 40, 5, "accent"),
              ("circle", 64, 40, 5, "accent"), ("poly", _arc(50, 52, 22, 20, 160), False,
                                                "none")],
    "shield": [("poly", [50, 8, 84, 20, 80, 58, 50, 92, 20, 58, 16, 20], True, "soft"),
               ("poly", [34, 50, 46, 62, 68, 38], False, "none")],
    "ladder": [("line", 30, 8, 30, 92), ("line", 70, 8, 70, 92), ("line", 30, 24, 70, 24),
               ("line", 30, 44, 70, 44), ("line", 30, 64, 70, 64), ("line", 30, 84, 70, 84)],
    "idea": [("circle", 50, 38, 26, "soft"), ("rect", 39, 66, 22, 20, 4, "none"),
             ("line", 39, 76, 61, 76)],
    "steps": [("poly", [10, 88, 10, 70, 36, 70, 36, 50, 62, 50, 62, 30, 88, 30, 88, 88], True,
               "soft")],
    # an open hand, palm out: four rounded fingers and a thumb, so it never reads as a glove
    "hand": [("rect", 28, 12, 10, 40, 5, "soft"), ("rect", 40, 6, 10, 46, 5, "soft"),
             ("rect", 52, 8, 10, 44, 5, "soft"), ("rect", 64, 16, 10, 36, 5, "soft"),
             ("poly", [74, 62, 86, 44, 92, 48, 82, 74], True, "soft"),
             ("poly", [28, 46, 74, 46, 82, 66, 70, 92, 36, 92, 28, 74], True, "soft")],
    "talk": [("rect", 6, 10, 54, 38, 10, "soft"), ("poly", [18, 48, 14, 62, 32, 48], False,
                                                    "none"),
             ("rect", 40, 44, 54, 36, 10, "accent"),
             ("poly", [82, 80, 86, 94, 70, 80], False, "none")],
    "listen": [("poly", _arc(52, 42, 28, 160, 400, 16) + [66, 80, 56, 90, 44, 86], False,
                "none"), ("poly", _arc(52, 42, 12, 180, 360, 8) + [58, 60], False, "none"),
               ("line", 12, 36, 4, 30), ("line", 12, 50, 2, 50), ("line", 12, 64, 4, 70)],
    "place": [("poly", [50, 94, 24, 52] + _arc(50, 38, 28, 150, 390, 14) + [76, 52], True,
               "soft"), ("circle", 50, 38, 10, "accent")],
    "feelings": [("circle", 28, 50, 22, "soft"), ("circle", 72, 50, 22, "soft"),
                 ("poly", _arc(28, 52, 11, 20, 160, 8), False, "none"),
                 ("poly", _arc(72, 66, 11, 200, 340, 8), False, "none"),
                 ("circle", 21, 44, 2.5, "accent"), ("circle", 35, 44, 2.5, "accent"),
                 ("circle", 65, 44, 2.5, "accent"), ("circle", 79, 44, 2.5, "accent")],
    "plan": [("rect", 20, 12, 60, 80, 6, "soft"), ("rect", 36, 6, 28, 12, 3, "accent"),
             ("poly", [30, 36, 35, 41, 42, 32], False, "none"), ("line", 50, 37, 70, 37),
             ("poly", [30, 56, 35, 61, 42, 52], False, "none"), ("line", 50, 57, 70, 57),
             ("line", 32, 77, 70, 77)],
    "help": [("circle", 50, 50, 40, "soft"), ("circle", 50, 50, 18, "none"),
             ("line", 50, 10, 50, 32), ("line", 50, 68, 50, 90), ("line", 10, 50, 32, 50),
             ("line", 68, 50, 90, 50)],
    "agree": [("circle", 50, 50, 40, "soft"), ("poly", [30, 52, 44, 66, 72, 36], False,
                                               "none")],
    "vote": [("rect", 14, 46, 72, 44, 4, "soft"), ("line", 34, 46, 66, 46),
             ("rect", 34, 8, 32, 44, 2, "none"),
             ("poly", [41, 28, 48, 35, 59, 20], False, "none")],
    "garden": [("line", 50, 92, 50, 50), ("poly", [50, 74, 30, 62, 26, 72, 50, 80], True,
                                          "soft"),
               ("circle", 50, 28, 10, "accent"), ("circle", 50, 10, 8, "soft"),
               ("circle", 68, 28, 8, "soft"), ("circle", 32, 28, 8, "soft"),
               ("circle", 50, 46, 8, "soft"), ("circle", 50, 28, 10, "accent")],
    "food": [("circle", 50, 54, 30, "soft"), ("circle", 50, 54, 16, "none"),
             ("line", 10, 20, 10, 90), ("line", 4, 20, 4, 40), ("line", 16, 20, 16, 40),
             ("line", 4, 40, 16, 40), ("line", 90, 20, 90, 90),
             ("poly", [90, 20, 82, 34, 90, 50], False, "none")],
    "travel": [("rect", 12, 16, 76, 62, 10, "soft"), ("rect", 20, 26, 26, 20, 3, "none"),
               ("rect", 54, 26, 26, 20, 3, "none"), ("line", 12, 60, 88, 60),
               ("circle", 30, 82, 8, "accent"), ("circle", 70, 82, 8, "accent")],
    "thanks": _person(50, 22) + [("circle", 20, 26, 6, "accent"),
                                 ("circle", 80, 26, 6, "accent"),
                                 ("poly", [50, 18, 44, 10, 50, 6, 56, 10], True, "accent")],
    "turn": _person(22, 30, 0.7) + _person(78, 30, 0.7) + [
        ("poly", _arc(50, 60, 26, 200, 340, 10), False, "none"),
        ("poly", [66, 40, 75, 50, 80, 38], False, "none")],
    "circle": [("circle", 50, 50, 44, "none"), ("circle", 50, 50, 30, "soft")]
    + _person(50, 30, 0.55) + [("circle", 50, 6, 5, "accent"), ("circle", 94, 50, 5, "accent"),
                                ("circle", 50, 94, 5, "accent"), ("circle", 6, 50, 5, "accent")],
    "free": [("circle", 50, 50, 40, "soft"), ("text", 50, 67, 48, "£"),
             ("line", 20, 80, 80, 20)],
    "lock": [("poly", _arc(50, 40, 20, 180, 360, 10), False, "none"),
             ("rect", 20, 40, 60, 48, 6, "soft"), ("circle", 50, 60, 6, "accent"),
             ("line", 50, 64, 50, 76)],
    "job": [("rect", 12, 30, 76, 56, 6, "soft"), ("rect", 36, 16, 28, 14, 4, "none"),
            ("line", 12, 54, 88, 54)],
    "fence": [("line", 10, 40, 10, 90), ("line", 28, 40, 28, 90), ("line", 72, 40, 72, 90),
              ("line", 90, 40, 90, 90), ("line", 4, 56, 34, 56), ("line", 66, 56, 96, 56),
              ("line", 4, 76, 34, 76), ("line", 66, 76, 96, 76),
              ("poly", [34, 50, 50, 30, 50, 90, 34, 90], True, "soft")],
    "no": _person(34, 20) + [("rect", 62, 20, 8, 24, 4, "soft"), ("rect", 72, 18, 8, 26, 4,
                                                                  "soft"),
                             ("rect", 58, 40, 26, 20, 6, "soft")],
    "step": [("poly", [10, 88, 10, 70, 36, 70, 36, 88], True, "accent"),
             ("poly", [36, 88, 36, 50, 62, 50, 62, 88], True, "soft"),
             ("poly", [62, 88, 62, 30, 88, 30, 88, 88], True, "soft")],
    "name": [("rect", 10, 24, 80, 56, 8, "soft"), ("line", 24, 46, 76, 46),
             ("line", 24, 62, 60, 62)],
    # a ball with a patch in the middle and seams out to the edge
    "ball": [("circle", 50, 50, 40, "soft"),
             ("poly", [50, 36, 63, 46, 58, 62, 42, 62, 37, 46], True, "accent"),
             ("line", 50, 36, 50, 10), ("line", 63, 46, 88, 38), ("line", 58, 62, 72, 84),
             ("line", 42, 62, 28, 84), ("line", 37, 46, 12, 38)],
    # two musical notes joined by a beam
    "music": [("circle", 30, 76, 12, "accent"), ("circle", 72, 66, 12, "accent"),
              ("line", 40, 76, 40, 20), ("line", 82, 66, 82, 12),
              ("poly", [40, 20, 82, 12, 82, 24, 40, 32], True, "soft")],
    # a watering can: a body, a handle over the back, a long spout with a rose, and drops
    "watering": [("poly", [14, 44, 58, 44, 62, 88, 10, 88], True, "soft"),
                 ("poly", _arc(30, 44, 16, 180, 360, 10), False, "none"),
                 ("line", 58, 60, 84, 30), ("rect", 80, 20, 14, 12, 3, "accent"),
                 ("circle", 86, 46, 3.5, "accent"), ("circle", 94, 54, 3.5, "accent"),
                 ("circle", 82, 60, 3.5, "accent")],
    # a garden trowel on a slant: a leaf-shaped blade, a short neck and a handle
    "trowel": [("poly", [10, 92, 16, 58, 44, 46, 56, 58, 44, 86], True, "soft"),
               ("line", 50, 52, 64, 38),
               ("poly", [62, 34, 82, 14, 92, 24, 72, 44], True, "accent")],
    # a basket of picked vegetables, for harvesting
    "basket": [("poly", [12, 50, 88, 50, 76, 88, 24, 88], True, "soft"),
               ("poly", _arc(50, 50, 30, 180, 360, 12), False, "none"),
               ("circle", 36, 44, 8, "accent"), ("circle", 52, 42, 8, "accent"),
               ("circle", 66, 45, 7, "accent")],
    # a broom, for tidying and sweeping: a long handle and a wide brush of bristles
    "broom": [("line", 84, 6, 46, 58),
              ("poly", [30, 52, 62, 66, 56, 94, 8, 80], True, "soft"),
              ("line", 20, 70, 14, 84), ("line", 32, 74, 28, 88), ("line", 44, 78, 42, 92)],
    # Meetings: the standing items of an agenda, and the red, yellow and green cards.
    "welcome": _person(40, 22) + [("line", 56, 50, 78, 26), ("circle", 80, 20, 8, "accent")],
    "apologies": [("rect", 10, 24, 80, 54, 4, "soft"), ("poly", [10, 24, 50, 56, 90, 24], False,
                                                          "none")],
    "declaration": _person(34, 24) + [("rect", 68, 12, 12, 46, 6, "accent"),
                                      ("circle", 74, 74, 7, "accent")],
    "minutes": [("rect", 20, 8, 60, 84, 6, "soft"), ("line", 32, 26, 68, 26),
                ("line", 32, 40, 68, 40), ("line", 32, 54, 56, 54),
                ("poly", [36, 72, 46, 82, 66, 62], False, "none")],
    "actions": [("rect", 10, 14, 24, 24, 4, "none"), ("poly", [15, 26, 21, 32, 30, 19], False,
                                                          "none"),
                ("line", 44, 26, 90, 26), ("rect", 10, 58, 24, 24, 4, "none"),
                ("line", 44, 70, 90, 70)],
    "other": [("rect", 10, 14, 80, 54, 12, "soft"), ("poly", [30, 68, 24, 88, 48, 68], False,
                                                      "none"),
              ("circle", 32, 41, 5, "accent"), ("circle", 50, 41, 5, "accent"),
              ("circle", 68, 41, 5, "accent")],
    "card-red": [("rect", 20, 6, 60, 88, 8, "red"), ("rect", 12, 36, 76, 28, 4, "white"),
                 ("text", 50, 59, 22, "STOP")],
    "card-yellow": [("rect", 20, 6, 60, 88, 8, "yellow"), ("rect", 12, 36, 76, 28, 4, "white"),
                    ("text", 50, 59, 22, "SLOW")],
    "card-green": [("rect", 20, 6, 60, 88, 8, "green"), ("rect", 12, 36, 76, 28, 4, "white"),
                   ("text", 50, 59, 24, "GO")],
    "disagree": [("circle", 50, 50, 40, "soft"), ("line", 22, 78, 78, 22)],
    # how to mark a ballot paper: an X in a box; or boxes numbered 1, 2, 3 (a ranked vote)
    "mark-x": [("rect", 14, 14, 72, 72, 8, "none"), ("line", 32, 32, 68, 68),
               ("line", 68, 32, 32, 68)],
    "mark-numbers": [("rect", 24, 3, 52, 29, 5, "none"), ("text", 50, 27, 27, "1"),
                     ("rect", 24, 36, 52, 29, 5, "none"), ("text", 50, 60, 27, "2"),
                     ("rect", 24, 69, 52, 29, 5, "none"), ("text", 50, 93, 27, "3")],
}

def face(mood: float) -> list[Shape]:
    """A face for a rating scale: ``mood`` 0 is sad, 0.5 straight, 1 happy (the mouth bends
    by degrees, so five faces read in order alongside their words)."""
    bend = (mood - 0.5) * 2  # -1 .. 1
    mouth: list[float] = []
    for i in range(9):
        x = 30 + 40 * i / 8
        mouth += [x, 64 + bend * 12 * (1 - ((x - 50) / 20) ** 2)]
    return [("circle", 50, 50, 40, "soft"), ("circle", 36, 40, 5, "accent"),
            ("circle", 64, 40, 5, "accent"), ("poly", mouth, False, "none")]


#: The meeting cards' colours; each card also carries its word, never colour alone.
_FILLS = {"none": None, "soft": SOFT, "accent": ACCENT, "white": "#ffffff", "red": "#c8332b",
          "yellow": "#f2c21b", "green": "#2e8b47"}


def check_icon(name: str) -> None:
    if name not in ICONS:
        raise ValidationError(f"There is no picture called '{name}'.",
                              hint="Pictures you can use: " + ", ".join(sorted(ICONS)) + ".")


def drawing(name: str, size: float, font: str, shapes: list[Shape] | None = None) -> Any:
    """A ReportLab ``Drawing`` of the picture, ``size`` points square (or of ``shapes``)."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
    from reportlab.lib.colors import HexColor

    if shapes is None:
        check_icon(name)
    k = size / 100.0
    ink = HexColor(ACCENT)
    d = Drawing(size, size, initialFontName=font)

    def y(v: float) -> float:
        return (100 - v) * k

    for shape in ICONS[name] if shapes is None else shapes:
        kind = shape[0]
        style: dict[str, Any] = {"strokeColor": ink, "strokeWidth": STROKE * k,
                                 "strokeLineCap": 1, "strokeLineJoin": 1}
        if kind == "circle":
            _, cx, cy, r, fill = shape
            d.add(Circle(cx * k, y(cy), r * k, fillColor=_colour(fill), **style))
        elif kind == "rect":
            _, x, top, w, h, rad, fill = shape
            d.add(Rect(x * k, y(top + h), w * k, h * k, rx=rad * k, ry=rad * k,
                       fillColor=_colour(fill), **style))
        elif kind == "line":
            _, x1, y1, x2, y2 = shape
            d.add(Line(x1 * k, y(y1), x2 * k, y(y2), **style))
        elif kind == "poly":
            _, pts, closed, fill = shape
            flat = [v * k if i % 2 == 0 else y(v) for i, v in enumerate(pts)]
            if closed:
                d.add(Polygon(flat, fillColor=_colour(fill), **style))
            else:
                d.add(PolyLine(flat, **style))
        elif kind == "text":
            _, x, base, fsize, text = shape
            d.add(String(x * k, y(base), text, fontName=font, fontSize=fsize * k,
                         fillColor=ink, textAnchor="middle"))
    return d


def _colour(fill: str) -> Any:
    from reportlab.lib.colors import HexColor

    value = _FILLS[fill]
    return HexColor(value) if value else None


def face_words(mood: float) -> str:
    """What a face on a rating scale shows, in words: its text alternative."""
    words = ("very sad", "sad", "straight", "happy", "very happy")
    return words[round(mood * (len(words) - 1))] + " face"


def svg(name: str, size_mm: float, shapes: list[Shape] | None = None, alt: str = "") -> str:
    """The same picture as inline SVG (or ``shapes``, a face on a scale). Without ``alt`` it
    is hidden from screen readers (the words beside it carry it); with ``alt`` it is an image
    with that text alternative."""
    if shapes is None:
        check_icon(name)
    label = (f'role="img" aria-label="{escape(alt)}"' if alt
             else 'aria-hidden="true"')
    parts = [f'<svg class="picture" width="{size_mm}mm" height="{size_mm}mm" '
             f'viewBox="0 0 100 100" {label} focusable="false">',
             *([f"<title>{escape(alt)}</title>"] if alt else []),
             f'<g stroke="{ACCENT}" stroke-width="{STROKE}" stroke-linecap="round" '
             'stroke-linejoin="round">']
    for shape in ICONS[name] if shapes is None else shapes:
        kind = shape[0]
        if kind == "circle":
            _, cx, cy, r, fill = shape
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{_svg_fill(fill)}"/>')
        elif kind == "rect":
            _, x, top, w, h, rad, fill = shape
            parts.append(f'<rect x="{x}" y="{top}" width="{w}" height="{h}" rx="{rad}" '
                         f'fill="{_svg_fill(fill)}"/>')
        elif kind == "line":
            _, x1, y1, x2, y2 = shape
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
        elif kind == "poly":
            _, pts, closed, fill = shape
            coords = " ".join(f"{pts[i]:.1f},{pts[i + 1]:.1f}" for i in range(0, len(pts), 2))
            tag = "polygon" if closed else "polyline"
            parts.append(f'<{tag} points="{coords}" fill="{_svg_fill(fill)}"/>')
        elif kind == "text":
            _, x, base, fsize, text = shape
            parts.append(f'<text x="{x}" y="{base}" font-size="{fsize}" text-anchor="middle" '
                         f'fill="{ACCENT}" stroke="none">{escape(text)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def _svg_fill(fill: str) -> str:
    return _FILLS[fill] or "none"
