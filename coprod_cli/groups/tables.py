"""The tables this feature keeps, declared for the store (see store/schema/features.py).

Nothing is declared here yet.
"""
