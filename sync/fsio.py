"""Durable file operations, each turning an OS failure into a :class:`StoreError` a person
can read.  The system calls are module attributes (``_write``, ``_fsync``, ``_replace`` …) so
the crash-safety tests can make each of them fail in turn.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from domain.errors import DiskFull, StoreError, StoreReadOnly, StoreUnreadable, StoreWriteFailed

_open = os.open
_write = os.write
_fsync = os.fsync
_replace = os.replace
_truncate = os.ftruncate
_close = os.close

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
#: The folder or file may not be written: a read-only medium, or no permission.
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def reason(exc: OSError) -> str:
    """Why an OS call failed, as a message parameter (a label for the common cases, so the
    person reads it in their language)."""
    if exc.errno == errno.EROFS:
        return "§why.read_only_fs"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "§why.permission_denied"
    return exc.strerror or exc.__class__.__name__


def store_error(exc: OSError, action: str, folder: Path | None = None) -> StoreError:
    """Map an OSError of a write to the error a person sees."""
    if exc.errno in _DISK_FULL:
        return DiskFull()
    if exc.errno in READ_ONLY_ERRNOS:
        where = folder or (Path(os.fsdecode(exc.filename)).parent if exc.filename else "")
        return StoreReadOnly(path=str(where), detail=reason(exc))
    detail = f"{action}: {exc.strerror or exc.__class__.__name__}"
    return StoreWriteFailed(detail=detail)


def read_error(exc: OSError, path: Path) -> StoreUnreadable:
    """Map an OSError of a read: the file is unreadable, which is not damage."""
    return StoreUnreadable(
        file=str(path), detail=reason(exc), missing=isinstance(exc, FileNotFoundError)
    )


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise read_error(exc, path) from exc


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = _write(fd, view)
        if written <= 0:  # pragma: no cover - os.write raises instead
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable."""
    fd = _open(str(path), os.O_RDONLY)
    try:
        _fsync(fd)
    finally:
        _close(fd)


def atomic_write(path: Path, data: bytes, *, keep_previous: Path | None = None) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    Temporary file, fsync, (optionally move the old file to ``keep_previous``), ``os.replace``,
    fsync the directory.  Raises :class:`StoreError` and leaves the old file in place.
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = _open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            write_all(fd, data)
            _fsync(fd)
        finally:
            _close(fd)
        if keep_previous is not None and path.exists():
            _replace(path, keep_previous)
        _replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise store_error(exc, f"ghi {path.name}") from exc
