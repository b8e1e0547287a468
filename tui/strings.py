"""The words the command line and the app show: their own (``tui/strings.json``, the ``ui.*``
keys and the commands') and those of the packages they present.

Both entry points call :func:`load` before anything else; importing this module loads nothing.
"""

from __future__ import annotations

from domain.i18n import load_catalogues


def load() -> None:
    """Load the catalogues of ``domain``, ``sync``, ``documents`` and ``tui`` (again: a no-op)."""
    load_catalogues("sync", "documents", "tui")
