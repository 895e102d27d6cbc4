"""Fair votes at a meeting: the question and options, ballots, and the count with every round."""
