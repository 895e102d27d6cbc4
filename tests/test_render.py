"""The renderer: escaping, the handout Markdown lines, PDF and HTML output, safe writing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from coprod_cli.errors import CoprodError, NotFoundError, ValidationError
from coprod_cli.render import (
    STYLES,
    escape_markdown,
    render_document,
    render_pack,
    render_template,
)
from coprod_cli.render import markdown as md

NAME = "Siân Dŵr-Łukasz"
HOSTILE = [
    "[write 3]", "[ ] tick me", "[picture people] hi", "[pagebreak]", "[scale 1-5]",
    "[fill A | B]", "# heading", "- item", "+ item", "1. first", "2) second", "> quote",
    "    indented code", "```", "---", "===", "***", "*em* and **strong** and _u_",
    "`code`", "[a link](http://example.com)", "![img](x.png)", "<b>bold</b>",
    "</para>", "AT&T &amp; &nbsp;", "{{ 7*7 }}", "{% if x %}y{% endif %}", "| a | b |",
    "back\\slash", "<http://example.com>", "Dŵr ŷ Ŵ Ŷ ł ś ż Siobhán ğ ı ş ✓ ☐",
]


@pytest.fixture
def invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Every font any page uses, and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(str(path)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/FontDescriptor")
            embedded = bool(descendant and any(k in descendant.get_object() for k in
                                               ("/FontFile", "/FontFile2", "/FontFile3")))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


# -- escaping ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_user_text_is_one_literal_paragraph(text: str) -> None:
    blocks = md.parse(escape_markdown(text))
    assert len(blocks) == 1 and isinstance(blocks[0], md.Para), blocks
    assert md.plain_text(blocks[0].spans) == text.strip()
    assert not any(s.bold or s.em or s.code or s.href for s in blocks[0].spans)


def test_escaped_text_keeps_its_lines_inside_one_block() -> None:
    blocks = md.parse("[ ] " + escape_markdown("first line\n\n# second\n[write 9]"))
    assert len(blocks) == 1 and isinstance(blocks[0], md.Ticks)
    assert md.plain_text(blocks[0].items[0]) == "first line\n# second\n[write 9]"


@pytest.mark.parametrize("text", HOSTILE)
def test_one_line_escaping_is_literal_in_a_table_cell(text: str) -> None:
    cell = escape_markdown(text + "\n# x", one_line=True)
    (table,) = md.parse(f"| Said | Who |\n| --- | --- |\n| {cell} | me |")
    assert isinstance(table, md.Table) and len(table.rows) == 1, table
    assert md.plain_text(table.rows[0][0]) == " ".join((text + " # x").split())
    assert md.plain_text(table.rows[0][1]) == "me"


def test_escaping_keeps_a_heading_whole_and_makes_no_setext_heading() -> None:
    (heading,) = md.parse("# Our group: " + escape_markdown("Team #"))
    assert isinstance(heading, md.Heading) and md.plain_text(heading.spans) == "Our group: Team #"
    (para,) = md.parse("A line from the template\n" + escape_markdown("==="))
    assert isinstance(para, md.Para)
    assert md.plain_text(para.spans) == "A line from the template ==="


def test_csv_cells_never_run_as_formulas_and_numbers_stay_numbers() -> None:
    from coprod_cli.escape import csv_safe

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_safe(start + "1+1") == "'" + start + "1+1"
    assert csv_safe("ok") == "ok" and csv_safe(None) == "" and csv_safe(-3) == -3
    assert csv_safe(2.5) == 2.5 and csv_safe("a=b") == "a=b"


def test_escaped_labels_inside_scale_and_fill() -> None:
    label = escape_markdown("Not | at ] all")
    (scale,) = md.parse(f"[scale 1-2: {label} | Lots]")
    assert isinstance(scale, md.Scale) and scale.labels == ["Not | at ] all", "Lots"]
    (fill,) = md.parse(f"[fill {escape_markdown('Cost £ | [x]')}]")
    assert isinstance(fill, md.Fill) and fill.labels == ["Cost £ | [x]"]


# -- the handout lines -------------------------------------------------------------------

def test_handout_lines_parse() -> None:
    blocks = md.parse(
        "Question?\n[write 4]\n\n[ ] one\n[ ] **two**\n\n- [ ] three\n- [ ] four\n\n"
        "[scale 1-5: Not at all | A little | Some | Quite a lot | A lot]\n\n"
        "[scale 0-10: Not at all | Completely]\n\n[picture people] Meet people.\n"
        "A chat counts.\n\n[picture] Lined up.\n\n[fill Job | Who | By when]\n\n[pagebreak]\n"
        "\n    [write 2]\n")
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Para", "WriteBox", "Ticks", "Ticks", "Scale", "Scale", "Picture",
                     "Picture", "Fill", "PageBreak", "Code"]
    assert blocks[1].lines == 4
    assert [md.plain_text(i) for i in blocks[2].items] == ["one", "two"]
    assert blocks[2].items[1][0].bold
    assert blocks[5].label_for(0) == "Not at all" and blocks[5].label_for(5) == ""
    assert blocks[6].icon == "people" and len(blocks[6].lines) == 2
    assert blocks[7].icon is None
    assert blocks[8].labels == ["Job", "Who", "By when"]
    assert blocks[10].text == "[write 2]"  # indented: code, shown as typed


@pytest.mark.parametrize("source, words", [
    ("[scale 1-5: a | b | c]", "has 3 words"),
    ("[scale 1-30]", "2 to 11 points"),
    ("[write 50]", "1 to 20 lines"),
    ("[picture unicorn] hi", "no picture called 'unicorn'"),
])
def test_bad_handout_lines_are_clear_errors(source: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        md.parse(source)
    assert words in caught.value.message + (caught.value.hint or "")


def test_raw_html_is_text_in_pdf_and_html(tmp_path: Path) -> None:
    source = "# <i>Title</i>\n\n<script>alert(1)</script>\n\nA <b>b</b> &amp; </para>\n"
    pdf = render_document(source, out=tmp_path / "x.pdf", title="t")
    text = pdf_text(pdf)
    assert "<i>Title</i>" in text and "<script>alert(1)</script>" in text
    assert "A <b>b</b> & </para>" in text
    html = render_document(source, out=tmp_path / "x.html", fmt="html", title="t").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;b&lt;/b&gt; &amp; &lt;/para&gt;" in html


def test_easy_read_puts_each_sentence_on_its_own_line() -> None:
    lines = md.split_sentences(md.parse('One idea. 1. "Two ideas." Three!')[0].spans)
    assert [md.plain_text(line) for line in lines] == ["One idea.", '1. "Two ideas."', "Three!"]


# -- templates ---------------------------------------------------------------------------

def test_template_values_are_escaped_and_markdown_filter_is_trusted(tmp_path: Path) -> None:
    (tmp_path / "t.md.j2").write_text("# {{ title }}\n\n{{ body|markdown }}\n", "utf-8")
    out = render_template("t.md.j2", {"title": "**{{ x }}** [write 3]", "body": "**bold**"},
                          template_dirs=[tmp_path])
    blocks = md.parse(out)
    assert md.plain_text(blocks[0].spans) == "**{{ x }}** [write 3]"
    assert blocks[1].spans[0].bold


def test_unknown_variable_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.md.j2").write_text("# Hi\n\nLine two\n\n{{ nobody }}\n", "utf-8")
    with pytest.raises(ValidationError) as caught:
        render_template("bad.md.j2", {}, template_dirs=[tmp_path])
    assert "'bad.md.j2'" in caught.value.message and "line 5" in caught.value.message
    assert "nobody" in caught.value.message
    assert caught.value.problems[0].endswith("bad.md.j2:5: 'nobody' is undefined")


def test_syntax_error_and_missing_template(tmp_path: Path) -> None:
    (tmp_path / "syntax.md.j2").write_text("ok\n{% if %}\n", "utf-8")
    with pytest.raises(ValidationError, match="line 2"):
        render_template("syntax.md.j2", {}, template_dirs=[tmp_path])
    with pytest.raises(NotFoundError):
        render_template("missing.md.j2", {}, template_dirs=[tmp_path])


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    (tmp_path / "evil.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
                                         "utf-8")
    with pytest.raises(ValidationError, match="evil.md.j2"):
        render_template("evil.md.j2", {}, template_dirs=[tmp_path], sandboxed=True)


# -- PDF ---------------------------------------------------------------------------------

SAMPLE = f"""# Our group: {escape_markdown(NAME)}

