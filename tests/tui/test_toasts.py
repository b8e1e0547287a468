"""Toasts (issue 11, point 11): a save's toast and the demo's welcome never cover the status
line, and the welcome goes away on its own within seconds, not after 30–60 s."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._toast import Toast

from sync.store import Store
from tests.helpers.app import SIZE, make_app
from tui.cli import run
from tui.commands import app as app_command


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_toast_sits_above_the_status_line_and_the_key_bar(
    store: Store, ids: dict[str, str], size: tuple[int, int]
) -> None:
    app = make_app(store)
    async with app.run_test(size=size, notifications=True) as pilot:
        app.notify("Đã lưu: Kế hoạch ứng dụng CNTT năm 2024", markup=False)
        await pilot.pause()
        await pilot.pause()
        (toast,) = app.screen.query(Toast)
        status, keys = app.screen.query_one("#status-line"), app.screen.query_one("#key-bar")
        assert toast.region.height > 0
        assert toast.region.bottom <= status.region.y, (toast.region, status.region)
        assert (status.region.bottom, keys.region.y) == (keys.region.y, size[1] - 1)


class Recorder:
    """Stands for the app: what the demo's first paint asks it to show."""

    def __init__(self) -> None:
        self.toasts: list[tuple[str, dict[str, Any]]] = []

    def notify(self, message: str, **options: Any) -> None:
        self.toasts.append((message, options))


def test_the_demos_welcome_toast_is_short_lived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    painted: list[Any] = []

    def run_app(*args: Any, on_first_paint: Any = None, **kwargs: Any) -> int:
        painted.append(on_first_paint)
        return 0

    monkeypatch.setattr(app_command, "run_app", run_app)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run(["--lang", "en", "demo"]) == 0
    app = Recorder()
    painted[0](app)
    ((message, options),) = app.toasts
    assert message.splitlines()[1].startswith("Open the Bắc Giang office in another window")
    assert options == {"markup": False, "timeout": 8}
