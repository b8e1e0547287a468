"""The HQ roll-up: progress per office (tasks done / overdue, indicator attainment) and the
last time each office synced, as the server reports it (unknown when offline)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from documents.drafting import archive_for
from documents.issuer import body_of, signature
from documents.reporting import Document, Header, Section, Table
from domain.dates import format_date, format_time
from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.money import format_percent, group_thousands
from domain.rules import attainment, task_status
from sync.store import Store

SORT_KEYS = ("office", "tasks", "done", "overdue", "done_pct", "attainment", "last_sync")


@dataclass
class OfficeRow:
    scope: str
    name: str
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    attainment: float | None = None
    last_sync: datetime | None = None

    @property
    def done_pct(self) -> float | None:
        return 100.0 * self.done / self.tasks if self.tasks else None


def office_of(scope: str) -> str:
    """Offices are the second level of the scope tree (vn/bac-giang); deeper scopes roll up."""
    parts = scope.split("/")
    return "/".join(parts[:2])


def office_rows(
    store: Store, today: date, names: Mapping[str, str] | None = None
) -> dict[str, OfficeRow]:
    rows: dict[str, OfficeRow] = {}

    def row(scope: str) -> OfficeRow:
        key = office_of(scope)
        if key not in rows:
            rows[key] = OfficeRow(key, (names or {}).get(key, key))
        return rows[key]

    for task in store.list("task"):
        status = task_status(task.data, today)
        if status == "cancelled":
            continue
        r = row(task.scope)
        r.tasks += 1
        r.done += status.startswith("done")
        r.overdue += status == "overdue"
    shares: dict[str, list[float]] = {}
    for ind in store.list("indicator"):
        att = attainment(ind.data, today)
        if ind.data.get("target") is not None and att.percent_of_target is not None:
            shares.setdefault(row(ind.scope).scope, []).append(min(att.percent_of_target, 100.0))
    for key, values in shares.items():
        rows[key].attainment = sum(values) / len(values)
    return rows


def merge_server(rows: dict[str, OfficeRow], offices: Sequence[Mapping[str, Any]]) -> None:
    """Add each office's last sync time (and name) from the server's GET /v1/offices."""
    for item in offices:
        scope = str(item.get("scope") or "")
        if not scope:
            continue
        r = rows.setdefault(
            office_of(scope), OfficeRow(office_of(scope), str(item.get("name") or scope))
        )
        if item.get("name"):
            r.name = str(item["name"])
        when = item.get("last_sync_at")
        if isinstance(when, str):
            when = datetime.fromisoformat(when.replace("Z", "+00:00"))
        if isinstance(when, datetime) and (r.last_sync is None or when > r.last_sync):
            r.last_sync = when


def server_offices(
    store: Store, data_dir: Path, timeout: float = 10.0
) -> list[dict[str, Any]] | None:
    """The server's office list, or None when not logged in, offline or refused."""
    from sync.credentials import client_for

    async def fetch() -> list[dict[str, Any]] | None:
        client = client_for(store, data_dir, retries=0)
        if client is None:
            return None
        async with client:
            return await asyncio.wait_for(client.offices(), timeout)

    try:
        return asyncio.run(fetch())
    except (SotayError, TimeoutError):  # offline, refused, timed out: local figures only
        return None


#: The columns whose largest value comes first: the most tasks, the most overdue, …
MOST_FIRST = frozenset({"tasks", "done", "overdue", "done_pct", "attainment"})


def sort_rows(rows: list[OfficeRow], key: str = "office", reverse: bool = False) -> list[OfficeRow]:
    """Offices by name, counts and shares largest first, the last sync oldest first (the
    office longest out of touch); ``reverse`` flips that.  Unknown values always come last."""

    def value(r: OfficeRow) -> Any:
        return r.scope if key == "office" else getattr(r, key)

    known = [r for r in rows if value(r) is not None]
    known.sort(key=value, reverse=(key in MOST_FIRST) != reverse)
    return known + [r for r in rows if value(r) is None]


def cells(r: OfficeRow, lang: Lang) -> list[str]:
    sync = format_time(r.last_sync) if r.last_sync else t("rollup.unknown", lang)
    return [
        f"{r.name} ({r.scope})" if r.name != r.scope else r.scope,
        group_thousands(r.tasks),
        group_thousands(r.done),
        group_thousands(r.overdue),
        format_percent(r.done_pct),
        format_percent(r.attainment),
        sync,
    ]


def rollup_table(rows: list[OfficeRow], lang: Lang) -> Table:
    headers = [
        t(f"rollup.{k}", lang)
        for k in ("office", "tasks", "done", "overdue", "done_pct", "attainment", "last_sync")
    ]
    return Table(
        "rollup",
        t("rollup.title", lang),
        headers,
        [cells(r, lang) for r in rows],
        widths=[4.0, 1.0, 1.2, 1.0, 1.3, 1.4, 2.0],
    )


def rollup_header(store: Store, today: date, lang: Lang, signer: str | None = None) -> Header:
    """The roll-up is HQ's: issued by the body of the profile's own scope (HQ's), never an
    office's."""
    body = body_of(store, store.office, today)
    title, name = signature(body, signer, lang)
    return Header(
        body.org_lines,
        f"{t('doc.number', lang)}: {body.number('BC')}",
        body.place,
        today,
        title,
        name,
        [archive_for(store, body, today, lang)],
    )


def rollup_document(
    rows: list[OfficeRow], today: date, lang: Lang, header: Header | None = None
) -> Document:
    header = header or Header([], "", "", today)
    return Document(
        "rollup",
        lang,
        header,
        t("rollup.title", lang),
        "",
        [t("rollup.as_of", lang).format(date=format_date(today))],
        [Section("", [rollup_table(rows, lang)])],
    )
