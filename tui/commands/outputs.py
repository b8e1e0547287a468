"""Output commands: report, notice, ranking, import-plan, rollup."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from documents import plan_import, rollup
from documents import ranking as rk
from documents.assemble import ReportOptions, collect_report, report_record
from documents.export import formats_for, save_report, write_document
from documents.notice import late_document, late_meetings, notice_document, timing_note
from documents.render_md import to_markdown
from documents.reporting import Document, build_report
from domain.dates import format_date, parse_date
from domain.errors import SotayError, ValidationError
from domain.holidays import NoticeTiming
from domain.i18n import Lang, t
from domain.money import group_thousands
from domain.periods import KINDS as PERIOD_KINDS
from domain.periods import parse_period
from domain.ranking import SOURCES, parse_bands
from domain.schema import RANKING_GROUPS
from sync.store import Store
from tui.commands import Choices, command

if TYPE_CHECKING:
    from tui.cli import Context


def register_commands(sub: Any, lang: Lang) -> dict[str, argparse.ArgumentParser]:
    cmd = partial(command, sub, lang)

    parsers = {
        "report": cmd("report", cmd_report),
        "notice": cmd("notice", cmd_notice),
        "ranking": cmd("ranking", cmd_ranking),
        "import-plan": cmd("import-plan", cmd_import_plan),
        "rollup": cmd("rollup", cmd_rollup),
    }
    for p in parsers.values():
        if p is not parsers["import-plan"]:
            p.add_argument(
                "--format",
                help="docx, md, csv (" + t("cli.help.several_formats", lang) + ")",
            )
            p.add_argument("-o", "--output", help=t("cli.help.output", lang))
    return parsers


def register(sub: Any, lang: Lang) -> None:
    p = register_commands(sub, lang)
    r = p["report"]
    kinds = Choices(PERIOD_KINDS, "period_kind", lang)
    r.add_argument(
        "kind",
        type=kinds,
        metavar=t("cli.metavar.period_kind", lang),
        help=kinds.help("cli.help.period_kind"),
    )
    r.add_argument("period", help="2022-Q2, 2011-H1, 2022-05, 2022, 01/03/2022..30/06/2022")
    r.add_argument("--scope", help=t("cli.help.scope_default_office", lang))
    r.add_argument("--unit", help=t("cli.help.reporting_unit", lang))
    r.add_argument("--number", help=t("cli.help.number_symbol", lang))
    r.add_argument("--place", help=t("cli.help.place", lang))
    r.add_argument("--date", help=t("cli.help.report_date", lang))
    r.add_argument("--signer", help=t("cli.help.signed_by", lang))
    r.add_argument("--recommendations", help=t("cli.help.recommendations", lang))
    r.add_argument(
        "--save",
        action="store_true",
        help=t("cli.help.save_as_report_record", lang),
    )
    sections = range(1, 6)
    r.add_argument(
        "--section",
        type=int,
        choices=sections,
        metavar=t("cli.metavar.section", lang),
        help=t("cli.help.section", lang),
    )
    r.add_argument(
        "--text", metavar=t("cli.metavar.text", lang), help=t("cli.help.section_text", lang)
    )
    r.add_argument(
        "--refresh-section",
        type=int,
        choices=sections,
        action="append",
        default=[],
        metavar=t("cli.metavar.section", lang),
        help=t("cli.help.refresh_section", lang),
    )

    n = p["notice"]
    n.add_argument("id", nargs="?", help=t("cli.help.meeting_notice_id", lang))
    n.add_argument("--place", help=t("cli.help.place", lang))
    n.add_argument("--signer", help=t("cli.help.signed_by", lang))
    n.add_argument(
        "--late",
        action="store_true",
        help=t("cli.help.list_late_notices", lang),
    )

    k = p["ranking"]
    k.add_argument("year", type=int, help=t("cli.help.ranking_year", lang))
    groups = Choices(tuple(RANKING_GROUPS), "ranking_group", lang)
    k.add_argument(
        "--group",
        default="units",
        type=groups,
        metavar=t("cli.metavar.ranking_group", lang),
        help=groups.help("cli.help.ranking_group"),
    )
    k.add_argument("--scope", help=t("cli.help.scope_default_office", lang))
    sources = Choices(SOURCES, "source", lang)
    k.add_argument(
        "--criterion",
        action="append",
        default=[],
        type=partial(criterion_typed, sources),
        help=sources.help("cli.help.criterion"),
    )
    k.add_argument("--scores", metavar="CSV", help=t("cli.help.typed_scores", lang))
    k.add_argument("--bands", metavar=t("cli.metavar.bands", lang), help=t("cli.help.bands", lang))
    k.add_argument("--title", help=t("cli.help.ranking_title", lang))
    k.add_argument("--save", action="store_true", help=t("cli.help.save_ranking", lang))
    k.add_argument("--signer", help=t("cli.help.signed_by", lang))

    i = p["import-plan"]
    i.add_argument("file", help=t("cli.help.plan_file", lang))
    i.add_argument("--plan", required=True, help=t("cli.help.plan_id_number", lang))
    i.add_argument("--yes", "-y", action="store_true", help=t("cli.help.do_not_ask", lang))
    i.add_argument("--dry-run", action="store_true", help=t("cli.help.preview_only", lang))

    u = p["rollup"]
    columns = Choices(tuple(rollup.SORT_KEYS), "rollup", lang)
    u.add_argument(
        "--sort",
        type=columns,
        default="office",
        metavar=t("cli.metavar.sort", lang),
        help=columns.help("cli.help.sort"),
    )
    u.add_argument("--desc", action="store_true", help=t("cli.help.reverse", lang))
    u.add_argument(
        "--offline",
        action="store_true",
        help=t("cli.help.do_not_ask_server", lang),
    )
    u.add_argument("--signer", help=t("cli.help.signed_by", lang))


def emit(ctx: Context, document: Document, args: argparse.Namespace) -> None:
    """Write the document in each asked format, or print Markdown."""
    path = Path(args.output) if args.output else None
    if path is None and not args.format:
        ctx.console.print(to_markdown(document))
        return
    for fmt in formats_for(path, args.format):
        target = path or Path(f"{document.kind}.{fmt}")
        written = write_document(document, target, fmt)
        ctx.console.print(t("out.written", ctx.lang, path=written))


def _resolve_plan(store: Store, text: str) -> str:
    found = [p for p in store.list("plan") if p.id == text or p.flat.get("number") == text]
    if len(found) == 1:
        return found[0].id
    return store.require(text).id


def section_edits(args: argparse.Namespace) -> dict[int, str | None]:
    """The sections the command sets (``--section N --text …``, ``-`` for standard input)
    or gives back to the draft (``--refresh-section N``, or an empty ``--text``)."""
    edits: dict[int, str | None] = dict.fromkeys(args.refresh_section)
    if args.section is None:
        if args.text is not None:
            raise SotayError("cli.text_needs_section")
        return edits
    if args.text is None:
        raise SotayError("cli.section_needs_text")
    text = sys.stdin.read() if args.text == "-" else args.text
    edits[args.section] = text if text.strip() else None
    return edits


def _say_sections(ctx: Context, edits: dict[int, str | None]) -> None:
    for n, text in sorted(edits.items()):
        key = "out.section_refreshed" if text is None else "out.section_set"
        ctx.console.print(t(key, ctx.lang, section=t(f"field.section_{n}", ctx.lang)))


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    period = parse_period(args.period, args.kind)
    edits = section_edits(args)
    with ctx.open_store() as store:
        scope = args.scope or store.office
        opts = ReportOptions(
            scope,
            period,
            ctx.lang,
            unit_id=store.require(args.unit).id if args.unit else None,
            number=args.number,
            place=args.place,
            date=parse_date(args.date) if args.date else None,
            signer=args.signer,
            recommendations=args.recommendations,
            sections=edits,
        )
        document = build_report(collect_report(store, opts))
        emit(ctx, document, args)
        if args.save or edits:  # an edited section is kept only with the report record
            record = save_report(
                store, document, period, scope, opts.unit_id, _recommendations(store, opts)
            )
            _say_sections(ctx, edits)
            ctx.console.print(t("out.saved", ctx.lang, id=record.id))
    return 0


def _recommendations(store: Store, opts: ReportOptions) -> str:
    """Section V's text as given, else as saved: setting another section keeps it."""
    if opts.recommendations is not None:
        return opts.recommendations
    saved = report_record(store, opts.scope, opts.period)
    return str(saved.flat.get("recommendations") or "") if saved is not None else ""


