"""Records: the yearly registers and their numbers, search text, (later) statistics and case files."""
