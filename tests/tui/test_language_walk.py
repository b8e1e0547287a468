"""Issue 11, acceptance 5 (the app): every screen, form and dialog shows one language.

For each language the walk opens every section, every form and dialog reachable from them
and the palette with a query that matches nothing, and reads what is drawn.  A Vietnamese
screen fails on English words (those of the English strings tables that Vietnamese ones do
not also use); an English one fails on any letter with Vietnamese diacritics and on common
Vietnamese words.  The office's own data (its names and titles, Vietnamese in both walks) is
set apart first: it is shown as typed, whatever the language.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from domain.i18n import Lang, t
from sync.store import Store
from tests.helpers.app import PEOPLE, SIZE, UNITS, fill_office, make_app, settle, type_text
from tests.helpers.language import WORD, foreign, showing
from tests.tui.test_notice_from_app import seed_meeting
from tui.app import SotayApp
from tui.screens.notice import RankingScreen
from tui.screens.setup import SetupApp
from tui.widgets.forms import MultiBox
from tui.widgets.pick import ChosenList

#: The walk's own data besides the fixture's: the office, its author and what it types.
TYPED = ("zqxj", "Văn phòng BCĐ tỉnh Bắc Giang", "Nguyễn Thị Lan", "vn/bac-giang", "bac-giang")
SIGHTS = ("Sở có Một cửa điện tử", "Trung tâm dữ liệu tỉnh", "Cột mốc", "Phòng Tin học")


def strings_in(value: object) -> Iterator[str]:
    """The texts in a record's data, however deep (a signer's position in a unit's map)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def data_words(store: Store) -> frozenset[str]:
    """Every word of the office's records (their values, not their fields' names nor codes
    such as "issued", which are shown by their labels) and of what the walk typed."""
    texts: list[str] = [*TYPED, *SIGHTS, *(n for pair in (*UNITS, *PEOPLE) for n in pair)]
    for kind in KINDS:
        values = [v for r in store.list(kind) for v in strings_in(r.data)]
        texts += [v for v in values if not CODE_VALUE.fullmatch(v)]
    return frozenset(w.lower() for text in texts for w in WORD.findall(text))


CODE_VALUE = re.compile(r"[a-z_]+")
KINDS = ("plan", "task", "meeting", "conclusion", "indicator", "project", "unit", "person")


def screen_text(app: Any) -> str:
    """What the top screen draws, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


Walk = Callable[[Pilot[Any]], Awaitable[None]]


def keys(*pressed: str) -> Walk:
    async def walk(pilot: Pilot[Any]) -> None:
        for key in pressed:
            await pilot.press(key)
            await settle(pilot.app, pilot)

    return walk


def typed(*steps: str) -> Walk:
    """Keys, and text after a ``:`` (``":zqxj"`` types zqxj)."""

    async def walk(pilot: Pilot[Any]) -> None:
        for step in steps:
            if step.startswith(":"):
                await type_text(pilot, step[1:])
            else:
                await pilot.press(step)
            await settle(pilot.app, pilot)

    return walk


async def palette_nothing(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+p")
    await type_text(pilot, "zqxj")
    await pilot.pause(0.8)  # the palette says "nothing found" after half a second


def typed_then(key: str, then: Walk) -> Walk:
    async def walk(pilot: Pilot[Any]) -> None:
        await keys(key)(pilot)
        await then(pilot)

    return walk


def typed_into(selector: str, value: str, *pressed: str) -> Walk:
    """``value`` put in the field ``selector`` of the screen, then ``pressed``."""

    async def walk(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one(selector, Input).value = value
        await keys(*pressed)(pilot)

    return walk


async def ranking(pilot: Pilot[Any]) -> None:
    pilot.app.push_screen(RankingScreen())
    await settle(pilot.app, pilot)


WALKS: dict[str, Walk] = {
    "dashboard": keys("1"),
    "plans": keys("2"),
    "plan form": keys("2", "a"),
    "plan form, errors": keys("2", "a", "ctrl+s"),
    "plan detail": keys("2", "enter"),
    "indicator form": keys("2", "enter", "i"),
    "tasks": keys("3"),
    "task form": keys("3", "a"),
    "task form, errors": keys("3", "a", "ctrl+s"),
    "task form, chips": typed("3", "enter", "tab", "tab", "tab", "tab", "tab", "tab", "tab"),
    "status dialog": keys("3", "t"),
    "progress prompt": keys("3", "p"),
    "progress prompt, error": typed("3", "p", "ctrl+u", ":120", "enter"),
    "history": keys("3", "h"),
    "confirm delete": keys("3", "delete"),
    "meetings": keys("4"),
    "meeting view": keys("4", "enter"),
    "meeting editor": keys("4", "a"),
    "meeting editor, errors": keys("4", "a", "ctrl+s"),
    "notice": keys("4", "n"),
    "indicators": keys("5"),
    "reading dialog": keys("5", "n"),
    "projects": keys("6"),
    "project form": keys("6", "a"),
    "units": keys("7"),
    "unit form": keys("7", "a"),
    "conflicts": keys("8"),
    "reports": keys("9"),
    "report preview": keys("9", "ctrl+r"),
    "report, wrong period": typed_then("9", typed_into("#period", "quy 9", "ctrl+r")),
    "rollup": keys("9", "ctrl+g"),
    "importer": keys("0"),
    "importer, no file": typed_then("0", typed_into("#file", "/nowhere/kh.xlsx", "ctrl+r")),
    "search": typed("slash", ":cong"),
    "search, nothing": typed("slash", ":zqxj"),
    "help": keys("f1"),
    "palette": keys("ctrl+p"),
    "palette, nothing": palette_nothing,
    "ranking": ranking,
}


def seed(store: Store) -> dict[str, str]:
    ids = fill_office(store)
    seed_meeting(store, ids)
    store.add(
        "indicator",
        {
            "name": SIGHTS[0],
            "measure": "ratio",
            "target": 22,
            "target_denominator": 22,
            "plan_id": ids["plan"],
            "readings": {"2024-03-31": {"numerator": 6, "denominator": 22}},
        },
    )
    store.add("project", {"name": SIGHTS[1], "stage": "implementation", "budget": 10**9})
    return ids


async def walk_app(store: Store, start: Lang, lang: Lang, walk: Walk) -> tuple[str, list[str]]:
    """Run ``walk`` in an app started in ``start`` (F2 switches to ``lang`` first, or after the
    walk when ``walk`` is the first half of a visit); the screen's text and foreign words."""
    seed(store)
    app: SotayApp = make_app(store, lang=start)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        if start != lang:
            await pilot.press("f2")
            await settle(app, pilot)
        await walk(pilot)
        await settle(app, pilot)
        text = screen_text(app)
    return text, foreign(text, lang, data_words(store))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("where", list(WALKS))