def cmd_notice(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        if args.late:
            _late_list(ctx, store, args)
            return 0
        if not args.id:
            raise ValidationError.single("id", "validation.required")
        document, timing = notice_document(store, args.id, ctx.lang, args.place, args.signer)
        emit(ctx, document, args)
        ctx.console.note(_timing_line(ctx.lang, timing))
        if timing.uncovered:
            ctx.console.note(timing_note(timing, ctx.lang))
    return 0


def _late_list(ctx: Context, store: Store, args: argparse.Namespace) -> None:
    """The late notices on screen, or written to the file / formats asked for."""
    late = late_meetings(store)
    if args.output or args.format:
        emit(ctx, late_document(late, store.today(), ctx.lang), args)
        return
    for item in late:
        ctx.console.print(_timing_line(ctx.lang, item.timing) + f"  {item.meeting.title}")
        if item.timing.uncovered:
            ctx.console.print("  " + timing_note(item.timing, ctx.lang))
    if not late:
        ctx.console.print(t("out.no_late", ctx.lang))


def _timing_line(lang: Lang, timing: NoticeTiming) -> str:
    deadline = format_date(timing.deadline)
    if timing.state == "on_time":
        return t("out.notice_ok", lang, deadline=deadline)
    if timing.state == "pending":
        return t(
            "out.notice_pending", lang, deadline=deadline, days=group_thousands(timing.working_days)
        )
    state = (
        t("out.notice_issued_late", lang, date=format_date(timing.issued_on))
        if timing.issued_on
        else t("out.notice_missing", lang)
    )
    return t(
        "out.notice_late",
        lang,
        meeting=format_date(timing.meeting_date),
        state=state,
        deadline=deadline,
        days=group_thousands(timing.working_days),
    )


def criterion_typed(sources: Choices, text: str) -> str:
    """``Tên=trọng_số[:nguồn]`` with its source typed in either language (or as its code),
    given back with the code: "Tỷ lệ=0,4:ty-le-hoan-thanh-nhiem-vu" → "…:completion_rate"."""
    head, colon, source = text.rpartition(":")
    if not colon or "=" not in head:
        return text  # no source: parse_criterion reads the rest (and says what is wrong)
    return f"{head}:{sources(source.strip())}"


def cmd_ranking(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        criteria = [rk.parse_criterion(c, ctx.lang) for c in args.criterion]
        spec = rk.RankingSpec(
            args.year,
            args.scope or store.office,
            args.group,
            criteria or rk.default_criteria(ctx.lang),
            lang=ctx.lang,
        )
        if args.bands:
            spec.bands = parse_bands(args.bands)
        if args.scores:
            spec.manual = rk.read_scores(
                store, Path(args.scores), spec.criteria, rk.members(store, spec.scope, spec.group)
            )
        result = rk.compute(store, spec)
        title = args.title or f"{t('kind.ranking', ctx.lang)} {args.year}"
        emit(ctx, rk.ranking_document(store, result, title, args.signer), args)
        if args.save:
            record = rk.save_ranking(store, result, title)
            ctx.console.print(t("out.ranking_saved", ctx.lang, id=record.id))
    return 0


def print_preview(ctx: Context, preview: plan_import.Preview) -> None:
    for row in preview.rows:
        for reason in row.errors:
            ctx.console.print(t("import.row_error", ctx.lang, line=row.line, reason=reason))
        for note in row.notes:
            ctx.console.print(t("import.row_error", ctx.lang, line=row.line, reason=note))
    counts = preview.counts()
    ctx.console.print(
        t(
            "out.import_summary",
            ctx.lang,
            good=len(preview.good),
            bad=len(preview.bad),
            same=counts.get("same", 0),
        )
    )


def _confirmed(ctx: Context, args: argparse.Namespace, n: int) -> bool:
    if args.yes:
        return True
    if args.dry_run or not sys.stdin.isatty():
        return False
    answer = input(t("out.import_confirm", ctx.lang, n=n)).strip().lower()
    return answer in ("c", "co", "có", "y", "yes")


def cmd_import_plan(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        plan_id = _resolve_plan(store, args.plan)
        preview = plan_import.preview(store, Path(args.file), plan_id, ctx.lang)
        print_preview(ctx, preview)
        if not preview.good:
            return 1 if preview.bad else 0
        if not _confirmed(ctx, args, len(preview.good)):
            ctx.console.print(t("out.import_not_confirmed", ctx.lang))
            return 0 if args.dry_run else 1
        counts = plan_import.save(store, preview)
        ctx.console.print(t("out.import_done", ctx.lang, **counts))
    return 0


def cmd_rollup(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        today = store.today()
        names = {u.scope: u.title for u in store.list("unit") if not u.flat.get("parent_id")}
        rows = rollup.office_rows(store, today, names)
        offices = None if args.offline else rollup.server_offices(store, ctx.data)
        if offices:
            rollup.merge_server(rows, offices)
        ordered = rollup.sort_rows(list(rows.values()), args.sort, args.desc)
        header = rollup.rollup_header(store, today, ctx.lang, args.signer)
        document = rollup.rollup_document(ordered, today, ctx.lang, header)
        if args.output or args.format:
            emit(ctx, document, args)
        else:
            table = document.tables()[0]
            ctx.console.table(table.headers, table.rows)
    return 0
