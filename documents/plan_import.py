"""Import a plan's task table from CSV or XLSX: read, match, preview, then save the good rows.

Columns are found by their (accent-insensitive) headers: STT | Nội dung nhiệm vụ | Đơn vị
chủ trì | Đơn vị phối hợp | Thời gian thực hiện | Kinh phí (triệu đồng) | Nguồn vốn | Sản
phẩm | Ghi chú.  Unit names are matched to existing units accent-insensitively (name or
abbreviation; a unique partial match is accepted and noted; several candidates are listed
and the row waits for a choice).  Nothing is saved until :func:`save` — all good rows in
ONE transaction.  Each row's record ID is derived from (plan, STT, folded content), so
importing the same file again adds nothing (an edited row updates its task).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from domain.errors import SotayError, ValidationError
from domain.i18n import Lang, t
from domain.money import parse_millions, parse_money
from domain.records import validate
from domain.text import clean_input, fold
from domain.timeframe import parse_timeframe
from sync.record import Record
from sync.store import Store

COLUMNS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so thu tu"),
    "title": ("noi dung nhiem vu", "noi dung", "nhiem vu", "ten nhiem vu", "noi dung cong viec"),
    "lead": ("don vi chu tri", "chu tri", "co quan chu tri", "don vi thuc hien"),
    "coordinators": ("don vi phoi hop", "phoi hop", "co quan phoi hop"),
    "timeframe": ("thoi gian thuc hien", "thoi gian", "thoi han", "tien do"),
    "budget": ("kinh phi", "du toan", "kinh phi (trieu dong)", "du toan kinh phi"),
    "funding": ("nguon von", "nguon kinh phi"),
    "deliverable": ("san pham", "san pham dau ra", "ket qua"),
    "notes": ("ghi chu",),
}
ROMAN = re.compile(r"^(?:[ivxlc]+|[a-z])\.?$")


@dataclass
class UnitMatch:
    text: str
    unit_id: str | None
    candidates: list[str] = field(default_factory=list)  # names when ambiguous
    guessed: bool = False


@dataclass
class RowResult:
    line: int
    cells: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    record_id: str = ""
    state: str = "new"  # new | update | same | error | heading

    @property
    def ok(self) -> bool:
        return not self.errors and self.state in ("new", "update", "same")


@dataclass
class Preview:
    path: Path
    plan_id: str
    header_line: int
    columns: dict[str, int]
    rows: list[RowResult]

    @property
    def good(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            key = "error" if row.errors else row.state
            out[key] = out.get(key, 0) + 1
        return out


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------
Line = tuple[int, list[str]]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_csv(path: Path) -> Iterator[Line]:
    text = _decode(Path(path).read_bytes())
    sample = "\n".join(text.splitlines()[:20])
    counts = {d: sample.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for row in reader:
        yield start, [str(c) for c in row]
        start = reader.line_num + 1


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def read_xlsx(path: Path) -> Iterator[Line]:
    from openpyxl import load_workbook

    book = load_workbook(str(path), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in row]
    finally:
        book.close()


def read_lines(path: Path) -> Iterator[Line]:
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".csv":
            yield from read_csv(path)
        elif suffix in (".xlsx", ".xlsm"):
            yield from read_xlsx(path)
        else:
            raise SotayError("import.bad_format", file=str(path))
    except (OSError, ValueError, KeyError) as exc:
        raise SotayError("import.unreadable", file=str(path), detail=type(exc).__name__) from None


def match_header(cells: list[str]) -> dict[str, int]:
    """Column positions by their folded header text; a "triệu" budget column is noted."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        text = re.sub(r"\s+", " ", fold(cell)).strip()
        bare = re.sub(r"\s*\(.*\)\s*$", "", text)
        for name, options in COLUMNS.items():
            if name not in found and (text in options or bare in options):
                found[name] = i
                if name == "budget" and "trieu" in text:
                    found["budget_millions"] = i
                break
    return found


def find_header(lines: Iterable[Line]) -> tuple[int, dict[str, int], Iterator[Line]]:
    iterator = iter(lines)
    for number, cells in iterator:
        columns = match_header(cells)
        if "title" in columns and len(columns) >= 3:
            return number, columns, iterator
        if number > 30:
            break
    raise ValidationError.single("file", "import.no_header", file="")


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


