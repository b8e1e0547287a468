"""Data files shipped with the domain (the holiday table)."""
