"""Benchmark of the committee's outputs (one command: ``python bench/reports.py``).

* a periodic report for a scope with 10,000 tasks and two years of history, to .docx
  (budget 2 s);
* the preview of a 5,000-row XLSX plan table (budget 3 s).

The data is built first (not timed).  Prints each figure beside its budget; exits 1 when a
budget is exceeded.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Scripts here are named after the packages they measure (sync.py, tui.py): keep this folder
# off the import path so ``import sync`` finds the package, and put the checkout first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import random
import tempfile
import time
import zipfile
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from documents import plan_import
from documents.assemble import ReportOptions, collect_report
from documents.render_docx import write_docx
from documents.reporting import build_report
from domain.i18n import load_catalogues
from domain.periods import parse_period
from domain.runtime import tune_collector
from sync.store import Store
from tests.helpers.clock import Clock  # the one settable clock (the tests' too)

VN = timezone(timedelta(hours=7))
TASKS = 10_000
IMPORT_ROWS = 5_000
BUDGETS = {"report_docx": 2.0, "xlsx_preview": 3.0}


def build_store(path: Path) -> tuple[Store, str]:
    clock = Clock(datetime(2021, 1, 4, 9, tzinfo=VN))
    store = Store.create(path, office="vn/bench", name="Bench", role="office", clock=clock)
    rnd = random.Random(7)
    with store.transaction() as tx:
        units = [tx.add("unit", {"name": f"Đơn vị số {n}", "abbr": f"DV{n}"}).id for n in range(40)]
        plan = tx.add(
            "plan",
            {
                "title": "Kế hoạch 2021-2022",
                "number": "1/KH-BCĐ",
                "status": "issued",
                "year_from": 2021,
                "year_to": 2022,
                "issued_on": "04/01/2021",
            },
        ).id
    ids: list[str] = []
    for start in range(0, TASKS, 2_000):
        with store.transaction() as tx:
            for n in range(start, start + 2_000):
                q = rnd.randint(1, 8)
                timeframe = f"Quý {['I', 'II', 'III', 'IV'][(q - 1) % 4]}/{2021 + (q - 1) // 4}"
                ids.append(
                    tx.add(
                        "task",
                        {
                            "title": f"Nhiệm vụ ứng dụng công nghệ thông tin số {n}",
                            "plan_id": plan,
                            "stt": str(n + 1),
                            "lead_unit_id": rnd.choice(units),
                            "coordinators": rnd.sample(units, 2),
                            "timeframe": timeframe,
                            "budget": rnd.randint(1, 500) * 1_000_000,
                        },
                    ).id
                )
    for month in range(24):  # two years of monthly progress updates
        clock.now = datetime(2021, 1, 20, 9, tzinfo=VN) + timedelta(days=30 * month)
        with store.transaction() as tx:
            for rid in rnd.sample(ids, 1_000):
                progress = min(100, 10 * (month // 2 + 1))
                tx.update(rid, {"progress": progress} if progress < 100 else {"status": "done"})
    return store, plan


HEADERS = [
    "STT",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian thực hiện",
    "Kinh phí (triệu đồng)",
    "Nguồn vốn",
    "Sản phẩm",
    "Ghi chú",
]


def plan_rows(units: list[str]) -> list[list[str]]:
    rows = [HEADERS]
    for n in range(IMPORT_ROWS):
        rows.append(
            [
                str(n + 1),
                f"Nhiệm vụ nhập số {n}",
                units[n % len(units)],
                f"{units[(n + 1) % len(units)]}; {units[(n + 2) % len(units)]}",
                "Quý III/2022",
                f"{n % 900},5",
                "NSTW",
                "Báo cáo",
                "",
            ]
        )
    return rows


def write_xlsx(path: Path, units: list[str]) -> Path:
    """An .xlsx laid out as Excel writes it: text cells point into a shared-strings table.

    (openpyxl writes every string inline, which Excel never does and which openpyxl itself
    reads several times slower; a benchmark should read what offices actually send.)
    """
    rows = plan_rows(units)
    strings: dict[str, int] = {}
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value == "":
                continue
            index = strings.setdefault(value, len(strings))
            cells.append(f'<c r="{chr(65 + c)}{r}" t="s"><v>{index}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    ct = "application/vnd.openxmlformats"
    sml = f"{ct}-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
            f'<Default Extension="rels" ContentType="{ct}-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sml}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="Kế hoạch" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
            f"{''.join(sheet_rows)}</sheetData></worksheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return path


def timed(label: str, budget: float, func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    spent = time.perf_counter() - start
    mark = "ok" if spent <= budget else "OVER BUDGET"
    print(f"{label:<48} {spent:6.2f} s   (budget {budget:.1f} s)  {mark}")
    return spent


def main() -> int:
    tune_collector()  # as the sotay entry point does (domain.runtime)
    load_catalogues("documents")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        store, plan = build_store(root / "store")
        store.close()  # measured as a person would meet it: the app opened on this store
        store = Store.open(root / "store")
        print(
            f"setup: {TASKS} tasks, 24 months of history built in {time.perf_counter() - t0:.1f} s"
        )
        period = parse_period("2022-Q2")

        def report() -> None:
            document = build_report(collect_report(store, ReportOptions("vn/bench", period)))
            write_docx(document, root / "report.docx")

        units = [f"Đơn vị số {n}" for n in range(40)]
        xlsx = write_xlsx(root / "plan.xlsx", units)
        spent_report = timed(
            "report, 10k tasks + 2 years of history → .docx", BUDGETS["report_docx"], report
        )
        spent_import = timed(
            f"preview of a {IMPORT_ROWS}-row XLSX",
            BUDGETS["xlsx_preview"],
            lambda: plan_import.preview(store, xlsx, plan),
        )
        store.close()
    over = spent_report > BUDGETS["report_docx"] or spent_import > BUDGETS["xlsx_preview"]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
