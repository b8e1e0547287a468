"""Issue 12: a committee unit's signers (person, chức vụ, signing form TM. / KT. / TL. / Q. /
in their own name, for whom) are edited in the app's unit form, checked there, and saved as
the unit's ``signers`` field like any other (so they sync, and documents sign with them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from sync.store import Store
from tests.helpers.app import SIZE, make_app, settle, type_text
from tests.helpers.server import Server
from tui.app import SotayApp
from tui.widgets.forms import SignerRow, SignersBox

HEAD = {"position": "Trưởng ban", "form": "tm", "behalf": "Ban Chỉ đạo", "order": 0}


def committee(store: Store, ids: dict[str, str]) -> str:
    signers = {ids["Nguyễn Văn An"]: HEAD}
    store.update(ids["STTTT"], {"unit_kind": "committee", "signers": signers})
    return ids["STTTT"]


async def open_signers(app: SotayApp, pilot: Any, unit: str) -> SignersBox:
    app.edit_record("unit", unit)
    await pilot.pause()
    return app.screen.query_one(SignersBox)


async def fill(pilot: Any, row: SignerRow, person: str, position: str, form: str) -> None:
    row.person.input.focus()
    await type_text(pilot, person)
    await pilot.press("enter")
    row.query_one(".signer-position", Input).focus()
    await type_text(pilot, position)
    row.form.input.focus()
    await type_text(pilot, form)
    await pilot.press("enter")


async def test_a_deputy_signing_kt_is_added_in_the_unit_form_and_saved(
    store: Store, ids: dict[str, str]
) -> None:
    unit = committee(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        first, blank = box.rows()
        assert (first.person.text, first.text("position"), first.form.text) == (
            "Nguyễn Văn An",
            "Trưởng ban",
            "TM. (thay mặt tập thể)",
        )
        await fill(pilot, blank, "binh", "Phó Trưởng ban", "kt")
        blank.query_one(".signer-behalf", Input).focus()
        await type_text(pilot, "Trưởng ban")
        assert len(box.rows()) == 3  # a new empty row for the next signer
        await pilot.press("ctrl+s")
        await pilot.pause()
        record = store.get(unit)
        assert record is not None
        assert record.data["signers"] == {
            ids["Nguyễn Văn An"]: HEAD,
            ids["Trần Thị Bình"]: {
                "position": "Phó Trưởng ban",
                "form": "kt",
                "behalf": "Trưởng ban",
                "order": 1,
            },
        }
        assert store.pending_count() > 0  # a change like any other: it goes with the next sync


async def test_a_signer_not_on_the_roster_is_refused_under_the_field(
    store: Store, ids: dict[str, str]
) -> None:
    unit = committee(store, ids)
    before = store.get(unit)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        await fill(pilot, box.rows()[1], "Hoàng Văn Xyz", "Phó Trưởng ban", "kt")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert box.error_text == (
            "Dòng 2: chọn người ký trong danh sách thành viên (không tìm thấy “Hoàng Văn Xyz”)."
        )
        assert store.get(unit) == before


async def test_a_signer_without_a_position_is_refused(store: Store, ids: dict[str, str]) -> None:
    unit = committee(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        box.rows()[0].query_one(".signer-position", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert box.error_text == "Dòng 1: nhập chức vụ của người ký, ví dụ Trưởng ban."
        assert store.get(unit).data["signers"] == {ids["Nguyễn Văn An"]: HEAD}  # type: ignore[union-attr]


async def test_clearing_a_row_removes_the_signer(store: Store, ids: dict[str, str]) -> None:
    unit = committee(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        row = box.rows()[0]
        row.person.input.value = ""
        for name in ("position", "behalf"):
            row.query_one(f".signer-{name}", Input).value = ""
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "signers" not in store.get(unit).data  # type: ignore[union-attr]


async def test_a_member_on_two_rows_is_refused(store: Store, ids: dict[str, str]) -> None:
    unit = committee(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        await fill(pilot, box.rows()[1], "an", "Phó Trưởng ban", "kt")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert box.error_text == "Dòng 2: Nguyễn Văn An đã có ở dòng trên."
        assert store.get(unit).data["signers"] == {ids["Nguyễn Văn An"]: HEAD}  # type: ignore[union-attr]


async def test_signers_saved_in_the_form_reach_the_offices_other_machine(
    store: Store, ids: dict[str, str], server: Server, tmp_path: Path
) -> None:
    unit = committee(store, ids)
    client, _switch = server.client(store)
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        await fill(pilot, box.rows()[1], "binh", "Phó Trưởng ban", "kt")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f5")
        await settle(app, pilot)
    assert store.pending_count() == 0
    with Store.create(tmp_path / "second", office=store.office, name="Máy thứ hai") as other:
        second, _ = server.client(other)
        await second.sync()
        record = other.get(unit)
        assert record is not None
        assert record.data["signers"] == {
            ids["Nguyễn Văn An"]: HEAD,
            ids["Trần Thị Bình"]: {"position": "Phó Trưởng ban", "form": "kt", "order": 1},
        }


async def test_switching_the_language_leaves_the_signers_unchanged(
    store: Store, ids: dict[str, str]
) -> None:
    unit = committee(store, ids)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        box = await open_signers(app, pilot, unit)
        assert not box.dirty
        await pilot.press("f2")
        await pilot.pause()
        row = box.rows()[0]
        assert (row.form.text, row.person.input.placeholder) == (
            "TM. (on behalf of the body)",
            "Name",
        )
        assert not box.dirty
