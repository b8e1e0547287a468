"""``sotay doctor`` calls damage only what is damaged.

* F6: a file the user cannot read is "cannot read: permission denied", not "corrupt", and
  ``--recover`` declines to touch it;
* F8: a snapshot written by a newer Sổ tay is "written by a newer Sổ tay: upgrade Sổ tay" in
  the store and in ``doctor``, and ``--recover`` declines to roll back to the older copy;
* issue 11: a new healthy store lists no "missing" files, and ``--recover`` on a healthy
  store says there is nothing to recover instead of writing backups.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.errors import StoreNewerFormat, StoreUnreadable
from sync import snapshot
from sync.store import Store
from tests.helpers.readonly_fs import digest
from tui.cli import run


def _profile(path: Path) -> None:
    store = Store.create(path, office="vn/x", name="x")
    unit = store.add("unit", {"name": "Đơn vị"})
    store.add("task", {"title": "Việc một", "lead_unit_id": unit.id})
    store.close()
    store = Store.open(path)  # a second generation: every file has a .prev
    store.add("task", {"title": "Việc hai", "lead_unit_id": unit.id})
    store.close()


def _doctor(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(["--lang", "en", "--data", str(path), "doctor", *args])
    out, err = capsys.readouterr()
    return code, out + err


# --------------------------------------------------------------- healthy
def test_a_new_healthy_store_lists_nothing_missing_and_has_nothing_to_recover(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p"
    Store.create(path, office="vn/x", name="x").close()
    code, out = _doctor(path, capsys)
    assert code == 0 and "missing" not in out and "read normally" in out
    before = digest(path)
    code, out = _doctor(path, capsys, "--recover")
    assert code == 0 and "Nothing to recover" in out
    assert digest(path) == before, "no backups written, nothing touched"


def test_recover_on_a_used_healthy_store_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p"
    _profile(path)
    code, out = _doctor(path, capsys)
    assert code == 0 and "missing" not in out
    before = digest(path)
    code, out = _doctor(path, capsys, "--recover")
    assert code == 0 and "Nothing to recover" in out and "before-recovery" not in out
    assert digest(path) == before
    with Store.open(path) as store:
        assert store.meta("cursor") == 0 and not store.meta("full_pull")


# ------------------------------------------------------------ unreadable
@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Files listed here cannot be read: as a file of another user with mode 0600 (chmod
    000 as well, which stops reads for anyone but root; the tests run as root)."""
    denied: list[Path] = []
    real = Path.open

    def open_(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        """Every read (``read_bytes``, a kind file's map) opens the file first."""
        if "r" in mode and any(self.resolve() == d.resolve() for d in denied):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    yield denied
    for d in denied:
        if d.exists():
            d.chmod(0o600)


@pytest.mark.parametrize(
    "name", ["store.kind.task", "store.core", "store.journal.prev", "store.history"]
)
def test_a_file_the_user_cannot_read_is_not_called_corrupt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unreadable: list[Path], name: str
) -> None:
    path = tmp_path / "p"
    _profile(path)
    target = path / name
    assert target.exists()
    target.chmod(0)
    unreadable.append(target)
    before = digest_readable(path, unreadable)

    code, out = _doctor(path, capsys)
    assert code == 5
    assert f"{name}: unreadable — cannot read: permission denied" in out
    assert ": corrupt" not in out and ": damaged" not in out and "--recover'" not in out
    assert "fix the data folder's permissions" in out

    code, out = _doctor(path, capsys, "--recover")
    assert code == 5 and "Not recovering: cannot read" in out and name in out
    assert digest_readable(path, unreadable) == before, "recover declined to touch anything"
    assert not [p for p in path.iterdir() if "corrupt-" in p.name or "before-" in p.name]

    if name in ("store.kind.task", "store.core"):
        with pytest.raises(StoreUnreadable) as err:
            Store.open(path)
        assert "Cannot read" in err.value.message(
            "en"
        ) and "permission denied" in err.value.message("en")
        assert "is damaged" not in err.value.message("en")


def digest_readable(path: Path, denied: list[Path]) -> dict[str, str]:
    names = {d.name for d in denied}
    return {
        p.name: (str(p.stat().st_size) if p.name in names else p.read_bytes().hex())
        for p in sorted(path.iterdir())
        if p.is_file()
    }


# ----------------------------------------------------------------- newer
def _make_newer(file: Path, *, new_layout: bool = False) -> bytes:
    data = file.read_bytes()
    head, body = data.split(b"\n", 1)
    assert head.startswith(b"SOTAY-SNAPSHOT 2 ")
    if new_layout:  # a future header this version cannot parse at all
        data = b"SOTAY-SNAPSHOT 3 zstd 9f00aa11 77 4 extra\n" + b"\x28\xb5\x2f\xfd" + body[:20]
    else:
        data = b"SOTAY-SNAPSHOT 3 " + head[len(b"SOTAY-SNAPSHOT 2 ") :] + b"\n" + body
    file.write_bytes(data)
    return data


@pytest.mark.parametrize(
    "name, new_layout", [("store.core", False), ("store.core", True), ("store.kind.task", False)]
)
def test_a_snapshot_from_a_newer_version_is_reported_as_such_and_never_rolled_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, new_layout: bool
) -> None:
    path = tmp_path / "p"
    _profile(path)
    _make_newer(path / name, new_layout=new_layout)
    assert (path / f"{name}.prev").exists(), "an older copy is there to be (wrongly) used"
    before = digest(path)

    for read_only in (False, True):
        with pytest.raises(StoreNewerFormat) as err:
            Store.open(path, read_only=read_only)
        assert "written by a newer Sổ tay" in err.value.message("en")
        assert "upgrade Sổ tay" in err.value.message("en")
        assert "nâng cấp Sổ tay" in err.value.message("vi")
        assert "is damaged" not in err.value.message("en")

    code, out = _doctor(path, capsys)
    assert code == 5
    assert f"{name}: newer — written by a newer Sổ tay (format 3): upgrade Sổ tay" in out
    assert ": corrupt" not in out and ": damaged" not in out and "doctor --recover" not in out

    code, out = _doctor(path, capsys, "--recover")
    assert code == 5 and "Not recovering" in out and "newer Sổ tay" in out
    assert digest(path) == before, "no roll-back to the older copy, nothing renamed"

    assert run(["--data", str(path), "ls", "task"]) == 5
    assert "nâng cấp Sổ tay" in capsys.readouterr().err


def test_the_format_is_read_before_anything_else_in_the_header(tmp_path: Path) -> None:
    file = tmp_path / "x"
    file.write_bytes(b"SOTAY-SNAPSHOT 7\n")
    with pytest.raises(StoreNewerFormat):
        snapshot.read(file)
    file.write_bytes(b"SOTAY-SNAPSHOT x 1 2 3\n{}")
    with pytest.raises(Exception) as err:
        snapshot.read(file)
    assert err.value.__class__.__name__ == "StoreCorrupt"
