"""Helpers of the store tests (``readonly_fs``) are importable from here and from tests/cli."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
