"""Profile and record commands: init, add, set, rm, restore, show, ls, find, export, import,
status (``demo`` is in :mod:`tui.commands.app`, ``doctor`` is in :mod:`tui.commands.doctor`)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from domain.arguments import RawDescriptionHelpFormatter
from domain.errors import NotFound, Problem, SotayError, ValidationError
from domain.i18n import Lang, t
from domain.rules import task_status
from domain.schema import SPECS
from domain.text import fold, safe_display
from sync.record import Record
from sync.store import Store
from sync.transaction import SERVER_OWNED
from tui import present
from tui.commands import as_typed, command
from tui.inputs import match_kind, parse_assignments, resolve_ref, to_logical

if TYPE_CHECKING:
    from tui.cli import Context


def register(sub: Any, lang: Lang) -> None:
    cmd = partial(command, sub, lang)

    def h(key: str) -> str:
        return t(f"cli.help.{key}", lang)

    p = cmd("init", cmd_init)
    p.add_argument("--office", required=True, help=h("office_scope"))
    p.add_argument("--name", required=True, help=h("office_name"))
    p.add_argument("--role", choices=["office", "hq"], default="office", help=h("role"))
    p.add_argument("--author", help=h("your_name"))

    p = cmd("add", cmd_add)
    p.formatter_class = RawDescriptionHelpFormatter
    p.epilog = kinds_and_fields(lang)
    p.add_argument("kind", nargs="?", help=h("kind"))
    p.add_argument("fields", nargs="*", default=[], help=h("fields"))
    p.add_argument("--scope", help=h("scope_default_office"))

    p = cmd("set", cmd_set)
    p.add_argument("id", help=h("id"))
    p.add_argument("fields", nargs="+", help=h("fields"))

    p = cmd("rm", cmd_rm)
    p.add_argument("id", help=h("id"))
    p.add_argument("--yes", "-y", action="store_true", help=h("do_not_ask"))

    p = cmd("restore", cmd_restore)
    p.add_argument("id", help=h("id"))

    p = cmd("move", cmd_move)
    p.add_argument("id", help=h("id"))
    p.add_argument("scope", help=h("move_scope"))

    p = cmd("show", cmd_show)
    p.add_argument("id", help=h("id"))
    p.add_argument("--json", action="store_true", help=h("json"))
    p.add_argument("--history", action="store_true", help=h("history"))

    p = cmd("ls", cmd_ls)
    p.add_argument("kind", nargs="?", help=h("kind"))
    p.add_argument("filters", nargs="*", default=[], help=h("filters"))
    p.add_argument("--overdue", action="store_true", help=h("overdue_tasks_only"))
    p.add_argument("--all", action="store_true", help=h("include_deleted"))
    p.add_argument("--json", action="store_true", help=h("json"))

    p = cmd("find", cmd_find)
    p.add_argument("text", nargs="+", help=h("find_text"))
    p.add_argument("--kind", help=h("only_kind"))
    p.add_argument("--json", action="store_true", help=h("json"))

    p = cmd("export", cmd_export)
    p.add_argument("--format", choices=["jsonl", "json"], default="jsonl", help=h("export_format"))
    p.add_argument("--kind", help=h("only_kind"))

    p = cmd("import", cmd_import)
    p.add_argument("file", help=h("import_file"))

    cmd("status", cmd_status)


#: The kinds a person adds (conflicts are the server's).
ADDABLE = tuple(kind for kind in SPECS if kind not in SERVER_OWNED)


def _kind_name(kind: str, lang: Lang) -> str:
    return as_typed(kind, t(f"kind.{kind}", lang))


def kinds_and_fields(lang: Lang) -> str:
    """``add --help``'s list: each kind and its fields (``*``: required), from the schema."""
    lines = [t("cli.add_kinds", lang)]
    for kind in ADDABLE:
        spec = SPECS[kind]
        names = [
            f"{f}{'*' * (f in spec.required)} ({present.field_label(kind, f, lang)})"
            for f in spec.fields
            if f not in spec.system
        ]
        lines.append(f"  {_kind_name(kind, lang)}:")
        # a field's label is never split across lines: no-break spaces while wrapping
        text = ", ".join(name.replace(" ", "\xa0") for name in names)
        wrapped = textwrap.wrap(text, 76, initial_indent="    ", subsequent_indent="    ")
        lines += [line.replace("\xa0", " ") for line in wrapped]
    lines.append(t("cli.add_example", lang))
    return "\n".join(lines)


