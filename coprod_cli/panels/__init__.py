"""Interview panels: a co-produced question bank, panel packs and scoring."""
