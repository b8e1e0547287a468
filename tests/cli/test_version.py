"""The version is written once (pyproject.toml) and read from the package's metadata."""

from __future__ import annotations

from importlib.metadata import version as installed

import pytest

import server_stub
from domain.version import version
from tui.cli import run


def test_sotay_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sotay {installed('sotay')}"
    assert version() == installed("sotay") == server_stub.__version__
