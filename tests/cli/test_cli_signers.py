"""Issue 12: a body's signers set from the command line too, in the words a secretary uses:
``signers=Nguyễn Văn An:Trưởng ban:TM.:Ban Chỉ đạo; …`` (person, chức vụ, signing form, for
whom), in signing order."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.store import Store
from tests.helpers.app import fill_office
from tui.cli import run


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    data = tmp_path / "office"
    with Store.create(data, office="vn/bac-giang", name="Bắc Giang") as store:
        ids = fill_office(store)
    return data, ids


def test_set_signers_by_name_with_their_forms(office: tuple[Path, dict[str, str]]) -> None:
    data, ids = office
    signers = "signers=Nguyễn Văn An:Trưởng ban:TM.:Ban Chỉ đạo; tran thi binh:Phó Trưởng ban:kt"
    assert run(["--data", str(data), "set", ids["STTTT"], signers]) == 0
    with Store.open(data) as store:
        unit = store.get(ids["STTTT"])
        assert unit is not None
        assert unit.data["signers"] == {
            ids["Nguyễn Văn An"]: {
                "position": "Trưởng ban",
                "form": "tm",
                "behalf": "Ban Chỉ đạo",
                "order": 0,
            },
            ids["Trần Thị Bình"]: {"position": "Phó Trưởng ban", "form": "kt", "order": 1},
        }


def test_an_unknown_signing_form_is_refused_naming_the_forms(
    office: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    data, ids = office
    capsys.readouterr()
    code = run(["--data", str(data), "set", ids["STTTT"], "signers=Nguyễn Văn An:Trưởng ban:XY"])
    err = capsys.readouterr().err
    assert (code, err.strip()) == (
        2,
        "Người ký (signers): 'XY' không phải lựa chọn hợp lệ. Chọn một trong: Ký trực tiếp, "
        "TM. (thay mặt tập thể), KT. (ký thay người đứng đầu), TL. (thừa lệnh), Q. (quyền).",
    )
    with Store.open(data) as store:
        assert "signers" not in store.get(ids["STTTT"]).data  # type: ignore[union-attr]
