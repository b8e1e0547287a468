"""Widgets grouped by what they serve: forms, pickers, the virtual table, the frame."""
