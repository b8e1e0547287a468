"""The field schema is the one description of a kind: the models, the forms, the presenters
and the flat-key handling follow it, and adding a field is one edit there plus its label."""

from __future__ import annotations

import dataclasses
import io
import tokenize
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from domain import schema
from domain.errors import ValidationError
from domain.i18n import CATALOGUE, known
from domain.models import KINDS, model_of
from domain.records import to_flat, validate
from domain.schema import SPECS, Field
from sync.record import Record
from sync.store import Store
from tui.app import build_app
from tui.present import describe, display_value
from tui.screens.form import RecordFormScreen
from tui.widgets.forms import FieldBox, MoneyBox

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("domain", "sync", "server_stub", "documents", "tui", "bench")


@pytest.fixture
def with_grant(monkeypatch: pytest.MonkeyPatch) -> Field:
    """A fixture schema: projects gain a money field, ``grant``, after their budget — the one
    schema edit (as ``domain.models`` builds the models at import, the test rebuilds that
    kind's model the same way) and its label."""
    spec = SPECS["project"]
    grant = Field("grant", "money")
    at = spec.fields.index("budget") + 1
    extended = dataclasses.replace(spec, declared=(*spec.declared[:at], grant, *spec.declared[at:]))
    # the model first: what it restores is the schema's own (KINDS builds a model when asked)
    monkeypatch.setitem(KINDS, "project", model_of(extended))
    monkeypatch.setitem(SPECS, "project", extended)
    monkeypatch.setitem(CATALOGUE, "field.grant", ("Vốn hỗ trợ", "Grant"))
    return grant


def test_a_field_added_to_the_schema_is_validated_by_the_model(with_grant: Field) -> None:
    data = validate("project", {"name": "Cổng dữ liệu", "grant": "1.500.000"})
    assert data["grant"] == 1_500_000
    assert list(data) == ["name", "grant"]
    with pytest.raises(ValidationError) as err:
        validate("project", {"name": "Cổng dữ liệu", "grant": "một triệu"})
    assert err.value.problems[0].field == "grant"


async def test_a_field_added_to_the_schema_is_typed_on_the_form(
    with_grant: Field, store: Store
) -> None:
    app = build_app(store, None, sync_interval=None)
    async with app.run_test(size=(140, 44)) as pilot:
        await app.push_screen(RecordFormScreen("project", None))
        await pilot.pause()
        names = [box.spec.name for box in app.screen.query(FieldBox)]
        assert names[names.index("budget") + 1] == "grant"
        app.screen.query_one("#field-name", FieldBox).query_one(Input).value = "Cổng dữ liệu"
        grant = app.screen.query_one("#field-grant", MoneyBox)
        grant.input.focus()
        await pilot.press(*"1500000")
        assert grant.input.value == "1.500.000"
        await pilot.press("ctrl+s")
        await pilot.pause()
    (project,) = store.list("project")
    assert project.data["grant"] == 1_500_000


def test_a_field_added_to_the_schema_is_shown_formatted(with_grant: Field, store: Store) -> None:
    assert display_value(store, "project", "grant", 1_500_000) == "1.500.000 đ"
    fields = validate("project", {"name": "Cổng dữ liệu", "budget": 9_000_000, "grant": 1_500_000})
    doc = {"id": "p1", "kind": "project", "scope": "vn", "fields": to_flat("project", fields)}
    shown = describe(store, Record(doc), "vi", date(2024, 1, 1))
    labels = [name for name, _value in shown]
    assert ("Vốn hỗ trợ", "1.500.000 đ") in shown
    assert labels.index("Vốn hỗ trợ") == labels.index(CATALOGUE["field.budget"][0]) + 1


def test_the_models_and_the_schema_describe_the_same_fields() -> None:
    assert set(KINDS) == set(SPECS)
    for kind, model in KINDS.items():
        spec = SPECS[kind]
        assert tuple(model.model_fields) == spec.fields, kind
        required = tuple(n for n, info in model.model_fields.items() if info.is_required())
        assert required == spec.required == model.REQUIRED, kind
        assert spec.title in spec.fields, kind
        assert set(spec.sets) | set(spec.refs) | spec.long_text <= set(spec.fields), kind
        assert set(spec.form_fields) <= set(spec.fields) - spec.system, kind
        for start, end in spec.order:
            assert spec.by_name[start].type == spec.by_name[end].type == "date", kind


def test_every_code_of_a_choice_has_its_label() -> None:
    for kind, spec in SPECS.items():
        for f in spec.declared:
            for code in f.codes:
                assert known(f"{f.labels}.{code}"), f"{kind}.{f.name}: {code}"


def test_a_flat_prefix_names_one_field_in_every_kind() -> None:
    assert schema.flat_key("published_to", "vn/bac-giang") == "pub:vn/bac-giang"
    assert schema.split_key("attendee:p1") == ("attendee", "p1")
    assert schema.split_key("title") == ("title", None)
    assert schema.element_of("readings", "reading:2024-06-30") == "2024-06-30"
    assert schema.element_of("readings", "attendee:p1") is None
    assert schema.logical_name("meeting", "attendee:p1") == "attendees"
    assert schema.logical_name("meeting", "coord:u1") == "coord:u1"
    with pytest.raises(ValueError, match="prefix"):
        Field("tags", "refs", target="unit")


def test_open_conflict() -> None:
    assert schema.is_open_conflict("conflict", {})
    assert schema.is_open_conflict("conflict", {"status": "open"})
    assert not schema.is_open_conflict("conflict", {"status": "resolved"})
    assert not schema.is_open_conflict("conflict", {}, deleted=True)
    assert not schema.is_open_conflict("task", {})


def _strings(path: Path) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [t.string for t in tokens if t.type == tokenize.STRING]


def test_no_flat_prefix_or_open_status_is_written_outside_the_schema() -> None:
    prefixes = tuple(f"{p}:" for p in schema.PREFIXES.values())
    found = []
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "domain" / "schema.py":
                continue
            for text in _strings(path):
                body = text.lstrip("bfrBFR").strip("'\"")
                if body.startswith(prefixes) or body.startswith('"pub:'):
                    found.append(f"{path.relative_to(ROOT)}: {text}")
            source = path.read_text(encoding="utf-8")
            if '"status", "open"' in source:
                found.append(f"{path.relative_to(ROOT)}: an open-conflict test")
    assert found == []


def test_a_kinds_model_is_built_when_it_is_first_needed_and_once() -> None:
    """``sotay import`` of tasks builds the task model, not all eleven (issue 10)."""
    import subprocess
    import sys

    probe = (
        "from domain import models\n"
        "from domain.records import validate\n"
        "assert models.KINDS._built == {}\n"
        "validate('unit', {'name': 'Sở Nội vụ'})\n"
        "first = models.KINDS['unit']\n"
        "assert list(models.KINDS._built) == ['unit'] and models.KINDS['unit'] is first\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [KINDS[kind] for kind in KINDS] == [KINDS[kind] for kind in SPECS]
