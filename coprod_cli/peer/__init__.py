"""Peer support: interests and availability, suggested pairs, pairings, and fair rotas.

The table names live here, with no imports, so domain code reaches them without loading the
declarations (``tables.py``).
"""

PAIRS = "pairs"
ROTAS = "rotas"
