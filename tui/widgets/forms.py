"""Form fields: a label, an editor and the message under it, for every kind of value.

Each field validates itself with the domain's own rules (:func:`domain.records.check_field`,
:func:`domain.dates.parse_date` with the ``t`` / ``+7`` shortcuts), when the person leaves it
and again on save; the message appears under the field in the interface's language.  Money
is grouped with dots as it is typed; units, people, plans and enumerations are picked by
typing part of their name, accents optional.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantBlur
from textual.message import Message
from textual.widgets import Input, Label, Static, TextArea

from domain.dates import format_date, parse_date
from domain.errors import Problem, SotayError, ValidationError
from domain.i18n import Lang, t
from domain.money import group_thousands
from domain.records import check_field
from domain.rules import stt_key
from domain.schema import SIGNING_FORMS, SPECS, Codes
from domain.text import collation_key, safe_display
from sync.record import Record
from sync.store import Store
from tui.app import SotayApp
from tui.inputs import to_logical
from tui.widgets.pick import Choice, MultiPick, PickField

YES_NO: Codes = {"true": ("Có", "Yes"), "false": ("Không", "No")}
#: The editor of each schema field type (maps: see :func:`spec_for`); others are text.
WIDGETS = {
    "long": "long",
    "date": "date",
    "money": "money",
    "int": "number",
    "number": "number",
    "percent": "number",
    "choice": "choice",
    "yesno": "choice",
    "ref": "ref",
    "lead": "ref",
    "refs": "refs",
}


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    name: str
    widget: str
    required: bool = False
    target: str | None = None
    prefix: str = ""
    codes: Codes | None = None


def spec_for(kind: str, name: str) -> FieldSpec:
    """How the form edits ``kind.name``, read from the field schema."""
    field = SPECS[kind].field(name)
    if field is None:
        return FieldSpec(kind, name, "text")
    widget = WIDGETS.get(field.type, "text")
    if field.item == "signer":
        widget = "signers"
    elif field.type == "map":
        widget = "attendees" if field.labels else "readings" if field.item == "reading" else "text"
    elif widget == "ref" and not field.target:
        widget = "text"  # a reference to a record of any kind (a conflict's record)
    codes = YES_NO if field.type == "yesno" else field.codes or None
    return FieldSpec(
        kind,
        name,
        widget,
        field.required,
        target=field.target or None,
        prefix=field.labels,
        codes=codes,
    )


# ---------------------------------------------------------------------------
# Choices for pickers
# ---------------------------------------------------------------------------
def enum_choices(spec: FieldSpec, lang: Lang) -> list[Choice]:
    codes = spec.codes or {}
    out = []
    for code, (vi, en) in codes.items():
        shown = vi if lang == "vi" else en
        out.append(Choice.make(code, shown, "", vi, en, code))
    return out


def record_choices(store: Store, kind: str) -> list[Choice]:
    """Every live record of ``kind`` as a choice: name with its abbreviation / position."""
    out = []
    for record in store.list(kind):
        flat = record.flat
        title = safe_display(record.title)
        if kind == "unit":
            detail = safe_display(flat.get("abbr"))
        elif kind == "person":
            detail = safe_display(flat.get("position"))
        elif kind in ("plan", "conclusion"):
            detail = safe_display(flat.get("number"))
        elif kind == "task":
            detail = safe_display(flat.get("stt"))
        else:
            detail = ""
        out.append(Choice.make(record.id, title, detail))
    if kind == "task":
        out.sort(key=lambda c: stt_key(c.detail))
    else:
        out.sort(key=lambda c: collation_key(c.label))
    return out


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------
class FieldBox(Vertical):
    """One field of a form: label, editor, and the validation message under it."""

    app = getters.app(SotayApp)

    class Edited(Message):
        def __init__(self, box: FieldBox) -> None:
            super().__init__()
            self.box = box

    def __init__(
        self,
        spec: FieldSpec,
        value: Any = None,
        *,
        id: str | None = None,
        label_key: str | None = None,
    ) -> None:
        super().__init__(id=id or f"field-{spec.name}", classes=f"field field-{spec.widget}")
        self.spec = spec
        self.initial = value
        self.label_key = label_key or f"field.{spec.name}"
        self._start: Any = None
        self._error: Static | None = None
        self._error_text = ""

    def compose(self) -> ComposeResult:
        yield Label("", classes="field-label")
        yield from self.editor()

    def editor(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.relabel()
        self._start = self.snapshot()

    @property
    def lang(self) -> Lang:
        return self.app.ui_lang

    def relabel(self) -> None:
        text = t(self.label_key, self.lang)
        self.query_one(".field-label", Label).update(text + (" *" if self.spec.required else ""))

    def snapshot(self) -> Any:
        raise NotImplementedError

    @property
    def dirty(self) -> bool:
        return bool(self.snapshot() != self._start)

    def mark_saved(self) -> None:
        self._start = self.snapshot()

    def value(self) -> Any:
        """The logical value to save (``None`` to leave empty); raises ValidationError."""
        raise NotImplementedError

    def check(self, value: Any) -> Any:
        return check_field(self.spec.kind, self.spec.name, value)

    def show_error(self, text: str) -> None:
        """The message under the field ('' clears it); its line is made on first use."""
        self._error_text = text
        if self._error is not None:
            self._error.update(text)
            self._error.display = bool(text)
        elif text:
            self._error = Static(text, classes="field-error")
            self.mount(self._error)
        self.set_class(bool(text), "-invalid")

    @property
    def error_text(self) -> str:
        """The message now shown under the field ('' when none)."""
        return self._error_text

    def validate_now(self) -> list[Problem]:
        try:
            self.value()
        except ValidationError as exc:
            self.show_error(exc.problems[0].message(self.lang))
            return [Problem(self.spec.name, p.key, p.params) for p in exc.problems]
        except SotayError as exc:
            self.show_error(exc.message(self.lang))
            return [Problem(self.spec.name, exc.key, exc.params)]
        self.show_error("")
        return []

    def focus_editor(self) -> None:
        for widget in self.query("Input, TextArea"):
            if widget.focusable:
                widget.focus()
                return

    def edited(self) -> None:
        if self.has_class("-invalid"):
            self.validate_now()
        self.post_message(self.Edited(self))


class TextBox(FieldBox):
    """A single-line text or number field."""

    placeholder_key = ""

    def editor(self) -> ComposeResult:
        yield Input(self.display_initial(), compact=True, classes="field-input")

    def display_initial(self) -> str:
        return "" if self.initial is None else safe_display(self.initial)

    @property
    def input(self) -> Input:
        return self.query_one(".field-input", Input)

    def relabel(self) -> None:
        super().relabel()
        if self.placeholder_key:
            self.input.placeholder = t(self.placeholder_key, self.lang)

    def snapshot(self) -> Any:
        return self.input.value

    def value(self) -> Any:
        return self.check(self.input.value)

    @on(Input.Changed, ".field-input")
    def _changed(self, event: Input.Changed) -> None:
        self.edited()

    @on(Input.Blurred, ".field-input")
    def _blurred(self, event: Input.Blurred) -> None:
        if self.dirty or self.has_class("-invalid"):
            self.validate_now()


class NumberBox(TextBox):
    def display_initial(self) -> str:
        if isinstance(self.initial, float):
            return (f"{self.initial:g}").replace(".", ",")
        return super().display_initial()


class DateBox(TextBox):
    """dd/mm/yyyy; ``t`` is today, ``+7`` a week from today; shown back as dd/mm/yyyy."""

    placeholder_key = "ui.form.date_hint"

    def display_initial(self) -> str:
        return format_date(self.initial) if self.initial else ""

    def value(self) -> Any:
        text = self.input.value
        if not text.strip():
            return self.check(None)
        day = parse_date(text, self.spec.name, today=self.app.today())
        return self.check(day.isoformat())

    @on(Input.Blurred, ".field-input")
    def _normalise(self, event: Input.Blurred) -> None:
        try:
            iso = self.value()
        except SotayError:
            return
        if iso:
            self.input.value = format_date(iso)


_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})*$")
_DIGITS_AND_DOTS = re.compile(r"^[\d.]+$")


class MoneyBox(TextBox):
    """Whole đồng; dots between thousands appear as digits are typed.

    Only digits the person types are regrouped: a dot they type themselves stays, so
    "1.5" is left as typed and the message under the field explains why it is refused.
    """

    placeholder_key = "ui.form.money_hint"

    def display_initial(self) -> str:
        return group_thousands(self.initial) if isinstance(self.initial, int) else ""

    def on_mount(self) -> None:
        super().on_mount()
        self._shown = self._ours = self.input.value

    @on(Input.Changed, ".field-input")
    def _group(self, event: Input.Changed) -> None:
        text, previous = event.value, self._shown
        self._shown = text
        if not _DIGITS_AND_DOTS.match(text):
            return
        if _GROUPED.match(text) and not text.startswith("0"):
            self._ours = text
            return
        typed_dot = text.count(".") > previous.count(".")
        if not (text.isdigit() or (previous == self._ours and not typed_dot)):
            return
        digits = text.replace(".", "").lstrip("0") or "0"
        grouped = group_thousands(int(digits))
        self._shown = self._ours = grouped
        if grouped != text:
            cursor_digits = len(text[: self.input.cursor_position].replace(".", ""))
            cursor_digits -= len(text.replace(".", "")) - len(digits)
            with self.input.prevent(Input.Changed):
                self.input.value = grouped
            self.input.cursor_position = _position_after_digits(grouped, max(0, cursor_digits))


def _position_after_digits(text: str, digits: int) -> int:
    seen = 0
    for index, ch in enumerate(text):
        if seen == digits:
            return index
        if ch.isdigit():
            seen += 1
    return len(text)


class LongTextBox(FieldBox):
    """Multi-line text (minutes, objectives); F4 opens it in $EDITOR."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f4", "external_editor", "ui.key.editor")]

    def editor(self) -> ComposeResult:
        text = "" if self.initial is None else safe_display(self.initial)
        yield TextArea(
            text,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            classes="field-area",
        )

    @property
    def area(self) -> TextArea:
        return self.query_one(".field-area", TextArea)

    def snapshot(self) -> Any:
        return self.area.text

    def value(self) -> Any:
        return self.check(self.area.text)

    @on(TextArea.Changed, ".field-area")
    def _changed(self, event: TextArea.Changed) -> None:
        self.edited()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if self.dirty or self.has_class("-invalid"):
            self.validate_now()

    def action_external_editor(self) -> None:
        from tui.external import edit_text

        edited = edit_text(self.app, self.area.text, self.lang)
        if edited is not None and edited != self.area.text:
            self.area.load_text(edited)
            self.edited()


