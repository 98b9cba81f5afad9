"""Admin of the buyers app."""
