"""Involvement that is valued: payments and expenses at named rates, and ways to get involved.

The table name lives here, with no imports, so domain code reaches it without loading the
declarations (``tables.py``).
"""

TABLE = "involvement"
