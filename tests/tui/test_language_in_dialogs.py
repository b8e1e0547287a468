"""F2 switches the language from the help and the search too, and they redraw in it at once
(a modal screen had kept F2 from the app: it did nothing there).  A question a dialog asks
is answered in the language it was asked in: there F2 waits."""

from __future__ import annotations

from textual.widgets import Input, Static

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.screens.dialogs import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.search import SearchScreen
from tui.widgets.table import VirtualTable


def first_line(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render()).splitlines()[0]  # type: ignore[attr-defined]


async def test_f2_in_the_help_redraws_it_in_the_other_language(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert first_line(help_screen, "#help-text") == "Phím tắt"
        await pilot.press("f2")
        await pilot.pause()
        assert (app.lang, app.screen) == ("en", help_screen)
        assert first_line(help_screen, "#help-text") == "Keys"
        await pilot.press("f2")
        await pilot.pause()
        assert (app.lang, first_line(help_screen, "#help-text")) == ("vi", "Phím tắt")


async def test_f2_in_the_search_keeps_the_results_and_says_them_in_english(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/")
        search = app.screen
        assert isinstance(search, SearchScreen)
        await type_text(pilot, "chu ky so")
        await pilot.press("f2")
        await pilot.pause()
        field = search.query_one("#search-input", Input)
        results = search.query_one("#search-results", VirtualTable)
        assert (app.lang, field.value, [row.id for row in results.rows]) == (
            "en",
            "chu ky so",
            [ids["soon"]],
        )
        assert str(search.query_one("#search-count", Static).render()) == "Results: 1"
        assert field.placeholder == "Search everything (accents optional)…"


async def test_f2_waits_while_a_question_is_asked(store: Store, ids: dict[str, str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ConfirmScreen("Xóa nhiệm vụ này?"))
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert app.lang == "vi" and isinstance(app.screen, ConfirmScreen)
