"""Type-ahead pickers: choose a unit, a person, a plan or a status by typing part of its name.

Matching is accent- and case-insensitive (``"trung tam thong tin"``, ``"tr"`` and ``"TTTT"``
all find Trung tâm Thông tin): every typed word must start a word of the folded name or
abbreviation.  The list drops down under the field as soon as it is focused (every choice
while nothing is typed, none highlighted) and narrows as letters are typed; ↓↑ move, Enter
picks, Esc closes it.  Leaving the field picks the only match, or an exact one; anything
else stays as typed and the form says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from domain.text import fold
from tui.app import is_typing

SHOWN = 8
_WORD = re.compile(r"[^\W_]+")
#: The key of a name typed in full that is on no list (a guest attendee): ``FREE + name``.
FREE = "free:"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    detail: str = ""
    folded: str = field(default="", compare=False)

    @classmethod
    def make(cls, value: str, label: str, detail: str = "", *aliases: str) -> Choice:
        return cls(value, label, detail, words_of(" ".join((label, detail, *aliases))))


def words_of(text: str) -> str:
    """The folded words of ``text``, each after a space: ``" so noi vu snv"``, so that
    ``" " + typed in words`` says whether a typed word starts one of them."""
    return "".join(" " + word for word in _WORD.findall(fold(text)))


def match(choices: Sequence[Choice], text: str) -> list[Choice]:
    """Choices with a word starting with each typed word; exact and prefix matches first."""
    needle = fold(text).strip()
    starts = [" " + word for word in _WORD.findall(needle)]
    if not starts:
        return []
    found = [c for c in choices if all(w in c.folded for w in starts)]

    def rank(choice: Choice) -> int:
        label, detail = fold(choice.label), fold(choice.detail)
        if needle in (label, detail):
            return 0
        if label.startswith(needle) or detail.startswith(needle):
            return 1
        return 2

    found.sort(key=rank)
    return found


def exact(choices: Sequence[Choice], text: str) -> Choice | None:
    needle = fold(text).strip()
    for choice in choices:
        if needle and needle in (fold(choice.label), fold(choice.detail), fold(choice.value)):
            return choice
    return None


class PickInput(Input):
    """The text part of a picker; on an empty field Backspace asks to remove the last chip."""

    class RemoveLast(Message):
        """Backspace on an empty field: the picker drops its last chip."""

    def action_delete_left(self) -> None:
        if not self.value:
            self.post_message(self.RemoveLast())
            return
        super().action_delete_left()


class PickField(Vertical):
    """A single choice among ``choices()`` picked by typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("escape", "close_list", show=False),
    ]

    class Picked(Message):
        def __init__(self, picker: PickField, choice: Choice | None) -> None:
            super().__init__()
            self.picker = picker
            self.choice = choice

        @property
        def control(self) -> PickField:
            return self.picker

    def __init__(
        self,
        choices: Callable[[], list[Choice]],
        value: str | None = None,
        *,
        placeholder: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._source = choices
        self._choices: list[Choice] | None = None
        self._initial = value
        self.choice: Choice | None = None
        self._matches: list[Choice] = []
        self._placeholder = placeholder
        self._dropdown: OptionList | None = None

    @property
    def choices(self) -> list[Choice]:
        if self._choices is None:
            self._choices = self._source()
        return self._choices

    def compose(self) -> ComposeResult:
        label = ""
        if self._initial:
            self.choice = next((c for c in self.choices if c.value == self._initial), None)
            label = self.choice.label if self.choice else self._initial
        yield PickInput(label, placeholder=self._placeholder, compact=True, classes="pick-input")

    @property
    def input(self) -> PickInput:
        return self.query_one(PickInput)

    @property
    def value(self) -> str | None:
        return self.choice.value if self.choice else None

    @property
    def text(self) -> str:
        return self.input.value

    def set_placeholder(self, text: str) -> None:
        self.input.placeholder = text

    def reset_choices(self) -> None:
        self._choices = None

    # ---------------------------------------------------------------- typing
    @on(Input.Changed, ".pick-input")
    def _typed(self, event: Input.Changed) -> None:
        if self.choice is not None and event.value == self.choice.label:
            return
        self.choice = None
        self._open_list()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget is self.input and self.choice is None:
            self._open_list()

    def _open_list(self) -> None:
        """The matches of what is typed, highlighted from the top; every choice, none
        highlighted (Enter picks nothing), while nothing is typed or the field shows its
        choice (↓ on a picked field offers the others)."""
        typed = bool(self.input.value.strip()) and self.choice is None
        self._matches = match(self.choices, self.input.value) if typed else list(self.choices)
        self._show_matches(0 if typed else None)

    def _hide(self) -> None:
        if self._dropdown is not None:
            self._dropdown.display = False

    @property
    def list_open(self) -> bool:
        return self._dropdown is not None and bool(self._dropdown.display) and bool(self._matches)

    def _show_matches(self, highlight: int | None = 0) -> None:
        shown = self._matches[:SHOWN]
        if not shown or not self.input.has_focus:
            self._hide()
            return
        dropdown = self._dropdown
        if dropdown is None:
            # Made on first use: most fields are filled without ever opening their list.
            dropdown = self._dropdown = OptionList(classes="pick-list")
            dropdown.can_focus = False  # ↓↑ move it from the field; Tab never stops on it
            self.mount(dropdown)
        dropdown.clear_options()
        dropdown.add_options([Option(self._option_text(c)) for c in shown])
        if len(self._matches) > SHOWN:
            dropdown.add_option(Option(f"… +{len(self._matches) - SHOWN}", disabled=True))
        dropdown.highlighted = highlight
        dropdown.display = True

    @staticmethod
    def _option_text(choice: Choice) -> str:
        return f"{choice.label} · {choice.detail}" if choice.detail else choice.label

    def action_move(self, delta: int) -> None:
        if not self.list_open:
            self._open_list()
        dropdown = self._dropdown
        if dropdown is None or not self.list_open:
            return
        count = min(len(self._matches), SHOWN)
        current = dropdown.highlighted
        target = 0 if current is None else current + delta
        dropdown.highlighted = max(0, min(count - 1, target))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.list_open if action == "close_list" else True

    def action_close_list(self) -> None:
        self._hide()

    @on(Input.Submitted, ".pick-input")
    def _submitted(self, event: Input.Submitted) -> None:
        dropdown = self._dropdown
        if dropdown is not None and self.list_open and dropdown.highlighted is not None:
            event.stop()
            index = dropdown.highlighted
            self.pick(self._matches[min(index, len(self._matches) - 1)])
            return
        self._hide()
        if self.choice is None and self.settle():
            event.stop()

    @on(OptionList.OptionSelected, ".pick-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._matches):
            self.pick(self._matches[event.option_index])
            self.input.focus()

    @on(Input.Blurred, ".pick-input")
    def _left(self, event: Input.Blurred) -> None:
        self._hide()
        if self.choice is None:
            self.settle()

    def settle(self) -> bool:
        """Pick an exact or an only match of what was typed; ``True`` if one was picked."""
        text = self.text
        if not text.strip():
            return False
        found = exact(self.choices, text)
        if found is None:
            matches = match(self.choices, text)
            found = matches[0] if len(matches) == 1 else None
        if found is not None:
            self.pick(found)
            return True
        return False

    def pick(self, choice: Choice | None) -> None:
        self.choice = choice
        self._matches = []
        self._hide()
        with self.input.prevent(Input.Changed):
            self.input.value = choice.label if choice else ""
        self.input.cursor_position = len(self.input.value)
        self.post_message(self.Picked(self, choice))

    def candidates(self) -> list[Choice]:
        """What the typed text matches now (for the message under the field)."""
        return match(self.choices, self.text)


class MultiPick(Vertical):
    """Several choices (coordinating units, attendees): type, Enter adds; the chosen ones are
    listed under the field with an optional role each (attendance)."""

    class Changed(Message):
        def __init__(self, picker: MultiPick) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> MultiPick:
            return self.picker

    def __init__(
        self,
        choices: Callable[[], list[Choice]],
        values: dict[str, str] | None = None,
        *,
        roles: Sequence[str] = (),
        role_label: Callable[[str], str] = str,
        placeholder: str = "",
        free_names: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._source = choices
        self.chosen: dict[str, str] = dict(values or {})
        self.roles = list(roles)
        self.role_label = role_label
        self._placeholder = placeholder
        #: Enter on a name that matches nothing adds it as typed (see :meth:`accept_free_name`)
        self.free_names = free_names

    def compose(self) -> ComposeResult:
        yield PickField(self._source, placeholder=self._placeholder, classes="multi-input")
        yield ChosenList(classes="chosen-list")

    def on_mount(self) -> None:
        self.render_chosen()

    @property
    def picker(self) -> PickField:
        return self.query_one(PickField)

    def name_of(self, value: str) -> str:
        if value.startswith(FREE):
            return value.removeprefix(FREE)
        for choice in self.picker.choices:
            if choice.value == value:
                return choice.label
        return value[-8:]

    def render_chosen(self) -> None:
        chosen = self.query_one(ChosenList)
        chosen.clear_options()
        for value, role in self.chosen.items():
            suffix = f" ({self.role_label(role)})" if self.roles and role else ""
            chosen.add_option(Option(self.name_of(value) + suffix, id=value))
        chosen.display = bool(self.chosen)

    @on(PickField.Picked, ".multi-input")
    def _picked(self, event: PickField.Picked) -> None:
        event.stop()
        if event.choice is None:
            return
        self.chosen.setdefault(event.choice.value, self.roles[0] if self.roles else "")
        self.picker.pick(None)
        self.render_chosen()
        self.post_message(self.Changed(self))

    @on(Input.Submitted, ".pick-input")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter the picker left alone (nothing on the list matched): maybe a free name."""
        if self.free_names and self.accept_free_name(event.value):
            event.stop()

    def accept_free_name(self, text: str) -> bool:
        """Add ``text`` as a name on no list (a guest), if it matches nothing on the list;
        ``True`` if it was added.  The caller decides what a free name becomes."""
        name = " ".join(text.split())
        if not name or self.picker.candidates():
            return False
        self.chosen.setdefault(FREE + name, self.roles[0] if self.roles else "")
        self.picker.pick(None)
        self.render_chosen()
        self.post_message(self.Changed(self))
        return True

    def free_chosen(self) -> dict[str, str]:
        """The free names chosen, with their role: name → role."""
        return {k.removeprefix(FREE): r for k, r in self.chosen.items() if k.startswith(FREE)}

    @on(PickInput.RemoveLast)
    def _remove_last(self, event: PickInput.RemoveLast) -> None:
        event.stop()
        if self.chosen:
            self.chosen.pop(next(reversed(self.chosen)))
            self.render_chosen()
            self.post_message(self.Changed(self))

    def remove_value(self, value: str) -> None:
        if self.chosen.pop(value, None) is not None:
            self.render_chosen()
            self.post_message(self.Changed(self))

    def cycle_role(self, value: str) -> None:
        if not self.roles or value not in self.chosen:
            return
        index = self.roles.index(self.chosen[value]) if self.chosen[value] in self.roles else -1
        self.chosen[value] = self.roles[(index + 1) % len(self.roles)]
        keep = self.query_one(ChosenList).highlighted
        self.render_chosen()
        self.query_one(ChosenList).highlighted = keep
        self.post_message(self.Changed(self))


class ChosenList(OptionList):
    """The chosen values: Space changes the role (attendance), Delete removes one.  Any
    other printable key goes on into the picker's field: letters typed on the chips are
    text, never a shortcut."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "cycle", "ui.key.attendance"),
        Binding("delete,backspace", "remove", "ui.key.remove"),
    ]

    def _owner(self) -> MultiPick | None:
        parent = self.parent
        return parent if isinstance(parent, MultiPick) else None

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "space" and is_typing(key, character)

    def on_key(self, event: events.Key) -> None:
        owner = self._owner()
        if owner is None or not is_typing(event.key, event.character):
            return
        if event.key == "space" and self.screen.focused is self:
            return  # Space changes the role; one typed after a letter follows it
        event.stop()
        event.prevent_default()
        field = owner.picker.input
        self.screen.set_focus(field)
        field.post_message(events.Key(event.key, event.character))  # after its Focus

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No attendance to change on chips without roles (coordinating units)."""
        owner = self._owner()
        return action != "cycle" or (owner is not None and bool(owner.roles))

    def _current(self) -> str | None:
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    def action_cycle(self) -> None:
        owner, value = self._owner(), self._current()
        if owner is not None and value is not None:
            owner.cycle_role(value)

    def action_remove(self) -> None:
        owner, value = self._owner(), self._current()
        if owner is not None and value is not None:
            keep = self.highlighted
            owner.remove_value(value)
            if self.option_count:
                self.highlighted = min(keep or 0, self.option_count - 1)
