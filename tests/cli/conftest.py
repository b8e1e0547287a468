"""The store tests' helpers (``readonly_fs``) serve the CLI tests too."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))