class PickBox(FieldBox):
    """An enumeration or a reference picked by typing part of its name."""

    def editor(self) -> ComposeResult:
        current = self.initial
        if isinstance(current, bool):
            current = "true" if current else "false"
        yield PickField(
            self.choices, current if isinstance(current, str) else None, classes="field-pick"
        )

    def choices(self) -> list[Choice]:
        if self.spec.widget == "ref" and self.spec.target:
            return record_choices(self.app.store, self.spec.target)
        return enum_choices(self.spec, self.lang)

    @property
    def picker(self) -> PickField:
        return self.query_one(".field-pick", PickField)

    def relabel(self) -> None:
        super().relabel()
        self.picker.set_placeholder(t("ui.form.pick_hint", self.lang))
        if self.spec.widget == "choice":
            self.picker.reset_choices()
            if self.picker.choice is not None:
                value = self.picker.choice.value
                self.picker.pick(next((c for c in self.picker.choices if c.value == value), None))

    def snapshot(self) -> Any:
        return (self.picker.value, self.picker.text if self.picker.choice is None else "")

    def value(self) -> Any:
        picker = self.picker
        if not picker.text.strip():
            return self.check(None)
        if picker.choice is None and not picker.settle():
            raise self._unresolved(picker)
        return self.check(picker.value)

    def _unresolved(self, picker: PickField) -> ValidationError:
        name, text = self.spec.name, picker.text
        found = picker.candidates()
        if self.spec.widget == "choice":
            names = ", ".join(c.label for c in picker.choices)
            return ValidationError.single(name, "validation.bad_choice", value=text, choices=names)
        kind = f"§kind.{self.spec.target}"
        if not found:
            return ValidationError.single(name, "validation.reference", kind=kind, value=text)
        names = ", ".join(c.label for c in found[:4])
        return ValidationError.single(
            name, "validation.reference_ambiguous", value=text, kind=kind, matches=names
        )

    @on(PickField.Picked)
    def _picked(self, event: PickField.Picked) -> None:
        self.edited()
        if self.has_class("-invalid") or event.choice is not None:
            self.validate_now()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.edited()

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        if self.dirty or self.has_class("-invalid"):
            self.validate_now()


