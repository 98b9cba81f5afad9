"""Payments: providers behind one interface, the double-entry ledger, bank transfers and Stripe cards."""
