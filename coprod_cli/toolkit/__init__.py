"""The living toolkit: sharing sessions, adding contributions, building the book."""
