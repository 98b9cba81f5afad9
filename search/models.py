"""Models of the search app (see its issue)."""
