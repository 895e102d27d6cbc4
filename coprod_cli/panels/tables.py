"""The tables this feature keeps, declared for the store (see store/schema/features.py).

``panel_questions`` is the co-produced bank; ``panels`` one interview panel each (the post,
the date, who sits on it, the questions as agreed for it, the candidates by code);
``panel_scores`` one score a member gave a candidate on one question. Every field holding a
person id is marked ``Person`` and every free text ``Text``, so ``people forget``, ``people
export`` and ``data check`` cover these tables with no other change.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import StringConstraints
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from coprod_cli.panels import PANELS, QUESTIONS, SCORES
from coprod_cli.store.schema.declarations import Date, Name, Record
from coprod_cli.store.schema.markers import Person, Ref, Text
from coprod_cli.store.schema.registry import Table, Unique, register

Topic = Literal["values", "experience", "skills", "scenario", "other"]
#: A candidate's code on one panel: C1, C2 ...
Code = Annotated[str, StringConstraints(pattern=r"^C[1-9]\d{0,2}$")]


class BankQuestion(Record):
    """A question in the co-produced bank; retired ones stay for the panels that used them."""

    text: Annotated[str, Text("interview question")]
    topic: Topic
    good: Annotated[str, Text("what a good answer shows")]
    by: Annotated[str | None, Person("question author")]
    status: Literal["active", "retired"]
    created_at: Date
    updated_at: Date
    retired_at: NotRequired[Date | None]


class PanelQuestion(TypedDict):
    """A question as agreed for one panel: from the bank (``question_id``) or a member's own."""

    number: int
    question_id: Annotated[str | None, Ref(QUESTIONS, "bank question")]
    text: Annotated[str, Text("interview panel question")]
    topic: Topic
    good: Annotated[str, Text("what a good answer shows")]
    by: Annotated[str | None, Person("question author")]
    asked_by: Annotated[str | None, Person("member asking the question")]


class Candidate(TypedDict):
    code: Code
    #: Only when the organisation's setting ``panel_candidate_names`` allows it.
    name: Annotated[str | None, Text("candidate's name")]


class Panel(Record):
    post: Name
    date: Date
    members: list[Annotated[str, Person("panel member")]]
    questions: list[PanelQuestion]
    candidates: list[Candidate]
    packed_at: Date | None
    created_at: Date
    updated_at: Date
    candidate_data_deleted_at: NotRequired[Date | None]


class Score(Record):
    panel_id: Annotated[str, Ref(PANELS, "panel")]
    candidate: Code
    member: Annotated[str, Person("scorer")]
    question: int
    score: int
    note: Annotated[str, Text("panel member's note")]
    at: Date


register(Table(QUESTIONS, BankQuestion, ("interview question", "interview questions"),
               export_as="panel_questions_written",
               export_heading="Interview questions they wrote", dated_by="created_at"))
register(Table(PANELS, Panel, ("interview panel", "interview panels"),
               export_as="interview_panels", export_heading="Interview panels they sat on",
               dated_by="date"))
register(Table(SCORES, Score, ("interview score", "interview scores"),
               export_as="interview_scores_given",
               export_heading="Interview scores they gave",
               unique=Unique(("panel_id", "candidate", "member", "question"),
                             "panel {panel_id} holds {n} scores from one member for candidate "
                             "{candidate} on question {question} (not fixed: check which to "
                             "keep)")))
