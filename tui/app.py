"""The Sổ tay terminal app, built by :func:`build_app` from a store and a sync client.

Sections are Textual modes (see :mod:`tui.sections`), switched with the number keys or the
sidebar.  The store is read on the app thread; store work never runs on the event loop: big
saves run in thread workers, and the sync client (HTTP and applying the answer) on a thread of
its own (:mod:`tui.client_loop`).  Every worker has one boundary: its results come back as
messages, and whatever it raises becomes a calm message (:func:`failure_of`), never a
traceback or a stuck "working…".
"""

from __future__ import annotations

import asyncio
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.keys import _character_to_key
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widget import AwaitMount
from textual.widgets import Input, TextArea
from textual.worker import Worker, WorkerState

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.text import safe_display
from sync.store import Store
from tui import strings
from tui.client_loop import ClientLoop
from tui.derived import Derived
from tui.editing import Editor, UndoEntry, UndoRefused
from tui.palette_screen import SotayPalette
from tui.present import said
from tui.sections import KIND_SECTION, SECTIONS, Section

if TYPE_CHECKING:
    from sync.client import SyncClient, SyncProgress, SyncResult

Clock = Callable[[], datetime]
DEFAULT_SYNC_INTERVAL = 300.0
RETRY_DELAYS = (30.0, 60.0, 120.0, 300.0)
FIRST_SYNC_DELAY = 2.0
#: the sections whose screens are built after the first paint, in this order (the lists a
#: secretary opens first; the bigger ones, projects and units, build when first opened)
PREBUILT = ("tasks", "plans", "meetings")
#: seconds between two screens built ahead, for the keys typed meanwhile
PREBUILD_PAUSE = 0.05


@dataclass(frozen=True)
class SyncView:
    """What the status line says about the link to headquarters."""

    configured: bool = False
    state: str = "unknown"  # unknown | online | offline | syncing | cancelled
    error: SotayError | None = None
    retry_at: datetime | None = None
    skew: float | None = None
    sent: int = 0
    to_send: int = 0
    received: int = 0


def failure_of(error: BaseException | None) -> SotayError:
    """What a failed worker shows: its own :class:`SotayError`, or for any other exception a
    calm internal error naming only its type (never a traceback)."""
    if isinstance(error, SotayError):
        return error
    return SotayError("error.internal", detail=type(error).__name__)


class StoreChanged(Message):
    """The store committed a change (posted from whichever thread saved)."""


class SyncFinished(Message):
    def __init__(self, result: SyncResult) -> None:
        super().__init__()
        self.result = result


class SyncProgressed(Message):
    """How far the sync has got (posted from the client's thread)."""

    def __init__(self, progress: SyncProgress) -> None:
        super().__init__()
        self.progress = progress


#: The key names of printable ASCII; Textual cannot turn some back into their character
#: ("slash" is U+002F SOLIDUS), so a screen that consumes typing names them itself.
PRINTABLE_KEYS = frozenset(_character_to_key(c) for c in string.printable[:95])


def is_typing(key: str, character: str | None) -> bool:
    """Whether a key types a character (as opposed to a modified key, an F-key, Tab…)."""
    return key in PRINTABLE_KEYS or (character is not None and character.isprintable())


class Relabels:
    """A dialog that redraws its words when the language changes, so F2 acts there too (the
    help, the search); in any other dialog F2 waits until it is answered."""

    def relabel(self) -> None:
        raise NotImplementedError


def is_editor(screen: object) -> bool:
    """A screen where a record is being edited: it says whether it has unsaved changes
    (``dirty``).  In an editor printable keys only ever type, and every way out asks."""
    return hasattr(type(screen), "dirty")


def _commands() -> type[Provider]:
    from tui.palette import SotayCommands  # it reaches the app through ``getters.app``

    return SotayCommands


