"""Models of the orders app (see its issue)."""
