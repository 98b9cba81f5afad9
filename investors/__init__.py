"""Investor profiles, village opportunities and expressions of interest."""
