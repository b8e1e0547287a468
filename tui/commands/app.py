"""``sotay`` with no command: open the app on the current profile (first run: setup).
``sotay demo``: the demo data in a throwaway profile, synced with a local demo server."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import Conflict, SotayError
from domain.i18n import Lang, resolve_lang, t
from sync.store import Store
from tui.commands import command

if TYPE_CHECKING:
    from tui.app import SotayApp
    from tui.cli import Context


def register(sub: Any, lang: Lang) -> None:
    """``demo``; the app itself opens when ``sotay`` is run without a subcommand."""
    p = command(sub, lang, "demo", cmd_demo)
    p.add_argument(
        "--no-ui",
        action="store_true",
        help=t("cli.help.demo_no_ui", lang),
    )
    p.add_argument("--force", action="store_true", help=t("cli.help.demo_force", lang))


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    if args.no_ui:
        from tui.commands.records import load_demo_profile

        _refuse_a_real_office(ctx, force=args.force)
        return load_demo_profile(ctx)
    return open_demo(args, ctx)


def _refuse_a_real_office(ctx: Context, *, force: bool) -> None:
    """Demo data in a profile logged in to a server would be pushed there on the next sync:
    refused unless ``--force``."""
    from sync.credentials import load_token

    saved = load_token(ctx.data) if Store.exists(ctx.data) else None
    if saved is not None and not force:
        raise Conflict("cli.demo_logged_in", server=saved[0], path=str(ctx.data))


def run_app(
    store: Store, data: Path, lang: Lang, on_first_paint: Callable[[SotayApp], None] | None = None
) -> int:
    from sync.credentials import client_for, load_token
    from tui.app import build_app

    logged_in = load_token(data) is not None
    app = build_app(
        store,
        None,
        lang=lang,
        data_dir=data,
        on_first_paint=on_first_paint,
        connect=(lambda: client_for(store, data)) if logged_in else None,
    )
    app.run()
    return int(app.return_code or 0)


def _lang(args: argparse.Namespace, ctx: Context, store: Store) -> Lang:
    if getattr(args, "lang", None):
        return ctx.lang
    stored = store.meta("lang")
    return resolve_lang(str(stored)) if stored else ctx.lang


def open_app(args: argparse.Namespace, ctx: Context) -> int:
    if not Store.exists(ctx.data) and not first_run(ctx):
        return 0
    with ctx.open_store() as store:
        return run_app(store, ctx.data, _lang(args, ctx, store))


def first_run(ctx: Context) -> bool:
    """The setup screen; makes the profile (and saves the token).  False if the person left."""
    from sync.credentials import save_token
    from tui.commands.syncing import check_new_login
    from tui.screens.setup import SetupApp

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    while True:
        answers = SetupApp(ctx.lang, values, errors).run()
        if answers is None:
            return False
        if not (answers.server_url and answers.token):
            break
        try:  # the token must be this office's: ask the server before anything is saved
            check_new_login(answers.office, answers.server_url, answers.token)
            break
        except SotayError as exc:
            values = {"office": answers.office, "name": answers.name}
            values.update(server=answers.server_url, token=answers.token)
            errors = {"token": exc.message(ctx.lang)}
    store = Store.create(ctx.data, office=answers.office, name=answers.name, lang=ctx.lang)
    with store:
        if answers.server_url and answers.token:
            save_token(ctx.data, answers.server_url, answers.token)
            store.set_meta(server_url=answers.server_url.rstrip("/"))
    return True


def open_demo(args: argparse.Namespace, ctx: Context) -> int:
    """Demo data in a throwaway HQ profile, a local server, the app connected to it."""
    from sync.credentials import save_token
    from tui.commands.records import load_demo
    from tui.demo_server import DemoServer

    folder = Path(tempfile.mkdtemp(prefix="sotay-demo-"))
    server: DemoServer | None = None
    offered = False  # the Bắc Giang window was offered: its folder outlives the demo
    try:
        ctx.console.print(t("ui.demo.starting", ctx.lang))
        server = DemoServer.start(folder)
        hq, office = folder / "hq", folder / "bac-giang"
        with Store.create(office, office="vn/bac-giang", name="Văn phòng Bắc Giang", lang=ctx.lang):
            save_token(office, server.url, server.tokens["bac-giang"])
        store = Store.create(
            hq, office="vn", name="Ban Chỉ đạo (dữ liệu mẫu)", role="hq", lang=ctx.lang
        )
        with store:
            load_demo(store)
            save_token(hq, server.url, server.tokens["hq"])
            store.set_meta(server_url=server.url)
            ready = t("ui.demo.ready", ctx.lang, url=server.url, path=folder)
            second = t("ui.demo.second", ctx.lang, path=office)
            ctx.console.print(ready)
            ctx.console.print(second)
            offered = True

            def welcome(app: SotayApp) -> None:
                app.notify(f"{ready}\n{second}", markup=False, timeout=8)

            return run_app(store, hq, ctx.lang, on_first_paint=welcome)
    finally:
        if server is not None:
            server.stop()
        if offered:
            ctx.console.print(t("ui.demo.stopped_kept", ctx.lang, path=folder))
        else:
            shutil.rmtree(folder, ignore_errors=True)
            ctx.console.print(t("ui.demo.stopped", ctx.lang))
