"""Admin of the orders app."""
