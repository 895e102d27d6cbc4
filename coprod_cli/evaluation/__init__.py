"""Evaluation: recording forms, the effectiveness report and small-number suppression."""