def _require_kind(text: str | None, command: str, lang: Lang) -> str:
    """The kind named on the command line; if none, say which there are."""
    if not text:
        raise ValidationError.single(
            "__root__",
            "cli.kind_needed",
            command=command,
            kinds=", ".join(_kind_name(k, lang) for k in ADDABLE),
        )
    return match_kind(text)


# ---------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    store = Store.create(
        ctx.data,
        office=args.office,
        name=args.name,
        role=args.role,
        author=args.author,
        lang=ctx.lang,
    )
    with store:
        ctx.console.print(
            t("cli.created_profile", ctx.lang, office=store.office, name=args.name, data=ctx.data)
        )
    return 0


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    kind = _require_kind(args.kind, "add", ctx.lang)
    with ctx.open_store() as store:
        fields = to_logical(store, kind, parse_assignments(args.fields))
        record = store.add(kind, fields, scope=args.scope)
        ctx.console.raw(record.id)
    return 0


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        record = store.require(args.id)
        changes = to_logical(store, record.kind, parse_assignments(args.fields))
        after = store.update(record.id, changes)
        same = after.doc is record.doc
        ctx.console.print(
            t("ui.nothing_changed", ctx.lang) if same else t("cli.saved", ctx.lang, id=after.id)
        )
    return 0


