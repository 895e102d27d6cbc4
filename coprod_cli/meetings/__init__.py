"""A group's meetings: agendas with standing items, running them, minutes and actions.

The table names live here, with no imports, so domain code reaches them without loading the
declarations (``tables.py``).
"""

MEETINGS = "meetings"
ACTIONS = "actions"
