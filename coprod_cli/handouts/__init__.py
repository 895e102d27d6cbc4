"""Handout packs: which documents a session needs printed."""