class UnitIndex:
    """Accent-insensitive lookup of units by name or abbreviation."""

    def __init__(self, units: Iterable[Record]) -> None:
        self.exact: dict[str, set[str]] = {}
        self.names: dict[str, str] = {}
        self.folded: list[tuple[str, str]] = []
        for unit in units:
            self.names[unit.id] = unit.title
            for key in (unit.title, unit.flat.get("abbr")):
                if isinstance(key, str) and key.strip():
                    folded = fold(" ".join(key.split()))
                    self.exact.setdefault(folded, set()).add(unit.id)
                    self.folded.append((folded, unit.id))
        self._cache: dict[str, UnitMatch] = {}

    def match(self, text: str) -> UnitMatch:
        key = fold(" ".join(text.split()))
        if key not in self._cache:
            self._cache[key] = self._match(text, key)
        return self._cache[key]

    def _match(self, text: str, key: str) -> UnitMatch:
        ids = self.exact.get(key, set())
        if len(ids) == 1:
            return UnitMatch(text, next(iter(ids)))
        if not ids and len(key) >= 3:
            ids = {uid for folded, uid in self.folded if key in folded or folded in key}
            if len(ids) == 1:
                return UnitMatch(text, next(iter(ids)), guessed=True)
        names = sorted(self.names[i] for i in ids)
        return UnitMatch(text, None, names)


def split_units(text: str, index: UnitIndex) -> list[UnitMatch]:
    """Coordinating units: split on ";" and new lines; a part that names no unit is split
    again on commas (unit names themselves may hold commas)."""
    out = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip(" .-\t")
        if not part:
            continue
        whole = index.match(part)
        if whole.unit_id or whole.candidates or "," not in part:
            out.append(whole)
            continue
        out.extend(index.match(p.strip()) for p in part.split(",") if p.strip())
    return out


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------


