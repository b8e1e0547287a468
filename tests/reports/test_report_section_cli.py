"""Issue 12: a secretary without the app sets a report section's text from the command line
(``--section N --text …``, ``-`` reading standard input); the text is saved with the report
record, survives regeneration, and ``--refresh-section N`` gives the draft back."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.store import Store

Cli = Callable[..., tuple[int, str, str]]
REPORT = ("report", "half", "2011-H1", "--scope", "vn/bac-giang")
EDITED = "Một số Sở chưa bố trí cán bộ chuyên trách CNTT.\n\n- Nguyên nhân: thiếu biên chế."
SECTION_3 = "III. Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân"


def section_3(demo_dir: Path) -> object:
    with Store.open(demo_dir) as store:
        (record,) = store.list("report")
        return record.data.get("section_3")


def section_text(markdown: str) -> str:
    """What is printed between section III's heading and section IV's."""
    after = markdown.split("### " + SECTION_3.upper(), 1)[1]
    return after.split("\n### IV. ", 1)[0].strip()


def test_a_section_set_from_standard_input_is_saved_and_survives_regeneration(
    cli: Cli, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, draft_md, _ = cli(*REPORT)
    assert code == 0
    draft = section_text(draft_md)
    monkeypatch.setattr("sys.stdin", io.StringIO(EDITED))
    code, out, err = cli(*REPORT, "--section", "3", "--text", "-", "-o", str(demo_dir / "r.md"))
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert lines[1] == (
        f"Đã ghi nội dung đã sửa của mục {SECTION_3}; tạo lại báo cáo vẫn giữ nội dung này."
    )
    assert section_3(demo_dir) == EDITED
    code, again, _ = cli(*REPORT)
    assert (code, section_text(again)) == (0, EDITED)
    assert cli(*REPORT, "--save")[0] == 0  # saved again from the data: the edit stays
    assert section_3(demo_dir) == EDITED

    code, out, _ = cli(*REPORT, "--refresh-section", "3")
    assert f"Mục {SECTION_3} trở về bản nháp lập từ số liệu." in out.splitlines()
    assert section_3(demo_dir) is None
    assert section_text(out) == draft


def test_a_section_text_given_inline_in_english(cli: Cli, demo_dir: Path) -> None:
    code, out, _ = cli("--lang", "en", *REPORT, "--section", "5", "--text", "Cấp thêm kinh phí.")
    assert code == 0
    assert (
        "Set the edited text of section V. Recommendations and proposals; regenerating the "
        "report keeps it." in out.splitlines()
    )
    with Store.open(demo_dir) as store:
        (record,) = store.list("report")
        assert record.data["section_5"] == "Cấp thêm kinh phí."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--section", "3"),
            "--section cần --text: nội dung của mục, hoặc '-' để đọc từ đầu vào chuẩn.",
        ),
        (("--text", "Nội dung"), "--text cần --section: số của mục (1–5)."),
    ],
)
def test_half_an_edit_is_refused_and_saves_nothing(
    cli: Cli, demo_dir: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli(*REPORT, *args)
    assert (code, out, err.strip()) == (1, "", message)
    with Store.open(demo_dir) as store:
        assert store.list("report") == []
