"""Sessions: the models and library, new ones (scaffold, outline), forks and their diffs,
checks, forms and the run engine."""
