"""Editing long text (minutes) in the person's own editor, with the app suspended."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported

from domain.i18n import Lang, t
from domain.text import clean_input


def editor_command() -> list[str]:
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "nano"
    return shlex.split(raw)


def edit_text(app: App[Any], text: str, lang: Lang) -> str | None:
    """Open ``text`` in $VISUAL / $EDITOR (nano by default) while the app is suspended.

    Returns the edited text, or ``None`` when the editor could not run (the reason is shown
    as a notification; nothing is lost: the field keeps its text).
    """
    handle, name = tempfile.mkstemp(prefix="sotay-", suffix=".txt", text=True)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            with app.suspend():
                subprocess.run([*editor_command(), str(path)], check=True)
        except (OSError, subprocess.SubprocessError, SuspendNotSupported) as exc:
            app.notify(
                t("ui.editor_failed", lang, detail=type(exc).__name__),
                markup=False,
                severity="warning",
            )
            return None
        return clean_input(path.read_text(encoding="utf-8"), multiline=True)
    finally:
        path.unlink(missing_ok=True)
