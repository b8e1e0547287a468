"""F9: text that came from elsewhere reaches no terminal raw.

A record pulled from the server may hold C0/C1 controls (U+009B is an 8-bit CSI) and bidi
overrides.  ``export`` and every JSON output escape them as ``\\uXXXX`` inside the JSON
strings — the same data, so ``sotay import`` reads back exactly the same text — and tables,
``show`` and ``find`` print the text through the one ``domain.text.safe_display``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from sync.store import Store
from tui.cli import run

HOSTILE = (
    "Kế hoạch \x9b31m đỏ \u202eđảo ngược\u202c \x1b[2J xóa \x1b]8;;http://x\x07liên kết"
    "\x1b]8;;\x07 \u2066cô lập\u2069 \x7fdel \x85nel \u202atrái\u202d"
)
#: Nothing a terminal acts on: C0 but TAB / LF, DEL, C1, the bidi overrides and isolates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UNIT = "0190a000-0000-7000-8000-00000000c0de"
TASK = "0190a000-0000-7000-8000-00000000beef"


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A profile holding records pulled from a server that let control characters through."""
    d = tmp_path / "data"
    assert run(["--data", str(d), "init", "--office", "vn/bac-giang", "--name", "BG"]) == 0
    with Store.open(d) as store, store.transaction() as tx:
        tx.take_base(
            {
                "id": UNIT,
                "kind": "unit",
                "scope": "vn/bac-giang",
                "seq": 1,
                "fields": {"name": HOSTILE, "abbr": "X\x9bY"},
                "versions": {},
            }
        )
        tx.take_base(
            {
                "id": TASK,
                "kind": "task",
                "scope": "vn/bac-giang",
                "seq": 2,
                "fields": {
                    "title": HOSTILE,
                    "lead_unit_id": UNIT,
                    "notes": f"dòng một\n\tdòng hai {HOSTILE}",
                },
                "versions": {},
            }
        )
    capsys.readouterr()
    return d


def _out(data: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert run(["--data", str(data), *args]) == 0, args
    out, err = capsys.readouterr()
    assert not RAW.search(err), (args, err)
    return out


def test_export_escapes_the_controls_and_keeps_the_data(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _out(data, capsys, "export")
    assert not RAW.search(out), "nothing raw reaches the terminal"
    for needle in ("\x9b", "\u202e", "\x1b"):
        assert needle not in out
    assert "\\u009b" in out and "\\u202e" in out and "\\u001b" in out, "escaped, visibly"
    items = {item["id"]: item for item in map(orjson.loads, out.splitlines())}
    assert items[TASK]["fields"]["title"] == HOSTILE, "the data is intact"
    assert items[UNIT]["fields"]["name"] == HOSTILE and items[UNIT]["fields"]["abbr"] == "X\x9bY"

    whole = _out(data, capsys, "export", "--format", "json")
    assert not RAW.search(whole.replace("\n", ""))
    assert {i["id"]: i for i in orjson.loads(whole)} == items


@pytest.mark.parametrize(
    "args", [["show", TASK, "--json"], ["ls", "task", "--json"], ["find", "ke hoach", "--json"]]
)
def test_every_json_output_escapes_them(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    out = _out(data, capsys, *args)
    assert not RAW.search(out)
    assert orjson.loads(out.splitlines()[0])["fields"]["title"] == HOSTILE


@pytest.mark.parametrize(
    "args",
    [
        ["ls", "task"],
        ["ls", "unit"],
        ["show", TASK],
        ["show", TASK, "--history"],
        ["find", "ke hoach"],
        ["status"],
        ["conflicts"],
    ],
)
def test_tables_and_show_strip_them(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    out = _out(data, capsys, *args)
    assert not RAW.search(out), (args, out)
    if args[0] in ("ls", "show", "find") and args[1:2] != ["unit"]:
        assert "Kế hoạch" in out and "đảo ngược" in out, "the text itself is shown"


def test_sotay_import_reads_the_export_back_to_exactly_the_same_text(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text(_out(data, capsys, "export"), encoding="utf-8")
    handed: list[Any] = []
    real = Store.import_records

    def spy(self: Store, items: Any, **kwargs: Any) -> dict[str, int]:
        items = list(items)
        handed.extend(item for _line, item in items)
        return real(self, items, **kwargs)

    monkeypatch.setattr(Store, "import_records", spy)
    other = tmp_path / "other"
    assert (
        run(["--data", str(other), "init", "--office", "vn", "--name", "HQ", "--role", "hq"]) == 0
    )
    assert run(["--data", str(other), "import", str(dump)]) == 0
    capsys.readouterr()
    by_id = {item["id"]: item for item in handed}
    assert by_id[TASK]["fields"]["title"] == HOSTILE
    assert by_id[TASK]["fields"]["notes"] == f"dòng một\n\tdòng hai {HOSTILE}"
    assert by_id[UNIT]["fields"]["abbr"] == "X\x9bY"
    # what the store then keeps is the domain's business (its input cleaning); whatever it
    # keeps, printing it is safe
    assert not RAW.search(_out(other, capsys, "export"))
    assert not RAW.search(_out(other, capsys, "ls", "task"))
