"""Headless outputs: reports, notices, rankings, roll-up, plan import (no Textual here)."""