Welcome. This is a short sentence. Here is **another** one.

{escape_markdown("A word with no spaces: " + "Llanfair" * 40)}

[write 2]

[ ] {escape_markdown(NAME)}
[ ] Maybe

[scale 1-5: Not at all | A little | Some | Quite a lot | A lot]

[picture people] Spend time with other people.
A chat counts.

[fill Job | Who]

| Name | Role |
| --- | --- |
| {escape_markdown(NAME)} | volunteer |
|  |  |

[pagebreak]

## Page two

- Dŵr ŷ Ŵ Ŷ ł ś ż Siobhán ğ ı ş ✓ ☐
"""


@pytest.mark.parametrize("style", STYLES)
def test_pdf_text_fonts_metadata_and_pages(tmp_path: Path, style: str) -> None:
    out = render_document(SAMPLE, out=tmp_path / "s.pdf", style=style, title="My title",
                          author="Dŵr Housing", subject="A test", lang="cy-GB")
    reader = PdfReader(str(out))
    text = pdf_text(out)
    assert NAME in text
    assert "Dŵr ŷ Ŵ Ŷ ł ś ż Siobhán ğ ı ş ✓ ☐" in text
    assert "Llanfair" * 3 in text.replace("\n", "")
    fonts = pdf_fonts(out)
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name for name in fonts), fonts
    assert {re.sub(r"^/[A-Z]{6}[+]", "/", f) for f in fonts} == {"/DejaVuSans",
                                                              "/DejaVuSans-Bold"}
    meta = reader.metadata
    assert (meta.title, meta.author, meta.subject) == ("My title", "Dŵr Housing", "A test")
    assert reader.trailer["/Root"]["/Lang"] == "cy-GB"
    assert len(reader.pages) >= 2
    assert "Page 1 of" in reader.pages[0].extract_text()


def test_very_long_word_wraps_inside_the_page(tmp_path: Path) -> None:
    word = "x" * 400
    out = render_document(escape_markdown(word), out=tmp_path / "w.pdf", title="t")
    lines = [line for line in pdf_text(out).splitlines() if "x" in line]
    assert len(lines) >= 4 and "".join(lines) == word


def test_pack_puts_each_document_on_new_pages_with_bookmarks(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = render_pack([("One", "# One\n\nHi"), ("Two", "# Two\n\n[pagebreak]\n\nMore"),
                       ("Three", "# Three")], out=tmp_path / "p.pdf", title="Pack",
                      progress=lambda done, total: seen.append((done, total)))
    reader = PdfReader(str(out))
    assert len(reader.pages) == 4
    texts = [p.extract_text() for p in reader.pages]
    assert "Page 1 of 1" in texts[0] and "Page 2 of 2" in texts[2] and "Page 1 of 1" in texts[3]
    assert [o.title for o in reader.outline] == ["One", "Two", "Three"]
    assert seen[-1] == (3, 3) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_invariant_output_is_byte_identical(tmp_path: Path, invariant: None) -> None:
    first = render_document(SAMPLE, out=tmp_path / "a.pdf", title="t").read_bytes()
    second = render_document(SAMPLE, out=tmp_path / "b.pdf", title="t").read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("style", STYLES)
def test_golden_text_and_structure_per_style(tmp_path: Path, style: str, invariant: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Normalised text, page count, page size and fonts: stable across ReportLab releases.

    Regenerate after an intended layout change with COPROD_UPDATE_GOLDEN=1.
    """
    import os

    out = render_document(SAMPLE, out=tmp_path / "g.pdf", style=style, title="Golden",
                          author="Org")
    reader = PdfReader(str(out))
    lines = [f"pages: {len(reader.pages)}",
             f"size: {[round(float(v)) for v in reader.pages[0].mediabox]}",
             f"fonts: {sorted(re.sub(r'^/[A-Z]{6}[+]', '', f) for f in pdf_fonts(out))}"]
    for number, page in enumerate(reader.pages, start=1):
        lines.append(f"--- page {number}")
        lines += [" ".join(line.split()) for line in page.extract_text().splitlines()
                  if line.strip()]
    actual = "\n".join(lines) + "\n"
    golden = GOLDEN / f"render-{style}.txt"
    if os.environ.get("COPROD_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")


