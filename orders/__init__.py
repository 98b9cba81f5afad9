"""Carts, checkout split by producer, orders and fulfilment."""