def cmd_rm(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        record = store.require(args.id)
        if not args.yes and sys.stdin.isatty():
            label = t(f"kind.{record.kind}", ctx.lang)
            question = t(
                "cli.confirm_delete", ctx.lang, kind=record.kind, label=label, title=record.title
            )
            answer = input(safe_display(question)).strip().lower()
            if answer not in ("c", "co", "có", "y", "yes"):
                return 1
        store.delete(record.id)
        ctx.console.print(t("cli.deleted", ctx.lang, id=record.id))
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        record = store.restore(store.require(args.id).id)
        ctx.console.print(t("cli.restored", ctx.lang, id=record.id))
    return 0


def cmd_move(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        record = store.require(args.id)
        with store.transaction() as tx:
            moved = tx.move(record.id, args.scope)
        ctx.console.print(t("cli.moved", ctx.lang, id=moved.id, scope=moved.scope))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        record = store.require(args.id)
        if args.json:
            ctx.console.raw(orjson.dumps(record.export()).decode())
            return 0
        for name, value in present.describe(store, record, ctx.lang, store.today()):
            ctx.console.print(f"{name}: {value}")
        if record.deleted:
            ctx.console.print(t("field.deleted", ctx.lang) + ": " + t("word.yes", ctx.lang))
        if record.pending:
            ctx.console.print(f"{t('word.not_synced', ctx.lang)}: {record.pending}")
        if args.history:
            _print_history(ctx, store, record)
    return 0


def _print_history(ctx: Context, store: Store, record: Record) -> None:
    lang = ctx.lang
    for entry in store.history(record.id):
        who = safe_display(entry.get("author") or "")
        where = entry.get("office") or ""
        parts = [
            t(f"ui.history.{mark}", lang)
            for mark in ("created", "arrived", "removed")
            if entry.get(mark)
        ]
        if entry.get("scope"):
            old, new = entry["scope"]
            parts.append(t("ui.history.moved", lang, old=old, new=new))
        if not entry.get("created") and not entry.get("removed"):
            parts += [
                f"{present.field_label(record.kind, k, lang)}: "
                f"{safe_display(v[0])} → {safe_display(v[1])}"
                for k, v in entry["changes"].items()
            ]
        when = present.local_time(entry["at"], lang)
        source = t(f"ui.history.src.{entry['source']}", lang)
        ctx.console.print(f"{when} {source} {who} {where}: {', '.join(parts)}")


# ---------------------------------------------------------------------------
def _status_matcher(value: str) -> Callable[[Record, Any], bool]:
    wanted = fold(value)
    codes = {
        code
        for code in (
            "not_started",
            "in_progress",
            "done",
            "done_on_time",
            "done_late",
            "overdue",
            "paused",
            "cancelled",
        )
        if wanted in (code, fold(t(f"status.{code}", "vi")), fold(t(f"status.{code}", "en")))
    }
    if not codes:
        raise ValidationError.single(
            "status",
            "validation.bad_choice",
            value=value,
            choices=", ".join(
                t(f"status.{c}", "vi") for c in ("not_started", "in_progress", "done", "overdue")
            ),
        )

    def match(record: Record, today: Any) -> bool:
        derived = task_status(record.data, today)
        return derived in codes or ("done" in codes and derived.startswith("done"))

    return match


def _filter(store: Store, kind: str, name: str, value: str) -> Callable[[Record, Any], bool]:
    model = SPECS[kind]
    if name == "status" and kind == "task":
        return _status_matcher(value)
    if name not in model.fields:
        raise ValidationError.single(
            name,
            "validation.unknown_field",
            field=name,
            kind=f"§kind.{kind}",
            known=", ".join(model.fields),
        )
    if name in model.refs:
        target = resolve_ref(store, model.refs[name], value, name)

        def ref_match(record: Record, today: Any) -> bool:
            got = record.data.get(name)
            return got == target or (isinstance(got, list | dict) and target in got)

        return ref_match
    needle = fold(value)

    def text_match(record: Record, today: Any) -> bool:
        raw = record.data.get(name)
        shown = present.display_value(store, kind, name, raw, "vi")
        return needle in fold(shown) or needle == fold(str(raw))

    return text_match


def cmd_ls(args: argparse.Namespace, ctx: Context) -> int:
    kind = _require_kind(args.kind, "ls", ctx.lang)
    with ctx.open_store() as store:
        today = store.today()
        raw = parse_assignments(args.filters)
        tests = [_filter(store, kind, n, v) for n, v in raw.items()]
        if args.overdue:
            tests.append(_status_matcher("overdue"))
        records = store.list(
            kind, include_deleted=args.all, where=lambda r: all(t(r, today) for t in tests)
        )
        records.sort(key=present.sort_key)
        _show_records(ctx, store, records, args.json)
    return 0


def _show_records(ctx: Context, store: Store, records: list[Record], as_json: bool) -> None:
    if as_json:
        for record in records:
            ctx.console.raw(orjson.dumps(record.export()).decode())
        return
    if not records:
        ctx.console.note(t("cli.no_records", ctx.lang))
        return
    by_kind: dict[str, list[Record]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    for kind, group in by_kind.items():
        if len(by_kind) > 1:
            ctx.console.print(f"\n{t('kind.' + kind, ctx.lang)}")
        headers, rows, limits = present.record_rows(store, group, ctx.lang, store.today())
        ctx.console.table(headers, rows, limits)
    if any(record.pending for record in records):
        ctx.console.note(t("cli.pending_mark", ctx.lang))


def cmd_find(args: argparse.Namespace, ctx: Context) -> int:
    text = " ".join(args.text)
    with ctx.open_store() as store:
        kinds = [match_kind(args.kind)] if args.kind else None
        found = store.search(text, kinds=kinds, limit=None)
        _show_records(ctx, store, found, args.json)
    return 0


# ---------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    kind = match_kind(args.kind) if args.kind else None
    with ctx.open_store() as store:
        records = store.list(kind, include_deleted=True)
        records.sort(key=lambda r: r.id)
        items = [r.export() for r in records]
    if args.format == "json":
        ctx.console.raw(orjson.dumps(items, option=orjson.OPT_INDENT_2).decode())
    else:
        for item in items:
            ctx.console.raw(orjson.dumps(item).decode())
    return 0


def _read_export(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound("cli.import_missing", file=str(path)) from None
    except IsADirectoryError:
        raise SotayError("cli.import_folder", file=str(path)) from None
    except PermissionError:
        raise SotayError("cli.import_denied", file=str(path)) from None
    except OSError as exc:
        raise SotayError("import.unreadable", file=str(path), detail=exc.strerror) from None
    stripped = data.lstrip()
    if stripped.startswith(b"["):
        try:
            yield from enumerate(orjson.loads(stripped), start=1)
        except orjson.JSONDecodeError as exc:
            raise SotayError("import.unreadable", file=str(path), detail=str(exc)) from None
        return
    problems = []
    items = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((number, orjson.loads(line)))
        except orjson.JSONDecodeError as exc:
            problems.append(
                Problem(
                    "__root__",
                    "import.bad_line",
                    {"line": number, "file": path.name, "detail": str(exc)},
                )
            )
    if problems:
        raise ValidationError(problems)
    yield from items


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    path = Path(args.file)
    items = list(_read_export(path))
    with ctx.open_store() as store:
        counts = store.import_records(items, enforce_scope=False, file=path.name)
    ctx.console.print(
        t(
            "cli.imported",
            ctx.lang,
            added=counts["added"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
        )
    )
    return 0


def load_demo(store: Store) -> dict[str, dict[str, int]]:
    """Load the demo set; returns counts per office and kind."""
    from domain import demo  # the demo set: only the commands that load it import it

    items = list(enumerate(demo.records(), start=1))
    store.import_records(items, enforce_scope=False)
    summary: dict[str, dict[str, int]] = {}
    for _n, item in items:
        office = summary.setdefault(item["scope"], {})
        office[item["kind"]] = office.get(item["kind"], 0) + 1
    return summary


def ensure_profile(
    ctx: Context, office: str = "vn", name: str = "Sổ tay (dữ liệu mẫu)", role: str = "hq"
) -> Store:
    if Store.exists(ctx.data):
        return ctx.open_store()
    return Store.create(ctx.data, office=office, name=name, role=role, lang=ctx.lang)


def load_demo_profile(ctx: Context) -> int:
    """``sotay demo --no-ui``: the demo set into the current profile (created if missing)."""
    with ensure_profile(ctx) as store:
        summary = load_demo(store)
    print_demo_summary(ctx, summary)
    return 0


def print_demo_summary(ctx: Context, summary: dict[str, dict[str, int]]) -> None:
    ctx.console.print(t("cli.loaded_demo_data", ctx.lang))
    for office, counts in summary.items():
        parts = ", ".join(f"{n} {t('kind.' + k, ctx.lang)}" for k, n in counts.items())
        ctx.console.print(f"  {office}: {parts}")


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        stats = store.stats()
        c = ctx.console
        role = t(f"cli.role.{store.role}", ctx.lang)
        c.print(f"{t('field.scope', ctx.lang)}: {store.office} ({store.meta('name')}), {role}")
        for kind, n in stats["counts"].items():
            c.print(f"  {t('kind.' + kind, ctx.lang)}: {n}")
        c.print(f"{t('word.not_synced', ctx.lang)}: {stats['pending']}")
        c.print(f"{t('kind.conflict', ctx.lang)}: {stats['open_conflicts']}")
        if stats["rejected"]:
            c.print(t("cli.changes_refused", ctx.lang, rejected=stats["rejected"]))
        when = present.local_time(store.meta("last_sync_at"), ctx.lang)
        c.print(t("ui.status.last_sync", ctx.lang, when=when))
    return 0
