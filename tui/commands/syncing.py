"""Sync commands: login, logout, sync, conflicts, resolve."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.ids import short
from domain.text import safe_display
from sync.apply import accept_removals
from sync.credentials import check_token, client_for, forget_token, save_token
from sync.errors import NotLoggedIn
from sync.store import Store
from tui.commands import command

#: Only ``sync`` runs at every start (the app's timer and scripts call it): what the other
#: commands need (the conflict rules, the presenters, getpass) each imports for itself.
if TYPE_CHECKING:  # httpx is imported only by the commands that talk to the server
    from sync.client import SyncResult
    from tui.cli import Context


def register(sub: Any, lang: Lang) -> None:
    p = command(sub, lang, "login", cmd_login)
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument(
        "--token", metavar="MÃ" if lang == "vi" else "TOKEN", help=t("cli.help.token", lang)
    )

    command(sub, lang, "logout", cmd_logout)

    p = command(sub, lang, "sync", cmd_sync)
    p.add_argument(
        "--server",
        metavar="URL",
        help=t("cli.help.another_server", lang),
    )
    p.add_argument(
        "--full",
        action="store_true",
        help=t("cli.help.fetch_all_again", lang),
    )
    p.add_argument(
        "--adopt-server",
        action="store_true",
        help=t("cli.help.adopt_new_server", lang),
    )

    command(sub, lang, "conflicts", cmd_conflicts)

    p = command(sub, lang, "resolve", cmd_resolve)
    p.add_argument("conflict_id")
    p.add_argument(
        "--keep",
        required=True,
        metavar="mine|theirs|current|other|copy|" + t("cli.metavar.value", lang),
        help=t("cli.help.keep", lang),
    )

    p = command(sub, lang, "removals", cmd_removals)
    p.add_argument(
        "--accept",
        action="store_true",
        help=t("cli.help.accept_removals", lang),
    )


def cmd_login(args: argparse.Namespace, ctx: Context) -> int:
    token = check_token(_token_given(args.token, ctx.lang))
    with ctx.open_store() as store:
        health = check_login(store, args.server, token)
        path = save_token(ctx.data, args.server, token)
        store.set_meta(server_url=args.server.rstrip("/"))
        ctx.console.print(
            t(
                "sync.login_ok",
                ctx.lang,
                server=args.server,
                server_id=health.get("server_id", "?"),
                path=path,
            )
        )
        known = store.meta("server_id")
        if known and health.get("server_id") != known:
            ctx.console.note(t("sync.login_other_server", ctx.lang, server=args.server))
    return 0


def _token_given(arg: str | None, lang: Lang) -> str:
    """The token from ``--token``, ``--token -`` (standard input), ``SOTAY_TOKEN``, or a
    prompt that does not echo when none is given on a terminal."""
    stdin = sys.stdin
    if arg == "-" and stdin is not None:
        return stdin.readline()
    if arg:
        return arg
    if os.environ.get("SOTAY_TOKEN"):
        return os.environ["SOTAY_TOKEN"]
    if stdin is not None and stdin.isatty():
        import getpass

        return getpass.getpass(t("sync.token_prompt", lang))
    raise SotayError("sync.token_missing")


def check_login(store: Store, server: str, token: str) -> dict[str, Any]:
    """The server's health, once it has said the token is one of ``store``'s office; else
    the error, with nothing saved (``sotay login`` and the first-run setup both ask)."""
    health, who = asyncio.run(_ask_server(store, server, token))
    if who.get("office") != store.office:
        raise SotayError(
            "sync.login_other_office", token_office=who.get("office"), office=store.office
        )
    return health


def check_new_login(office: str, server: str, token: str) -> None:
    """:func:`check_login` before the profile exists: a throwaway store stands in for it."""
    with (
        tempfile.TemporaryDirectory(prefix="sotay-login-") as folder,
        Store.create(Path(folder) / "probe", office=office, name=office) as probe,
    ):
        check_login(probe, server, token)


async def _ask_server(
    store: Store, server: str, token: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The server's health and the token's office, or an error that says nothing was saved
    (not the sync's "your changes are kept": a login keeps nothing)."""
    from sync.client import SyncClient
    from sync.errors import Offline, ServerUnavailable

    try:
        async with SyncClient(store, server_url=server, token=token) as client:
            return await client.health(), await client.whoami()
    except Offline as exc:
        raise Offline("sync.login_offline", **exc.params) from None
    except ServerUnavailable as exc:
        raise ServerUnavailable("sync.login_unavailable", **exc.params) from None


