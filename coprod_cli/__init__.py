"""coprod: plan, run and evaluate co-produced group sessions."""

__version__ = "0.1.0"
