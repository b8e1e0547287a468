"""The virtual table draws only what is visible, however many rows it holds."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App, ComposeResult

from tui.widgets.table import Column, VirtualTable, cells, fit

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
    assert fit("Nguyễn Văn An", 8) == "Nguyễn… "
    assert fit("An", 5, "right") == "   An"
    assert fit("dòng 1\ndòng 2", 20) == "dòng 1 dòng 2       "


WIDE = [
    Column("stt", "STT", 3),
    Column("title", "Nội dung", 20, flex=True),
    Column("budget", "Dự toán kinh phí", 8, align="right", drop=1),
    Column("status", "Trạng thái", 5),
]


@dataclass
class Task:
    id: str
    stt: str
    title: str
    budget: str
    status: str


class WideApp(App[None]):
    def __init__(self, rows: list[Task]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield VirtualTable(WIDE, cell=lambda r, k: getattr(r, k), row_id=lambda r: r.id)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).set_rows(self.rows)
        self.query_one(VirtualTable).focus()


TASKS = [
    Task(
        "1", "1", "Nâng cấp Cổng thông tin điện tử tỉnh", "1.500.000.000 đ", "Hoàn thành đúng hạn"
    ),
    Task("2", "2", "Chữ ký số", "", "Quá hạn"),
]


async def test_columns_take_their_header_and_content_and_the_title_the_rest() -> None:
    app = WideApp(TASKS)
    async with app.run_test(size=(90, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.column_widths() == [3, 48, 16, 19]
        assert table.render_line(0).text == (
            " STT " + "Nội dung".ljust(48) + " Dự toán kinh phí Trạng thái         "
        )
        assert table.render_line(1).text == (
            " 1   " + "Nâng cấp Cổng thông tin điện tử tỉnh".ljust(48) + " "
            " 1.500.000.000 đ Hoàn thành đúng hạn"
        )
        assert table.detail() == []


async def test_a_narrow_table_shrinks_the_title_then_hides_what_may_be_hidden() -> None:
    app = WideApp(TASKS)
    async with app.run_test(size=(50, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.column_widths() == [3, 25, 0, 19]
        assert table.render_line(1).text == " 1   Nâng cấp Cổng thông tin…  Hoàn thành đúng hạn"
        assert table.detail() == [
            "Nâng cấp Cổng thông tin điện tử tỉnh · Dự toán",
            "kinh phí: 1.500.000.000 đ",
        ]
        assert table.render_line(7).text.rstrip() == " › kinh phí: 1.500.000.000 đ"
        await pilot.press("down")
        assert table.detail() == []


def test_cells_counts_vietnamese_letters_as_one_cell_and_wide_ones_as_two() -> None:
    assert cells("Nguyễn Thị Bình") == 15
    assert cells("Ủy ban") == 6
    assert cells("北京") == 4
    assert fit("Trạng thái", 6) == "Trạng…"
