"""``coprod handouts``: packs for every session, pre-filled sheets, per-person formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from coprod_cli import resources
from coprod_cli.handouts import pack as handouts
from coprod_cli.sessions.library import Library
from coprod_cli.store.database import Store

NAME = "Siân Dŵr-Łukasz"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def library() -> Library:
    return Library(resources.sessions_dir(), None, [resources.templates_dir()])


def test_list_shows_every_part_with_its_id(cli) -> None:
    text = cli("handouts", "list", "relationships-trust").text
    for expected in ("plan: Facilitator's plan", "support-circle: My support circle",
                     "saying-no-kindly: Ways to say no kindly", "sign-in: Sign-in sheet",
                     "evaluation: Peer evaluation form"):
        assert expected in text
    assert '"id": "sign-in"' in cli("handouts", "list", "relationships-trust", "--format",
                                     "json").text


@pytest.mark.parametrize("loaded", library().all(), ids=lambda s: s.id)
def test_every_built_in_session_makes_a_pack_in_every_style(loaded, tmp_path: Path) -> None:
    from coprod_cli.render import STYLES, render_parts
    from coprod_cli.sessions.forms import load_form

    form = load_form("peer-evaluation", [resources.data_dir()])
    for style in STYLES:
        request = handouts.PackRequest(loaded=loaded, organisation="Dŵr & <Co>",
                                       date="2026-11-23", style=style, copies=1)
        docs = handouts.build_documents(request, template_dirs=[resources.templates_dir()],
                                        user_template_dir=None, form=form)
        assert [d.kind for d in docs] == ["plan", *["handout"] * len(loaded.session.handouts),
                                          "sign-in", "evaluation"]
        out = render_parts([(d.title, d.markdown, d.style) for d in docs],
                           out=tmp_path / f"{style}.pdf", title="t")
        text = " ".join(pdf_text(out).split())
        assert f"Facilitator's plan: {loaded.session.title}" in text
        assert "Monday 23 November 2026" in text and "Dŵr & <Co>" in text
        for step in loaded.session.steps:
            assert step.title in text
        for handout in loaded.session.handouts:
            assert "____" not in next(d.markdown for d in docs if d.title == handout.title)


def test_print_with_attendee_fills_the_sign_in_sheet(cli, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    result = cli("handouts", "print", "wellbeing-five-ways", "--attendee", NAME,
                 "--attendee", "Jo", "--out", str(out), "--date", "2026-11-23")
    assert result.text.strip() == (f"Saved the facilitator's plan, 1 handout, the sign-in "
                                   f"sheet and 2 peer-evaluation forms to {out}.")
    reader = PdfReader(str(out))
    text = pdf_text(out)
    assert NAME in text and "Monday 23 November 2026" in text
    assert text.count("Peer evaluation") >= 2
    assert [o.title for o in reader.outline][-2:] == ["Peer evaluation form (1 of 2)",
                                                      "Peer evaluation form (2 of 2)"]
    assert reader.metadata.title == "Five ways to wellbeing: handouts"


def test_only_one_part_and_unknown_part(cli, tmp_path: Path) -> None:
    out = tmp_path / "signin.pdf"
    cli("handouts", "print", "getting-started-together", "--only", "sign-in", "--out",
        str(out))
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    assert "Sign-in sheet: Getting started together" in reader.pages[0].extract_text()
    result = cli("handouts", "print", "getting-started-together", "--only", "agenda", code=2)
    assert "Error: This session's pack has nothing called 'agenda'." in result.text
    assert "plan, what-is-coproduction, our-group-agreement, sign-in, evaluation" in result.text


def test_default_name_copies_and_formats(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cli("handouts", "print", "self-esteem-strengths", "--copies", "3", "--format", "md")
    text = (tmp_path / "self-esteem-strengths-handouts.md").read_text("utf-8")
    # 6 breaks between the 7 documents, and 1 after the plan's one-page run sheet
    assert text.count("# Peer evaluation") == 3 and text.count("[pagebreak]") == 7
    assert "[ ] Kind" in text and "[scale 1-5: Not at all | A little" in text
    cli("handouts", "print", "self-esteem-strengths", "--only", "strengths-list", "--format",
        "html", "--out", str(tmp_path))
    html = (tmp_path / "self-esteem-strengths-strengths-list.html").read_text("utf-8")
    assert '<html lang="en-GB">' in html and html.count('type="checkbox"') == 22


def test_default_style_comes_from_settings(cli, coprod_home: Path, tmp_path: Path,
                                           monkeypatch) -> None:
    coprod_home.mkdir(parents=True, exist_ok=True)
    (coprod_home / "config.yaml").write_text("organisation: Dŵr Housing\n"
                                             "handout_style: large-print\n", "utf-8")
    seen = {}

    def fake(parts, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen["styles"] = {style for _, _, style in parts}
        seen.update(kwargs)
        return kwargs["out"]

    monkeypatch.setattr("coprod_cli.render.render_parts", fake)
    cli("handouts", "print", "wellbeing-five-ways", "--out", str(tmp_path / "x.pdf"))
    assert seen["styles"] == {"large-print"} and seen["author"] == "Dŵr Housing"
    cli("handouts", "print", "wellbeing-five-ways", "--style", "dyslexia", "--out",
        str(tmp_path / "x.pdf"))
    assert seen["styles"] == {"dyslexia"}
    result = cli("handouts", "print", "wellbeing-five-ways", "--style", "fancy", code=2)
    assert "Error: 'fancy' is not a handout style." in result.text


def _run_with_people(home: Path) -> str:
    from coprod_cli.people import register as people
    from coprod_cli.sessions.runner import RunEngine

    store = Store.open(home / "store")
    session = library().get("wellbeing-five-ways").session
    lead = people.add_person(store, "Sam", "staff")
    ceri = people.add_person(store, "Ceri", "person-using-services", prefers=["large-print"])
    dwr = people.add_person(store, NAME, "volunteer", prefers=["easy-read"])
    bo = people.add_person(store, "<b>Bo</b> & </para>", "carer")
    engine = RunEngine.start(store, session)
    engine.add_facilitator(lead, "lead")
    engine.add_facilitator(ceri, "co-facilitator")
    for person in (dwr, bo):
        engine.add_attendee(person)
    return engine.id


def test_run_pre_fills_names_date_and_facilitators(cli, coprod_home: Path,
                                                   tmp_path: Path) -> None:
    run_id = _run_with_people(coprod_home)
    out = tmp_path / "run.pdf"
    result = cli("handouts", "print", "wellbeing-five-ways", "--run", run_id, "--out",
                 str(out))
    assert "2 peer-evaluation forms" in result.text
    text = pdf_text(out)
    assert NAME in text and "<b>Bo</b> & </para>" in text
    assert "Facilitators: Sam (lead facilitator), Ceri (co-facilitator)" in text
    wrong = cli("handouts", "print", "relationships-trust", "--run", run_id, code=2)
    assert "was a run of 'wellbeing-five-ways'" in wrong.text


def test_per_person_prints_each_copy_in_its_format(cli, coprod_home: Path, tmp_path: Path,
                                                   monkeypatch) -> None:
    run_id = _run_with_people(coprod_home)
    seen = {}

    def fake(parts, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen["parts"] = [(title, style) for title, _, style in parts]
        seen["markdown"] = {title: text for title, text, _ in parts}
        return kwargs["out"]

    monkeypatch.setattr("coprod_cli.render.render_parts", fake)
    cli("handouts", "print", "wellbeing-five-ways", "--run", run_id, "--per-person",
        "--out", str(tmp_path / "p.pdf"))
    assert seen["parts"] == [
        ("Facilitator's plan", "standard"), ("Sign-in sheet", "standard"),
        (f"Five ways to wellbeing card: {NAME}", "easy-read"),
        (f"Peer evaluation form: {NAME}", "easy-read"),
        ("Five ways to wellbeing card: <b>Bo</b> & </para>", "standard"),
        ("Peer evaluation form: <b>Bo</b> & </para>", "standard")]
    card = seen["markdown"][f"Five ways to wellbeing card: {NAME}"]
    assert card.startswith(f"# Five ways to wellbeing\n\n**This copy is for:** {NAME}\n")
    form = seen["markdown"][f"Peer evaluation form: {NAME}"]
    assert NAME not in form  # forms stay anonymous
    assert "[picture smile] **Did you enjoy today?**" in form
    result = cli("handouts", "print", "wellbeing-five-ways", "--per-person", code=2)
    assert "--per-person needs to know who is coming." in result.text


def test_per_person_really_renders_mixed_styles(cli, coprod_home: Path,
                                                tmp_path: Path) -> None:
    run_id = _run_with_people(coprod_home)
    out = tmp_path / "mixed.pdf"
    cli("handouts", "print", "wellbeing-five-ways", "--run", run_id, "--per-person", "--only",
        "five-ways-card", "--out", str(out))
    text = pdf_text(out)
    assert f"This copy is for: {NAME}" in text and "This copy is for: <b>Bo</b>" in text


def test_copies_share_one_filled_in_text_per_style(monkeypatch) -> None:
    """Ninety forms are one template filled in once per style: the same text each time,
    the text a pack of one form gets, and each style's own."""
    from coprod_cli.render import templates
    from coprod_cli.sessions.forms import load_form

    filled: list[str] = []
    real = templates.render_template

    def counting(template, context, **kwargs):  # noqa: ANN001, ANN003, ANN202
        filled.append(template)
        return real(template, context, **kwargs)

    monkeypatch.setattr(templates, "render_template", counting)
    monkeypatch.setattr("coprod_cli.render.render_template", counting)
    loaded = library().get("wellbeing-five-ways")
    form = load_form("peer-evaluation", [resources.data_dir()])

    def documents(**options):  # noqa: ANN003, ANN202
        request = handouts.PackRequest(loaded=loaded, **options)
        return handouts.build_documents(request, template_dirs=[resources.templates_dir()],
                                        user_template_dir=None, form=form)

    many = [d for d in documents(copies=5) if d.kind == "evaluation"]
    assert filled.count(handouts.EVALUATION_TEMPLATE) == 1
    one = [d for d in documents(copies=1) if d.kind == "evaluation"]
    assert {d.markdown for d in many} == {one[0].markdown}
    assert [d.title for d in many] == [f"Peer evaluation form ({n} of 5)" for n in range(1, 6)]
    people = [handouts.Attendee("Jo", prefers=("easy-read",)), handouts.Attendee("Bo"),
              handouts.Attendee("Al", prefers=("easy-read",))]
    mixed = [d for d in documents(attendees=people, per_person=True)
             if d.kind == "evaluation"]
    assert [d.style for d in mixed] == ["easy-read", "standard", "easy-read"]
    assert mixed[0].markdown == mixed[2].markdown != mixed[1].markdown == one[0].markdown
    easy = [d for d in documents(copies=1, style="easy-read") if d.kind == "evaluation"]
    assert mixed[0].markdown == easy[0].markdown


