"""Every demo fact comes from a seed (issue 12, acceptance 4).

Each demo record carries a ``source``: the seed file (a copy of ../shared/seeds, in
tests/domain/seeds) and the sentences it comes from, each an exact substring of the seed
(NFC, whitespace collapsed). Every number and date in the record's fields occurs in one of
those sentences, or in ``derived``: a value the seed implies, with the seed's own words for
it (14/06/2011, the cut-off of the first-half report, for "Trong sáu tháng đầu năm 2011"). A
record that needs a value the seed does not give is ``illustrative``, and its documents
print "Số liệu minh họa".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.demo import rows

SEEDS = Path(__file__).with_name("seeds")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_QUARTER = re.compile(r"(quý\s+)(IV|III|II|I)\b", re.IGNORECASE)
_LIST_MARK = re.compile(r"^\s*\d+\.\s", re.MULTILINE)  # "1. " numbering an agenda
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
#: fields that hold no fact: a sort order, the plan's own numbering, a reference
_NOT_FACTS = frozenset({"order", "stt"})


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def seed_text(name: str) -> str:
    return normal((SEEDS / name).read_text("utf-8"))


def figures(text: str) -> tuple[set[date], set[int]]:
    """The dates and the other whole numbers of a text ("05" is 5, "2.0" is 2 and 0, the
    quarter of "Quý III/2022" is 3)."""
    text = _QUARTER.sub(lambda m: m.group(1) + _ROMAN[m.group(2).lower()], text)
    dates = set()
    for m in _DATE.finditer(text):
        d, mo, y = (int(g) for g in m.groups())
        dates.add(date(y, mo, d))
    rest = _DATE.sub(" ", text)
    return dates, {int(n) for n in re.findall(r"\d+", rest)}


def values(value: Any) -> Iterator[str]:
    """Every scalar of a field value as text, references and sort orders left out."""
    if isinstance(value, bool):
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in _NOT_FACTS:
                continue
            if not str(key).startswith("@"):
                yield str(key)
            yield from values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from values(inner)
    elif isinstance(value, (int, float)):
        yield str(int(value)) if float(value).is_integer() else str(value)
    elif not str(value).startswith("@"):
        yield _LIST_MARK.sub("", str(value))


def untraced(row: dict[str, Any]) -> list[str]:
    """The record's numbers and dates found neither in its sentences nor in ``derived``."""
    source = row["source"]
    sentence_dates, sentence_ints = figures(" ".join(source["sentences"]))
    derived = source.get("derived", {})
    derived_dates, derived_ints = figures(" ".join(derived))
    missing = []
    for name, value in row["fields"].items():
        if name in _NOT_FACTS:
            continue
        for text in values(value):
            found_dates, found_ints = figures(text)
            extra_dates = found_dates - sentence_dates - derived_dates
            extra_ints = found_ints - sentence_ints - derived_ints
            missing += [f"{name}: {d:%d/%m/%Y}" for d in sorted(extra_dates)]
            missing += [f"{name}: {n}" for n in sorted(extra_ints)]
    return missing


ROWS = rows()


@pytest.mark.parametrize("row", ROWS, ids=[r["key"] for r in ROWS])
def test_each_demo_record_is_traced_to_sentences_of_its_seed(row: dict[str, Any]) -> None:
    source = row.get("source")
    assert source, f"{row['key']} names no seed"
    text = seed_text(source["seed"])
    absent = [s for s in source["sentences"] if normal(s) not in text]
    absent += [w for w in source.get("derived", {}).values() if normal(w) not in text]
    assert source["sentences"] and absent == []


@pytest.mark.parametrize("row", ROWS, ids=[r["key"] for r in ROWS])
def test_each_number_and_date_of_a_demo_record_is_in_its_seed(row: dict[str, Any]) -> None:
    if row["fields"].get("illustrative"):
        return
    assert untraced(row) == []


def test_the_illustrative_records_are_few_and_say_so_in_their_notes() -> None:
    marked = [r["key"] for r in ROWS if r["fields"].get("illustrative")]
    assert marked == ["t.bg11.4"]
    assert all("minh họa" in str(r["fields"].get("notes")) for r in ROWS if r["key"] in marked)


def test_the_roster_lists_only_the_people_the_seeds_name() -> None:
    people = sorted(r["fields"]["name"] for r in ROWS if r["kind"] == "person")
    assert people == ["Bùi Văn Hạnh", "Hầu A Lềnh", "Nguyễn Minh Hồng", "Nguyễn Ngọc Hà"]
    attendees = {
        r["key"]: sorted(r["fields"].get("attendees", {})) for r in ROWS if r["kind"] == "meeting"
    }
    assert attendees["m.ttk2014"] == ["@p.ha"]


def test_the_check_catches_an_invented_figure() -> None:
    row = next(r for r in ROWS if r["key"] == "t.1772.I.6")
    invented = {**row, "fields": {**row["fields"], "progress": 40, "timeframe": "Quý I/2022"}}
    assert sorted(untraced(invented)) == ["progress: 40", "timeframe: 1"]