def test_dyslexia_pages_are_cream_and_others_white(tmp_path: Path) -> None:
    cream = render_document("Hi", out=tmp_path / "d.pdf", style="dyslexia", title="t")
    white = render_document("Hi", out=tmp_path / "s.pdf", style="standard", title="t")
    content = PdfReader(str(cream)).pages[0].get_contents().get_data()
    assert b".992157 .964706 .890196 rg" in content  # #fdf6e3
    assert b".992157 .964706 .890196 rg" not in PdfReader(str(white)).pages[0] \
        .get_contents().get_data()


# -- HTML --------------------------------------------------------------------------------

def test_html_is_accessible_and_escaped(tmp_path: Path) -> None:
    out = render_pack([("One <b>", SAMPLE), ("Two", "# Two")], out=tmp_path / "p.html",
                      fmt="html", style="easy-read", title="Pack & co", author="Org",
                      subject="Subj", lang="cy-GB")
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="cy-GB">' in html
    assert "<title>Pack &amp; co</title>" in html and '<meta name="author" content="Org">' in html
    assert NAME in html and "One &lt;b&gt;" in html
    assert '<nav aria-label="Contents">' in html and html.count("<article") == 2
    assert '<textarea rows="2"' in html and 'type="checkbox"' in html
    assert html.count('type="radio"') == 5 and "<legend" in html
    assert 'aria-hidden="true"' in html and "<svg" in html
    assert '<th scope="col">Name</th>' in html
    assert "<p>Welcome.</p><p>This is a short sentence.</p>" in html.replace("\n", "")