def test_style_for_preferences() -> None:
    assert handouts.style_for((), "dyslexia") == "dyslexia"
    assert handouts.style_for(("large-print",), "standard") == "large-print"
    assert handouts.style_for(("easy-read", "large-print"), "standard") == \
        "easy-read+large-print"


HOSTILE_SESSION = """\
id: my-hostile
title: "Tea & <b>talk</b> </para> {{ 7*7 }} {% if x %}"
theme: wellbeing
duration: 10
summary: "Summary with [write 3] and # not a heading and a very long word LONGWORD"
aims: ["Aim with *stars* and <script>"]
roles: {lead: "Lead {{ 6*7 }}", co_facilitator: "Co"}
handouts:
  - {id: mine, title: "Mine", template: handouts/mine.md.j2}
steps:
  - title: "Step <one>"
    minutes: 10
    lead: lead
    say: "Say {% raw %} this"
    do: "Do it"
    handouts: [mine]
""".replace("LONGWORD", "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4)


def test_hostile_session_text_prints_literally(cli, coprod_home: Path, tmp_path: Path) -> None:
    (coprod_home / "sessions").mkdir(parents=True)
    (coprod_home / "templates" / "handouts").mkdir(parents=True)
    (coprod_home / "sessions" / "my-hostile.yaml").write_text(HOSTILE_SESSION, "utf-8")
    (coprod_home / "templates" / "handouts" / "mine.md.j2").write_text(
        "# {{ session.title }}\n\n{{ session.summary }}\n", "utf-8")
    out = tmp_path / "h.pdf"
    cli("handouts", "print", "my-hostile", "--out", str(out))
    text = pdf_text(out)
    flat = text.replace("\n", "")
    assert "Tea & <b>talk</b> </para> {{ 7*7 }} {% if x %}" in " ".join(text.split())
    assert "Summary with [write 3] and # not a heading" in flat
    assert "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4 in flat
    assert "Lead {{ 6*7 }}" in text and "Step <one>" in text and "{% raw %}" in text
    assert "49" not in text and "42" not in text


def test_users_template_with_unknown_variable_names_file_and_line(cli, coprod_home: Path,
                                                                  tmp_path: Path) -> None:
    (coprod_home / "sessions").mkdir(parents=True)
    (coprod_home / "templates" / "handouts").mkdir(parents=True)
    (coprod_home / "sessions" / "my-hostile.yaml").write_text(HOSTILE_SESSION, "utf-8")
    (coprod_home / "templates" / "handouts" / "mine.md.j2").write_text(
        "# Mine\n\n{{ sesion.title }}\n", "utf-8")
    out = tmp_path / "h.pdf"
    result = cli("handouts", "print", "my-hostile", "--out", str(out), code=1)
    assert result.text.splitlines()[0] == (
        "Error: The template 'handouts/mine.md.j2' uses something it was not given on line 3:"
        " 'sesion' is undefined.")
    assert "Traceback" not in result.text and not out.exists()


def test_unwritable_out_is_one_sentence_and_no_file(cli, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "pack.pdf"
    result = cli("handouts", "print", "wellbeing-five-ways", "--out", str(target), code=1)
    assert result.text.splitlines()[0] == f"Error: The folder {target.parent} does not exist."
    assert result.text.splitlines()[1].startswith("Hint: ")
    assert not target.parent.exists()


def test_bad_date_and_copies(cli) -> None:
    result = cli("handouts", "print", "wellbeing-five-ways", "--date", "23/11/2026", code=2)
    assert "Error: '23/11/2026' is not a date." in result.text
    cli("handouts", "print", "wellbeing-five-ways", "--copies", "-1", code=2)


def test_handouts_help_does_not_import_reportlab() -> None:
    import subprocess
    import sys

    code = ("import sys; from coprod_cli.cli import main\n"
            "try:\n main(['handouts','list','wellbeing-five-ways'])\nexcept SystemExit: pass\n"
            "print('reportlab' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_the_sign_in_sheet_passed_round_shows_no_role_and_room_for_walk_ins(
        cli, tmp_path: Path) -> None:
    cli("people", "add", "Ann Jones", "--role", "person-using-services")
    out = tmp_path / "sign-in.pdf"
    cli("handouts", "print", "wellbeing-five-ways", "--only", "sign-in", "--attendee",
        "Ann Jones", "--out", str(out))
    text = pdf_text(out)
    assert "Ann Jones" in text
    assert "person using services" not in text.lower() and "Role" not in text
    markdown = tmp_path / "sign-in.md"
    cli("handouts", "print", "wellbeing-five-ways", "--only", "sign-in", "--attendee",
        "Ann Jones", "--format", "md", "--out", str(markdown))
    blank_rows = [line for line in markdown.read_text(encoding="utf-8").splitlines()
                  if line.replace(" ", "") == "|||"]
    assert len(blank_rows) >= 10


@pytest.mark.parametrize("style", ["standard", "easy-read", "large-print", "dyslexia"])
@pytest.mark.parametrize("session_id", ["wellbeing-five-ways", "relationships-trust"])
def test_the_run_sheet_keeps_to_its_first_page_in_every_style(cli, tmp_path: Path, style: str,
                                                              session_id: str) -> None:
    from tests.page_ends import page_lines

    out = tmp_path / "plan.pdf"
    cli("handouts", "print", session_id, "--only", "plan", "--start", "10:00", "--style", style,
        "--out", str(out))
    pages = PdfReader(str(out)).pages
    first = " ".join((pages[0].extract_text() or "").split())
    assert " End" in first and "Run sheet" in first
    assert "Run sheet" not in (pages[1].extract_text() or "")
    # the clock time is one line and "(10 min)" never breaks: at most two lines a time
    texts = [line.text for line in page_lines(pages[0])]
    assert "10:00" in texts or "10:00 (10 min)" in " ".join(texts)
    assert not any(text in ("(10", "min)", "min") for text in texts)


@pytest.mark.parametrize("style", ["standard", "dyslexia"])
def test_run_sheet_is_one_page_of_clock_times_at_the_front_of_the_plan(cli, tmp_path: Path,
                                                                        style: str) -> None:
    out = tmp_path / "plan.pdf"
    cli("handouts", "print", "planning-a-coproduced-project", "--only", "plan", "--start",
        "10:00", "--style", style, "--out", str(out))
    first = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    session = library().get("planning-a-coproduced-project").session
    clock = 10 * 60
    assert "Run sheet" in first and "Notes" in first and "Who leads" in first
    for number, step in enumerate(session.steps, start=1):
        assert f"{clock // 60:02d}:{clock % 60:02d} ({step.minutes} min)" in first
        assert f"{number}. " in first
        clock += step.minutes
    assert f"{clock // 60:02d}:{clock % 60:02d}" in first and "End" in first
    assert "Our small-grant idea" in first  # a step's materials: the handout it uses
    assert "Do: 1. " in " ".join(pdf_text(out).split())


def test_run_sheet_names_who_leads_and_numbers_do_steps() -> None:
    loaded = library().get("relationships-trust")
    team = [handouts.Attendee("Sam Lee", facilitating="lead"),
            handouts.Attendee("Ceri Ann", facilitating="co-facilitator")]
    request = handouts.PackRequest(loaded=loaded, start=handouts.parse_start("9:30"),
                                   only=["plan"], facilitators=team)
    from coprod_cli.sessions.forms import load_form

    docs = handouts.build_documents(request, template_dirs=[resources.templates_dir()],
                                    user_template_dir=None,
                                    form=load_form("peer-evaluation", [resources.data_dir()]))
    plan = docs[0].markdown
    sheet = plan.split("[pagebreak]")[0]
    assert "| 09:30 (" in sheet
    leads = {s.lead for s in loaded.session.steps}
    if "lead" in leads:
        assert "(Sam Lee)" in sheet
    if "both" in leads:
        assert "(Sam Lee and Ceri Ann)" in sheet
    # a numbered scenario read out stays inside the action that introduces it, and the
    # action after the scenarios is numbered on from it
    assert "2. Read out each scenario card" in plan
    action = plan.split("2. Read out each scenario card")[1].split("\n3. ")[0]
    assert '1\\. "A friend asks' in action and '4\\. "A neighbour' in action
    assert "\n3. Write good phrases" in plan


def test_a_start_that_is_not_a_time_is_a_usage_error(cli) -> None:
    result = cli("handouts", "print", "wellbeing-five-ways", "--only", "plan", "--start",
                 "25:00", code=2)
    assert "'25:00' is not a time of day." in result.text
    assert "--start 10:00" in result.text


@pytest.mark.parametrize(("style", "most"), [("standard", 1), ("dyslexia", 1),
                                             ("easy-read", 2), ("large-print", 1)])
def test_one_evaluation_form_keeps_to_its_pages_and_the_last_question_is_not_alone(
        cli, tmp_path: Path, style: str, most: int) -> None:
    out = tmp_path / "form.pdf"
    cli("handouts", "print", "wellbeing-five-ways", "--only", "evaluation", "--style", style,
        "--out", str(out))
    pages = PdfReader(str(out)).pages
    assert len(pages) <= most
    last = " ".join((pages[-1].extract_text() or "").split())
    assert "help run a session" in last
    assert "What could" in last  # the recruitment question shares a page with the form


@pytest.mark.parametrize("session_id", ["wellbeing-five-ways", "relationships-trust"])
def test_a_large_print_form_is_one_page_at_18pt_with_room_to_write(cli, tmp_path: Path,
                                                                   session_id: str) -> None:
    from tests.page_ends import page_lines

    out = tmp_path / "form.pdf"
    cli("handouts", "print", session_id, "--only", "evaluation", "--style", "large-print",
        "--out", str(out))
    pages = PdfReader(str(out)).pages
    assert len(pages) == 1
    lines = page_lines(pages[0])
    text = " ".join(line.text for line in lines)
    for words in ("What went well?", "better next time?", "help run a session"):
        assert words in text
    body = [line.size for line in lines if "What went well?" in line.text]
    assert body and min(body) >= 18.0


@pytest.mark.parametrize(("style", "size"), [("large-print", 18.0), ("easy-read", 16.0)])
def test_rating_scale_words_stay_at_the_style_size(cli, tmp_path: Path, style: str,
                                                   size: float) -> None:
    from tests.page_ends import page_lines

    out = tmp_path / "form.pdf"
    cli("handouts", "print", "wellbeing-five-ways", "--only", "evaluation", "--style", style,
        "--out", str(out))
    lines = [line for page in PdfReader(str(out)).pages for line in page_lines(page)]
    for word in ("Completely", "Quite a lot", "Not at all"):
        sizes = {round(line.size, 1) for line in lines if line.text == word}
        assert sizes == {size}, (word, sizes)


def test_html_easy_read_form_has_the_faces_scale_with_words_and_text_alternatives(
        cli, tmp_path: Path) -> None:
    import re

    out = tmp_path / "form.html"
    cli("handouts", "print", "wellbeing-five-ways", "--only", "evaluation", "--style",
        "easy-read", "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    groups = re.findall(r'<fieldset class="scale faces">(.*?)</fieldset>', html, re.S)
    assert len(groups) == 4  # every rating question, each one group
    for group in groups:
        assert "<legend" in group
        faces = re.findall(r'<svg[^>]*role="img" aria-label="([^"]+)"[^>]*>\s*<title>([^<]+)'
                           r"</title>", group)
        assert [alt for alt, _ in faces] == ["very sad face", "sad face", "straight face",
                                             "happy face", "very happy face"]
        assert all(alt == title for alt, title in faces)
        assert len(re.findall(r'type="radio"', group)) == 5
        assert "Not at all" in group
    # the standard form has no faces: they are the easy-read way
    cli("handouts", "print", "wellbeing-five-ways", "--only", "evaluation", "--format", "html",
        "--out", str(tmp_path / "plain.html"))
    assert "scale faces" not in (tmp_path / "plain.html").read_text(encoding="utf-8")


def test_html_pack_headings_choices_skip_link_and_table_headers(cli, tmp_path: Path) -> None:
    import re

    out = tmp_path / "pack.html"
    cli("handouts", "print", "wellbeing-five-ways", "--format", "html", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    body = html.split("<body", 1)[1]
    assert re.search(r"<h[1-6]", body).group(0) == "<h1"  # h1 before any other heading
    skip = re.search(r'<a class="skip-link" href="#([a-z-]+)">', body)
    assert skip and body.index("skip-link") < body.index("<h1")
    assert f'id="{skip.group(1)}"' in body
    for label in ("Say:", "Do:", "Accessibility tips:", "Tips for the co-facilitator:"):
        assert f'<h3 class="label"><strong>{label}</strong></h3>' in html, label
    forms = [m for m in re.finditer(r'<fieldset class="choices"><legend[^>]*>([^<]*)</legend>'
                                    r"(.*?)</fieldset>", html, re.S)
             if "Would you like to help run" in m.group(1)]
    assert forms  # Yes / Maybe / No are one group, named by their question
    assert all(word in forms[0].group(2) for word in ("Yes", "Maybe", "No"))
    assert "th{overflow-wrap:normal;word-break:normal" in html
