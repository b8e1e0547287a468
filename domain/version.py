"""The version of Sổ tay: written once, in ``pyproject.toml``, and read here from the
installed package's metadata (``sotay --version``, the server's health answer)."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return distribution("sotay").version
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0"