def stable_id(plan_id: str, stt: str, title: str) -> str:
    """A UUIDv7-shaped ID that is the same for the same plan, STT and content."""
    digest = hashlib.sha256(f"plan-import\n{plan_id}\n{stt}\n{fold(title)}".encode()).digest()
    value = int.from_bytes(digest[:16], "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=value))


def _unit_problem(m: UnitMatch, lang: Lang) -> str:
    if m.candidates:
        return t("import.ambiguous_unit", lang, name=m.text, candidates="; ".join(m.candidates))
    return t("import.unknown_unit", lang, name=m.text)


def _units(row: RowResult, text: str, index: UnitIndex, lang: Lang, *, lead: bool) -> list[str]:
    matches = [index.match(text)] if lead else split_units(text, index)
    ids = []
    for m in matches:
        if m.unit_id is None:
            row.errors.append(_unit_problem(m, lang))
            continue
        if m.guessed:
            row.notes.append(
                t("import.guessed_unit", lang, name=m.text, unit=index.names[m.unit_id])
            )
        ids.append(m.unit_id)
    return ids


def _budget(row: RowResult, text: str, millions: bool, lang: Lang) -> int | None:
    try:
        return parse_millions(text) if millions else parse_money(text)
    except ValidationError as exc:
        row.errors.append(exc.message(lang))
        return None


def is_heading(cells: dict[str, str]) -> bool:
    """ "I." / "II" / "A" rows with a title and nothing else title a group of tasks."""
    rest = [v for k, v in cells.items() if k not in ("stt", "title", "notes")]
    return (
        bool(cells.get("title")) and not any(rest) and bool(ROMAN.match(fold(cells.get("stt", ""))))
    )


@dataclass
class Context:
    plan_id: str
    plan_year: int | None
    index: UnitIndex
    columns: dict[str, int]
    lang: Lang
    existing: Callable[[str], Record | None]


def _task_fields(row: RowResult, ctx: Context) -> dict[str, Any]:
    cells, lang = row.cells, ctx.lang
    fields: dict[str, Any] = {"plan_id": ctx.plan_id, "title": cells.get("title")}
    if not cells.get("title"):
        row.errors.append(t("import.empty_content", lang))
    if cells.get("lead"):
        leads = _units(row, cells["lead"], ctx.index, lang, lead=True)
        fields["lead_unit_id"] = leads[0] if leads else None
    else:
        row.errors.append(t("import.no_lead", lang))
    if cells.get("coordinators"):
        fields["coordinators"] = _units(row, cells["coordinators"], ctx.index, lang, lead=False)
    if cells.get("budget"):
        fields["budget"] = _budget(row, cells["budget"], "budget_millions" in ctx.columns, lang)
    if cells.get("timeframe"):
        tf = parse_timeframe(cells["timeframe"], ctx.plan_year)
        fields.update(
            timeframe=tf.text,
            start=tf.start.isoformat() if tf.start else None,
            due=tf.due.isoformat() if tf.due else None,
        )
    for name in ("stt", "funding", "deliverable", "notes"):
        if cells.get(name):
            fields[name] = cells[name]
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def _check(row: RowResult, fields: dict[str, Any], ctx: Context) -> None:
    if row.errors:
        return
    try:
        row.fields = validate("task", fields)
    except ValidationError as exc:
        row.errors.extend(p.message(ctx.lang) for p in exc.problems)
        return
    row.record_id = stable_id(ctx.plan_id, fields.get("stt", ""), fields.get("title", ""))
    current = ctx.existing(row.record_id)
    if current is not None:
        same = all(current.data.get(k) == v for k, v in row.fields.items())
        row.state = "same" if same or current.deleted else "update"


def parse_row(line: int, cells: list[str], ctx: Context) -> RowResult | None:
    values = {
        name: clean_input(cells[i]) if i < len(cells) else ""
        for name, i in ctx.columns.items()
        if name != "budget_millions"
    }
    if not any(values.values()):
        return None
    row = RowResult(line, values)
    if is_heading(values):
        row.state = "heading"
        return row
    fields = _task_fields(row, ctx)
    _check(row, fields, ctx)
    if row.errors:
        row.state = "error"
    return row


def preview(
    store: Store,
    path: Path,
    plan_id: str,
    lang: Lang = "vi",
    progress: Callable[[int], None] | None = None,
) -> Preview:
    """Read and check every row; save nothing."""
    plan = store.require(plan_id)
    if plan.kind != "plan":
        raise ValidationError.single(
            "plan", "validation.reference", kind="§kind.plan", value=plan_id
        )
    try:
        header_line, columns, rest = find_header(read_lines(path))
    except ValidationError:
        raise ValidationError.single("file", "import.no_header", file=str(path)) from None
    ctx = Context(
        plan.id, plan.flat.get("year_from"), UnitIndex(store.list("unit")), columns, lang, store.get
    )
    rows: list[RowResult] = []
    for line, cells in rest:
        row = parse_row(line, cells, ctx)
        if row is not None:
            rows.append(row)
            if progress is not None and len(rows) % 250 == 0:
                progress(len(rows))
    _mark_duplicates(rows, lang)
    return Preview(Path(path), plan.id, header_line, columns, rows)


def _mark_duplicates(rows: list[RowResult], lang: Lang) -> None:
    """Two rows with the same STT and content in one file would be one task: refuse the second."""
    seen: dict[str, int] = {}
    for row in rows:
        if not row.record_id or row.errors:
            continue
        if row.record_id in seen:
            row.errors.append(t("import.duplicate_row", lang, line=seen[row.record_id]))
            row.state = "error"
        else:
            seen[row.record_id] = row.line


def save(store: Store, result: Preview) -> dict[str, int]:
    """Save the good rows in ONE transaction; returns counts (added, updated, unchanged)."""
    plan = store.require(result.plan_id)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with store.transaction() as tx:
        for row in result.good:
            current = tx.doc(row.record_id)
            if current is None:
                tx.add("task", row.fields, scope=plan.scope, record_id=row.record_id)
                counts["added"] += 1
            elif current.get("deleted") or row.state == "same":
                counts["unchanged"] += 1
            else:
                before = tx.update(row.record_id, row.fields).doc
                counts["updated" if before is not current else "unchanged"] += 1
    return counts
