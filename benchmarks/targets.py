"""Every performance target in one place: the most a figure may be, as a ratio of its
baseline measured in the same run. Issue 17 set them; ``benchmarks/README.md`` says what
each figure and baseline are."""

from __future__ import annotations

TARGETS: dict[str, float] = {
    "help": 1.5,  # coprod --help vs a minimal Typer app with coprod's settings
    "quiet": 2.0,  # commands that render little (people list on an empty store, ...)
    "summarise-10y": 1.5,  # eval summarise on service-10y vs orjson loading its files
    "summarise-org": 1.5,  # eval summarise on org-50, cold, vs orjson loading its files
    "summarise-repeat": 0.2,  # again after one service's records changed, vs cold
    "summarise-memory": 1.5,  # peak memory vs json.load's own peak on the same files
    "merge": 1.5,  # data merge of 50 services vs orjson loading the merged files
    "first-write": 1.5,  # the first write of a day vs a later write, org-50
    "pack": 1.3,  # handouts print, 100+ pages, vs plain ReportLab platypus
}
