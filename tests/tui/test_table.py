"""The virtual table draws only what is visible, however many rows it holds."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App, ComposeResult

from tui.widgets.table import Column, VirtualTable, fit

COLUMNS = [Column("n", "No.", 8, align="right"), Column("name", "Name", 20, flex=True)]


@dataclass
class Row:
    id: str
    n: int
    name: str


class TableApp(App[None]):
    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows
        self.cells = 0

    def cell(self, row: Row, key: str) -> str:
        self.cells += 1
        return str(row.n) if key == "n" else row.name

    def compose(self) -> ComposeResult:
        yield VirtualTable(
            COLUMNS,
            cell=self.cell,
            row_id=lambda r: r.id,
            sort_key=lambda r, k: r.n if k == "n" else r.name,
        )

    def on_mount(self) -> None:
        self.query_one(VirtualTable).set_rows(self.rows)
        self.query_one(VirtualTable).focus()


async def test_a_hundred_thousand_rows_cost_one_screenful_of_cells() -> None:
    rows = [Row(str(n), n, f"Nhiệm vụ {n:06d}") for n in range(100_000)]
    app = TableApp(rows)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert app.cells <= 2 * 20 * 2, "only the visible rows are asked for their cells"
        app.cells = 0
        await pilot.press("end")
        await pilot.pause()
        assert table.current is not None and table.current.n == 99_999
        assert app.cells <= 4 * 20 * 2
        assert "99999" in table.render_line(table.size.height - 1).text


async def test_sorting_by_column_and_reversing() -> None:
    rows = [Row(str(n), n, name) for n, name in enumerate(["Đào", "Dương", "An", "Ánh"])]
    app = TableApp(rows)
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("s")
        assert table.sort_column == "n"
        await pilot.press("r")
        assert [r.n for r in table.rows] == [3, 2, 1, 0]
        await pilot.press("s")
        assert table.sort_column == "name"
        assert "▲" in table.render_line(0).text


def test_fit_clips_with_an_ellipsis_and_pads_to_the_width() -> None:
    assert fit("Nguyễn Văn An", 8) == "Nguyễn …"
    assert fit("An", 5, "right") == "   An"
    assert fit("dòng 1\ndòng 2", 20) == "dòng 1 dòng 2       "
