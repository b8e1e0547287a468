"""``sotay doctor``: what state the profile's files are in; ``--recover`` rebuilds a damaged one.

Only damage is sent to ``--recover``.  A file the user cannot read is a permission to fix,
and a file written by a newer Sổ tay asks for an upgrade: ``--recover`` declines both
(rolling back to an older copy would lose what the newer version wrote), and says there is
nothing to recover on a healthy store instead of writing backups.

Exit codes: 0 healthy (or recovered), 7 damaged, 5 unreadable or newer.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain import i18n
from domain.errors import NotFound
from domain.i18n import Lang
from sync import doctor
from sync.store import Store

if TYPE_CHECKING:
    from tui.cli import Context

i18n.register(
    messages={
        "doctor.cli.records": ("{n} bản ghi", "{n} records"),
        "doctor.cli.entries": ("{n} mục", "{n} entries"),
        "doctor.cli.set_aside": ("Tệp đã để riêng: {name}", "Set-aside file: {name}"),
        "doctor.cli.healthy": ("Dữ liệu đọc được bình thường.", "The data files read normally."),
        "doctor.cli.unreadable": (
            "Không đọc được {files}: hãy sửa quyền truy cập của thư mục dữ liệu rồi chạy lại "
            "'sotay doctor'. Tệp không hỏng: không cần khôi phục.",
            "Cannot read {files}: fix the data folder's permissions and run 'sotay doctor' "
            "again. The files are not damaged: there is nothing to recover.",
        ),
        "doctor.cli.newer": (
            "{files} được ghi bởi phiên bản Sổ tay mới hơn: hãy nâng cấp Sổ tay. Tệp không hỏng; "
            "đừng khôi phục (sẽ quay về bản cũ hơn và mất những gì bản mới đã ghi).",
            "{files} written by a newer Sổ tay: upgrade Sổ tay. The files are not damaged; do not "
            "recover (that would go back to an older copy and lose what the newer version wrote).",
        ),
        "doctor.cli.damaged": (
            "Có tệp bị hỏng. Tệp hỏng được giữ nguyên. Chạy 'sotay doctor --recover' để dựng "
            "lại dữ liệu từ ảnh chụp tốt gần nhất và nhật ký; tệp hỏng sẽ được đổi tên và giữ lại.",
            "A file is damaged. It has been kept as it is. Run 'sotay doctor --recover' to "
            "rebuild from the last good snapshot and the journal; the damaged file is renamed "
            "and kept.",
        ),
        "doctor.cli.nothing": (
            "Không có gì cần khôi phục: dữ liệu đọc được bình thường. Không tệp nào bị thay đổi.",
            "Nothing to recover: the data files read normally. No file was changed.",
        ),
        "doctor.cli.recovered": (
            "Đã khôi phục từ {used} và {replayed} mục nhật ký (đến mục {last_n}). Lần đồng bộ tới "
            "sẽ tải lại dữ liệu từ máy chủ.",
            "Recovered from {used} and {replayed} journal entries (up to entry {last_n}). The next "
            "sync fetches the server's data again.",
        ),
        "doctor.cli.lost": (
            "Không đọc được các mục: {lost}; những thay đổi chưa đồng bộ trong đó sẽ được máy chủ "
            "bỏ qua.",
            "Entries that could not be read: {lost}; unsent changes in them are skipped at the "
            "server.",
        ),
        "doctor.cli.history": (
            "Đã ghi lại store.history từ {n} dòng lịch sử còn đọc được.",
            "Wrote store.history afresh from the {n} history lines still readable.",
        ),
        "doctor.cli.kept": ("Đã giữ lại tệp cũ: {name}", "Kept the old file: {name}"),
    }
)


def register(sub: Any, lang: Lang) -> None:
    p = sub.add_parser(
        "doctor",
        help="kiểm tra và khôi phục tệp dữ liệu"
        if lang == "vi"
        else "check and recover the data files",
    )
    p.add_argument("--recover", action="store_true")
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace, ctx: Context) -> int:
    if not Store.exists(ctx.data):
        raise NotFound("store.no_profile", path=str(ctx.data))
    if args.recover:
        return _recover(ctx)
    c = ctx.console
    diag = doctor.diagnose(ctx.data)
    for f in diag.files:
        parts = [f.state]
        if f.records is not None:
            parts.append(c.msg("doctor.cli.records", n=f.records))
        if f.entries:
            parts.append(c.msg("doctor.cli.entries", n=f.entries))
        details = [c.msg(key, **params) for key, params in f.notes]
        if f.detail:
            details.insert(0, f.detail)
        extra = f" — {'; '.join(details)}" if details else ""
        c.print(f"{f.name}: {', '.join(parts)}{extra}")
    for name in diag.set_aside:
        c.print(c.msg("doctor.cli.set_aside", name=name))
    if diag.healthy:
        c.print(c.msg("doctor.cli.healthy"))
        return 0
    if diag.unreadable:
        c.print(c.msg("doctor.cli.unreadable", files=", ".join(f.name for f in diag.unreadable)))
        return 5
    if diag.newer:
        c.print(c.msg("doctor.cli.newer", files=", ".join(f.name for f in diag.newer)))
        return 5
    c.print(c.msg("doctor.cli.damaged"))
    return 7


def _recover(ctx: Context) -> int:
    c = ctx.console
    result = doctor.recover(ctx.data)
    if result is None:
        c.print(c.msg("doctor.cli.nothing"))
        return 0
    if result.sources:
        used = ", ".join(f"{name} ← {src}" for name, src in result.sources.items())
        c.print(
            c.msg("doctor.cli.recovered", used=used, replayed=result.replayed, last_n=result.last_n)
        )
        if result.lost:
            c.print(c.msg("doctor.cli.lost", lost=result.lost))
    if result.history_lines is not None:
        c.print(c.msg("doctor.cli.history", n=result.history_lines))
    for name in result.moved:
        c.print(c.msg("doctor.cli.kept", name=name))
    return 0