class MultiBox(FieldBox):
    """Several references (coordinating units) or attendees with their attendance."""

    def editor(self) -> ComposeResult:
        if self.spec.widget == "attendees":
            values = dict(self.initial or {})
            roles: Iterable[str] = self.spec.codes or {}
        else:
            values = {v: "" for v in (self.initial or [])}
            roles = ()
        yield MultiPick(
            self.choices,
            values,
            roles=list(roles),
            role_label=self.role_label,
            classes="field-multi",
        )

    def choices(self) -> list[Choice]:
        return record_choices(self.app.store, self.spec.target or "unit")

    def role_label(self, role: str) -> str:
        return t(f"{self.spec.prefix}.{role}", self.lang)

    @property
    def multi(self) -> MultiPick:
        return self.query_one(".field-multi", MultiPick)

    def relabel(self) -> None:
        super().relabel()
        hint = (
            "ui.form.multi_hint" if self.spec.widget == "attendees" else "ui.form.multi_hint_units"
        )
        self.multi.picker.set_placeholder(t(hint, self.lang))
        if self.is_mounted and self.multi.is_mounted:
            self.multi.render_chosen()

    def snapshot(self) -> Any:
        return tuple(self.multi.chosen.items())

    def value(self) -> Any:
        picker = self.multi.picker
        if picker.text.strip() and not picker.settle():
            kind = f"§kind.{self.spec.target}"
            raise ValidationError.single(
                self.spec.name, "validation.reference", kind=kind, value=picker.text
            )
        chosen = self.multi.chosen
        if not chosen:
            return self.check(None)
        if self.spec.widget == "attendees":
            return self.check(dict(chosen))
        return self.check(list(chosen))

    @on(MultiPick.Changed)
    def _changed(self, event: MultiPick.Changed) -> None:
        self.edited()


