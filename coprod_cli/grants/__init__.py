"""The small-grants scheme: applications, decisions, spending, receipts and documents."""
