"""Groups that govern together: committees, quality groups, boards, and who belongs to each.

The table names and fixed words live here, with no imports, so domain code reaches them
without loading the declarations (``tables.py``, which load pydantic): a read such as
``group list`` then costs no more than it must.
"""

GROUPS = "groups"
MEMBERS = "group_members"
STATEMENTS = "group_statements"
KINDS: tuple[str, ...] = ("committee", "quality-group", "board", "peer-support", "other")
OFFICES: tuple[str, ...] = ("chair", "co-chair", "secretary", "treasurer", "member")
STATEMENT_KINDS: tuple[str, ...] = ("values", "we-statement", "policy-review", "other")
