"""Sync commands: login, logout, sync, conflicts, resolve."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from domain.i18n import Lang, label, message
from domain.ids import short
from domain.text import safe_display
from sync import conflicts as conflict_rules
from sync.apply import accept_removals
from sync.credentials import forget_token, load_token, save_token
from sync.errors import NotLoggedIn
from sync.store import Store
from tui import present
from tui.strings import tr

if TYPE_CHECKING:  # httpx is imported only by the commands that talk to the server
    from sync.client import SyncClient, SyncResult
    from tui.cli import Context


def _t(lang: Lang, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def register(sub: Any, lang: Lang) -> None:
    p = sub.add_parser(
        "login",
        help=_t(lang, "lưu địa chỉ máy chủ và mã truy cập", "store the server address and token"),
    )
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--token", required=True)
    p.set_defaults(func=cmd_login)

    p = sub.add_parser("logout", help=_t(lang, "xóa mã truy cập đã lưu", "forget the stored token"))
    p.set_defaults(func=cmd_logout)

    p = sub.add_parser("sync", help=_t(lang, "đồng bộ với máy chủ", "sync with the server"))
    p.add_argument(
        "--server",
        metavar="URL",
        help=_t(lang, "dùng máy chủ khác lần này", "use another server this time"),
    )
    p.add_argument(
        "--full",
        action="store_true",
        help=_t(
            lang,
            "tải lại toàn bộ dữ liệu của văn phòng từ máy chủ",
            "fetch all of this office's data from the server again",
        ),
    )
    p.add_argument(
        "--adopt-server",
        action="store_true",
        help=_t(
            lang,
            "nhận máy chủ mới (gửi lại mọi dữ liệu của văn phòng)",
            "adopt a new server (send all of this office's data again)",
        ),
    )
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "conflicts", help=_t(lang, "liệt kê xung đột chưa giải quyết", "list open conflicts")
    )
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("resolve", help=_t(lang, "giải quyết một xung đột", "resolve a conflict"))
    p.add_argument("conflict_id")
    p.add_argument("--keep", required=True, metavar="mine|theirs|current|other|copy|VALUE")
    p.set_defaults(func=cmd_resolve)

    p = sub.add_parser(
        "removals",
        help=_t(
            lang,
            "xem (và chấp nhận) các bản ghi máy chủ yêu cầu gỡ đang được giữ lại",
            "review (and accept) the removals the server asked for that are held back",
        ),
    )
    p.add_argument(
        "--accept",
        action="store_true",
        help=_t(lang, "gỡ các bản ghi đó khỏi máy này", "remove them from this computer"),
    )
    p.set_defaults(func=cmd_removals)


def client_for(ctx: Context, store: Store, server: str | None = None) -> SyncClient:
    from sync.client import SyncClient

    saved = load_token(ctx.data)
    if saved is None:
        raise NotLoggedIn()
    url, token = saved
    return SyncClient(store, server_url=server or url, token=token)


def cmd_login(args: argparse.Namespace, ctx: Context) -> int:
    from sync.client import SyncClient

    with ctx.open_store() as store:

        async def check() -> dict[str, Any]:
            async with SyncClient(store, server_url=args.server, token=args.token) as client:
                return await client.check()

        health = asyncio.run(check())
        path = save_token(ctx.data, args.server, args.token)
        store.set_meta(server_url=args.server.rstrip("/"))
        ctx.console.print(
            message(
                "sync.login_ok",
                ctx.lang,
                server=args.server,
                server_id=health.get("server_id", "?"),
                path=path,
            )
        )
        known = store.meta("server_id")
        if known and health.get("server_id") != known:
            ctx.console.note(message("sync.login_other_server", ctx.lang, server=args.server))
    return 0


def cmd_logout(args: argparse.Namespace, ctx: Context) -> int:
    gone = forget_token(ctx.data)
    ctx.console.print(
        _t(
            ctx.lang,
            "Đã xóa mã truy cập." if gone else "Chưa đăng nhập.",
            "Token removed." if gone else "Not logged in.",
        )
    )
    return 0


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        if args.adopt_server:
            store.adopt_new_server()
        if args.full:
            store.set_meta(cursor=0, feed_tag=None, full_pull=True)
        client = client_for(ctx, store, args.server)

        async def run() -> SyncResult:
            async with client:
                return await client.sync()

        result = asyncio.run(run())
        print_result(ctx, result)
    return 0


def print_result(ctx: Context, result: SyncResult) -> None:
    c = ctx.console
    c.print(
        _t(
            ctx.lang,
            f"Đã đồng bộ: gửi {result.pushed} thay đổi, nhận {result.pulled} bản ghi, "
            f"gỡ {result.removed} ({result.requests} lượt gửi).",
            f"Synced: sent {result.pushed} changes, received {result.pulled} records, "
            f"removed {result.removed} ({result.requests} requests).",
        )
    )
    if result.rejected:
        c.print(
            _t(
                ctx.lang,
                f"Máy chủ từ chối {result.rejected} thay đổi; xem: sotay conflicts",
                f"The server refused {result.rejected} changes; see: sotay conflicts",
            )
        )
    if result.held_removals:
        c.note(message("sync.removals_held", ctx.lang, count=result.held_removals))
    if result.new_conflicts:
        c.print(
            _t(
                ctx.lang,
                f"Có {len(result.new_conflicts)} xung đột mới; xem: sotay conflicts",
                f"{len(result.new_conflicts)} new conflicts; see: sotay conflicts",
            )
        )
    if result.clock_warning and result.clock_skew is not None:
        c.note(message("sync.clock_skew", ctx.lang, minutes=round(abs(result.clock_skew) / 60)))


def _side_text(store: Store, data: dict[str, Any], side: str, lang: Lang) -> str:
    """One side of a conflict as a person reads it: the value, and for a delete or a move
    the edit the server kept aside."""
    field = data.get("field")
    value = data.get(f"{side}_value")
    if field == "deleted":
        text = tr("ui.conflict.deleted_yes" if value else "ui.conflict.deleted_no", lang)
    elif field == "scope":
        text = _t(lang, f"ở {value}", f"in {value}")
    else:
        text = safe_display(value)
    kept = data.get("other_fields") if side == "other" else None
    if kept:
        kind = str(data.get("record_kind") or "")
        edits = "; ".join(
            f"{present.field_label(kind, k, lang)}={safe_display(v)}"
            for k, v in sorted(kept.items())
            if k != "scope"
        )
        if edits:
            text += _t(lang, f" (sửa: {edits})", f" (edit: {edits})")
    return text


def cmd_conflicts(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        rows = []
        for conflict in store.open_conflicts():
            d = conflict.data
            mine = conflict_rules.sides(store, conflict).get("mine", "")
            kind = str(d.get("record_kind") or "")
            rows.append(
                [
                    short(conflict.id),
                    safe_display(d.get("record_title") or short(d["record_id"])),
                    present.field_label(kind, str(d.get("field", "")), ctx.lang),
                    _side_text(store, d, "current", ctx.lang),
                    safe_display(
                        f"{d.get('current_office') or ''} {d.get('current_author') or ''}"
                    ),
                    _side_text(store, d, "other", ctx.lang),
                    safe_display(f"{d.get('other_office') or ''} {d.get('other_author') or ''}"),
                    label("word.yes", ctx.lang) if mine else "",
                ]
            )
        headers = [
            label("field.id", ctx.lang),
            label("field.record_id", ctx.lang),
            label("field.field", ctx.lang),
            label("field.current_value", ctx.lang),
            label("field.current_office", ctx.lang),
            label("field.other_value", ctx.lang),
            label("field.other_office", ctx.lang),
            _t(ctx.lang, "Của tôi", "Mine"),
        ]
        if rows:
            ctx.console.table(headers, rows, [9, 30, 14, 24, 24, 24, 24, 10])
        else:
            ctx.console.note(_t(ctx.lang, "Không có xung đột nào.", "No open conflicts."))
        for item in store.rejected():
            op = item["op"]
            ctx.console.print(
                _t(ctx.lang, "Bị từ chối", "Refused")
                + f": {short(op['record_id'])} "
                + safe_display(item.get("message") or item.get("reason"))
            )
        held = store.held_removals()
        if held:
            ctx.console.note(message("sync.removals_held", ctx.lang, count=len(held)))
    return 0


def cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        keep = args.keep
        if keep in conflict_rules.KEEP_WORDS:
            record = conflict_rules.resolve(store, args.conflict_id, keep)
        else:
            record = conflict_rules.resolve(store, args.conflict_id, "value", value=keep)
        what = record.id if record is not None else short(args.conflict_id)
        ctx.console.print(
            _t(
                ctx.lang,
                f"Đã giải quyết; {what} sẽ được gửi ở lần đồng bộ tới.",
                f"Resolved; {what} will be sent at the next sync.",
            )
        )
    return 0


def cmd_removals(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        held = store.held_removals()
        if not held:
            ctx.console.note(_t(ctx.lang, "Không có bản ghi nào chờ gỡ.", "No removals held back."))
            return 0
        if args.accept:
            with store.transaction() as tx:
                dropped = accept_removals(tx)
            ctx.console.print(
                _t(
                    ctx.lang,
                    f"Đã gỡ {dropped} bản ghi khỏi máy này.",
                    f"Removed {dropped} records from this computer.",
                )
            )
            return 0
        records = [r for r in (store.get(rid) for rid in held) if r is not None]
        headers, rows, limits = present.record_rows(store, records, ctx.lang, store.today())
        ctx.console.table(headers, rows, limits)
        ctx.console.print(
            _t(
                ctx.lang,
                "Chấp nhận gỡ: sotay removals --accept",
                "To remove them: sotay removals --accept",
            )
        )
    return 0
