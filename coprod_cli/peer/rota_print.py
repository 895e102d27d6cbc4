"""A rota on paper and on screen: easy read with a picture for each task, and as a table.

The printed rota starts with the tasks (a picture and how many people each needs), then
each day with who does what, one task a line beside its picture, then a table of the whole
rota and how many turns each person has. Every stored word is escaped for Markdown.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from coprod_cli.escape import escape_markdown
from coprod_cli.peer.availability import DAY_NAMES

#: A picture for a task, by a word in its name; anything else gets a briefcase ("job").
TASK_PICTURES: tuple[tuple[str, str], ...] = (
    ("water", "watering"), ("weed", "trowel"), ("dig", "trowel"), ("compost", "trowel"),
    ("hoe", "trowel"), ("plant", "garden"), ("sow", "garden"), ("seed", "garden"),
    ("flower", "garden"), ("grow", "garden"), ("harvest", "basket"), ("pick", "basket"),
    ("crop", "basket"), ("veg", "basket"), ("sweep", "broom"), ("tidy", "broom"),
    ("clean", "broom"), ("tea", "food"), ("lunch", "food"), ("cook", "food"),
    ("food", "food"), ("drive", "travel"), ("lift", "travel"), ("welcome", "people"),
    ("greet", "people"), ("phone", "phone"), ("call", "phone"), ("write", "pencil"),
    ("note", "pencil"), ("money", "money"), ("shop", "money"), ("lock", "lock"),
)


def task_picture(name: str) -> str:
    key = name.casefold()
    for word, picture in TASK_PICTURES:
        if word in key:
            return picture
    return "job"


def day_words(day: str) -> str:
    value = date.fromisoformat(day)
    return f"{value:%A} {value.day} {value:%B}"


def _names(ids: list[str], names: dict[str, str]) -> str:
    said = [names.get(i, "someone forgotten") for i in ids]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def by_task(entry: dict[str, Any], tasks: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    return [(t["name"], [s["person_id"] for s in entry["shifts"] if s["task"] == t["name"]])
            for t in tasks]


def turns(record: dict[str, Any]) -> Counter[str]:
    return Counter(s["person_id"] for d in record["dates"] for s in d["shifts"])


def rota_markdown(record: dict[str, Any], names: dict[str, str]) -> str:
    """The rota as handout Markdown (easy read first, then the table)."""
    e = escape_markdown
    safe = {k: e(v, one_line=True) for k, v in names.items()}
    group = e(record["group_name"], one_line=True)
    lines = [f"# {group} rota", "",
             "[picture calendar] This rota says who does each job.",
             f"It starts on {day_words(record['start'])}.",
             f"It lasts {record['weeks']} week{'s' * (record['weeks'] != 1)}.", "",
             "## The jobs", ""]
    for task in record["tasks"]:
        n = task["people"]
        lines += [f"[picture {task_picture(task['name'])}] {e(task['name'], one_line=True)}: "
                  f"{n} {'person' if n == 1 else 'people'} each day.", ""]
    lines += ["[picture turn] Everyone takes turns.",
              "Tell us if you cannot come on your day.", "We can swap.", ""]
    for entry in record["dates"]:
        lines += [f"## {day_words(entry['date'])}", ""]
        for task, ids in by_task(entry, record["tasks"]):
            lines += [f"[picture {task_picture(task)}] {e(task, one_line=True)}: "
                      f"{_names(ids, safe)}", ""]
    lines += ["[pagebreak]", "", "## The whole rota", ""]
    lines += ["| Day | " + " | ".join(e(t["name"], one_line=True) for t in record["tasks"])
              + " |", "|---" * (len(record["tasks"]) + 1) + "|"]
    for entry in record["dates"]:
        cells = [_names(ids, safe) for _, ids in by_task(entry, record["tasks"])]
        lines.append(f"| {day_words(entry['date'])} | " + " | ".join(cells) + " |")
    lines += ["", "## Turns each", "", "| Name | Turns |", "|---|---|"]
    counted = turns(record)
    for pid, name in sorted(safe.items(), key=lambda kv: kv[1].casefold()):
        lines.append(f"| {name} | {counted.get(pid, 0)} |")
    return "\n".join(lines) + "\n"


def rota_lines(record: dict[str, Any], names: dict[str, str]) -> list[str]:
    """Plain text, one day a line, in reading order (for --plain and screen readers)."""
    out = []
    for entry in record["dates"]:
        jobs = "; ".join(f"{task}: {_names(ids, names)}"
                         for task, ids in by_task(entry, record["tasks"]))
        out.append(f"{day_words(entry['date'])}: {jobs}")
    return out


def days_words(days: list[str]) -> str:
    return ", ".join(DAY_NAMES[d] + "s" for d in days)
