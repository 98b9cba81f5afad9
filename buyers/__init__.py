"""Retail buyer organisations, their outlets and placements."""
