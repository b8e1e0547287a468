"""Rankings from the store: who is ranked, their scores (typed or computed), the record and
the document."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from documents.drafting import archive_for
from documents.issuer import body_of, signature
from documents.reporting import Document, Header, Section, Table, members_line
from domain.errors import SotayError, ValidationError
from domain.i18n import Lang, t
from domain.periods import year as year_period
from domain.ranking import (
    DEFAULT_BANDS,
    SOURCES,
    Band,
    Placed,
    band_label,
    computed_scores,
    parse_score,
    rank,
    unit_task_figures,
)
from domain.scopes import within
from domain.text import fold
from sync.record import Record
from sync.store import Store

GROUP_UNIT_KINDS = {
    "departments": {"provincial_dept", "department", "centre", "office"},
    "districts": {"district"},
    "communes": {"commune"},
}

DEFAULT_CRITERIA = (("completion_rate", 0.4), ("overdue_count", 0.2), ("attainment", 0.4))


@dataclass
class Criterion:
    key: str
    name: str
    weight: float
    source: str = "manual"


@dataclass
class RankingSpec:
    year: int
    scope: str
    group: str = "units"
    criteria: list[Criterion] = field(default_factory=list)
    manual: dict[str, dict[str, float]] = field(default_factory=dict)  # member id → key → score
    bands: tuple[Band, ...] = DEFAULT_BANDS
    lang: Lang = "vi"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "c"


def parse_criterion(text: str, lang: Lang = "vi") -> Criterion:
    """ "Đánh giá của BCĐ=0.2" or "Tỷ lệ hoàn thành=0.4:completion_rate"."""
    name, sep, rest = text.partition("=")
    weight_text, _, source = rest.partition(":")
    source = source.strip() or "manual"
    try:
        weight = float(weight_text.strip().replace(",", "."))
    except ValueError:
        weight = -1.0
    if not sep or not name.strip() or weight < 0 or source not in SOURCES:
        raise ValidationError.single("criterion", "ranking.bad_criterion", value=text)
    return Criterion(slug(name), name.strip(), weight, source)


def default_criteria(lang: Lang) -> list[Criterion]:
    return [Criterion(src, t(f"source.{src}", lang), w, src) for src, w in DEFAULT_CRITERIA]


def members(store: Store, scope: str, group: str) -> list[Record]:
    """Units of the group's kind in scope (or people, for "individuals")."""
    if group == "individuals":
        return [p for p in store.list("person") if within(p.scope, scope)]
    kinds = GROUP_UNIT_KINDS.get(group)
    return [
        u
        for u in store.list("unit")
        if within(u.scope, scope)
        and (kinds is None or u.flat.get("unit_kind") in kinds)
        and u.flat.get("unit_kind") != "committee"
    ]


