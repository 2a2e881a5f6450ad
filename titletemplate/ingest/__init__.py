"""Read returned workbooks, verify, normalise, validate, deduplicate and store their rows."""
