"""Groups that govern together: committees, quality groups, boards, and who belongs to each."""