def test_markdown_format_writes_the_source(tmp_path: Path) -> None:
    out = render_pack([("A", "# A"), ("B", "# B")], out=tmp_path / "p.md", fmt="md", title="t")
    assert out.read_text("utf-8") == "# A\n\n[pagebreak]\n\n# B\n"


# -- writing safely ----------------------------------------------------------------------

def test_unwritable_places_are_one_sentence_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(CoprodError) as caught:
        render_document("Hi", out=tmp_path / "missing" / "x.pdf", title="t")
    assert caught.value.message.endswith("does not exist.") and caught.value.hint
    with pytest.raises(CoprodError, match="is a folder"):
        render_document("Hi", out=tmp_path, title="t")
    assert not (tmp_path / "missing").exists()


def test_failure_while_writing_leaves_no_half_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(CoprodError, match="the disk is full"):
        render_document("Hi", out=tmp_path / "x.pdf", title="t")
    assert list(tmp_path.iterdir()) == []


def test_bad_markdown_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "old.pdf").write_bytes(b"old")
    with pytest.raises(ValidationError):
        render_document("[picture nope] hi", out=tmp_path / "old.pdf", title="t")
    assert (tmp_path / "old.pdf").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["old.pdf"]


def test_unknown_style_and_format_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(CoprodError, match="not a handout style"):
        render_document("Hi", out=tmp_path / "x.pdf", style="fancy", title="t")
    with pytest.raises(CoprodError, match="not an output format"):
        render_document("Hi", out=tmp_path / "x.doc", fmt="doc", title="t")


def test_fonts_ship_inside_the_package() -> None:
    from coprod_cli.render import fonts

    assert fonts.FONT_DIR.is_relative_to(Path(fonts.__file__).parent)
    for filename in fonts.FILES.values():
        assert (fonts.FONT_DIR / filename).stat().st_size > 500_000
    assert "Bitstream Vera" in (fonts.FONT_DIR / "LICENSE-DejaVu.txt").read_text("utf-8")


def test_every_idea_in_every_built_in_handout_has_a_picture() -> None:
    from coprod_cli import resources
    from coprod_cli.sessions.lint import ideas_without_pictures

    handouts = sorted((resources.templates_dir() / "handouts").glob("*.md.j2"))
    assert len(handouts) >= 10
    for path in handouts:
        assert ideas_without_pictures(path.read_text(encoding="utf-8")) == [], path.name


def test_session_check_warns_about_an_easy_read_idea_with_no_picture(cli, coprod_home,
                                                                     tmp_path) -> None:
    import shutil

    from coprod_cli import resources

    handouts = coprod_home / "templates" / "handouts"
    handouts.mkdir(parents=True)
    card = handouts / "five-ways-card.md.j2"
    shutil.copy(resources.templates_dir() / "handouts" / card.name, card)
    card.write_text(card.read_text(encoding="utf-8").replace(
        "[picture people] Spend time", "Spend time"), encoding="utf-8")
    session = tmp_path / "wellbeing-five-ways.yaml"
    shutil.copy(resources.sessions_dir() / session.name, session)
    result = cli("session", "check", str(session), code=None)
    assert "an easy-read idea with no picture" in result.text
    assert "five-ways-card.md.j2" in result.text


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        parts = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_writing_lines_reach_3_to_1_and_boxes_fit_handwriting(tmp_path: Path) -> None:
    from coprod_cli.render.styles import RULED, get_style

    assert _contrast(RULED, "#ffffff") >= 3 and _contrast(RULED, "#fdf6e3") >= 3
    out = render_document("Q\n\n[write 2]\n", out=tmp_path / "w.pdf", title="w")
    content = PdfReader(str(out)).pages[0].get_contents().get_data()
    assert b".431373 .505882 .596078 RG" in content  # the ruled line is drawn in RULED
    for name, at_least in (("standard", 10), ("dyslexia", 11), ("easy-read", 15),
                           ("large-print", 15)):
        assert get_style(name).write_line_mm >= at_least


def test_the_group_agreement_has_room_for_everyones_names() -> None:
    from coprod_cli import resources

    source = (resources.templates_dir() / "handouts" / "our-group-agreement.md.j2").read_text(
        encoding="utf-8")
    names = source.split("## We agree", 1)[1]
    lines = int(names.split("[write ", 1)[1].split("]", 1)[0])
    assert lines >= 4
