"""Words for the screens: a ``ui.*`` message or a domain label, by one key.

Screens and widgets reach the running app through ``textual.getters.app(SotayApp)``.
"""

from __future__ import annotations

from domain.i18n import Lang, label
from tui.strings import tr


def text_for(key: str, lang: Lang, **params: object) -> str:
    """A ``ui.*`` message or a domain label (``field.*``, ``kind.*``, ``status.*``…)."""
    if key.startswith("ui."):
        return tr(key, lang, **params)
    return label(key, lang)
