"""Plain-terminal output for the CLI: safe text, aligned tables, labels in the chosen language."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from domain.i18n import Lang
from domain.text import escape_for_terminal_json, safe_display


def width(text: str) -> int:
    """Display width: East Asian wide characters take two cells, marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


@dataclass
class Console:
    lang: Lang = "vi"
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    def print(self, text: str = "") -> None:
        """Print text that may come from other offices: escapes and controls removed."""
        self.out.write(safe_display(text) + "\n")

    def note(self, text: str) -> None:
        self.err.write(safe_display(text) + "\n")

    def raw(self, text: str) -> None:
        """Print machine output (JSON): the same JSON value, with the C1 controls and bidi
        overrides that JSON allows raw in its strings escaped as ``\\uXXXX``, so a reader
        (``sotay import``) gets back exactly the same text and the terminal none of it."""
        self.out.write(escape_for_terminal_json(text) + "\n")

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        limits: Sequence[int] | None = None,
    ) -> None:
        cells = [[safe_display(c) for c in row] for row in rows]
        if limits:
            cells = [[clip(c, lim) for c, lim in zip(row, limits, strict=False)] for row in cells]
        widths = [width(h) for h in headers]
        for row in cells:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], width(cell))

        def line(row: Sequence[str]) -> str:
            return "  ".join(
                c + " " * (w - width(c)) for c, w in zip(row, widths, strict=False)
            ).rstrip()

        self.out.write(line(headers) + "\n")
        self.out.write("  ".join("─" * w for w in widths) + "\n")
        for row in cells:
            self.out.write(line(row) + "\n")
