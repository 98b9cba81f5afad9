"""Admin of the investors app."""
