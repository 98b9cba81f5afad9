"""Models of the catalog app (see its issue)."""
