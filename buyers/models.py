"""Models of the buyers app (see its issue)."""
