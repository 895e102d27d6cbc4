"""Sessions: the models and library, authoring, checks, forms and the run engine."""
