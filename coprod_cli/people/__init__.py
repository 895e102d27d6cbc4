"""People: the register, consent, and each person's rights over their records."""
