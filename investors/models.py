"""Models of the investors app (see its issue)."""
