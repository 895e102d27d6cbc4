"""Made-up records for demos and benchmarks."""
