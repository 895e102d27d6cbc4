"""Repeated documents in a PDF pack: laid out once, every copy drawn from Form XObjects.

Each test builds the same pack twice, once as coprod does and once with every part laid out
on its own (``repeatable`` answering no), and reads both back with pypdf: every page must
say the same words in the same places and draw the same lines, the copies by way of forms.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from coprod_cli.render import STYLES, render_pack, render_parts
from coprod_cli.render import markdown as md
from coprod_cli.render.pdf import repeatable
from tests.page_ends import bad_page_ends, page_lines

FORM = """# How was today?

Thank you for coming. Dŵr & <Co> asked us.

1\\. Did you enjoy today?

[scale 1-5: Not at all | A little | Some | Quite a lot | A lot]

[picture people] Spend time with other people.

[pagebreak]

## What went well?

[write 3]

[ ] Yes
[ ] No
"""
OTHER = "# Sign-in sheet\n\n| Name | Signed |\n| --- | --- |\n| Jo |  |\n"


@pytest.fixture
def invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)


def drawn(page: Any, reader: PdfReader) -> list[tuple[bytes, list[str]]]:
    """A page's drawing operations with any Form XObject it uses written out in place (an
    identity ``cm``, as a form's own preamble starts, changes nothing and is left out)."""
    ops: list[tuple[bytes, list[str]]] = []

    def walk(contents: Any, resources: Any) -> None:
        for operands, op in ContentStream(contents, reader).operations:
            if op == b"Do":
                form = resources["/XObject"][operands[0]].get_object()
                assert form["/Subtype"] == "/Form"
                walk(form, form["/Resources"])
            elif not (op == b"cm" and [float(v) for v in operands] == [1, 0, 0, 1, 0, 0]):
                ops.append((op, [str(v) for v in operands]))

    walk(page.get_contents(), page["/Resources"])
    return ops


def forms_used(page: Any) -> list[str]:
    xobjects = page["/Resources"].get("/XObject") or {}
    return sorted(name for name, ref in xobjects.items()
                  if ref.get_object()["/Subtype"] == "/Form")


def laid_out_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coprod_cli.render.pdf.repeatable", lambda blocks: False)


def same_pages(ours: Path, reference: Path) -> None:
    a, b = PdfReader(str(ours)), PdfReader(str(reference))
    assert len(a.pages) == len(b.pages)
    for number, (page, other) in enumerate(zip(a.pages, b.pages, strict=True), start=1):
        assert page.extract_text() == other.extract_text(), f"page {number}"
        assert page_lines(page) == page_lines(other), f"page {number}"
        assert drawn(page, a) == drawn(other, b), f"page {number}"
    assert [(o.title, a.get_destination_page_number(o)) for o in a.outline] == \
        [(o.title, b.get_destination_page_number(o)) for o in b.outline]


def test_copies_read_and_draw_as_if_each_were_laid_out(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [("Form 1", FORM), ("Sign-in", OTHER), ("Form 2", FORM), ("Form 3", FORM)]
    ours = render_pack(documents, out=tmp_path / "ours.pdf", title="Pack")
    with monkeypatch.context() as patch:
        laid_out_each_time(patch)
        reference = render_pack(documents, out=tmp_path / "ref.pdf", title="Pack")
    same_pages(ours, reference)
    reader = PdfReader(str(ours))
    # two pages a form: each form page is one XObject, used by that page of every copy
    assert [forms_used(p) for p in reader.pages] == [["/FormXob.coprodPart0Page1"],
                                                     ["/FormXob.coprodPart0Page2"], [],
                                                     *[["/FormXob.coprodPart0Page1"],
                                                       ["/FormXob.coprodPart0Page2"]] * 2]
    texts = [p.extract_text() for p in reader.pages]
    assert "Page 1 of 2" in texts[5] and "Page 2 of 2" in texts[6]
    assert "Dŵr & <Co> asked us." in texts[5]
    # each part's bookmark is on the page it starts on
    assert [(o.title, reader.get_destination_page_number(o)) for o in reader.outline] == [
        ("Form 1", 0), ("Sign-in", 2), ("Form 2", 3), ("Form 3", 5)]
    assert ours.stat().st_size < reference.stat().st_size


def test_a_copy_in_another_style_is_laid_out_in_that_style(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    parts = [(f"Form {n}", FORM, style) for n, style in
             enumerate(["easy-read", "dyslexia", "easy-read", "dyslexia"], start=1)]
    ours = render_parts(parts, out=tmp_path / "ours.pdf", title="Pack")
    with monkeypatch.context() as patch:
        laid_out_each_time(patch)
        reference = render_parts(parts, out=tmp_path / "ref.pdf", title="Pack")
    same_pages(ours, reference)
    used = [forms_used(p) for p in PdfReader(str(ours)).pages]
    pages = len(used) // 4
    assert used[:pages] == used[2 * pages:3 * pages] != used[pages:2 * pages]
    assert used[pages:2 * pages] == used[3 * pages:]


def test_running_numbers_count_the_copies(tmp_path: Path) -> None:
    out = render_pack([("A", FORM), ("B", FORM), ("C", OTHER)], out=tmp_path / "book.pdf",
                      title="Book", running_numbers=True)
    texts = [p.extract_text() for p in PdfReader(str(out)).pages]
    assert [f"Page {n} of 5" in t for n, t in enumerate(texts, start=1)] == [True] * 5


def test_a_document_with_a_link_is_laid_out_for_every_copy(tmp_path: Path) -> None:
    linked = FORM + "\nMore at [our site](https://example.org/help).\n"
    assert not repeatable(md.parse(linked)) and repeatable(md.parse(FORM))
    out = render_pack([("One", linked), ("Two", linked)], out=tmp_path / "l.pdf", title="t")
    reader = PdfReader(str(out))
    assert all(forms_used(p) == [] for p in reader.pages)
    links = [[a.get_object()["/A"]["/URI"] for a in p.get("/Annots") or []]
             for p in reader.pages]
    assert links[1] == links[3] == ["https://example.org/help"]


def test_copies_are_byte_identical_build_to_build(tmp_path: Path, invariant: None) -> None:
    documents = [("One", FORM), ("Two", FORM), ("Three", OTHER), ("Four", FORM)]
    first = render_pack(documents, out=tmp_path / "a.pdf", title="t").read_bytes()
    second = render_pack(documents, out=tmp_path / "b.pdf", title="t").read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


@pytest.mark.parametrize("style", STYLES)
def test_a_pack_of_forms_reads_as_each_form_laid_out(cli, tmp_path: Path, style: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ours, reference = tmp_path / "ours.pdf", tmp_path / "ref.pdf"
    command = ("handouts", "print", "wellbeing-five-ways", "--style", style, "--copies", "3")
    cli(*command, "--out", str(ours))
    with monkeypatch.context() as patch:
        laid_out_each_time(patch)
        cli(*command, "--out", str(reference))
    same_pages(ours, reference)
    assert bad_page_ends(ours) == []
    reader = PdfReader(str(ours))
    assert [o.title for o in reader.outline][-3:] == [f"Peer evaluation form ({n} of 3)"
                                                      for n in (1, 2, 3)]
    assert any(forms_used(p) for p in reader.pages)
