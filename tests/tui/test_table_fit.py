"""Tables fit the terminal: at 80 and 120 columns, in the real screens, every header is whole
and every cell but the title's shows its whole value; the title takes what is left, and the
highlighted row's cut or hidden text is shown under the rows."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from domain.i18n import t
from sync.store import Store
from tests.helpers.app import make_app, settle
from tui.app import SotayApp
from tui.widgets.table import Column, VirtualTable, cells, fit

SIZES = [(80, 24), (120, 36)]
LONG_TITLE = "Nâng cấp Cổng thông tin điện tử tỉnh"


def add_wide_values(store: Store, ids: dict[str, str]) -> None:
    """Values of every fixed format at its widest: money, a long status, a term."""
    with store.transaction() as tx:
        tx.add(
            "task",
            {
                "title": "Số hoá hồ sơ lưu trữ của các sở, ban, ngành",
                "plan_id": ids["plan"],
                "stt": "3",
                "lead_unit_id": ids["VP UBND"],
                "timeframe": "Quý II/2024",
                "due": "2024-05-30",
                "budget": 1_500_000_000,
                "progress": 100,
                "status": "done",
                "completed_on": "2024-05-20",
            },
        )
        tx.add(
            "meeting",
            {
                "title": "Họp Ban chỉ đạo chuyển đổi số quý II",
                "date": "2024-05-20",
                "time": "08:00",
            },
        )
    store.update(
        ids["Phạm Thị Dung"],
        {"term_from": "2019-01-01", "term_to": "2023-12-31", "committee_role": "member"},
    )


def heading(table: VirtualTable, column: Column) -> str:
    """A column's header as a person reads it: its label, and the sort arrow."""
    label = t(column.label_key, table.app.ui_lang)  # type: ignore[attr-defined]
    if column.key == table.sort_column:
        label += " ▼" if table.sort_reverse else " ▲"
    return label


def expected_line(table: VirtualTable, texts: list[str]) -> str:
    widths = table.column_widths()
    shown = [
        fit(text, width, column.align)
        for column, text, width in zip(table.columns, texts, widths, strict=True)
        if width
    ]
    return " " + " ".join(shown)


def check_table(table: VirtualTable) -> None:
    """The header line is every shown label whole; each row's line has every shown cell but
    the flexible ones whole; nothing reaches past the table's right edge."""
    widths = table.column_widths()
    assert sum(w + 1 for w in widths if w) <= table.scrollable_content_region.width, table.id
    labels = [heading(table, c) for c in table.columns]
    for label, width in zip(labels, widths, strict=True):
        assert width == 0 or cells(label) <= width, (table.id, label, width)
    header = table.render_line(0).text.rstrip()
    assert header == expected_line(table, labels).rstrip()
    visible = min(len(table.rows), table.scrollable_content_region.height - 1 - len(table.detail()))
    for index in range(visible):
        row = table.rows[index]
        texts = [table.text(row, c.key) for c in table.columns]
        for column, text, width in zip(table.columns, texts, widths, strict=True):
            if width and not column.flex:
                assert cells(text) <= width, (table.id, column.key, text, width)
        assert table.render_line(index + 1).text.rstrip() == expected_line(table, texts).rstrip()


async def open_screen(app: SotayApp, pilot: Pilot[Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("keys", "tables"),
    [
        (("3",), ["tasks"]),
        (("2", "enter"), ["plan-tasks", "plan-indicators"]),
        (("4",), ["list"]),
        (("7",), ["units", "people"]),
    ],
    ids=["tasks", "plan-detail", "meetings", "units"],
)
@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_no_header_and_no_cell_but_the_title_is_cut(
    store: Store,
    ids: dict[str, str],
    size: tuple[int, int],
    keys: tuple[str, ...],
    tables: list[str],
    lang: str,
) -> None:
    add_wide_values(store, ids)
    app = make_app(store, lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_screen(app, pilot, keys)
        for name in tables:
            table = app.screen.query_one(f"#{name}", VirtualTable)
            assert table.rows or name == "plan-indicators"
            check_table(table)


async def test_the_highlighted_rows_cut_title_is_shown_whole_under_the_rows(
    store: Store, ids: dict[str, str]
) -> None:
    add_wide_values(store, ids)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, ("3",))
        table = app.screen.query_one("#tasks", VirtualTable)
        table.select_id(ids["late"])
        await settle(app, pilot)
        title = table.column_widths()[1]
        assert title < len(LONG_TITLE)
        last = table.scrollable_content_region.height - 1
        assert table.render_line(last).text.rstrip() == f" › {LONG_TITLE}"


async def test_a_hidden_columns_value_is_shown_under_the_rows_with_its_label(
    store: Store, ids: dict[str, str]
) -> None:
    add_wide_values(store, ids)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, ("3",))
        table = app.screen.query_one("#tasks", VirtualTable)
        budget = [c.key for c in table.columns].index("budget")
        assert table.column_widths()[budget] == 0
        done = next(r for r in table.rows if r.title.startswith("Số hoá"))
        table.select_id(done.id)
        await settle(app, pilot)
        label = t("field.budget", "vi")
        assert " ".join(table.detail()) == (
            f"Số hoá hồ sơ lưu trữ của các sở, ban, ngành · {label}: 1.500.000.000 đ"
        )
