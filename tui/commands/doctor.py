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

from domain.errors import NotFound
from domain.i18n import Lang, t
from sync import doctor
from sync.store import Store
from tui.commands import command

if TYPE_CHECKING:
    from tui.cli import Context


def register(sub: Any, lang: Lang) -> None:
    p = command(sub, lang, "doctor", cmd_doctor)
    p.add_argument("--recover", action="store_true")


def cmd_doctor(args: argparse.Namespace, ctx: Context) -> int:
    if not Store.exists(ctx.data):
        raise NotFound("store.no_profile", path=str(ctx.data))
    if args.recover:
        return _recover(ctx)
    c = ctx.console
    diag = doctor.diagnose(ctx.data)
    for f in diag.files:
        parts = [t(f"doctor.state.{f.state}", c.lang)]
        if f.records is not None:
            parts.append(t("doctor.cli.records", c.lang, n=f.records))
        if f.entries:
            parts.append(t("doctor.cli.entries", c.lang, n=f.entries))
        details = [t(key, c.lang, **params) for key, params in f.notes]
        if f.detail:
            details.insert(0, f.detail)
        extra = f" — {'; '.join(details)}" if details else ""
        c.print(f"{f.name}: {', '.join(parts)}{extra}")
    for name in diag.set_aside:
        c.print(t("doctor.cli.set_aside", c.lang, name=name))
    if diag.healthy:
        c.print(t("doctor.cli.healthy", c.lang))
        return 0
    if diag.unreadable:
        c.print(
            t("doctor.cli.unreadable", c.lang, files=", ".join(f.name for f in diag.unreadable))
        )
        return 5
    if diag.newer:
        c.print(t("doctor.cli.newer", c.lang, files=", ".join(f.name for f in diag.newer)))
        return 5
    c.print(t("doctor.cli.damaged", c.lang))
    return 7


def _recover(ctx: Context) -> int:
    c = ctx.console
    result = doctor.recover(ctx.data)
    if result is None:
        c.print(t("doctor.cli.nothing", c.lang))
        return 0
    if result.sources:
        used = ", ".join(f"{name} ← {src}" for name, src in result.sources.items())
        c.print(
            t(
                "doctor.cli.recovered",
                c.lang,
                used=used,
                replayed=result.replayed,
                last_n=result.last_n,
            )
        )
        if result.lost:
            c.print(t("doctor.cli.lost", c.lang, lost=result.lost))
    if result.history_lines is not None:
        c.print(t("doctor.cli.history", c.lang, n=result.history_lines))
    for name in result.moved:
        c.print(t("doctor.cli.kept", c.lang, name=name))
    return 0