async def test_every_screen_is_in_one_language(store: Store, lang: Lang, where: str) -> None:
    text, words = await walk_app(store, lang, lang, WALKS[where])
    assert words == [], showing(text, words)


SWITCHED = ("dashboard", "tasks", "task form", "meetings", "reports", "units", "importer")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("where", SWITCHED)
async def test_a_screen_opened_before_f2_follows_the_switch(
    store: Store, lang: Lang, where: str
) -> None:
    """The screen opened in the other language, then F2: nothing of the old one stays."""
    other: Lang = "en" if lang == "vi" else "vi"
    seed(store)
    app: SotayApp = make_app(store, lang=other)
    async with app.run_test(size=SIZE) as pilot:
        await WALKS[where](pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        text = screen_text(app)
    words = foreign(text, lang, data_words(store))
    assert words == [], showing(text, words)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("office", ["", "Bắc Giang!"], ids=["no office", "wrong office"])
async def test_first_run_setup_is_in_one_language(lang: Lang, office: str) -> None:
    app = SetupApp(lang)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#setup-office", Input).value = office
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
    words = foreign(text, lang, frozenset(w.lower() for w in WORD.findall(f"{TYPED} {office}")))
    assert words == [], showing(text, words)


def test_the_check_would_catch_each_language_in_the_other() -> None:
    """The check itself: English words on a Vietnamese screen, accents on an English one."""
    nothing: frozenset[str] = frozenset()
    assert foreign("No matches found · Lưu kế hoạch", "vi", nothing) == ["No", "matches", "found"]
    assert foreign("Tiến độ (progress): 40%", "en", nothing) == ["Tiến", "độ"]
    assert foreign("Quý III/2025 khong", "en", frozenset(("iii",))) == ["Quý", "khong"]


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("vi", "gõ tên rồi Enter để thêm; Backspace ở ô trống để bỏ đơn vị cuối"),
        ("en", "type a name then Enter to add; Backspace on empty removes the last unit"),
    ],
)
async def test_the_coordinating_units_field_speaks_of_units(
    store: Store, lang: Lang, hint: str
) -> None:
    """Not the attendees' words ("bỏ người cuối", "Đổi có mặt/vắng") on a list of units."""
    ids = seed(store)
    app: SotayApp = make_app(store, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await keys("3", "a")(pilot)
        (box,) = [b for b in app.screen.query(MultiBox) if b.spec.name == "coordinators"]
        assert box.multi.picker.input.placeholder == hint
        box.multi.chosen = {ids["SNV"]: ""}
        box.multi.render_chosen()
        app.screen.set_focus(box.query_one(ChosenList))
        await settle(app, pilot)
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert ("remove" in shown, "cycle" in shown) == (True, False)
        assert t("ui.key.attendance", lang) not in screen_text(app)