def cmd_logout(args: argparse.Namespace, ctx: Context) -> int:
    gone = forget_token(ctx.data)
    ctx.console.print(t("cli.token_removed" if gone else "cli.not_logged_in", ctx.lang))
    return 0


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        if args.adopt_server:
            store.adopt_new_server()
        if args.full:
            store.set_meta(cursor=0, feed_tag=None, full_pull=True)
        client = client_for(store, ctx.data, server=args.server)
        if client is None:
            raise NotLoggedIn()

        async def run() -> SyncResult:
            async with client:
                return await client.sync()

        result = asyncio.run(run())
        print_result(ctx, result)
    return 0


def print_result(ctx: Context, result: SyncResult) -> None:
    c = ctx.console
    c.print(
        t(
            "cli.synced",
            ctx.lang,
            pushed=result.pushed,
            pulled=result.pulled,
            removed=result.removed,
            requests=result.requests,
        )
    )
    if result.rejected:
        c.print(t("cli.server_refused", ctx.lang, rejected=result.rejected))
    if result.held_removals:
        c.note(t("sync.removals_held", ctx.lang, count=result.held_removals))
    if result.new_conflicts:
        c.print(t("cli.new_conflicts", ctx.lang, count=len(result.new_conflicts)))
    if result.clock_warning and result.clock_skew is not None:
        c.note(t("sync.clock_skew", ctx.lang, minutes=round(abs(result.clock_skew) / 60)))


def _side_text(store: Store, data: dict[str, Any], side: str, lang: Lang) -> str:
    """One side of a conflict as a person reads it: the value, and for a delete or a move
    the edit the server kept aside."""
    from tui import present

    field = str(data.get("field") or "")
    value = data.get(f"{side}_value")
    kind = str(data.get("record_kind") or "")
    if field == "scope":
        text = t("cli.conflict.in_scope", lang, value=safe_display(value))
    else:
        text = present.conflict_value(store, kind, field, value, lang)
    kept = data.get("other_fields") if side == "other" else None
    if kept:
        edits = "; ".join(
            f"{present.field_label(kind, k, lang)}={safe_display(v)}"
            for k, v in sorted(kept.items())
            if k != "scope"
        )
        if edits:
            text += t("cli.conflict.kept_edits", lang, edits=edits)
    return text


def cmd_conflicts(args: argparse.Namespace, ctx: Context) -> int:
    from sync import conflicts as conflict_rules
    from tui import present

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
                    present.conflict_field(kind, str(d.get("field", "")), store, ctx.lang),
                    _side_text(store, d, "current", ctx.lang),
                    safe_display(
                        f"{d.get('current_office') or ''} {d.get('current_author') or ''}"
                    ),
                    _side_text(store, d, "other", ctx.lang),
                    safe_display(f"{d.get('other_office') or ''} {d.get('other_author') or ''}"),
                    _side_text(store, d, mine, ctx.lang) if mine else "",
                ]
            )
        headers = [
            t("field.id", ctx.lang),
            t("field.record_id", ctx.lang),
            t("field.field", ctx.lang),
            t("field.current_value", ctx.lang),
            t("field.current_office", ctx.lang),
            t("field.other_value", ctx.lang),
            t("field.other_office", ctx.lang),
            t("ui.conflict.mine", ctx.lang),
        ]
        if rows:
            ctx.console.table(headers, rows, [9, 30, 14, 24, 24, 24, 24, 10])
        else:
            ctx.console.note(t("cli.no_open_conflicts", ctx.lang))
        for item in store.rejected():
            op = item["op"]
            ctx.console.print(
                t("cli.refused", ctx.lang)
                + f": {short(op['record_id'])} "
                + safe_display(item.get("message") or item.get("reason"))
            )
        held = store.held_removals()
        if held:
            ctx.console.note(t("sync.removals_held", ctx.lang, count=len(held)))
    return 0


def cmd_resolve(args: argparse.Namespace, ctx: Context) -> int:
    from sync import conflicts as conflict_rules

    with ctx.open_store() as store:
        keep = args.keep
        if keep in conflict_rules.KEEP_WORDS:
            record = conflict_rules.resolve(store, args.conflict_id, keep)
        else:
            record = conflict_rules.resolve(store, args.conflict_id, "value", value=keep)
        what = record.id if record is not None else short(args.conflict_id)
        ctx.console.print(t("cli.resolved", ctx.lang, what=what))
    return 0


def cmd_removals(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        held = store.held_removals()
        if not held:
            ctx.console.note(t("cli.no_removals_held_back", ctx.lang))
            return 0
        if args.accept:
            with store.transaction() as tx:
                dropped = accept_removals(tx)
            ctx.console.print(t("cli.removed_records", ctx.lang, dropped=dropped))
            return 0
        from tui import present

        records = [r for r in (store.get(rid) for rid in held) if r is not None]
        headers, rows, limits = present.record_rows(store, records, ctx.lang, store.today())
        ctx.console.table(headers, rows, limits)
        ctx.console.print(t("cli.removals_hint", ctx.lang))
    return 0
