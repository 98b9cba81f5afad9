"""Admin of the search app."""