class SotayApp(App[int]):
    #: Every screen's styles (each file beside its screen), parsed once at start.  The one
    #: mechanism: no screen has a CSS_PATH of its own, since a screen bringing one makes
    #: Textual re-parse every style when it first opens (about 60 ms, measured).
    CSS_PATH = [  # noqa: RUF012  (Textual reads a list; never mutated)
        "app.tcss",
        "widgets/widgets.tcss",
        *(
            f"screens/{name}.tcss"
            for name in (
                "dashboard",
                "plans",
                "tasks",
                "meetings",
                "units",
                "conflicts",
                "history",
                "form",
                "dialogs",
                "search",
                "reports",
                "importer",
                "rollup",
            )
        ),
    ]
    TITLE = "Sổ tay"
    #: Below 100 columns (an old laptop's terminal) the sidebar gives its room to the lists.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {_commands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: moving between fields happens before the next key is delivered, so a fast
        # typist's "text Tab text" never lands in the wrong field.
        Binding("tab", "focus_next", "ui.key.next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "ui.key.prev", show=False, priority=True),
        Binding("f1", "help", "ui.key.help"),
        Binding("question_mark", "help", "ui.key.help", show=False),
        Binding("slash", "search", "ui.key.search"),
        Binding("f5", "sync", "ui.key.sync"),
        Binding("ctrl+p", "command_palette", "ui.key.palette", priority=True),
        # Priority: from the help and the search too, which redraw in the new language (a
        # question a dialog asks is answered in the language it was asked in: check_action)
        Binding("f2", "toggle_lang", "ui.key.lang", priority=True),
        # Undo / redo act on the screen you are in: a form's own text in a form, the
        # section's last change on a list (``u`` only where keys are not typed, see
        # SotayScreen.check_consume_key).
        Binding("u,ctrl+z", "undo", "ui.key.undo", show=False),
        Binding("ctrl+y,ctrl+shift+z", "redo", "ui.key.redo", show=False),
        # Priority: from a dialog or the palette too (it asks first for unsaved forms).
        Binding("ctrl+q", "quit", "ui.key.quit", show=False, priority=True),
        *[Binding(str(n), f"goto_number('{n}')", "ui.key.goto", show=False) for n in range(10)],
    ]

    lang: reactive[str] = reactive("vi")
    revision: reactive[int] = reactive(0)
    sync_view: reactive[SyncView] = reactive(SyncView)

    def __init__(
        self,
        store: Store,
        sync_client: SyncClient | None,
        *,
        lang: Lang = "vi",
        data_dir: Path | None = None,
        clock: Clock | None = None,
        sections: Sequence[Section] = SECTIONS,
        sync_interval: float | None = DEFAULT_SYNC_INTERVAL,
        on_first_paint: Callable[[SotayApp], None] | None = None,
        connect: Callable[[], SyncClient | None] | None = None,
        prebuild: bool = True,
    ) -> None:
        super().__init__()
        #: build the most opened sections' screens after the first paint (see _prebuild)
        self.prebuild = prebuild
        self.store = store
        self.sync_client = sync_client
        #: builds the sync client after the first paint (httpx and the protocol models
        #: are not worth making a person wait for the dashboard)
        self._connect = connect
        self.data_dir = data_dir
        self.clock = clock
        self.sections = list(sections)
        self.sync_interval = sync_interval
        self.derived = Derived(store, self.today)
        self.editor = Editor(store)
        self._on_first_paint = on_first_paint
        self._painted = False
        #: the CSS update count of the last full re-parse of the styles (see refresh_css)
        self._css_refreshed: int | None = None
        self._change_posted = False
        self._next_sync: float | None = None
        self._failures = 0
        self.syncing = False
        #: the person asked to stop the running sync (F5, then yes)
        self._cancelled = False
        self.client_loop = ClientLoop()
        #: a record opened from search, and the section to come back to when it closes
        self.return_to: WeakKeyDictionary[Screen[Any], str] = WeakKeyDictionary()
        for section in self.sections:
            self.add_mode(section.name, partial(section.factory, self))
        self.set_reactive(SotayApp.lang, lang)
        skew = store.meta("clock_skew")
        self.set_reactive(
            SotayApp.sync_view,
            SyncView(
                configured=sync_client is not None or connect is not None,
                skew=float(skew) if isinstance(skew, int | float) else None,
            ),
        )
        if sync_client is not None:
            sync_client.progress = self._on_progress

    # ----------------------------------------------------------------- basics
    @property
    def ui_lang(self) -> Lang:
        return "en" if self.lang == "en" else "vi"

    def now(self) -> datetime:
        return self.clock() if self.clock is not None else datetime.now(UTC)

    @property
    def display_tz(self) -> tzinfo | None:
        """Where times are shown: the injected clock's zone, else the computer's."""
        return self.clock().tzinfo if self.clock is not None else None

    def today(self) -> date:
        return self.now().astimezone(self.display_tz).date()

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        if shown.startswith("^") or (shown[:1] == "f" and shown[1:].isdigit()):
            return shown.upper()
        return {"delete": "Del", "esc": "Esc", "escape": "Esc"}.get(shown, shown)

    def switch_mode(self, mode: str) -> Any:
        """Every section switch goes here: new undo entries belong to the section."""
        self.editor.section = mode
        return super().switch_mode(mode)

    def pop_screen(self) -> AwaitComplete:
        """Leaving a record opened from search goes back to where the search began."""
        leaving = self.screen
        done = super().pop_screen()
        back = self.return_to.pop(leaving, None)
        if back is not None and back != self.current_mode:
            self.switch_mode(back)
        return done

    def on_key(self, event: events.Key) -> None:
        """A printable key that reaches the app while a text field has the focus was typed
        before the focus got there (``f`` then "mot cua", fast): it goes into the field."""
        focused = self.focused
        if (
            event.is_printable
            and isinstance(focused, Input | TextArea)
            and focused.check_consume_key(event.key, event.character)  # a read-only one won't
        ):
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))

    def on_mount(self) -> None:
        self.store.listeners.append(self._committed)
        self.switch_mode(self.sections[0].name)
        if self.sync_client is not None:
            self._start_sync_timer()

    def _start_sync_timer(self) -> None:
        if self.sync_interval is not None:
            self._next_sync = time.monotonic() + FIRST_SYNC_DELAY
            self.set_interval(5.0, self._tick, name="sync-timer")

    def _attach_client(self) -> None:
        connect, self._connect = self._connect, None
        if connect is None or self.sync_client is not None:
            return
        try:
            client = connect()
        except SotayError as error:
            self.notify(error.message(self.ui_lang), severity="warning", markup=False)
            return
        if client is not None:
            self.sync_client = client
            client.progress = self._on_progress
            self._start_sync_timer()

    async def on_unmount(self) -> None:
        if self._committed in self.store.listeners:
            self.store.listeners.remove(self._committed)
        if self.sync_client is not None:
            try:
                await self.client_loop.run(self.sync_client.aclose())
            except Exception:  # closing a dead connection must not turn an exit into a crash
                self.log.warning("sync client did not close cleanly")
        self.client_loop.stop()

    def refresh_css(self, animate: bool = True) -> None:
        """Re-parse the styles only when they changed (a theme, new variables).  Textual calls
        this for every screen's first opening, twice, since a new screen has never seen a
        refresh; but its widgets took the current styles when they mounted, so a re-parse
        then (about 0.2 s each with 10k tasks, measured) changes nothing.  A screen opened
        before the styles last changed is restyled, without a re-parse."""
        if self._css_refreshed != self._css_update_count:
            super().refresh_css(animate)
            self._css_refreshed = self._css_update_count
            return
        screen = self.screen
        if screen._css_update_count != self._css_update_count:
            if screen._css_update_count >= 0:  # styled before the last change
                self.stylesheet.update(screen, animate=animate)
            screen._css_update_count = self._css_update_count

    def first_paint(self) -> None:
        if not self._painted:
            self._painted = True
            if self._on_first_paint is not None:
                self._on_first_paint(self)
            if self._connect is not None:
                self.call_after_refresh(self._attach_client)
            self.call_after_refresh(self._warm_styles)
            if self.prebuild:
                self.call_after_refresh(self._prebuild_sections)

    def _prebuild_sections(self) -> None:
        self.run_worker(self._prebuild(), group="prebuild", exit_on_error=False)

    async def _prebuild(self) -> None:
        """While the dashboard is read: build the screens of the sections opened most
        (:data:`PREBUILT`), one at a time and off screen, so that the first opening of the
        10k-task list only draws it (~35 ms instead of ~85 ms, measured in bench/tui.py).
        Keys typed meanwhile go first: there is a pause between two screens."""
        for mode in PREBUILT:
            if not self.is_running:  # shutting down: the screens are being closed
                return
            if mode in self._modes and mode not in self._screen_stacks:
                await self._mount_off_screen(mode)
                await asyncio.sleep(PREBUILD_PAUSE)

    def _mount_off_screen(self, mode: str) -> AwaitMount:
        """The first screen of section ``mode``, composed and mounted but not shown: what
        Textual does on the section's first opening, short of making it current."""
        factory = self._modes[mode]
        screen = factory() if callable(factory) else self.get_screen(factory)
        widgets = self._register(self, screen)
        self._screen_stacks[mode] = [screen]
        self._load_screen_css(screen)
        return AwaitMount(screen, widgets)

    def _warm_styles(self) -> None:
        """After the first paint, while the dashboard is read: the styles of the text field
        (every other section has one), then every style parsed into the stylesheet's own
        cache (the start's re-parse filled another's), so a section's first opening parses
        nothing (~10 ms with 10k tasks, measured)."""
        stylesheet = self.stylesheet
        for read_from, css, tie_breaker, scope in Input()._get_default_css():
            stylesheet.add_source(
                css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope
            )
        stylesheet.parse()

    def _committed(self, store: Store) -> None:
        self.derived.invalidate()
        if not self._change_posted:
            self._change_posted = True
            self.post_message(StoreChanged())

    def on_store_changed(self, message: StoreChanged) -> None:
        self._change_posted = False
        self.revision += 1

    def notify_error(self, exc: SotayError) -> None:
        self.notify(said(exc, self.ui_lang), severity="error", markup=False, timeout=8)

    def say(self, key: str, *, severity: SeverityLevel = "information", **params: object) -> None:
        self.notify(t(key, self.ui_lang, **params), markup=False, severity=severity)

    # ---------------------------------------------------------------- actions
    def action_command_palette(self) -> None:
        """Textual's own palette (Ctrl+P), in the person's language."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(SotayPalette(self.ui_lang))

    async def action_quit(self) -> None:
        self.ask_quit()

    def ask_quit(self) -> None:
        """Leave, asking first when a form has unsaved changes, in any section's stack."""
        self.unless_dirty(self.editors(), lambda: self.exit(0))

    def editors(self, stacks: Sequence[Sequence[Screen[Any]]] | None = None) -> list[Screen[Any]]:
        """The open editors (of every section's screens, or of ``stacks``)."""
        every = self._screen_stacks.values() if stacks is None else stacks
        return [screen for stack in every for screen in stack if is_editor(screen)]

    def unless_dirty(self, editors: Sequence[Screen[Any]], then: Callable[[], object]) -> None:
        """Run ``then`` at once when none of ``editors`` has unsaved changes, else after a
        yes to the one discard question (Esc in a form asks the same, see close_editor)."""
        from tui.screens.dialogs import ConfirmScreen

        if not any(getattr(screen, "dirty", False) for screen in editors):
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.push_screen(ConfirmScreen(t("ui.confirm.discard", self.ui_lang)), answered)

    def held_ids(self) -> set[str]:
        """The records open editors point to: the one each edits and every one picked in
        it (undo and delete never remove these from under a form)."""
        from tui.widgets.pick import MultiPick, PickField

        held: set[str] = set()
        for screen in self.editors():
            for name in ("record_id", "meeting_id"):
                value = getattr(screen, name, None)
                if isinstance(value, str):
                    held.add(value)
            defaults = getattr(screen, "defaults", None)
            if isinstance(defaults, dict):
                held.update(v for v in defaults.values() if isinstance(v, str))
            held.update(p.value for p in screen.query(PickField) if p.value)
            for multi in screen.query(MultiPick):
                held.update(multi.chosen)
        return held

    def action_help_quit(self) -> None:
        self.say("ui.key.quit")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("goto_number", "search", "undo", "redo") and isinstance(
            self.screen, ModalScreen
        ):
            return False  # a dialog is answered first
        if action == "toggle_lang" and isinstance(self.screen, ModalScreen):
            return isinstance(self.screen, Relabels)
        if action in ("undo", "redo") and not is_editor(self.screen):
            return not isinstance(self.focused, Input | TextArea)  # a filter's text is its own
        if action == "goto_number":
            return any(s.key == parameters[0] for s in self.sections)
        return True

    def action_goto_number(self, key: str) -> None:
        for section in self.sections:
            if section.key == key:
                self.goto_section(section.name)

    def goto_section(self, name: str, then: Callable[[], object] | None = None) -> None:
        """Switch section (then run ``then``).  Forms of this section left with unsaved
        changes ask first, and are closed on a yes; other screens stay where they were."""
        known = name in {s.name for s in self.sections}
        if not known and then is None:
            return
        stay = name == self.current_mode or not known  # (a section this app was built without)
        editors = [] if stay else self.editors([self.screen_stack])

        def leave() -> None:
            while any(screen in self.screen_stack for screen in editors):
                self.return_to.pop(self.screen, None)
                self.pop_screen()
            if not stay:
                self.switch_mode(name)
            if then is not None:
                then()

        self.unless_dirty(editors, leave)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen.active_bindings))

    def action_search(self) -> None:
        from tui.screens.search import SearchScreen

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "vi" else "vi"
        try:
            self.store.set_meta(lang=self.lang)
        except SotayError as exc:
            self.notify_error(exc)
        self.say("ui.lang_switched")

    def action_undo(self) -> None:
        self._replay(undo=True)

    def action_redo(self) -> None:
        self._replay(undo=False)

    def _replay(self, *, undo: bool) -> None:
        """Undo / redo where the person is: in a form, its own text (nothing outside it);
        elsewhere the last change made from this section, named by kind and title."""
        screen = self.screen
        if is_editor(screen):
            text_undo = getattr(screen, "undo_text", None)
            if callable(text_undo):
                text_undo(undo)
            return
        replay = self.editor.undo if undo else self.editor.redo
        try:
            entry = replay(self.held_ids())
        except UndoRefused as exc:
            self.say(exc.key, severity="warning", **self.named(exc.record_id))
            return
        except SotayError as exc:
            self.notify_error(exc)
            return
        if entry is None:
            self.say("ui.nothing_to_undo" if undo else "ui.nothing_to_redo")
        else:
            self.say("ui.undone" if undo else "ui.redone", what=self.entry_name(entry))

    def named(self, record_id: str) -> dict[str, str]:
        """``kind`` and ``title`` of a record, as messages name it."""
        record = self.store.get(record_id)
        if record is None:
            return {"kind": "", "title": record_id[-8:]}
        return {
            "kind": t(f"kind.{record.kind}", self.ui_lang),
            "title": safe_display(record.title),
        }

    def entry_name(self, entry: UndoEntry) -> str:
        return t("ui.undo.what", self.ui_lang, **self.named(entry.record_id))

    def action_sync(self) -> None:
        self.start_sync(manual=True)

    # ------------------------------------------------------------- navigation
    def edit_record(
        self,
        kind: str,
        record_id: str | None,
        *,
        defaults: dict[str, Any] | None = None,
        on_saved: Callable[[str], None] | None = None,
    ) -> None:
        """Open the editor for a record of ``kind`` (a new one when ``record_id`` is None);
        ``on_saved`` gets the saved record's ID."""

        def saved(result: Any) -> None:
            if on_saved is not None and isinstance(result, str):
                on_saved(result)

        if kind == "meeting":
            from tui.screens.meetings import MeetingEditor

            self.push_screen(MeetingEditor(record_id), saved)
            return
        if kind == "conflict":
            self.goto_section("conflicts")
            return
        from tui.screens.form import RecordFormScreen

        self.push_screen(RecordFormScreen(kind, record_id, defaults=defaults), saved)

    def open_record(self, record_id: str, *, back_here: bool = False) -> None:
        """Show a record where it lives: its section, then its detail or editor;
        ``back_here``: leaving it comes back to this section (a search result)."""
        record = self.store.get(record_id)
        if record is None:
            return
        origin = self.current_mode

        def show() -> None:
            if record.kind == "plan":
                from tui.screens.plans import PlanScreen

                self.push_screen(PlanScreen(record.id))
            elif record.kind != "conflict":
                self.edit_record(record.kind, record.id)
            else:
                return
            if back_here and self.current_mode != origin:
                self.return_to[self.screen] = origin

        self.goto_section(KIND_SECTION.get(record.kind, origin), show)

    def confirm_delete(self, record_id: str) -> None:
        from tui.screens.dialogs import ConfirmScreen

        record = self.store.get(record_id)
        if record is None or record.kind == "conflict":
            return
        kind = t(f"kind.{record.kind}", self.ui_lang)
        title = safe_display(record.title)
        if record_id in self.held_ids():
            self.say("ui.undo.held", severity="warning", kind=kind, title=title)
            return
        question = t("ui.confirm.delete", self.ui_lang, kind=kind, title=title)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.editor.delete(
                    record_id, what=t("ui.deleted", self.ui_lang, kind=kind, title=title)
                )
            except SotayError as exc:
                self.notify_error(exc)
                return
            self.say("ui.deleted", kind=kind, title=title)

        self.push_screen(ConfirmScreen(question), answered)

    def ask_move(self, record_id: str) -> None:
        """Move a record to another scope (office), for whoever may write both."""
        from domain.scopes import check_scope
        from tui.screens.dialogs import PromptScreen

        record = self.store.get(record_id)
        if record is None or record.kind == "conflict":
            return
        kind = t(f"kind.{record.kind}", self.ui_lang)
        title = safe_display(record.title)

        def moved(scope: str | None) -> None:
            if scope is None or scope == record.scope:
                return
            try:
                self.editor.move(
                    record_id,
                    scope,
                    what=t("ui.moved", self.ui_lang, kind=kind, title=title, scope=scope),
                )
            except SotayError as exc:
                self.notify_error(exc)
                return
            self.say("ui.moved", kind=kind, title=title, scope=scope)

        question = t("ui.move.prompt", self.ui_lang, kind=kind, title=title, scope=record.scope)
        self.push_screen(PromptScreen(question, record.scope, check_scope), moved)

    def show_history(self, record_id: str) -> None:
        from tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(record_id))

    def show_rollup(self) -> None:
        from tui.screens.rollup import RollupScreen

        self.push_screen(RollupScreen())

    # ------------------------------------------------------------------ sync
    def _tick(self) -> None:
        if self._next_sync is not None and time.monotonic() >= self._next_sync:
            self.start_sync()

    def start_sync(self, manual: bool = False) -> None:
        if self.sync_client is None:
            if manual:
                self.say("ui.sync.not_configured", severity="warning")
            return
        if self.syncing:
            if manual:
                self._offer_cancel()
            return
        self.syncing = True
        self._next_sync = None
        pending = self.store.pending_count()
        self.sync_view = replace(
            self.sync_view,
            state="syncing",
            sent=0,
            to_send=pending,
            received=0,
            error=None,
            retry_at=None,
        )
        self._run_sync()

    def _offer_cancel(self) -> None:
        """F5 while a sync runs: a small confirm to stop it (the replica stays consistent:
        what was answered is kept, the rest stays pending)."""
        from tui.screens.dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes and self.syncing:
                self._cancelled = True
                self.workers.cancel_group(self, "sync")

        self.push_screen(ConfirmScreen(t("ui.sync.cancel_question", self.ui_lang)), answered)

    def _sync_cancelled(self) -> None:
        self.syncing = False
        retry_at = None
        if self.sync_interval is not None:
            self._next_sync = time.monotonic() + self.sync_interval
            retry_at = self.now() + timedelta(seconds=self.sync_interval)
        self.sync_view = replace(self.sync_view, state="cancelled", error=None, retry_at=retry_at)
        if self._cancelled:
            self._cancelled = False
            self.say("ui.sync.cancelled")

    @work(exclusive=True, group="sync", exit_on_error=False)
    async def _run_sync(self) -> None:
        """The sync, on the client's own thread (:mod:`tui.client_loop`); a failure comes
        back as the worker's state change."""
        assert self.sync_client is not None  # start_sync checked
        result = await self.client_loop.run(self.sync_client.sync())
        self.post_message(SyncFinished(result))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The boundary of the sync worker: any exception it raises is shown calmly."""
        if event.worker.group != "sync":
            return
        if event.state is WorkerState.ERROR:
            self._sync_failed(failure_of(event.worker.error))
        elif event.state is WorkerState.CANCELLED:
            self._sync_cancelled()

    def _on_progress(self, progress: SyncProgress) -> None:
        self.post_message(SyncProgressed(progress))

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        progress = message.progress
        self.sync_view = replace(
            self.sync_view, sent=progress.sent, to_send=progress.to_send, received=progress.received
        )

    def on_sync_finished(self, message: SyncFinished) -> None:
        result = message.result
        self.syncing = False
        self._failures = 0
        self.sync_view = replace(
            self.sync_view, state="online", error=None, retry_at=None, skew=result.clock_skew
        )
        if self.sync_interval is not None:
            self._next_sync = time.monotonic() + self.sync_interval
        if result.new_conflicts:
            self.say("ui.sync.new_conflicts", severity="warning", count=len(result.new_conflicts))
        if result.rejected:
            self.say("ui.sync.rejected", severity="warning", count=result.rejected)
        if result.held_removals:
            self.say("ui.sync.removals_held", severity="warning", count=result.held_removals)
        self.derived.invalidate()
        self.revision += 1

    def _sync_failed(self, error: SotayError) -> None:
        from sync.errors import Offline, ServerUnavailable

        self.syncing = False
        transient = isinstance(error, Offline | ServerUnavailable)
        delay = RETRY_DELAYS[min(self._failures, len(RETRY_DELAYS) - 1)]
        self._failures += 1
        retry_at = None
        if self.sync_interval is not None:
            wait = min(delay, self.sync_interval) if transient else self.sync_interval
            self._next_sync = time.monotonic() + wait
            retry_at = self.now() + timedelta(seconds=wait)
        self.sync_view = replace(self.sync_view, state="offline", error=error, retry_at=retry_at)
        self.notify(
            t("ui.sync.failed", self.ui_lang, detail=error.message(self.ui_lang)),
            severity="warning",
            markup=False,
            timeout=6,
        )
        self.derived.invalidate()
        self.revision += 1


def build_app(
    store: Store,
    sync_client: SyncClient | None,
    *,
    lang: Lang = "vi",
    data_dir: Path | None = None,
    clock: Clock | None = None,
    sections: Sequence[Section] = SECTIONS,
    sync_interval: float | None = DEFAULT_SYNC_INTERVAL,
    on_first_paint: Callable[[SotayApp], None] | None = None,
    connect: Callable[[], SyncClient | None] | None = None,
    prebuild: bool = True,
) -> SotayApp:
    """The app on ``store``; ``sync_client`` None works offline.  ``clock`` fixes "now"
    (tests, snapshots); ``sync_interval`` None turns off background sync; ``connect`` makes
    the sync client once the dashboard is on screen; ``prebuild`` builds the most opened
    sections' screens while the dashboard is read."""
    strings.load()
    return SotayApp(
        store,
        sync_client,
        lang=lang,
        data_dir=data_dir,
        clock=clock,
        sections=sections,
        sync_interval=sync_interval,
        on_first_paint=on_first_paint,
        connect=connect,
        prebuild=prebuild,
    )
