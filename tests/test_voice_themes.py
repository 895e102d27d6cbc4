"""Voices in the printed report are grouped into themes with counts (issue: a report worth
reading): the reader sees what people talked about most, and identical comments once."""

from __future__ import annotations

from coprod_cli.evaluation.report_print import to_report_markdown
from coprod_cli.evaluation.voice_themes import OTHER, by_theme, theme_of
from tests.test_evaluation import org  # noqa: F401  (the fixture: a small organisation)
from tests.test_evaluation import report as summary

COMMENTS = ["I felt listened to", "Good tea", "Good tea.", "good tea", "Meeting new people",
            "We ran out of time", "Everyone had a say", "Purple", "The room was cold"]


def test_each_comment_goes_to_the_first_theme_its_words_name() -> None:
    assert theme_of("I felt listened to") == "Being listened to and having a say"
    assert theme_of("Meeting new people") == "Company and feeling welcome"
    assert theme_of("We ran out of time") == "Time and pace"
    assert theme_of("Good tea") == "The room, food and comfort"
    assert theme_of("More time to talk") == "Time and pace"  # time is checked first
    assert theme_of("Purple") == OTHER
    assert theme_of("Steady") == OTHER  # "tea" inside a word is not tea


def test_themes_are_ordered_by_how_many_comments_and_other_comes_last() -> None:
    themes = by_theme(COMMENTS)
    assert [(name, len(c)) for name, c in themes] == [
        ("The room, food and comfort", 4), ("Being listened to and having a say", 2),
        ("Company and feeling welcome", 1), ("Time and pace", 1), (OTHER, 1)]


def test_the_printed_report_shows_themes_with_counts_and_counts_identical_comments(
        org) -> None:  # noqa: ANN001, F811
    store, _ = org
    report = summary(store)
    report["voices"]["went_well"] = COMMENTS
    report["voices"]["even_better"] = ["More time please", "more time please"]
    text = to_report_markdown(report, organisation="Hestia")
    went_well = text.split("## Voices: what went well")[1].split("## What did not work")[0]
    assert "### The room, food and comfort (4 comments)" in went_well
    assert "- Good tea (said 3 times)" in went_well and went_well.count("ood tea") == 1
    assert went_well.index("The room, food") < went_well.index("Being listened to") \
        < went_well.index(OTHER)
    better = text.split("## What did not work so well")[1]
    assert "### Time and pace (2 comments)" in better and "(said 2 times)" in better
