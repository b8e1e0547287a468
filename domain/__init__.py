"""Sổ tay's domain: record models and pure rules.  No I/O, no user interface."""
