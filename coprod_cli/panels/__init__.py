"""Interview panels: a co-produced question bank, panel packs and scoring.

People who use services sit on interview panels for new staff, choosing questions from a
bank they wrote together and adding their own. The table names live here, with no imports,
so the domain modules and ``tables.py`` (the declarations) can share them cheaply.
"""

QUESTIONS = "panel_questions"
PANELS = "panels"
SCORES = "panel_scores"
PARTITION = "all"
