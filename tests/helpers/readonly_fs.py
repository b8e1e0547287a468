"""A read-only data folder, without mount or root tricks.

The folder (and its files) are chmod'ed read-only, which stops an ordinary user; the tests
run as root, where chmod stops nothing, so every call that would create, change or remove
something inside the folder also fails as the kernel would on a read-only mount: OSError
EROFS (or EACCES, for a folder the user may not write).  The calls are the ones the store,
filelock and pathlib make: ``os.open`` with a write flag, ``open()`` in a write mode,
rename / replace / unlink / mkdir / rmdir, and the store's own :mod:`sync.fsio` seams.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sync import fsio

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def digest(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes: to prove nothing changed."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@contextmanager
def read_only_folder(folder: Path, code: int = errno.EROFS) -> Iterator[list[str]]:
    """Inside the block, nothing in ``folder`` can be written; yields the refused calls."""
    folder = folder.resolve()
    refused: list[str] = []
    modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
    for p in folder.iterdir():
        p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    monkeypatch = pytest.MonkeyPatch()

    def inside(target: Any) -> bool:
        if isinstance(target, int):
            return False
        try:
            return Path(os.fsdecode(target)).resolve().is_relative_to(folder)
        except (TypeError, ValueError, OSError):
            return False

    def refuse(call: str, target: Any) -> None:
        refused.append(f"{call} {os.fsdecode(target)}")
        raise OSError(code, os.strerror(code), os.fsdecode(target))

    real_os_open = os.open

    def fake_os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & WRITE_FLAGS and dir_fd is None and inside(path):
            refuse("open", path)
        return real_os_open(path, flags, mode, dir_fd=dir_fd)

    real_io_open = io.open

    def fake_io_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and inside(file):
            refuse("open", file)
        return real_io_open(file, mode, *args, **kwargs)

    def guard(call: str, real: Callable[..., Any], nargs: int = 1) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            for target in args[:nargs]:
                if inside(target):
                    refuse(call, target)
            return real(*args, **kwargs)

        return guarded

    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(fsio, "_open", fake_os_open)
    monkeypatch.setattr(io, "open", fake_io_open)
    monkeypatch.setattr(builtins, "open", fake_io_open)
    for name in ("replace", "rename"):
        monkeypatch.setattr(os, name, guard(name, getattr(os, name), 2))
    monkeypatch.setattr(fsio, "_replace", guard("replace", os.replace, 2))
    for name in ("unlink", "remove", "mkdir", "rmdir", "chmod"):
        monkeypatch.setattr(os, name, guard(name, getattr(os, name)))
    try:
        yield refused
    finally:
        monkeypatch.undo()
        for p, mode in modes.items():
            if p.exists():
                p.chmod(stat.S_IMODE(mode))