def read_scores(
    store: Store, path: Path, criteria: list[Criterion], candidates: list[Record]
) -> dict[str, dict[str, float]]:
    """A CSV whose first column names the unit / person and the others the criteria."""
    by_name = {fold(c.name): c.key for c in criteria}
    by_name.update({c.key: c.key for c in criteria})
    pool = {fold(r.title): r.id for r in candidates}
    pool.update({fold(str(r.flat.get("abbr"))): r.id for r in candidates if r.flat.get("abbr")})
    out: dict[str, dict[str, float]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return out
    keys = [by_name.get(fold(h.strip())) for h in rows[0][1:]]
    for line, row in enumerate(rows[1:], start=2):
        member = pool.get(fold(row[0].strip())) if row else None
        if member is None:
            raise SotayError(
                "import.bad_line",
                line=line,
                file=str(path),
                detail=t("import.unknown_member", "vi") + f": {row[:1]}",
            )
        for key, cell in zip(keys, row[1:], strict=False):
            if key and cell.strip():
                out.setdefault(member, {})[key] = parse_score(cell)
    return out


@dataclass
class RankingResult:
    spec: RankingSpec
    names: dict[str, str]
    scores: dict[str, dict[str, float | None]]
    placed: list[Placed] = field(default_factory=list)
    overdue: dict[str, int] = field(default_factory=dict)  # member id → overdue tasks
    illustrative: bool = False  # a member has an illustrative task or indicator


def member_scores(store: Store, spec: RankingSpec, people: list[Record]) -> RankingResult:
    """Each member's score on each criterion (None: no data), and its overdue tasks."""
    period = year_period(spec.year)
    computed_needed = any(c.source != "manual" for c in spec.criteria)
    tasks_by_lead: dict[str, list[dict[str, Any]]] = {}
    indicators_by_unit: dict[str, list[dict[str, Any]]] = {}
    if computed_needed:
        for task in store.list("task"):
            tasks_by_lead.setdefault(str(task.flat.get("lead_unit_id")), []).append(task.data)
        for ind in store.list("indicator"):
            indicators_by_unit.setdefault(str(ind.flat.get("unit_id")), []).append(ind.data)
    result = RankingResult(spec, {p.id: p.title for p in people}, {})
    for member in people:
        auto: dict[str, float | None] = {}
        if computed_needed:
            figures = unit_task_figures(
                tasks_by_lead.get(member.id, []), period.cutoff_from, period.cutoff_to
            )
            result.overdue[member.id] = figures["overdue"]
            scored = [*tasks_by_lead.get(member.id, []), *indicators_by_unit.get(member.id, [])]
            result.illustrative |= any(x.get("illustrative") for x in scored)
            auto = computed_scores(figures, indicators_by_unit.get(member.id, []), period.cutoff_to)
        typed = spec.manual.get(member.id, {})
        result.scores[member.id] = {
            c.key: (typed.get(c.key) if c.source == "manual" else auto.get(c.source))
            for c in spec.criteria
        }
    return result


def compute(store: Store, spec: RankingSpec) -> RankingResult:
    if not spec.criteria:
        spec.criteria = default_criteria(spec.lang)
    people = members(store, spec.scope, spec.group)
    if not people:
        raise ValidationError.single("group", "ranking.no_entries")
    result = member_scores(store, spec, people)
    weights = {c.key: c.weight for c in spec.criteria}
    result.placed = rank(result.scores, weights, spec.bands, result.names)
    return result


def score_text(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}".replace(".", ",")


def criterion_cell(result: RankingResult, key: str, criterion: Criterion) -> str:
    """The score as printed; the overdue criterion as a count; a missing one marked."""
    value = result.scores[key].get(criterion.key)
    if value is None:
        return t("ranking.missing", result.spec.lang)
    if criterion.source == "overdue_count":
        return str(result.overdue.get(key, 0))
    return score_text(value)


def ranking_row(result: RankingResult, placed: Placed) -> list[str]:
    lang = result.spec.lang
    cells = [criterion_cell(result, placed.key, c) for c in result.spec.criteria]
    if placed.rank is None:
        return ["", result.names[placed.key], *cells, t("ranking.no_data", lang), ""]
    total = score_text(placed.total)
    return [
        str(placed.rank),
        result.names[placed.key],
        *cells,
        total,
        band_label(placed.grade, lang),
    ]


def ranking_table(result: RankingResult) -> Table:
    lang = result.spec.lang
    headers = [
        t("ranking.col_rank", lang),
        t("ranking.col_member", lang),
        *[f"{c.name} ({score_text(c.weight)})" for c in result.spec.criteria],
        t("ranking.col_total", lang),
        t("ranking.col_grade", lang),
    ]
    rows = [ranking_row(result, p) for p in result.placed]
    widths = [0.7, 4.0, *[1.4] * len(result.spec.criteria), 1.2, 1.4]
    return Table("ranking", t("kind.ranking", lang), headers, rows, widths=widths)


def ranking_notes(result: RankingResult) -> list[str]:
    lang = result.spec.lang
    notes = [t("ranking.criteria_note", lang)]
    if any(c.source == "overdue_count" for c in result.spec.criteria):
        notes.append(t("ranking.overdue_note", lang))
    if result.illustrative:
        notes.append(t("ranking.illustrative", lang))
    return notes


def issuing_scope(store: Store, result: RankingResult) -> str:
    """The scope of the body whose units are ranked: the narrowest scope holding every
    ranked member (every member, when none is ranked), never wider than the spec's."""
    ranked = [p.key for p in result.placed if p.rank is not None] or list(result.names)
    scopes = [r.scope for r in (store.get(k) for k in ranked) if r is not None]
    parts = [s.split("/") for s in scopes]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    found = "/".join(common)
    return found if found and within(found, result.spec.scope) else result.spec.scope


def ranking_document(
    store: Store, result: RankingResult, title: str, signer: str | None = None
) -> Document:
    """The ranking, issued by the body whose units are ranked, in office at the year's end."""
    spec, lang = result.spec, result.spec.lang
    year_end = year_period(spec.year).cutoff_to
    body = body_of(store, issuing_scope(store, result), year_end)
    signer_title, name = signature(body, signer, lang)
    header = Header(
        body.org_lines,
        f"{t('doc.number', lang)}: {body.number('BXH')}",
        body.place,
        store.today(),
        signer_title,
        name,
        [members_line(lang, body.name), archive_for(store, body, year_end, lang)],
    )
    group = t(f"ranking_group.{spec.group}", lang)
    return Document(
        "ranking",
        lang,
        header,
        t("ranking.doc_title", lang, year=spec.year).upper(),
        f"{title} — {group}",
        ranking_notes(result),
        [Section("", [ranking_table(result)])],
    )


def save_ranking(store: Store, result: RankingResult, title: str) -> Record:
    """Save (or update, for the same title, year and group) the ranking record."""
    spec = result.spec
    fields: dict[str, Any] = {
        "title": title,
        "year": spec.year,
        "ranking_group": spec.group,
        "criteria": {
            c.key: {"name": c.name, "weight": c.weight, "source": c.source} for c in spec.criteria
        },
        "entries": {
            p.key: {
                "name": result.names[p.key],
                "scores": {k: v for k, v in result.scores[p.key].items() if v is not None},
                **(
                    {"total": p.total, "rank": p.rank, "grade": band_label(p.grade, "vi")}
                    if p.rank is not None
                    else {}
                ),
            }
            for p in result.placed
        },
    }
    same = [
        r
        for r in store.list("ranking")
        if r.title == title
        and r.flat.get("year") == spec.year
        and r.flat.get("ranking_group") == spec.group
    ]
    if same:
        return store.update(same[0].id, fields)
    return store.add("ranking", fields, scope=spec.scope if store.role == "hq" else None)