class ReadingsBox(TextBox):
    """Indicator readings typed as ``30/06/2011: 6/22; 31/12/2011: 70%``."""

    placeholder_key = "ui.form.readings_hint"

    def display_initial(self) -> str:
        readings = self.initial or {}
        parts = []
        for when in sorted(readings):
            reading = readings[when]
            num, den = reading.get("numerator"), reading.get("denominator")
            if num is not None and den:
                shown = f"{num}/{den}"
            else:
                value = reading.get("value")
                shown = "" if value is None else f"{value:g}".replace(".", ",") + "%"
            parts.append(f"{format_date(when)}: {shown}")
        return "; ".join(parts)

    def value(self) -> Any:
        text = self.input.value
        if not text.strip():
            return self.check(None)
        store = self.app.store
        readings = to_logical(store, self.spec.kind, {"readings": text.replace(": ", ":")})
        return self.check(readings["readings"])


class SignerRow(Horizontal):
    """One signer: the person, their chức vụ, how they sign (TM. / KT. / TL. / Q. / in their
    own name) and for whom; a row with none of these is left out."""

    app = getters.app(SotayApp)

    def __init__(
        self,
        people: Callable[[], list[Choice]],
        forms: Callable[[], list[Choice]],
        person: str | None = None,
        item: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(classes="signer-row")
        self._people, self._forms, self._person = people, forms, person
        self._item = dict(item or {})

    def compose(self) -> ComposeResult:
        item, form = self._item, self._item.get("form") or ("plain" if self._person else None)
        yield PickField(self._people, self._person, classes="signer-person")
        yield Input(safe_display(item.get("position")), compact=True, classes="signer-position")
        yield PickField(self._forms, form, classes="signer-form")
        yield Input(safe_display(item.get("behalf")), compact=True, classes="signer-behalf")

    def on_mount(self) -> None:
        self.relabel(self.app.ui_lang)

    @property
    def person(self) -> PickField:
        return self.query_one(".signer-person", PickField)

    @property
    def form(self) -> PickField:
        return self.query_one(".signer-form", PickField)

    def text(self, name: str) -> str:
        return self.query_one(f".signer-{name}", Input).value.strip()

    @property
    def blank(self) -> bool:
        if not self.children:
            return True  # just added, its fields not made yet: empty
        return not (self.person.text.strip() or self.text("position") or self.text("behalf"))

    def snapshot(self) -> tuple[object, ...]:
        """What the row holds: a picked value by itself (its label follows the language),
        text typed that matches nothing as it is."""
        picked = [(p.value, p.text if p.choice is None else "") for p in (self.person, self.form)]
        return (*picked, self.text("position"), self.text("behalf"))

    def relabel(self, lang: Lang) -> None:
        if not self.children:
            return  # labelled when its fields are made (see on_mount)
        self.person.set_placeholder(t("ui.signers.person", lang))
        self.query_one(".signer-position", Input).placeholder = t("ui.signers.position", lang)
        self.form.set_placeholder(t("ui.signers.form", lang))
        self.query_one(".signer-behalf", Input).placeholder = t("ui.signers.behalf", lang)
        form = self.form
        chosen = form.value
        form.reset_choices()
        if chosen is not None:
            form.pick(next((c for c in form.choices if c.value == chosen), None))


class SignersBox(FieldBox):
    """Who signs for a body (a committee unit): a row per signer in signing order, the first
    signing by default; typing into the empty last row adds another."""

    def editor(self) -> ComposeResult:
        head = [Label("", classes=f"signer-{name}") for name in SIGNER_COLUMNS]
        yield Horizontal(*head, classes="signer-row signers-head")
        signers = dict(self.initial or {})
        ordered = sorted(signers, key=lambda p: _signing_order(signers[p]))
        rows = [self._row(person, signers[person]) for person in ordered]
        yield Vertical(*rows, self._row(), classes="signer-rows")
        yield Static("", classes="signers-hint")

    def _row(self, person: str | None = None, item: Any = None) -> SignerRow:
        return SignerRow(self.people, self.forms, person, item if isinstance(item, dict) else {})

    def people(self) -> list[Choice]:
        return record_choices(self.app.store, "person")

    def forms(self) -> list[Choice]:
        return enum_choices(FieldSpec("unit", "form", "choice", codes=SIGNING_FORMS), self.lang)

    def rows(self) -> list[SignerRow]:
        return list(self.query(SignerRow))

    def relabel(self) -> None:
        super().relabel()
        for name, label in zip(SIGNER_COLUMNS, self.query(".signers-head Label"), strict=True):
            cast(Label, label).update(t(f"ui.signers.{name}", self.lang))
        self.query_one(".signers-hint", Static).update(t("ui.signers.hint", self.lang))
        for row in self.rows():
            row.relabel(self.lang)

    def snapshot(self) -> Any:
        return tuple(row.snapshot() for row in self.rows() if not row.blank)

    def value(self) -> Any:
        signers: dict[str, dict[str, Any]] = {}
        for number, row in enumerate((r for r in self.rows() if not r.blank), 1):
            person, item = self._signer(row, number)
            if person in signers:
                name = row.person.text
                raise ValidationError.single(
                    self.spec.name, "ui.signers.twice", row=number, name=name
                )
            signers[person] = {**item, "order": number - 1}
        return self.check(signers or None)

    def _signer(self, row: SignerRow, number: int) -> tuple[str, dict[str, Any]]:
        name, person, form = self.spec.name, row.person, row.form
        if person.choice is None and not person.settle():
            raise ValidationError.single(
                name, "ui.signers.no_person", row=number, value=person.text
            )
        if not row.text("position"):
            raise ValidationError.single(name, "ui.signers.no_position", row=number)
        if form.text.strip() and form.choice is None and not form.settle():
            names = ", ".join(c.label for c in form.choices)
            raise ValidationError.single(
                name, "validation.bad_choice", value=form.text, choices=names
            )
        item = {"position": row.text("position"), "form": form.value or "plain"}
        return str(person.value), item | (
            {"behalf": row.text("behalf")} if row.text("behalf") else {}
        )

    @on(Input.Changed)
    @on(PickField.Picked)
    def _typed(self, event: Message) -> None:
        rows = self.rows()
        if rows and not rows[-1].blank:
            self.query_one(".signer-rows", Vertical).mount(self._row())
        self.edited()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if self.dirty or self.has_class("-invalid"):
            self.validate_now()


SIGNER_COLUMNS = ("person", "position", "form", "behalf")


def _signing_order(item: Any) -> tuple[bool, int]:
    order = item.get("order") if isinstance(item, dict) else None
    return (order is None, order if isinstance(order, int) else 0)


BOXES: dict[str, type[FieldBox]] = {
    "text": TextBox,
    "number": NumberBox,
    "date": DateBox,
    "money": MoneyBox,
    "long": LongTextBox,
    "choice": PickBox,
    "ref": PickBox,
    "refs": MultiBox,
    "attendees": MultiBox,
    "readings": ReadingsBox,
    "signers": SignersBox,
}


def make_box(
    spec: FieldSpec, value: Any = None, *, id: str | None = None, label_key: str | None = None
) -> FieldBox:
    return BOXES[spec.widget](spec, value, id=id, label_key=label_key)


# ---------------------------------------------------------------------------
# A record's form
# ---------------------------------------------------------------------------
class FormInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(len(problems))
        self.problems = problems


class RecordForm(VerticalScroll):
    """The fields of one record; :meth:`collect` gives the changes to save or raises."""

    def __init__(
        self,
        kind: str,
        record: Record | None,
        *,
        names: list[str] | None = None,
        defaults: Mapping[str, Any] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="record-form")
        self.kind = kind
        self.record = record
        self.names = names or list(SPECS[kind].form_fields)
        self.defaults = dict(defaults or {})

    def compose(self) -> ComposeResult:
        data = self.record.data if self.record is not None else self.defaults
        for name in self.names:
            yield make_box(spec_for(self.kind, name), data.get(name))

    def boxes(self) -> list[FieldBox]:
        return list(self.query(FieldBox))

    def box(self, name: str) -> FieldBox | None:
        for box in self.boxes():
            if box.spec.name == name:
                return box
        return None

    @property
    def dirty(self) -> bool:
        return any(box.dirty for box in self.boxes())

    def collect(self) -> dict[str, Any]:
        """Validate every field; the changes to save (all values for a new record, only the
        edited ones for an existing record).  Raises :class:`FormInvalid`."""
        problems: list[Problem] = []
        changes: dict[str, Any] = {}
        for box in self.boxes():
            found = box.validate_now()
            if found:
                problems.extend(found)
                continue
            if self.record is None:
                value = box.value()
                if value is not None:
                    changes[box.spec.name] = value
            elif box.dirty:
                changes[box.spec.name] = box.value()
        if problems:
            self.focus_problem(problems)
            raise FormInvalid(problems)
        if self.record is None:
            for key, value in self.defaults.items():
                if key not in self.names and value is not None:
                    changes[key] = value
        return changes

    def show_problems(self, problems: Iterable[Problem], lang: Lang) -> list[Problem]:
        """Put each problem under its field; return those that belong to no field."""
        left = []
        for problem in problems:
            box = self.box(problem.field)
            if box is None:
                left.append(problem)
            else:
                box.show_error(problem.message(lang))
        self.focus_problem(list(problems))
        return left

    def focus_problem(self, problems: list[Problem]) -> None:
        for problem in problems:
            box = self.box(problem.field)
            if box is not None:
                box.focus_editor()
                self.scroll_to_widget(box, animate=False)
                return

    def mark_saved(self) -> None:
        for box in self.boxes():
            box.mark_saved()

    def relabel(self) -> None:
        for box in self.boxes():
            box.relabel()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()
